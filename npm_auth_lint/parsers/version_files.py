"""Node version files as actions/setup-node reads them (``node-version-file``).

Mirrors ``getNodeVersionFromFile`` (``src/util.ts``): setup-node decides by content, not by file
name. JSON (package.json): ``volta.node``, then a ``devEngines.runtime`` entry named ``node``
(object or array), then ``engines.node``, then it follows ``volta.extends`` (see
:attr:`~npm_auth_lint.model.NodeVersionFile.volta_extends`); any other JSON object yields
nothing. Else TOML (``mise.toml``): ``[tools] node`` as a string or ``{version = ...}``. Else the
first line matching ``^(?:node(js)?\\s+)?v?(?<version>[^\\s]+)$`` (``.nvmrc``, ``.node-version``,
``.tool-versions``), else the whole trimmed content.

:func:`parse` turns one file into a :class:`~npm_auth_lint.model.NodeVersionFile`; it never
raises. setup-node reports no position, so a value is located at the first line holding it.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterable
from typing import Any

from npm_auth_lint import lazy_regex, yamlio
from npm_auth_lint.model import Location, NodeVersionFile, ParseError, Pipeline, Text
from npm_auth_lint.workspace import split_lines


def _toml() -> Any:
    """The TOML reader, imported when a mise.toml is read (2 ms a run otherwise)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python 3.10 only
        import tomli as tomllib
    return tomllib

# JavaScript's \s and String.trim() (WhiteSpace + LineTerminator), which differ from Python's:
# JavaScript counts U+FEFF (a byte-order mark) as blank, Python counts U+001C-U+001F and U+0085.
_JS_BLANK_CHARS = (
    "\t\n\v\f\r \u00a0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_JS_BLANKS = re.escape(_JS_BLANK_CHARS)
_VERSION_LINE = lazy_regex.compile(rf"^(?:node(js)?[{_JS_BLANKS}]+)?v?(?P<version>[^{_JS_BLANKS}]+)$", re.MULTILINE)
# JavaScript's multiline ^/$ also break at \r, U+2028 and U+2029; Python's only at \n.
_JS_LINE_BREAKS = lazy_regex.compile("\r\n|[\r\u2028\u2029]")


class _NotPackageJson(Exception):
    """setup-node's JSON branch threw, so it goes on to the TOML and plain-text readings."""


def _parse_json_object(text: str) -> dict | list | None:
    """The parsed JSON when it is an object or array (both are "object" to setup-node)."""
    try:
        value = yamlio.json_document(text)  # shared with the other readers of the file
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, (dict, list)) else None


