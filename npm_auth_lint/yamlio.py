"""Load YAML (and JSON) into plain Python values that remember where they were written.

We read libyaml's events through ruamel.yaml's C parser (about ten times faster than the
round-trip loader, see guides/style.md) and build our own tree from them, in one loop that
handles the common events inline (``_Builder.feed``; ``tests/yamlio_oracle.py`` keeps the
earlier, plainer builder as the oracle its results are compared with):

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
import functools
import json
import re
import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from json.decoder import scanstring  # type: ignore[attr-defined]
from typing import Any

from ruamel.yaml import YAML, events
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.tag import Tag

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass

try:  # libyaml through ruamel.yaml.clib
    from ruamel.yaml.cyaml import CParser
except ImportError:  # pragma: no cover - a platform without the C extension
    CParser = None

# Deeper documents are refused: they are never real CI configuration, and recursion on them
# could exhaust the stack.
MAX_DEPTH = 200
MAX_BYTES = 5 * 1024 * 1024
# Nodes as written, and nodes once every alias is expanded ("billion laughs": eleven levels of
# ten aliases each are 721 bytes and 10^11 nodes). Consumers walk the expanded tree, so its size
# is what bounds their work; a 5 MiB CI file of real content stays far below both.
MAX_NODES = 1_000_000
MAX_EXPANDED_NODES = 2_000_000


@dataclass(frozen=True, slots=True)  # slots: a third of the memory, for one Pos per node
class Pos:
    """0-based positions as ruamel reports them, converted to 1-based on access."""

    line: int  # 1-based
    column: int  # 1-based
    style: str | None = None  # scalar style: None (plain), '|', '>', '"', "'"
    end_line: int = 0  # 1-based line where the node ends
    path: str = ""  # the file it was loaded from (``load(text, path=...)``), so merged trees stay exact


class YMap(dict):
    """A mapping that knows where each key and value is written."""

    __slots__ = ("key_pos", "pos", "tag", "value_pos")

    def __init__(self) -> None:
        super().__init__()
        self.pos = Pos(1, 1)
        self.key_pos: dict[Any, Pos] = {}
        self.value_pos: dict[Any, Pos] = {}
        self.tag: str | None = None


class YSeq(list):
    """A sequence that knows where each item is written."""

    __slots__ = ("item_pos", "pos", "tag")

    def __init__(self) -> None:
        super().__init__()
        self.pos = Pos(1, 1)
        self.item_pos: list[Pos] = []
        self.tag: str | None = None


@frozen_dataclass
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
# A new one each time (rare, ~60 µs): a ruamel YAML object keeps state from a text it failed on
# (the next text could read differently, depending on the order files are read) and records
# every text it parsed.
def _pure_loader() -> YAML:
    return YAML(typ="safe", pure=True)


# libyaml follows YAML 1.1 and also breaks lines at NEL, U+2028 and U+2029; editors, GitHub and
# JSON do not, so in a text that holds one, lines are counted from the character offsets.
_ODD_BREAKS = lazy_regex.compile("[\x85\u2028\u2029]")


class _Lines:
    """Turns ruamel marks into 1-based (line, column) counted by ``\n`` only."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))] if _ODD_BREAKS.search(text) else None
        self.plain = self._starts is None  # ruamel's marks are right as they are

    def at(self, mark: Any) -> tuple[int, int]:
        if self._starts is None:
            return mark.line + 1, mark.column + 1
        line = bisect.bisect_right(self._starts, mark.index)
        return line, mark.index - self._starts[line - 1] + 1


_BOOL = {"true": True, "false": False, "True": True, "False": False, "TRUE": True, "FALSE": False}
_NULL = {"", "~", "null", "Null", "NULL"}


def _scalar_value(value: str, tag: str, style: str | None) -> Any:
    """Resolve a plain scalar with the YAML 1.2 core schema (as GitHub, GitLab and CircleCI do).

    Numbers stay numbers on purpose: ``node-version: 22.10`` *is* 22.1 to the runner, a classic
    pitfall the toolchain rules must see the way the CI sees it.
    """
    if style:  # quoted or block: always a string
        return value
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


