"""The YAML loader as it was before the event loop was inlined (issue #14): the test oracle.

``tests/test_yamlio_oracle.py`` checks that ``yamlio.load`` gives exactly what this gives --
values, types, positions, shared aliases, errors and their positions -- on generated documents.
Kept verbatim from ``npm_auth_lint/yamlio.py`` at commit 0de337a, except that the data types,
limits, parsers and line counting (unchanged) are imported from the module under test, and
the fallback parser is a new one each time as it is there now (a reused one kept state).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML, events
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver

from npm_auth_lint.yamlio import (
    _LOADER,
    MAX_BYTES,
    MAX_DEPTH,
    MAX_EXPANDED_NODES,
    MAX_NODES,
    LoadError,
    Pos,
    Tagged,
    YMap,
    YSeq,
    _Lines,
    _pure_loader,
)

try:
    from ruamel.yaml.cyaml import CParser
except ImportError:  # pragma: no cover
    CParser = None


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


@dataclass
class _Open:
    """A mapping or sequence whose end event has not been read yet."""

    value: YMap | YSeq
    tag: str | None
    size: int = 1  # nodes it holds once every alias is expanded (itself included)
    key: Any = None  # a mapping's pending key (``_NO_KEY`` while a key is awaited)
    anchor: str | None = None
    merges: list[YMap] | None = None


_NO_KEY = object()
_STR = "tag:yaml.org,2002:str"
_MERGE = object()


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
    """

    def __init__(self, path: str, lines: _Lines, resolve: Callable[[Any, str, Any], Any], tags: dict[str, str]) -> None:
        self._path = path
        self._lines = lines
        self._resolve = resolve
        # anchor -> (value, expanded size, position): an alias stands where its anchor is written.
        self._anchors: dict[str, tuple[Any, int, Pos]] = {}
        self._stack: list[_Open] = []
        self._nodes = 0
        self._root: Any = None
        self._documents = 0
        self._tags = tags  # plain scalar -> resolved tag

    def _pos(self, event: Any, end: Any = None, style: str | None = None) -> Pos:
        if self._lines.plain:  # the common case, inlined: marks count lines as we do
            start = event.start_mark
            return Pos(start.line + 1, start.column + 1, style, (end or event).end_mark.line + 1, self._path)
        line, column = self._lines.at(event.start_mark)
        return Pos(line, column, style, self._lines.at((end or event).end_mark)[0], self._path)

    def _fail(self, message: str, event: Any) -> LoadError:
        return LoadError(message, *self._lines.at(event.start_mark))

    def feed(self, stream: Iterable[Any]) -> Any:
        # One dictionary look-up per event (the loop runs once per node of every file read).
        scalar, start, end, alias = self._scalar, self._start, self._end, self._alias
        handlers: dict[type, Callable[[Any], None]] = {
            events.ScalarEvent: scalar,
            events.SequenceStartEvent: lambda event: start(event, YSeq()),
            events.MappingStartEvent: lambda event: start(event, YMap()),
            events.SequenceEndEvent: end,
            events.MappingEndEvent: end,
            events.AliasEvent: alias,
            events.DocumentStartEvent: self._document,
        }
        for event in stream:
            handler = handlers.get(type(event))
            if handler is not None:
                handler(event)
        return self._root

    def _document(self, event: Any) -> None:
        self._documents += 1
        if self._documents > 1:
            raise self._fail("expected a single document in the stream but found another document", event)

    def _count(self, event: Any) -> None:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise self._fail(f"document has more than {MAX_NODES} nodes", event)

    def _scalar(self, event: Any) -> None:
        self._count(event)
        style = event.style or None
        tag = event.tag
        if tag is not None:
            tag = str(tag)  # ruamel gives tags as str or as its Tag object
        if tag == "!" or (tag is None and style):
            tag = _STR
        elif tag is None:
            tag = self._plain_tag(event.value, event.implicit)
        value = _scalar_value(event.value, tag, style)
        if _custom(tag):
            value = Tagged(tag, value, self._pos(event, style=style))
        pos = self._pos(event, style=style)
        if event.anchor is not None:
            self._anchors[event.anchor] = (value, 1, pos)
        self._add(value, 1, event, pos)

    def _plain_tag(self, value: str, implicit: Any) -> str:
        # ruamel's resolver costs more than the rest of building; plain words repeat a lot.
        tag = self._tags.get(value)
        if tag is None:
            tag = _tag_text(self._resolve(ScalarNode, value, implicit)) or _STR
            if len(self._tags) < _MAX_CACHED_TAGS:
                self._tags[value] = tag
        return tag

    def _start(self, event: Any, value: YMap | YSeq) -> None:
        self._count(event)
        if len(self._stack) >= MAX_DEPTH:
            raise self._fail(f"document nested deeper than {MAX_DEPTH} levels", event)
        value.pos = self._pos(event)  # end line fixed at the end event
        if event.anchor is not None:
            # Still open: an alias to it makes a cycle, the same object again (counted as one node).
            self._anchors[event.anchor] = (value, 1, value.pos)
        self._stack.append(_Open(value, _tag_text(event.tag), key=_NO_KEY, anchor=event.anchor))

    def _end(self, event: Any) -> None:
        opened = self._stack.pop()
        value = opened.value
        start = value.pos
        value.pos = Pos(start.line, start.column, None, self._lines.at(event.end_mark)[0], self._path)
        if isinstance(value, YMap) and opened.merges:
            _apply_merges(value, opened.merges)
        result: Any = Tagged(opened.tag, value, value.pos) if opened.tag is not None and _custom(opened.tag) else value
        if opened.anchor is not None:
            self._anchors[opened.anchor] = (result, opened.size, value.pos)
        self._add(result, opened.size, event, value.pos)

    def _alias(self, event: Any) -> None:
        if event.anchor not in self._anchors:
            raise self._fail(f"found undefined alias {event.anchor!r}", event)
        value, size, pos = self._anchors[event.anchor]
        self._add(value, size, event, pos)

    def _add(self, value: Any, size: int, event: Any, here: Pos) -> None:
        """Attach a finished value (``size`` nodes once expanded) to the open container."""
        if not self._stack:
            self._root = value
            return
        parent = self._stack[-1]
        parent.size += size
        if parent.size > MAX_EXPANDED_NODES:
            raise self._fail(f"aliases expand to more than {MAX_EXPANDED_NODES} nodes", event)
        container = parent.value
        if isinstance(container, YSeq):
            container.append(value)
            container.item_pos.append(here)
        elif parent.key is _NO_KEY:
            self._key(parent, value, event, here)
        else:
            self._value(parent, value, here)

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

    def _value(self, parent: _Open, value: Any, here: Pos) -> None:
        mapping = parent.value
        assert isinstance(mapping, YMap)
        if parent.key is _MERGE:
            sources = value if isinstance(value, list) else [value]
            parent.merges = [*(parent.merges or []), *(m for m in sources if isinstance(m, YMap))]
        else:
            mapping[parent.key] = value
            mapping.value_pos[parent.key] = here
        parent.key = _NO_KEY