def _as_spec(value: Any) -> str | None:
    """A version value as setup-node would pass it on (numbers as the runner prints them)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        from npm_auth_lint.toolchain.ranges import spec_text  # the release table: only when needed

        return spec_text(value)
    return value if isinstance(value, str) and value else None


def _truthy(value: Any) -> bool:
    """JavaScript truthiness for JSON values."""
    return value not in (None, False, 0, "") and not (isinstance(value, float) and value != value)


def _get(mapping: Any, key: str) -> Any:
    return mapping.get(key) if isinstance(mapping, dict) else None


def _from_package_json(manifest: dict | list) -> tuple[bool, str | None]:
    """(decided, spec): decided is False when only ``volta.extends`` could still give a version."""
    volta_node = _get(_get(manifest, "volta"), "node")
    if _truthy(volta_node):
        return True, _as_spec(volta_node)
    runtime = _get(_get(manifest, "devEngines"), "runtime")
    if _truthy(runtime):
        for entry in runtime if isinstance(runtime, list) else [runtime]:
            if entry is None:
                raise _NotPackageJson  # destructuring null throws in setup-node
            name, version = _get(entry, "name"), _get(entry, "version")
            if name is not None and not isinstance(name, str):
                raise _NotPackageJson  # name.toLowerCase is not a function
            if isinstance(name, str) and name.lower() == "node" and _truthy(version):
                return True, _as_spec(version)
    engines_node = _get(_get(manifest, "engines"), "node")
    if _truthy(engines_node):
        return True, _as_spec(engines_node)
    return False, None


def _from_mise_toml(text: str) -> tuple[bool, str | None]:
    if "tools" not in text and "\\u" not in text and "\\U" not in text:
        # No `tools` key can be in it (a quoted key may spell it with \u escapes): the answer
        # without importing and running the TOML parser on every .nvmrc.
        return False, None
    return _from_toml_tools(text)


def _from_toml_tools(text: str) -> tuple[bool, str | None]:
    try:
        manifest = _toml().loads(text)
    except (ValueError, RecursionError):
        return False, None
    node = _get(_get(manifest, "tools"), "node")
    if not _truthy(node):
        return False, None
    if isinstance(node, dict) and _truthy(node.get("version")):
        return True, _as_spec(node["version"])
    return True, node if isinstance(node, str) else None


def _spec(text: str) -> str | None:
    """The node-version spec setup-node reads from a version file's text; None if it gets none.

    For a package.json that only has ``volta.extends``, this is None: setup-node then reads the
    file :func:`_volta_extends` names.
    """
    manifest = _parse_json_object(text)
    if manifest is not None:
        try:
            return _from_package_json(manifest)[1]
        except _NotPackageJson:
            pass  # setup-node's JSON branch threw: like it, read the text as TOML, then as lines
    decided, spec = _from_mise_toml(text)
    if decided:
        return spec
    normalised = _JS_LINE_BREAKS.sub("\n", text)
    found = _VERSION_LINE.search(normalised)
    spec = found.group("version") if found else text.strip(_JS_BLANK_CHARS)
    return spec or None


def _volta_extends(text: str) -> str | None:
    """The path in ``volta.extends`` when setup-node would follow it (relative to the file's folder)."""
    manifest = _parse_json_object(text)
    if manifest is None:
        return None
    try:
        decided, _ = _from_package_json(manifest)
    except _NotPackageJson:
        return None
    extends = _get(_get(manifest, "volta"), "extends")
    if decided or not _truthy(extends) or not isinstance(extends, str):
        return None
    return extends


def _line_of(path: str, text: str, value: str) -> Location:
    """The first line holding ``value`` (where a reader of the file sees it), else the file's start."""
    for number, line in enumerate(split_lines(text), start=1):
        if value and value in line:
            return Location(path, number, line.index(value) + 1)
    return Location(path, 1, 1)


def _join(base_file: str, relative: str) -> str:
    """``relative`` resolved against the folder of ``base_file``, as a repository path."""
    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), relative)).lstrip("./")


_TOML_POSITION = lazy_regex.compile(r"\(at line (\d+), column (\d+)\)")
MISE_NAMES = frozenset({"mise.toml", ".mise.toml"})


def _toml_error(path: str, text: str) -> ParseError | None:
    """A ``mise.toml`` that is not TOML: mise refuses it (setup-node reads it line by line)."""
    if posixpath.basename(path) not in MISE_NAMES:
        return None
    toml = _toml()
    try:
        toml.loads(text)
    except toml.TOMLDecodeError as exc:
        message = str(exc)
        position = _TOML_POSITION.search(message)
        line, column = (int(position.group(1)), int(position.group(2))) if position else (1, 1)
        return ParseError(Location(path, line, column), f"invalid TOML: {_TOML_POSITION.sub('', message).strip()}")
    except RecursionError:
        return ParseError(Location(path, 1, 1), "invalid TOML: nested too deeply")
    return None


def parse(path: str, text: str) -> NodeVersionFile:
    """What setup-node reads from ``text``, the content of the repository file ``path``."""
    if not isinstance(text, str):
        return NodeVersionFile(path)
    spec = _spec(text)
    extends = _volta_extends(text)
    return NodeVersionFile(
        path=path,
        node=Text(spec, _line_of(path, text, spec)) if spec else None,
        volta_extends=Text(extends, _line_of(path, text, extends)) if extends else None,
        extends_path=_join(path, extends) if extends else None,
        error=_toml_error(path, text),
    )


def node_version_file_path(value: str) -> str:
    """The repository path a ``node-version-file`` input names (as the analysis looks it up)."""
    return value.strip().removeprefix("./")


def named_paths(pipelines: Iterable[Pipeline], parsed: Iterable[NodeVersionFile]) -> list[str]:
    """Paths that a step's ``node-version-file`` or a parsed file's ``volta.extends`` names.

    Whatever file they name, setup-node reads it by content; the engine parses those of them it
    read for other reasons too (a workflow naming ``lerna.json``, say), so that every file the
    analysis may look up is there.
    """
    named: dict[str, None] = {}
    for pipeline in pipelines:
        for job in pipeline.jobs:
            for step in job.steps:
                value = step.inputs.get("node-version-file")
                if value is not None:
                    named.setdefault(node_version_file_path(value.value))
    for version_file in parsed:
        if version_file.extends_path is not None:
            named.setdefault(version_file.extends_path)
    return list(named)