class _Open:
    """A mapping or sequence whose end event has not been read yet."""

    __slots__ = ("anchor", "column", "key", "line", "merges", "seq", "size", "tag", "value")

    def __init__(self, value: YMap | YSeq, seq: bool, line: int, column: int, tag: str | None, anchor: str | None) -> None:
        self.value = value
        self.seq = seq  # a YSeq (else a YMap)
        self.line, self.column = line, column  # where it starts, 1-based
        self.tag = tag
        self.anchor = anchor
        self.size = 1  # nodes it holds once every alias is expanded (itself included)
        self.key: Any = _NO_KEY  # a mapping's pending key (``_NO_KEY`` while a key is awaited)
        self.merges: list[YMap] | None = None


_NO_KEY = object()
_STR = "tag:yaml.org,2002:str"
_MERGE = object()
_MISSING = object()
_SCALAR, _ALIAS = events.ScalarEvent, events.AliasEvent
_MAP_START, _SEQ_START = events.MappingStartEvent, events.SequenceStartEvent
_MAP_END, _SEQ_END = events.MappingEndEvent, events.SequenceEndEvent
_new_object = object.__new__


# Pos(...) at half the cost: a frozen dataclass's __init__ calls object.__setattr__ per field;
# the slots' own setters (what that call ends in) are called straight.
_SET_POS = tuple(getattr(Pos, name).__set__ for name in ("line", "column", "style", "end_line", "path"))


def _new_pos(line: int, column: int, style: str | None, end_line: int, path: str) -> Pos:
    set_line, set_column, set_style, set_end_line, set_path = _SET_POS
    pos = _new_object(Pos)
    set_line(pos, line)
    set_column(pos, column)
    set_style(pos, style)
    set_end_line(pos, end_line)
    set_path(pos, path)
    return pos


def _tag_text(tag: Any) -> str | None:
    # ruamel gives tags as str or as its Tag object (resolver results, some parser paths).
    return None if tag is None else str(tag)


def _custom(tag: str | None) -> bool:
    return bool(tag) and tag.startswith("!") and not tag.startswith("!!")  # type: ignore[union-attr]


