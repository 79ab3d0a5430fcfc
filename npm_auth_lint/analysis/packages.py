"""Which package.json files a publish step publishes."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

import pathspec

from npm_auth_lint.model import PackageJson, Project


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
        spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        members = (p for p in project.packages if p.directory and spec.match_file(p.directory + "/"))
    return tuple(sorted((p for p in members if not p.private), key=lambda p: p.path))
