"""Where a publish goes and whether it asks for provenance (spec: "Publish target").

The registry comes from, highest first: ``--registry``, ``NPM_CONFIG_REGISTRY`` in the step's
environment, setup-node's ``registry-url`` (for its ``@scope`` only when it has one), the
package's ``publishConfig.registry``, ``registry=`` lines an earlier step wrote to an npmrc, the
project ``.npmrc``; npm's default registry otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from npm_auth_lint import commands as cmds
from npm_auth_lint.analysis.facts import TargetOrigin
from npm_auth_lint.analysis.registry_urls import NPMJS
from npm_auth_lint.model import EnvVar, NpmrcKind, PackageJson, Project, Text, ValueSourceKind


class JobRegistries(Protocol):
    """The registries a job has set up so far (the job walker's state)."""

    registry_url: str | None  # setup-node registry-url for unscoped packages
    scoped_registries: dict[str, str]  # setup-node registry-url per @scope
    registries: list[tuple[str | None, str, str]]  # npmrc `registry=` lines written: (scope, url, where)


def setup_node_scope(scope: Text | None, registry_url: str, project: Project) -> str | None:
    """The `@scope` setup-node writes its registry for, or None when it writes `registry=`.

    setup-node (``src/authutil.ts``) uses its ``scope`` input, or the repository owner for
    GitHub Packages, lower-cased. An expression or an unknown owner reads as unscoped, which
    keeps the registry-url in force for every package rather than guess.
    """
    text = scope.value.strip() if scope is not None else ""
    if not text and "npm.pkg.github.com" in registry_url.lower():
        text = project.remote.owner if project.remote is not None and project.remote.owner else ""
    if not text or "${{" in text:
        return None
    return "@" + text.lstrip("@").lower()



def package_scope(package: PackageJson | None) -> str | None:
    name = package.name.value if package is not None and package.name is not None else ""
    return name.split("/")[0] if name.startswith("@") else None



def registry_from_written(registries: list[tuple[str | None, str, str]], package: PackageJson | None) -> tuple[str, str] | None:
    """The registry an npmrc written earlier in the job sets for ``package`` (its scope's first)."""
    scope = package_scope(package)
    for wanted in ([scope] if scope else []) + [None]:
        for entry_scope, url, via in reversed(registries):
            if entry_scope == wanted:
                return url, via
    return None



def registry_from_npmrc(project: Project, directory: str, package: PackageJson | None) -> tuple[str, str] | None:
    package_name = package.name.value if package is not None and package.name is not None else ""
    scope = package_name.split("/")[0] if package_name.startswith("@") else None
    prefix = package.directory if package is not None else ""
    for folder in (prefix, "") if prefix else ("",):
        for npmrc in project.npmrcs_in(folder):
            if npmrc.kind is not NpmrcKind.NPMRC:
                continue
            for entry in reversed(npmrc.entries):
                if entry.key == "registry" and (entry.scope is None or (scope and entry.scope == scope)):
                    return entry.value, f"{npmrc.path} line {entry.location.line}"
    return None



def publish_target(
    project: Project,
    result: cmds.Publish | None,
    env: Mapping[str, EnvVar],
    state: JobRegistries,
    package: PackageJson | None,
    directory: str,
) -> tuple[str, TargetOrigin, str]:
    """The registry a publish writes to, where that comes from, and that in words (spec:
    "Publish target")."""
    if result is not None and result.registry:
        return result.registry, TargetOrigin.REGISTRY_FLAG, "--registry"
    for name in ("NPM_CONFIG_REGISTRY", "npm_config_registry"):
        variable = env.get(name)
        if variable is not None and variable.source.kind is ValueSourceKind.LITERAL:
            return variable.value, TargetOrigin.ENVIRONMENT, f"{name} at line {variable.location.line}"
    name = package.name.value if package is not None and package.name is not None else ""
    scope = name.split("/")[0].lower() if name.startswith("@") else None
    if scope is not None and scope in state.scoped_registries:
        return state.scoped_registries[scope], TargetOrigin.SETUP_NODE, f"setup-node registry-url (for {scope})"
    if package is None and state.scoped_registries and not state.registry_url:
        # Which package publishes is unknown: the scoped registry it was set up for is likelier
        # than npm's default.
        found_scope, url = next(reversed(state.scoped_registries.items()))
        return url, TargetOrigin.SETUP_NODE, f"setup-node registry-url (for {found_scope})"
    if state.registry_url:
        return state.registry_url, TargetOrigin.SETUP_NODE, "setup-node registry-url"
    if package is not None and "registry" in package.publish_config:
        text = package.publish_config["registry"]
        return text.value, TargetOrigin.PUBLISH_CONFIG, f"publishConfig.registry in {package.path}"
    found = registry_from_written(state.registries, package) or registry_from_npmrc(project, directory, package)
    if found:
        return found[0], TargetOrigin.NPMRC, found[1]
    if state.scoped_registries:
        scopes = ", ".join(sorted(state.scoped_registries))
        # Say why the job's own registry-url is not the target: a common surprise.
        return NPMJS, TargetOrigin.NPM_DEFAULT_BESIDE_SCOPED, f"npm's default registry: setup-node's registry-url is only for {scopes} packages"
    return NPMJS, TargetOrigin.NPM_DEFAULT, "npm's default registry"



def provenance(result: cmds.Publish | None, env: Mapping[str, EnvVar], package: PackageJson | None, project: Project) -> tuple[bool | None, str | None]:
    if result is not None and result.provenance is not None:
        return result.provenance, "--provenance flag" if result.provenance else "--provenance=false"
    variable = env.get("NPM_CONFIG_PROVENANCE") or env.get("npm_config_provenance")
    if variable is not None and variable.value.strip().lower() in ("true", "false"):
        return variable.value.strip().lower() == "true", f"NPM_CONFIG_PROVENANCE at line {variable.location.line}"
    if package is not None and "provenance" in package.publish_config:
        text = package.publish_config["provenance"]
        return text.value == "true", f"publishConfig.provenance in {package.path}"
    for npmrc in project.npmrcs:
        for entry in npmrc.get("provenance"):
            return entry.value.strip().lower() == "true", f"{npmrc.path} line {entry.location.line}"
    return None, None