class _Builder:
    """Builds located values straight from the parser's events, with no recursion.

    ruamel's composer recurses once per nesting level in C (30,000 ``[`` overflow the stack and
    kill the process) and grows superlinearly with the length of a sequence; the event stream
    is produced by a state machine, so building from it iteratively enforces every limit --
    depth, node count and alias expansion -- *while* reading, at the event that breaks it.
    Marks must count lines as we do (``_remarked`` fixes them where libyaml's differ).
    """

    def __init__(
        self,
        path: str,
        resolve: Callable[[Any, str, Any], Any],
        tags: dict[str, str],
        values: dict[str, Any],
        table: dict[str, list[tuple[str, re.Pattern[str]]]] | None = None,
    ) -> None:
        self._path = path
        self._resolve = resolve
        self._table = table  # see _implicit_table
        # anchor -> (value, expanded size, position): an alias stands where its anchor is written.
        self._anchors: dict[str, tuple[Any, int, Pos]] = {}
        self._stack: list[_Open] = []
        self._documents = 0
        self._tags = tags  # plain scalar -> resolved tag
        self._values = values  # plain scalar -> its value, for the values that may be shared

    def feed(self, stream: Iterable[Any]) -> Any:
        """The value the events describe. The loop runs once per event of every file read, so the
        common cases (an untagged scalar, a key, a sequence item, a mapping value) are inlined."""
        stack, path, values, fail = self._stack, self._path, self._values, self._fail
        set_line, set_column, set_style, set_end_line, set_path = _SET_POS
        nodes, root = 0, None
        for event in stream:
            kind = event.__class__
            if kind is _SCALAR:
                nodes += 1
                if nodes > MAX_NODES:
                    raise fail(f"document has more than {MAX_NODES} nodes", event)
                if event.ctag is None and event.anchor is None:  # ``tag`` is a property over ``ctag``
                    style = event.style or None
                    value = event.value if style else values.get(event.value, _MISSING)
                    if value is _MISSING:
                        value = self._plain(event.value, event.implicit)
                    start = event.start_mark
                    here = _new_object(Pos)  # as _new_pos does, inlined
                    set_line(here, start.line + 1), set_column(here, start.column + 1), set_style(here, style)
                    set_end_line(here, event.end_mark.line + 1), set_path(here, path)
                else:
                    value, here = self._scalar(event)
                size = 1
            elif kind is _MAP_START or kind is _SEQ_START:
                nodes += 1
                if nodes > MAX_NODES:
                    raise fail(f"document has more than {MAX_NODES} nodes", event)
                seq = kind is _SEQ_START
                if event.ctag is None and event.anchor is None and len(stack) < MAX_DEPTH:
                    start = event.start_mark  # its position is set when it ends
                    stack.append(_Open(_new_seq() if seq else _new_map(), seq, start.line + 1, start.column + 1, None, None))
                else:
                    self._open(event, seq)
                continue
            elif kind is _MAP_END or kind is _SEQ_END:
                opened = stack.pop()
                value, size = opened.value, opened.size
                value.pos = here = _new_pos(opened.line, opened.column, None, event.end_mark.line + 1, path)
                if opened.merges or opened.tag is not None or opened.anchor is not None:
                    value = self._closed(opened, here)
            elif kind is _ALIAS:
                value, size, here = self._alias(event)
            else:
                if kind is events.DocumentStartEvent:
                    self._document(event)
                continue
            if not stack:
                root = value
                continue
            parent = stack[-1]
            parent.size += size
            if parent.size > MAX_EXPANDED_NODES:
                raise fail(f"aliases expand to more than {MAX_EXPANDED_NODES} nodes", event)
            container: Any = parent.value  # a YSeq when parent.seq, else a YMap
            if parent.seq:
                container.append(value)
                container.item_pos.append(here)
            elif parent.key is _MERGE:
                self._merge(parent, value)
            elif parent.key is not _NO_KEY:
                container[parent.key] = value
                container.value_pos[parent.key] = here
                parent.key = _NO_KEY
            elif kind is _SCALAR and type(value) is str and value != "<<" and event.ctag is None:
                if value in container:  # an untagged text key: neither a merge nor a collection
                    raise LoadError(f"duplicate key {value!r}", here.line, here.column)
                parent.key = value
                container.key_pos[value] = here
            else:
                self._key(parent, value, event, here)
        return root

    def _fail(self, message: str, event: Any) -> LoadError:
        return LoadError(message, event.start_mark.line + 1, event.start_mark.column + 1)

    def _document(self, event: Any) -> None:
        self._documents += 1
        if self._documents > 1:
            raise self._fail("expected a single document in the stream but found another document", event)

    def _plain(self, text: str, implicit: Any) -> Any:
        """An untagged plain scalar's value, remembered unless it is a float (a NaN key is never
        a duplicate of another, so each must stay its own object)."""
        value = _scalar_value(text, self._plain_tag(text, implicit), None)
        if type(value) is not float and len(self._values) < _MAX_CACHED_TAGS and len(text) <= _MAX_CACHED_LENGTH:
            self._values[text] = value
        return value

    def _scalar(self, event: Any) -> tuple[Any, Pos]:
        """A tagged or anchored scalar and its position."""
        style = event.style or None
        tag = _tag_text(event.tag)
        if tag == "!" or (tag is None and style):
            tag = _STR
        elif tag is None:
            tag = self._plain_tag(event.value, event.implicit)
        value = _scalar_value(event.value, tag, style)
        here = _new_pos(event.start_mark.line + 1, event.start_mark.column + 1, style, event.end_mark.line + 1, self._path)
        if _custom(tag):
            value = Tagged(tag, value, here)
        if event.anchor is not None:
            self._anchors[event.anchor] = (value, 1, here)
        return value, here

    def _plain_tag(self, value: str, implicit: Any) -> str:
        # ruamel's resolver costs more than the rest of building; plain words repeat a lot.
        if self._table is not None:  # what ``resolve`` does, without its look-ups (_implicit_table)
            for implicit_tag, pattern in self._table.get(value[:1], ()):
                if pattern.match(value):
                    return implicit_tag
            return _STR
        tag = self._tags.get(value)
        if tag is None:
            tag = _tag_text(self._resolve(ScalarNode, value, implicit)) or _STR
            if len(self._tags) < _MAX_CACHED_TAGS:
                self._tags[value] = tag
        return tag

    def _open(self, event: Any, seq: bool) -> None:
        if len(self._stack) >= MAX_DEPTH:
            raise self._fail(f"document nested deeper than {MAX_DEPTH} levels", event)
        value = _new_seq() if seq else _new_map()  # its position is set when it ends
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if event.anchor is not None:
            # Still open: an alias to it makes a cycle, the same object again (counted as one node).
            value.pos = _new_pos(line, column, None, event.end_mark.line + 1, self._path)
            self._anchors[event.anchor] = (value, 1, value.pos)
        self._stack.append(_Open(value, seq, line, column, _tag_text(event.tag), event.anchor))

    def _closed(self, opened: _Open, here: Pos) -> Any:
        """A collection just ended, with merge keys, a tag or an anchor: its value."""
        value = opened.value
        if opened.merges:
            _apply_merges(value, opened.merges)  # type: ignore[arg-type]
        result: Any = Tagged(opened.tag, value, here) if opened.tag is not None and _custom(opened.tag) else value
        if opened.anchor is not None:
            self._anchors[opened.anchor] = (result, opened.size, here)
        return result

    def _alias(self, event: Any) -> tuple[Any, int, Pos]:
        if event.anchor not in self._anchors:
            raise self._fail(f"found undefined alias {event.anchor!r}", event)
        return self._anchors[event.anchor]

    def _key(self, parent: _Open, value: Any, event: Any, here: Pos) -> None:
        is_plain_merge = type(event).__name__ == "ScalarEvent" and event.value == "<<" and not event.style
        if is_plain_merge or (type(event).__name__ == "ScalarEvent" and (_tag_text(event.tag) or "").endswith(":merge")):
            parent.key = _MERGE
            return
        if isinstance(value, (YMap, YSeq, Tagged)):
            value = str(event.value) if type(event).__name__ == "ScalarEvent" else repr(value)
        if value in parent.value:
            raise LoadError(f"duplicate key {value!r}", here.line, here.column)
        parent.key = value
        parent.value.key_pos[value] = here  # type: ignore[union-attr]

    def _merge(self, parent: _Open, value: Any) -> None:
        """The value of a merge key (``<<: *base`` or ``<<: [*a, *b]``): maps applied at the end."""
        sources = value if isinstance(value, list) else [value]
        parent.merges = [*(parent.merges or []), *(m for m in sources if isinstance(m, YMap))]
        parent.key = _NO_KEY


