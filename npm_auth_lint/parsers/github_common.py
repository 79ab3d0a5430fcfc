"""Shared pieces of the GitHub Actions parser: loaded files, scalars, substitution, env, paths.

Everything here takes YAML values of any shape and never raises on them: a value of the wrong
type reads as absent.
"""

from __future__ import annotations

import posixpath
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from npm_auth_lint import lazy_regex, yamlio
from npm_auth_lint.credential_sources import classify_value
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import EnvScope, EnvVar, Location, Provider, Reference, Text
from npm_auth_lint.workspace import FileReadError, Workspace, split_lines

# GitHub allows composite actions and reusable workflows to nest 10 levels deep; deeper (or
# cyclic) chains are reported as references instead of being followed.
MAX_NESTING = 10
# Composite actions and reusable workflows followed per parsed file: fan-out at every level of a
# deep chain could otherwise multiply into millions of jobs.
MAX_EXPANSIONS = 2000

_INPUT = lazy_regex.compile(r"\$\{\{\s*inputs\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")
_SECRET = lazy_regex.compile(r"\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")
_WORKSPACE = lazy_regex.compile(r"^\$\{\{\s*github\.workspace\s*\}\}(?:/|$)")


@frozen_dataclass
class Source:
    """A loaded YAML file: its repository path, top-level mapping and lines (for columns)."""

    path: str
    data: yamlio.YMap
    lines: tuple[str, ...]


@dataclass
class _Shared:
    """What every ``parse`` call on one workspace can share: the files it reads are a snapshot
    (``Workspace.read`` keeps each text), so a composite action or reusable workflow that many
    workflows use is loaded once, and whether a local file exists is asked once."""

    loaded: dict[str, Source | str] = field(default_factory=dict)
    exists: dict[str, bool] = field(default_factory=dict)


_SHARED: weakref.WeakKeyDictionary[Workspace, _Shared] = weakref.WeakKeyDictionary()


def _shared(workspace: Workspace) -> _Shared:
    shared = _SHARED.get(workspace)
    if shared is None:
        shared = _SHARED[workspace] = _Shared()
    return shared


@dataclass
class State:
    """What one ``parse`` call shares: the workspace, loaded files and the references found.

    Files loaded through :meth:`load` (actions, called workflows) are also kept for every other
    ``parse`` call on the workspace: their YAML trees are only read, never changed. The entry
    workflow is kept for this call only (most are never called: keeping every workflow's tree
    would hold all of them in memory at once)."""

    workspace: Workspace
    loaded: dict[str, Source | str] = field(default_factory=dict)
    references: dict[Reference, None] = field(default_factory=dict)  # ordered, without repeats
    expansions: int = 0

    def may_expand(self) -> bool:
        """Count one more followed action or workflow; False once the budget is spent."""
        self.expansions += 1
        return self.expansions <= MAX_EXPANSIONS

    def load(self, path: str) -> Source | str:
        """The file as a :class:`Source`, or a message saying why it cannot be used."""
        if path not in self.loaded:
            shared = _shared(self.workspace).loaded
            if path not in shared:
                shared[path] = _load(self.workspace, path)
            self.loaded[path] = shared[path]
        return self.loaded[path]

    def loaded_before(self, path: str) -> Source | str | None:
        """The file as an earlier :meth:`load` on the workspace left it, if any did."""
        return _shared(self.workspace).loaded.get(path)

    def exists(self, path: str) -> bool:
        """``Workspace.exists``, asked once per path."""
        known = _shared(self.workspace).exists
        if path not in known:
            known[path] = self.workspace.exists(path)
        return known[path]

    def refer(self, location: Location, what: str) -> None:
        self.references.setdefault(Reference(location, what), None)


def _load(workspace: Workspace, path: str) -> Source | str:
    try:
        text = workspace.read(path)
    except FileReadError as exc:
        return exc.message
    try:
        data = yamlio.load(text, path=path)
    except yamlio.LoadError as exc:
        return f"{exc.message} (line {exc.line})"
    if not isinstance(data, yamlio.YMap):
        return "expected a mapping at the top level"
    return Source(path, data, tuple(split_lines(text)))


