"""Load YAML (and JSON) into plain Python values that remember where they were written.

We compose with ruamel.yaml's C-backed safe loader (about ten times faster than the round-trip
loader, see guides/style.md) and build our own tree from the nodes:

* mappings become :class:`YMap` (a ``dict``) with the position of every key and value,
* sequences become :class:`YSeq` (a ``list``) with the position of every item,
* scalars become ``str``/``int``/``float``/``bool``/``None`` as YAML 1.2 resolves them,
* other tags (GitLab's ``!reference``) become :class:`Tagged`.

Aliases resolve to the same object as their anchor; merge keys (``<<``) are applied the way
YAML 1.1 does (explicit keys win, earlier merged maps win over later ones). Duplicate keys are
errors, reported at their second occurrence.
"""

from __future__ import annotations

import bisect
import re
import warnings
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.compat import _DEFAULT_YAML_VERSION

# Deeper documents are refused: they are never real CI configuration, and recursion on them
# could exhaust the stack.
MAX_DEPTH = 200
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Pos:
    """0-based positions as ruamel reports them, converted to 1-based on access."""

    line: int  # 1-based
    column: int  # 1-based
    style: str | None = None  # scalar style: None (plain), '|', '>', '"', "'"
    end_line: int = 0  # 1-based line where the node ends
    path: str = ""  # the file it was loaded from (``load(text, path=...)``), so merged trees stay exact


class YMap(dict):
    """A mapping that knows where each key and value is written."""

    __slots__ = ("pos", "key_pos", "value_pos", "tag")

    def __init__(self) -> None:
        super().__init__()
        self.pos = Pos(1, 1)
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}
        self.tag: str | None = None


class YSeq(list):
    """A sequence that knows where each item is written."""

    __slots__ = ("pos", "item_pos", "tag")

    def __init__(self) -> None:
        super().__init__()
        self.pos = Pos(1, 1)
        self.item_pos: list[Pos] = []
        self.tag: str | None = None


@dataclass(frozen=True)
class Tagged:
    """A value with an application tag, such as GitLab's ``!reference [job, key]``."""

    tag: str
    value: Any
    pos: Pos


class LoadError(Exception):
    """The text is not valid YAML/JSON (or too large/deep); positions are 1-based."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


_LOADER = YAML(typ="safe", pure=False)  # libyaml through ruamel.yaml.clib when installed
# libyaml follows YAML 1.1 in places (a `:` inside a flow-context plain scalar such as
# `[{image: node:24}]`, surrogate-pair escapes in JSON strings) where ruamel's own parser
# follows 1.2, as the CI providers do: a document the fast parser rejects is parsed again by it.
_PURE_LOADER = YAML(typ="safe", pure=True)


# libyaml follows YAML 1.1 and also breaks lines at NEL, U+2028 and U+2029; editors, GitHub and
# JSON do not, so in a text that holds one, lines are counted from the character offsets.
_ODD_BREAKS = re.compile("[\x85\u2028\u2029]")


class _Lines:
    """Turns ruamel marks into 1-based (line, column) counted by ``\n`` only."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))] if _ODD_BREAKS.search(text) else None

    def at(self, mark: Any) -> tuple[int, int]:
        if self._starts is None:
            return mark.line + 1, mark.column + 1
        line = bisect.bisect_right(self._starts, mark.index)
        return line, mark.index - self._starts[line - 1] + 1


_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}


def _scalar(node: ScalarNode) -> Any:
    """Resolve a plain scalar with the YAML 1.2 core schema (as GitHub, GitLab and CircleCI do).

    Numbers stay numbers on purpose: ``node-version: 22.10`` *is* 22.1 to the runner, a classic
    pitfall the toolchain rules must see the way the CI sees it.
    """
    value = node.value
    if node.style:  # quoted or block: always a string (the C composer gives plain as '')
        return value
    tag = node.tag or ""
    if tag.endswith(":null") or value in _NULL:
        return None
    if tag.endswith(":bool") or value in _BOOL:
        return _BOOL.get(value, value)
    try:
        if tag.endswith(":int"):
            return int(value.replace("_", ""), 0) if not value.lstrip("+-").startswith("0") else int(value, 0)
        if tag.endswith(":float"):
            return float(value)
    except ValueError:
        return value
    return value


def _local_tag(node: Node) -> str | None:
    """A local tag (``!reference``), or None. ruamel builds ``node.tag`` anew on each access."""
    tag = node.tag
    return tag if tag and tag.startswith("!") and not tag.startswith("!!") else None