def _apply_merges(mapping: YMap, merges: list[YMap]) -> None:
    # YAML 1.1 merge keys: explicit keys win, earlier merged maps win over later ones.
    for merged in merges:
        for k, v in merged.items():
            if k not in mapping:
                mapping[k] = v
                mapping.key_pos[k] = merged.key_pos[k]
                mapping.value_pos[k] = merged.value_pos[k]


class _Mark:
    """A parser mark with its line and column (0-based) counted by ``\n`` only."""

    __slots__ = ("column", "line")

    def __init__(self, line: int, column: int) -> None:
        self.line, self.column = line, column


def _remarked(stream: Iterable[Any], lines: _Lines) -> Iterator[Any]:
    """The events with marks that count lines as we do, for a text libyaml counts differently."""
    for event in stream:
        for name in ("start_mark", "end_mark"):
            line, column = lines.at(getattr(event, name))
            setattr(event, name, _Mark(line - 1, column - 1))
        yield event


# The C path resolves plain scalars with YAML 1.2's rules whatever a %YAML directive says (what
# ruamel's loader did before: its libyaml parser reports no version), so one resolver and one
# cache of resolved tags (and of the values they give) serve every file.
_RESOLVER_12 = VersionedResolver(version=(1, 2))


def _implicit_table(resolver: VersionedResolver) -> dict[str, list[tuple[str, re.Pattern[str]]]] | None:
    """``resolver``'s implicit tags of plain scalars, by first character (``''`` for an empty
    scalar): the first pattern that matches gives the tag, none gives str. That is what its
    ``resolve`` does, after property look-ups and a Tag object made and turned back into text
    (~10 µs: most plain scalars are different words, and a large file outgrows the caches).
    None where reading the table would not give what ``resolve`` gives."""
    table = resolver.versioned_resolver
    tags = {tag for patterns in table.values() for tag, _ in patterns}
    if None in table or resolver.yaml_path_resolvers or _tag_text(resolver.DEFAULT_SCALAR_TAG) != _STR:
        return None
    return table if all(str(Tag(suffix=tag)) == tag for tag in tags) else None


_TABLE_12 = _implicit_table(_RESOLVER_12)
_TAGS_12: dict[str, str] = {}
_VALUES_12: dict[str, Any] = {}
_MAX_CACHED_TAGS = 10_000
_MAX_CACHED_LENGTH = 200  # longer plain scalars are seldom written twice


