"""Which package.json files a publish step publishes."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Mapping

from npm_auth_lint.analysis.facts import ToolPin
from npm_auth_lint.model import EnvVar, PackageJson, Project, ValueSourceKind
from npm_auth_lint.workspace import gitignore_spec


def normalise_dir(path: str) -> str:
    """A repository-relative folder without ``./`` or trailing slashes ('' for the root)."""
    text = path.strip().strip("\"'")
    if not text or text in (".", "./"):
        return ""
    text = posixpath.normpath(text)
    return "" if text in (".", "/") else text.lstrip("/").removeprefix("./")


def join_dir(base: str, relative: str) -> str | None:
    """``cd relative`` from ``base``; None when it cannot be known (``$VAR``, ``~``, absolute)."""
    target = relative.strip().strip("\"'")
    if not target or target.startswith(("$", "~", "/")) or "${{" in target:
        return None
    return normalise_dir(posixpath.join(base, target))


def package_for_dir(project: Project, directory: str) -> PackageJson | None:
    """The package.json of ``directory``, or of its nearest ancestor (how npm finds the prefix)."""
    current = normalise_dir(directory)
    while True:
        package = project.package_at(current)
        if package is not None:
            return package
        if not current:
            return None
        current = posixpath.dirname(current)


_WORKSPACES: dict[tuple[int, str | None], tuple[Project, tuple[PackageJson, ...]]] = {}


def workspace_packages(project: Project, root: PackageJson | None) -> tuple[PackageJson, ...]:
    """The publishable workspace packages of a monorepo whose root package is ``root``.

    Memoised per project: every lerna/changesets/`-r` publish of a large monorepo asks again.
    """
    key = (id(project), root.path if root is not None else None)
    cached = _WORKSPACES.get(key)
    if cached is not None and cached[0] is project:
        return cached[1]
    if len(_WORKSPACES) > 64:
        _WORKSPACES.clear()
    result = _workspace_packages(project, root)
    _WORKSPACES[key] = (project, result)
    return result


def _workspace_packages(project: Project, root: PackageJson | None) -> tuple[PackageJson, ...]:
    base = root.directory if root is not None else ""
    patterns: list[str] = [w.value for w in project.workspace_patterns]
    if root is not None:
        patterns += [posixpath.join(base, w.value) if base else w.value for w in root.workspaces]
    if not patterns:
        # No workspace configuration: every package below the root except the root itself.
        members: Iterable[PackageJson] = (
            p for p in project.packages if p.directory != base and p.directory.startswith(base)
        )
    else:
        spec, _ = gitignore_spec(patterns)  # RE2; an invalid pattern (`[z-a]`) matches nothing
        members = (p for p in project.packages if p.directory and spec.match_file(p.directory + "/"))
    return tuple(sorted((p for p in members if not p.private), key=lambda p: p.path))


def spec_package(project: Project, spec: str, directory: str) -> tuple[PackageJson | None, str]:
    """The package ``npm publish <spec>`` publishes: a folder with a package.json, else unknown.

    A tarball, a variable (``$package``) or a folder without a committed package.json does not
    say which package it is, so none is assumed (not the package of the current directory).
    """
    folder = join_dir(directory, spec)
    if folder is not None and not spec.strip().strip("\"'").endswith((".tgz", ".tar.gz")):
        package = project.package_at(folder)
        if package is not None:
            return package, folder
    return None, directory



def tool_pin(package_name: str | None, project: Project, package: PackageJson | None) -> ToolPin | None:
    """Where the publishing tool's version is pinned: a dependency, else (for a package
    manager) the ``packageManager`` field corepack activates, e.g. ``yarn@4.0.2+sha256...``,
    else package.json's ``volta`` pin."""
    if not package_name:
        return None
    root = project.package_at("")
    for candidate in (package, root):
        if candidate is not None and package_name in candidate.dependencies:
            text = candidate.dependencies[package_name]
            return ToolPin(package_name, text.value, text.location)
    for candidate in (package, root):
        manager = candidate.package_manager if candidate is not None else None
        if manager is not None:
            name, _, version = manager.value.strip().partition("@")
            if name == package_name and version:
                return ToolPin(package_name, version.partition("+")[0], manager.location)
    for candidate in (package, root):
        # Volta's yarn/pnpm shims run the version package.json pins (`volta pin yarn@3`).
        pinned = candidate.volta.get(package_name) if candidate is not None and package_name in ("yarn", "pnpm") else None
        if pinned is not None and pinned.value.strip():
            return ToolPin(package_name, pinned.value.strip(), pinned.location)
    return None



_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def selected_package(project: Project, selector: str, env: Mapping[str, EnvVar], directory: str) -> PackageJson | None:
    """The workspace package ``npm -w X`` / ``pnpm --filter X`` points at: a name or a folder.

    ``$VAR`` is filled in from a variable the file sets to a literal (GitLab job ``variables:``);
    pnpm's graph selectors (``X...``, ``...X``, ``{dir}``, globs, ``!X``) are left unresolved.
    """

    def fill(match: re.Match[str]) -> str:
        variable = env.get(match.group(1) or match.group(2))
        if variable is None or variable.source.kind is not ValueSourceKind.LITERAL:
            return "$"
        return variable.value

    text = _VARIABLE.sub(fill, selector).strip().strip("\"'")
    if not text or any(mark in text for mark in ("$", "*", "...", "{", "!", "^", "[")):
        return None
    for package in project.packages:
        if package.name is not None and package.name.value == text:
            return package
    folder = join_dir(directory, text)
    return project.package_at(folder) if folder is not None else None
