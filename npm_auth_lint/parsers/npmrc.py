"""Parse npmrc-like files: ``.npmrc`` (npm's ini format) and Yarn 1's ``.yarnrc``.

npm reads ``.npmrc`` with the ``ini`` package: ``key = value`` lines, ``;`` and ``#`` comments,
optional quotes, ``[section]`` headers. Credential keys are *nerf-darted*: scoped to a registry
as ``//host[:port]/path/:_authToken``. Yarn 1's ``.yarnrc`` uses ``key value`` (lockfile syntax)
and also accepts ``key=value``.
"""

from __future__ import annotations

import re

from npm_auth_lint import lazy_regex
from npm_auth_lint.model import Location, NpmrcEntry, NpmrcFile, NpmrcKind
from npm_auth_lint.workspace import split_lines

_SECTION = lazy_regex.compile(r"^\s*\[[^\]]*\]\s*$")


def split_scope(raw_key: str) -> tuple[str, str | None]:
    """``//registry.npmjs.org/:_authToken`` -> (``_authToken``, ``//registry.npmjs.org/``).

    ``@scope:registry`` -> (``registry``, ``@scope``). The last colon separates the scope from
    the key because key names never contain one (a port in the host does).
    """
    if raw_key.startswith("//") or (raw_key.startswith("@") and ":" in raw_key):
        scope, _, key = raw_key.rpartition(":")
        if scope and key:
            return key, scope
    return raw_key, None


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace('\\"', '"') if value[0] == '"' else inner
    return value


def _strip_inline_comment(value: str) -> str:
    """``.yarnrc`` values: a ``;``/``#`` after whitespace starts a comment (an approximation)."""
    if value[:1] in "\"'":
        return value
    match = re.search(r"\s[;#]", value)
    return value[: match.start()] if match else value


def _ini_value(raw: str) -> str:
    """A value as npm's ``ini`` package reads it (``unsafe()``): a quoted value whole, else the
    text before the first unescaped ``;`` or ``#`` (no space needed), with ``\\;``/``\\#`` kept."""
    value = raw.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return _unquote(value)
    out: list[str] = []
    escaped = False
    for char in value:
        if escaped:
            out.append(char if char in "\\;#" else "\\" + char)
            escaped = False
        elif char in ";#":
            break
        elif char == "\\":
            escaped = True
        else:
            out.append(char)
    if escaped:
        out.append("\\")
    return "".join(out).strip()


def parse_npmrc(path: str, text: str, kind: NpmrcKind = NpmrcKind.NPMRC, first_line: int = 1,
                written_by: Location | None = None) -> NpmrcFile:
    """Parse npm's ini format (also used for npmrc text written by CI scripts).

    Never raises: lines that are not settings are skipped, as npm itself does.
    """
    entries: list[NpmrcEntry] = []
    for offset, line in enumerate(split_lines(text)):
        stripped = line.strip()
        if not stripped or stripped[0] in ";#" or _SECTION.match(line):
            continue
        if kind is NpmrcKind.YARNRC:
            entry = _yarnrc_entry(line)
        else:
            entry = _ini_entry(line)
        if entry is None:
            continue
        raw_key, value, key_col, value_col = entry
        key, scope = split_scope(raw_key)
        lineno = first_line + offset
        entries.append(
            NpmrcEntry(
                key=key,
                value=value,
                location=Location(path, lineno, key_col),
                value_location=Location(path, lineno, value_col),
                raw_key=raw_key,
                scope=scope,
            )
        )
    return NpmrcFile(path=path, kind=kind, entries=tuple(entries), written_by=written_by)


def _ini_entry(line: str) -> tuple[str, str, int, int] | None:
    if "=" not in line:
        return None
    raw_key, _, raw_value = line.partition("=")
    key = _unquote(raw_key.strip()).removesuffix("[]")
    if not key:
        return None
    key_col = len(line) - len(line.lstrip()) + 1
    value_col = len(raw_key) + 2 + (len(raw_value) - len(raw_value.lstrip()))
    return key, _ini_value(raw_value), key_col, value_col


_YARNRC_LINE = lazy_regex.compile(r"""^(?P<indent>\s*)(?P<key>"[^"]*"|'[^']*'|[^\s=]+)(?P<sep>\s*=\s*|\s+)(?P<value>.*)$""")


def _yarnrc_entry(line: str) -> tuple[str, str, int, int] | None:
    match = _YARNRC_LINE.match(line)
    if match is None:
        return None
    key = _unquote(match.group("key"))
    value = _unquote(_strip_inline_comment(match.group("value")))
    return key, value, match.start("key") + 1, match.start("value") + 1