def _build(loader: YAML, text: str, lines: _Lines, path: str) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if loader is _LOADER and CParser is not None:
                # libyaml's events straight from its parser (ruamel's ``YAML.parse`` builds a
                # loader class per call, which cost more than parsing a small file).
                parser = CParser(text)
                try:
                    stream = iter(parser.get_event, None)
                    builder = _Builder(path, _RESOLVER_12.resolve, _TAGS_12, _VALUES_12, _TABLE_12)
                    return builder.feed(stream if lines.plain else _remarked(stream, lines))
                finally:
                    parser.dispose()
            stream = loader.parse(text)
            builder = _Builder(path, loader.resolver.resolve, {}, {})
            return builder.feed(stream if lines.plain else _remarked(stream, lines))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(str(part) for part in (exc.context, exc.problem) if part)
        if mark is None:
            raise LoadError(message or "invalid YAML") from None
        raise LoadError(message or "invalid YAML", *lines.at(mark)) from None
    except YAMLError as exc:
        raise LoadError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None


def load(text: str, path: str = "") -> Any:
    """Parse one YAML document (JSON is YAML too) into located values.

    Raises :class:`LoadError` with a 1-based position for any syntax error, duplicate key, or a
    document that is too large, too deep, has too many nodes or aliases that expand too far.
    An empty document loads as ``None``.
    """
    if len(text) > MAX_BYTES:
        raise LoadError(f"file larger than {MAX_BYTES // (1024 * 1024)} MiB")
    lines = _Lines(text)
    try:
        return _build(_LOADER, text, lines, path)
    except LoadError as first:
        if not first.message.startswith(_SYNTAX_ONLY_RETRY_EXCLUDES):
            return _build(_pure_loader(), text, lines, path)
        raise


# Limit breaches are the same for both parsers: reading the text again would only double the cost.
_SYNTAX_ONLY_RETRY_EXCLUDES = ("document nested deeper", "document has more than", "aliases expand", "duplicate key")


def content_line(mapping: YMap | YSeq, key: Any) -> int:
    """The first line of a scalar's content: the line after ``|``/``>`` for block scalars."""
    pos = mapping.value_pos.get(key) if isinstance(mapping, YMap) else mapping.item_pos[key]
    if pos is None:
        return mapping.pos.line
    if pos.style in ("|", ">"):
        return pos.line + 1
    return pos.line


# ---------------------------------------------------------------------------------------------
# JSON: the same located values, without the YAML parser.
#
# A package.json is JSON, and JSON is YAML, so ``load`` reads it; but a YAML event per value
# costs ~40 times what Python's ``json`` takes. ``load_json`` walks the JSON tokens with one
# regular expression and gives the same YMap/YSeq/Pos tree as ``load``: plain values resolved
# by the same YAML 1.2 rules (``1e5``, ``NaN``), strings decoded by json's C ``scanstring``, the
# same 1-based lines and columns. Where YAML reads a JSON text differently (a tab at the top
# level, a key on another line than its colon, a key longer than a simple key may be,
# surrogate-pair escapes, characters YAML does not allow, line breaks other than \n) or where
# ``load`` would refuse the text (invalid JSON, duplicate keys, too deep, too many nodes), it
# calls ``load`` instead, so the result is always what ``load`` gives.

# A token and the separators (blanks, commas, colons) before it.
_JSON_TOKEN = lazy_regex.compile(r'([\s,:]*)("[^"\\\n]*(?:\\.[^"\\\n]*)*"|[{}\[\]]|[^\s{}\[\],:"]+)')
_YAML_DIFFERS = lazy_regex.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"  # not YAML, BOM, NEL
    "|\u2028|\u2029|\r(?!\n)"  # line breaks YAML counts and we do not
    r"|\\u[dD][89abAB]"  # a surrogate-pair escape (libyaml keeps the halves)
)
# The same for an ASCII text (most package.json files): compiling the full pattern's Unicode
# ranges costs 2.5 ms, more than reading 200 package.json files with this one.
_YAML_DIFFERS_ASCII = lazy_regex.compile("[^\x09\x0a\x0d\x20-\x7e]|\r(?!\n)" r"|\\u[dD][89abAB]")


def _yaml_differs(text: str) -> bool:
    """Whether the text holds what YAML reads differently from JSON (see ``_YAML_DIFFERS``)."""
    return (_YAML_DIFFERS_ASCII if text.isascii() else _YAML_DIFFERS).search(text) is not None


# libyaml drops a simple key after 1024 characters; well under that, keys read the same.
_MAX_JSON_KEY = 256


