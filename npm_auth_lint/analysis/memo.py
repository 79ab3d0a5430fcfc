"""Indexes of a :class:`~npm_auth_lint.model.Project` built once per project (issue #14).

The job walker asks the same question of the whole project for every publish (the first
``provenance=`` line of any .npmrc, the package named ``X``): a scan per publish made the analysis
quadratic in the size of a repository. Each index here is built on first use and kept beside the
project object until that object is freed (the project is frozen and its fields are tuples, so
an index never goes stale).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

from npm_auth_lint.model import NpmrcEntry, NpmrcFile, NpmrcKind, PackageJson, Project

T = TypeVar("T")

# id(project) -> index name -> index. The weak reference's callback drops a project's indexes when
# it is freed, before its id can be reused; the references themselves are kept in ``_REFS``.
_INDEXES: dict[int, dict[str, object]] = {}
_REFS: dict[int, weakref.ref[Project]] = {}


def _forget(key: int) -> Callable[[weakref.ref[Project]], None]:
    def drop(_: weakref.ref[Project]) -> None:
        _INDEXES.pop(key, None)
        _REFS.pop(key, None)

    return drop


def per_project(project: Project, name: str, build: Callable[[Project], T]) -> T:
    """``build(project)``, computed once per project object and index ``name``."""
    key = id(project)
    indexes = _INDEXES.get(key)
    if indexes is None:
        indexes = _INDEXES[key] = {}
        _REFS[key] = weakref.ref(project, _forget(key))
    if name not in indexes:
        indexes[name] = build(project)
    return indexes[name]  # type: ignore[return-value]


def first_provenance(project: Project) -> tuple[NpmrcFile, NpmrcEntry] | None:
    """The first ``provenance=`` line of the project's npmrc files, in their order."""
    return per_project(project, "provenance", _first_provenance)


def _first_provenance(project: Project) -> tuple[NpmrcFile, NpmrcEntry] | None:
    for npmrc in project.npmrcs:
        for entry in npmrc.entries:
            if entry.key == "provenance":
                return npmrc, entry
    return None


def yarn_auth_entries(project: Project) -> tuple[tuple[NpmrcFile, NpmrcEntry], ...]:
    """The ``npmAuthToken`` lines of the committed ``.yarnrc.yml`` files, in order."""
    return per_project(project, "yarn-auth", _yarn_auth_entries)


def _yarn_auth_entries(project: Project) -> tuple[tuple[NpmrcFile, NpmrcEntry], ...]:
    return tuple(
        (npmrc, entry)
        for npmrc in project.npmrcs
        if npmrc.kind is NpmrcKind.YARNRC_YML
        for entry in npmrc.entries
        if entry.key == "npmAuthToken"
    )


def package_named(project: Project, name: str) -> PackageJson | None:
    """The first package.json (in the project's order) whose ``name`` is ``name``."""
    return per_project(project, "by-name", _packages_by_name).get(name)


def _packages_by_name(project: Project) -> dict[str, PackageJson]:
    index: dict[str, PackageJson] = {}
    for package in project.packages:
        if package.name is not None:
            index.setdefault(package.name.value, package)
    return index