class _Builder:
    def __init__(self, path: str, lines: _Lines) -> None:
        self._seen: dict[int, Any] = {}
        self._path = path
        self._lines = lines

    def _pos(self, node: Node) -> Pos:
        line, column = self._lines.at(node.start_mark)
        style = (node.style or None) if isinstance(node, ScalarNode) else None
        return Pos(line, column, style, self._lines.at(node.end_mark)[0], self._path)

    def build(self, node: Node, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            pos = self._pos(node)
            raise LoadError(f"document nested deeper than {MAX_DEPTH} levels", pos.line, pos.column)
        key = id(node)
        if key in self._seen:  # an alias: same object as its anchor
            return self._seen[key]
        if isinstance(node, ScalarNode):
            value = _scalar(node)
            tag = _local_tag(node)
            if tag:
                value = Tagged(tag, value, self._pos(node))
            return value
        if isinstance(node, SequenceNode):
            seq = YSeq()
            seq.pos = self._pos(node)
            self._seen[key] = seq
            for item in node.value:
                seq.append(self.build(item, depth + 1))
                seq.item_pos.append(self._pos(item))
            tag = _local_tag(node)
            if tag:
                return Tagged(tag, seq, self._pos(node))
            return seq
        if isinstance(node, MappingNode):
            mapping = YMap()
            mapping.pos = self._pos(node)
            self._seen[key] = mapping
            merges: list[YMap] = []
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode) and key_node.tag.endswith(":merge") or (
                    isinstance(key_node, ScalarNode) and key_node.value == "<<" and not key_node.style
                ):
                    merged = self.build(value_node, depth + 1)
                    sources = merged if isinstance(merged, list) else [merged]
                    merges.extend(m for m in sources if isinstance(m, YMap))
                    continue
                k = self.build(key_node, depth + 1)
                if isinstance(k, (YMap, YSeq, Tagged)):
                    k = str(key_node.value) if isinstance(key_node, ScalarNode) else repr(k)
                if k in mapping:
                    p = self._pos(key_node)
                    raise LoadError(f"duplicate key {k!r}", p.line, p.column)
                mapping[k] = self.build(value_node, depth + 1)
                mapping.key_pos[k] = self._pos(key_node)
                mapping.value_pos[k] = self._pos(value_node)
            for merged in merges:
                for k, v in merged.items():
                    if k not in mapping:
                        mapping[k] = v
                        mapping.key_pos[k] = merged.key_pos[k]
                        mapping.value_pos[k] = merged.value_pos[k]
            tag = _local_tag(node)
            if tag:
                return Tagged(tag, mapping, self._pos(node))
            return mapping
        raise LoadError(f"unsupported YAML node {type(node).__name__}")


def _libyaml_loader() -> type | None:
    """The loader class ``_LOADER.compose()`` would build on every call, built once.

    ruamel.yaml defines this class anew in each ``compose()`` (a tenth of parsing a large
    monorepo), and its resolver looks the YAML version up through two caught AttributeErrors
    per scalar; the version it ends with is always the default, so it is fixed here.
    """
    global _LIBYAML_LOADER
    if _LIBYAML_LOADER is None and _LOADER.Parser.__name__ == "CParser":
        parser, constructor, resolver = _LOADER.Parser, _LOADER.Constructor, _LOADER.Resolver

        class LibyamlLoader(parser, constructor, resolver):  # type: ignore[misc,valid-type]
            processing_version = _DEFAULT_YAML_VERSION

            def __init__(self, stream: str) -> None:
                parser.__init__(self, stream)
                self._parser = self._composer = self
                constructor.__init__(self, loader=self)
                self.allow_duplicate_keys = _LOADER.allow_duplicate_keys
                resolver.__init__(self, version=None, loadumper=self)

        _LIBYAML_LOADER = LibyamlLoader
    return _LIBYAML_LOADER


_LIBYAML_LOADER: type | None = None


def _compose_once(loader: YAML, text: str) -> Node | None:
    fast = _libyaml_loader() if loader is _LOADER else None
    if fast is None:
        return loader.compose(text)
    composer = fast(text)
    try:
        return composer.get_single_node()
    finally:
        composer.dispose()


def _compose(loader: YAML, text: str, lines: _Lines) -> Node | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _compose_once(loader, text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if mark is None:
            raise LoadError(message or "invalid YAML") from None
        raise LoadError(message or "invalid YAML", *lines.at(mark)) from None
    except YAMLError as exc:
        raise LoadError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    except RecursionError:
        raise LoadError(f"document nested deeper than {MAX_DEPTH} levels") from None


def load(text: str, path: str = "") -> Any:
    """Parse one YAML document (JSON is YAML too) into located values.

    Raises :class:`LoadError` with a 1-based position for any syntax error, duplicate key, or a
    document that is too large or too deep. An empty document loads as ``None``.
    """
    if len(text) > MAX_BYTES:
        raise LoadError(f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
    lines = _Lines(text)
    try:
        node = _compose(_LOADER, text, lines)
    except LoadError:
        node = _compose(_PURE_LOADER, text, lines)
    if node is None:
        return None
    try:
        return _Builder(path, lines).build(node)
    except RecursionError:
        raise LoadError(f"document nested deeper than {MAX_DEPTH} levels") from None


def content_line(mapping: YMap | YSeq, key: Any) -> int:
    """The first line of a scalar's content: the line after ``|``/``>`` for block scalars."""
    pos = mapping.value_pos.get(key) if isinstance(mapping, YMap) else mapping.item_pos[key]
    if pos is None:
        return mapping.pos.line
    if pos.style in ("|", ">"):
        return pos.line + 1
    return pos.line