@functools.lru_cache(maxsize=2)
def json_document(text: str) -> Any:
    """``json.loads(text)``, remembered for the last texts: four parsers read each package.json
    (the package, the located tree, setup-node's version file, semantic-release's ``release``)
    one after the other. The value is shared between them: callers must not change it."""
    return json.loads(text)


def load_json(text: str, path: str = "") -> Any:
    """``load(text, path)`` for a JSON text, at a fraction of the cost (see above)."""
    if len(text) > MAX_BYTES or _yaml_differs(text):
        return load(text, path)
    try:
        json_document(text)  # valid (the walk finds repeated keys)
    except (ValueError, RecursionError):
        return load(text, path)
    first, last = text.find("{"), text.rfind("}")
    if first < 0 or "\t" in text[:first] or "\t" in text[last + 1 :]:  # not an object; a top-level tab
        return load(text, path)
    located = _json_walk(text, path)
    return load(text, path) if located is None else located


def _json_plain(token: str) -> Any:
    """A number or literal token as YAML 1.2 resolves it (what ``load`` makes of it)."""
    value = _VALUES_12.get(token, _MISSING)
    if value is _MISSING:
        value = _PLAIN_12(token, (True, False))
    return value


# Plain JSON tokens resolve as the C path resolves untagged plain scalars, with the same caches.
_PLAIN_12 = _Builder("", _RESOLVER_12.resolve, _TAGS_12, _VALUES_12, _TABLE_12)._plain


def _json_walk(text: str, path: str) -> Any:
    """One pass over the tokens of a valid JSON object (``load_json`` checked that); None where
    YAML would read it differently or ``load`` would refuse it (a repeated key)."""
    # The loop runs once per value of every package.json: everything is inlined, and the
    # separators (blanks, commas, colons) are read with the token that follows them. In valid
    # JSON the tokens follow each other with nothing between them, so positions are summed.
    opened: list[list[Any]] = []  # [container, pending key or _NO_KEY, line, column]
    top: list[Any] | None = None  # opened[-1]
    root: Any = None
    nodes, line, line_start, key_end, at = 0, 1, 0, 0, 0
    set_line, set_column, set_style, set_end_line, set_path = _SET_POS
    for separator, token in _JSON_TOKEN.findall(text):
        start = at + len(separator)
        at = start + len(token)
        if separator:
            if "\n" in separator:
                line += separator.count("\n")
                line_start = start - len(separator) + separator.rfind("\n") + 1
            if ":" in separator and (key_end < line_start or start - key_end > _MAX_JSON_KEY):
                return None  # a key on another line than its colon, or too long: YAML reads it differently
        char = token[0]
        if char == "{" or char == "[":
            nodes += 1
            if len(opened) >= MAX_DEPTH or nodes > MAX_NODES:
                return None
            top = [_new_map() if char == "{" else _new_seq(), _NO_KEY, line, start - line_start + 1]
            opened.append(top)
            continue
        here = _new_object(Pos)  # Pos(...) without its __init__, as in _new_pos
        if char == "}" or char == "]":
            value, _, begun_line, begun_column = opened.pop()
            set_line(here, begun_line), set_column(here, begun_column), set_style(here, None)
            value.pos = here
            top = opened[-1] if opened else None
        else:
            nodes += 1
            if nodes > MAX_NODES:
                return None
            set_line(here, line), set_column(here, start - line_start + 1)
            if char == '"':
                value = token[1:-1] if "\\" not in token else scanstring(text, start + 1)[0]
                set_style(here, '"')
            else:
                value = _json_plain(token)
                set_style(here, None)
        set_end_line(here, line), set_path(here, path)
        if top is None:
            root = value
            continue
        parent = top[0]
        if type(parent) is YSeq:
            parent.append(value)
            parent.item_pos.append(here)
        elif top[1] is _NO_KEY:
            if value in parent.key_pos:
                return None  # a repeated key: ``load`` reports it
            top[1] = value
            parent.key_pos[value] = here
            key_end = start  # where the key starts: its colon must follow on the same line
        else:
            parent[top[1]] = value
            parent.value_pos[top[1]] = here
            top[1] = _NO_KEY
    return root if not text[at:].strip(" \t\r\n") else None  # every character read


def _new_map() -> YMap:
    # YMap() without its placeholder position: the walk sets the position when the map closes.
    value = dict.__new__(YMap)
    value.key_pos, value.value_pos, value.tag = {}, {}, None
    return value


def _new_seq() -> YSeq:
    value = list.__new__(YSeq)
    value.item_pos, value.tag = [], None
    return value
