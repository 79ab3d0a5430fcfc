"""Workspace package globs from ``pnpm-workspace.yaml`` and ``lerna.json``.

Globs are made repository-relative: a pattern in ``packages/x/lerna.json`` is relative to
``packages/x``. Negated patterns (``!**/test/**``) are kept with their ``!``.
"""

from __future__ import annotations

import posixpath

from npm_auth_lint import yamlio
from npm_auth_lint.model import Location, ParseError, Text


def _relative(base: str, pattern: str) -> str:
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    joined = posixpath.normpath(posixpath.join(base, body)) if base else posixpath.normpath(body)
    return ("!" if negated else "") + joined.lstrip("./")


def parse(path: str, text: str) -> tuple[Text, ...] | ParseError:
    try:
        data = yamlio.load(text, path=path)
    except yamlio.LoadError as exc:
        return ParseError(Location(path, exc.line, exc.column), exc.message)
    if data is None:
        return ()
    if not isinstance(data, yamlio.YMap):
        return ParseError(Location(path, 1, 1), "expected a mapping at the top level")
    packages = data.get("packages")
    if not isinstance(packages, yamlio.YSeq):
        return ()
    base = posixpath.dirname(path)
    return tuple(
        Text(_relative(base, item), Location(path, pos.line, pos.column))
        for item, pos in zip(packages, packages.item_pos)
        if isinstance(item, str) and item.strip()
    )