def _apply_merges(mapping: YMap, merges: list[YMap]) -> None:
    # YAML 1.1 merge keys: explicit keys win, earlier merged maps win over later ones.
    for merged in merges:
        for k, v in merged.items():
            if k not in mapping:
                mapping[k] = v
                mapping.key_pos[k] = merged.key_pos[k]
                mapping.value_pos[k] = merged.value_pos[k]


# The C path resolves plain scalars with YAML 1.2's rules whatever a %YAML directive says (what
# ruamel's loader did before: its libyaml parser reports no version), so one resolver and one
# cache of resolved tags serve every file.
_RESOLVER_12 = VersionedResolver(version=(1, 2))
_TAGS_12: dict[str, str] = {}
_MAX_CACHED_TAGS = 10_000


def _c_events(text: str) -> Iterator[Any]:
    """libyaml's events for ``text``, read straight from its parser (ruamel's ``YAML.parse``
    builds a loader class per call, which cost more than parsing a small file)."""
    parser = CParser(text)
    try:
        check, get = parser.check_event, parser.get_event
        while check():
            yield get()
    finally:
        parser.dispose()


def _build(loader: YAML, text: str, lines: _Lines, path: str) -> Any:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if loader is _LOADER and CParser is not None:
                builder = _Builder(path, lines, _RESOLVER_12.resolve, _TAGS_12)
                return builder.feed(_c_events(text))
            return _Builder(path, lines, loader.resolver.resolve, {}).feed(loader.parse(text))
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
