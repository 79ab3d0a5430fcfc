"""Where a publish goes and whether it asks for provenance (spec: "Publish target").

The registry comes from, highest first: ``--registry``, ``NPM_CONFIG_REGISTRY`` in the step's
environment, setup-node's ``registry-url`` (for its ``@scope`` only when it has one), the
package's ``publishConfig.registry``, ``registry=`` lines an earlier step wrote to the project
npmrc, the committed project ``.npmrc``, then ``registry=`` lines a script wrote to the *user*
config (``npm set registry X`` without ``--location=project``: npm reads the project config
first); npm's default registry otherwise. A ``@scope:registry=`` line, from whichever of these
files, beats all of them for a package of that scope: npm-registry-fetch's ``pickRegistry``
takes ``opts['@scope:registry']`` before ``opts.registry`` (``--registry``, publishConfig).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from npm_auth_lint import commands as cmds
from npm_auth_lint.analysis.facts import TargetOrigin
from npm_auth_lint.analysis.memo import first_provenance
from npm_auth_lint.analysis.registry_urls import NPMJS
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import EnvVar, NpmrcKind, PackageJson, Project, Text


@frozen_dataclass
class WrittenRegistry:
    """A ``registry=`` / ``@scope:registry=`` line a CI command wrote into an npmrc."""

    scope: str | None  # "@scope", or None for `registry=`
    url: str
    via: str  # where, in words
    level: str  # npm's config layer of the file written: "project" or "user"


class JobRegistries(Protocol):
    """The registries a job has set up so far (the job walker's state)."""

    registry_url: str | None  # setup-node registry-url for unscoped packages
    scoped_registries: dict[str, str]  # setup-node registry-url per @scope
    registries: list[WrittenRegistry]  # npmrc `registry=` lines written by CI commands


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



def registry_from_written(registries: list[WrittenRegistry], scope: str | None, level: str) -> tuple[str, str] | None:
    """The last ``registry=`` line for ``scope`` (None: unscoped) written to an npmrc of ``level``."""
    for written in reversed(registries):
        if written.scope == scope and written.level == level:
            return written.url, written.via
    return None



def registry_from_npmrc(project: Project, package: PackageJson | None, scope: str | None) -> tuple[str, str] | None:
    """The committed project ``.npmrc``'s ``registry=`` line for ``scope`` (None: unscoped)."""
    prefix = package.directory if package is not None else ""
    for folder in (prefix, "") if prefix else ("",):
        for npmrc in project.npmrcs_in(folder):
            if npmrc.kind is not NpmrcKind.NPMRC:
                continue
            for entry in reversed(npmrc.entries):
                if entry.key == "registry" and entry.scope == scope:
                    return entry.value, f"{npmrc.path} line {entry.location.line}"
    return None


def _scoped_registry(project: Project, state: JobRegistries, package: PackageJson | None, scope: str) -> tuple[str, TargetOrigin, str] | None:
    """A ``@scope:registry`` for the package's scope, from the highest config layer that has one."""
    found = registry_from_written(state.registries, scope, "project") or registry_from_npmrc(project, package, scope)
    if found:
        return found[0], TargetOrigin.NPMRC, f"{found[1]} ({scope}:registry, which npm prefers to any registry for {scope} packages)"
    written = registry_from_written(state.registries, scope, "user")
    if written:
        return written[0], TargetOrigin.NPMRC, f"{written[1]} ({scope}:registry)"
    if scope in state.scoped_registries:
        return state.scoped_registries[scope], TargetOrigin.SETUP_NODE, f"setup-node registry-url (for {scope})"
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
    "Publish target"). A registry from a variable is returned as written (``$REGISTRY``): the
    caller records it as unknown."""
    scope = package_scope(package)
    scoped = _scoped_registry(project, state, package, scope.lower()) if scope else None
    if scoped is not None:
        return scoped
    if result is not None and result.registry:
        return result.registry, TargetOrigin.REGISTRY_FLAG, "--registry"
    for name in ("NPM_CONFIG_REGISTRY", "npm_config_registry"):
        variable = env.get(name)
        if variable is not None and variable.value.strip():
            return variable.value, TargetOrigin.ENVIRONMENT, f"{name} at line {variable.location.line}"
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
    found = (
        registry_from_written(state.registries, None, "project")
        or registry_from_npmrc(project, package, None)
        # A script's `npm set registry X` writes the user config, which the project .npmrc beats.
        or registry_from_written(state.registries, None, "user")
    )
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
    found = first_provenance(project)  # an index: asked for every publish
    if found is not None:
        npmrc, entry = found
        return entry.value.strip().lower() == "true", f"{npmrc.path} line {entry.location.line}"
    return None, None