def scalar_text(value: Any) -> str | None:
    """A YAML scalar as the text GitHub passes on (``true``, ``22.1``); None for other shapes."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            return str(value)
        return str(int(value)) if value.is_integer() else repr(value)
    if value is None:
        return ""
    return None


def location(path: str, pos: yamlio.Pos) -> Location:
    """A yamlio position in ``path`` as a model :class:`Location`."""
    return Location(path, pos.line, pos.column)


def key_location(path: str, mapping: yamlio.YMap, key: Any) -> Location:
    """Where ``key`` is written in ``mapping`` (the mapping's start if it is absent)."""
    pos = mapping.key_pos.get(key, mapping.pos)
    return location(path, pos)


def value_location(path: str, mapping: yamlio.YMap, key: Any) -> Location:
    """Where the value of ``key`` starts (the mapping's start if it is absent)."""
    pos = mapping.value_pos.get(key, mapping.pos)
    return location(path, pos)


def get_map(mapping: Any, key: str) -> yamlio.YMap | None:
    """``mapping[key]`` when both are mappings, else None."""
    value = mapping.get(key) if isinstance(mapping, yamlio.YMap) else None
    return value if isinstance(value, yamlio.YMap) else None


def get_text(mapping: Any, key: str) -> str | None:
    """A scalar value as text, or None when it is absent, null or not a scalar."""
    if not isinstance(mapping, yamlio.YMap):
        return None
    value = mapping.get(key)
    if value is None:
        return None
    return value if type(value) is str else scalar_text(value)


@frozen_dataclass
class Substitution:
    """What ``${{ inputs.X }}`` and ``${{ secrets.X }}`` stand for in a called file.

    ``inputs`` / ``secrets`` map lower-cased names (GitHub's contexts are case-insensitive) to
    the caller's text; ``None`` leaves the expressions as written (an entry workflow, or
    ``secrets: inherit`` from one). A secret the caller does not pass is empty at run time.
    """

    inputs: Mapping[str, str] | None = None
    secrets: Mapping[str, str] | None = None

    def expand(self, text: str) -> str:
        if "${{" not in text:
            return text
        if self.inputs is not None:
            inputs = self.inputs
            text = _INPUT.sub(lambda m: inputs.get(m.group(1).lower(), ""), text)
        if self.secrets is not None:
            secrets = self.secrets
            text = _SECRET.sub(lambda m: _secret(secrets, m), text)
        return text


def _secret(secrets: Mapping[str, str], match: re.Match[str]) -> str:
    name = match.group(1)
    if name.upper() == "GITHUB_TOKEN":  # always available to a called workflow
        return match.group(0)
    return secrets.get(name.lower(), "")


NO_SUBSTITUTION = Substitution()


def env_vars(mapping: Any, scope: EnvScope, path: str, subst: Substitution) -> tuple[EnvVar, ...]:
    """The variables of an ``env:`` mapping, each at its key's line."""
    if not isinstance(mapping, yamlio.YMap):
        return ()
    result = []
    for key, value in mapping.items():
        text = scalar_text(value)
        if text is None:
            continue
        text = subst.expand(text)
        result.append(
            EnvVar(str(key), text, key_location(path, mapping, key), scope, classify_value(text, Provider.GITHUB))
        )
    return tuple(result)


def texts(mapping: Any, path: str, subst: Substitution) -> dict[str, Text]:
    """Scalar values of a mapping (``with:``) as :class:`Text` at their value positions."""
    if not isinstance(mapping, yamlio.YMap):
        return {}
    result = {}
    for key, value in mapping.items():
        text = scalar_text(value)
        if text is not None:
            result[str(key)] = Text(subst.expand(text), value_location(path, mapping, key))
    return result


def normalize_directory(text: str) -> str:
    """A ``working-directory`` as a repository-relative path ('' for the root).

    GitHub resolves it against the workspace (the checkout). Expressions other than a leading
    ``${{ github.workspace }}`` and absolute paths are kept as written.
    """
    value = text.strip()
    match = _WORKSPACE.match(value)
    if match:
        value = value[match.end() :]
    if "${{" in value or value.startswith(("/", "~")) or re.match(r"^[A-Za-z]:[\\/]", value):
        return value
    normal = posixpath.normpath(value) if value else "."
    return "" if normal == "." else normal


def script_column(source_lines: tuple[str, ...], mapping: yamlio.YMap, key: Any) -> tuple[int, int]:
    """The (line, column) where the first line of a scalar's content is written."""
    pos = mapping.value_pos.get(key)
    if pos is None:
        return mapping.pos.line, mapping.pos.column
    if pos.style in ("|", ">"):
        first = pos.line + 1
        for index in range(first - 1, min(len(source_lines), pos.end_line)):
            line = source_lines[index]
            if line.strip():
                return first, len(line) - len(line.lstrip(" ")) + 1
        return first, pos.column
    if pos.style in ('"', "'"):
        return pos.line, pos.column + 1
    return pos.line, pos.column
