"""Parse Yarn Berry's ``.yarnrc.yml`` into npmrc-like entries.

Credentials live at the top level (``npmAuthToken``, ``npmAuthIdent``, ``npmAlwaysAuth``), per
registry under ``npmRegistries: {"//host": {...}}`` and per scope under
``npmScopes: {name: {...}}``; entries from those blocks carry the registry or ``@scope``.
"""

from __future__ import annotations

from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.model import Location, NpmrcEntry, NpmrcFile, NpmrcKind, ParseError


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _entries(path: str, mapping: yamlio.YMap, scope: str | None) -> list[NpmrcEntry]:
    out: list[NpmrcEntry] = []
    for key, value in mapping.items():
        text = _scalar_text(value)
        if text is None or not isinstance(key, str):
            continue
        kpos, vpos = mapping.key_pos[key], mapping.value_pos[key]
        out.append(
            NpmrcEntry(
                key=key,
                value=text,
                location=Location(path, kpos.line, kpos.column),
                value_location=Location(path, vpos.line, vpos.column),
                raw_key=key,
                scope=scope,
            )
        )
    return out


def parse(path: str, text: str) -> NpmrcFile | ParseError:
    try:
        data = yamlio.load(text)
    except yamlio.LoadError as exc:
        return ParseError(Location(path, exc.line, exc.column), exc.message)
    if data is None:
        return NpmrcFile(path=path, kind=NpmrcKind.YARNRC_YML, entries=())
    if not isinstance(data, yamlio.YMap):
        return ParseError(Location(path, 1, 1), "expected a mapping at the top level of .yarnrc.yml")
    entries = _entries(path, data, None)
    registries = data.get("npmRegistries")
    if isinstance(registries, yamlio.YMap):
        for registry, block in registries.items():
            if isinstance(block, yamlio.YMap):
                entries.extend(_entries(path, block, str(registry)))
    scopes = data.get("npmScopes")
    if isinstance(scopes, yamlio.YMap):
        for name, block in scopes.items():
            if isinstance(block, yamlio.YMap):
                entries.extend(_entries(path, block, "@" + str(name).lstrip("@")))
    return NpmrcFile(path=path, kind=NpmrcKind.YARNRC_YML, entries=tuple(sorted(entries, key=lambda e: e.location)))
