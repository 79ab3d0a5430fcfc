"""Where to put a minimal text edit in a YAML (or line-based) file, read from its text.

The model keeps the line and column of keys and values; what an edit also needs — where a
mapping's block ends, how its children are indented, where a scalar stops, which line ending
the file uses — is read here from the file's lines, never by re-parsing or re-serialising the
YAML, so every byte outside the edit stays as written. Each helper returns ``None`` when the text
is not in the plain shape it handles (flow mappings spanning lines, anchors, odd quoting): the
fix is then not offered rather than guessed.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Edit, Location

# `key:` at the start of a line's content (after the indentation and an optional `- `), with the
# rest of the line: the value and any comment.
_KEY = lazy_regex.compile(r"""(?P<dash>-[ \t]+)?(?P<key>"[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)[ \t]*:(?=[ \t]|$)(?P<rest>.*)$""")
_COMMENT = lazy_regex.compile(r"(?:^|[ \t])#.*$")


@frozen_dataclass
class KeyLine:
    """A ``key: value`` line: the key's indentation (its column - 1), the key, and the value as
    written without a trailing comment ('' for a block value)."""

    line: int
    indent: int
    key: str
    value: str
    value_start: int  # offset of the value's first character (or of the line end when empty)


@frozen_dataclass
class SourceText:
    """A file's text as read (line endings kept), addressed by 1-based lines and columns.

    Rules offer a fix per finding, many findings per file: the lines, their indentation and the
    blocks asked about are indexed once per text (lazily, on first use), so offering fixes costs
    time linear in the file, not in the file per finding (see :func:`shared_sources`).
    """

    path: str
    text: str

    @cached_property
    def _lines(self) -> list[str]:
        # Split on "\n" only: a lone "\r" or a form feed is not a line break to the offsets here.
        return [line.removesuffix("\r") for line in self.text.split("\n")]

    @cached_property
    def _starts(self) -> list[int]:
        starts = [0]
        at = self.text.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = self.text.find("\n", at + 1)
        return starts

    @cached_property
    def _indents(self) -> list[int]:
        """Each line's indentation (index 0 unused: lines are 1-based)."""
        return [0, *(len(line) - len(line.lstrip(" ")) for line in self._lines)]

    @cached_property
    def _content(self) -> list[bool]:
        """Whether each line is content: not blank and not only a comment (index 0 unused)."""
        return [False, *(bool(s) and not s.startswith("#") for s in (line.strip() for line in self._lines))]

    @cached_property
    def _parents(self) -> list[int]:
        """For each line, the nearest content line above it indented less (0 when none).

        One pass with a stack of content lines of strictly increasing indentation: a line
        indented no deeper than an earlier one hides it from every later line."""
        parents = [0] * (self.line_count + 1)
        stack_lines: list[int] = []
        stack_indents: list[int] = []
        for number in range(1, self.line_count + 1):
            indent = self._indents[number]
            if self._content[number]:
                while stack_indents and stack_indents[-1] >= indent:
                    stack_indents.pop()
                    stack_lines.pop()
                parents[number] = stack_lines[-1] if stack_lines else 0
                stack_lines.append(number)
                stack_indents.append(indent)
            else:
                at = bisect_left(stack_indents, indent)
                parents[number] = stack_lines[at - 1] if at else 0
        return parents

    @cached_property
    def _blocks(self) -> dict[tuple[int, int], tuple[int, ...]]:
        """:meth:`block_lines` already asked about, by (line, indent)."""
        return {}

    @cached_property
    def _mappings(self) -> dict[tuple[int, int], tuple[KeyLine, ...] | None]:
        """:meth:`children` already asked about, by (line, indent)."""
        return {}

    @cached_property
    def _top_level_keys(self) -> dict[str, KeyLine]:
        """The first key of each name written at column 1 (not after a ``- ``)."""
        found: dict[str, KeyLine] = {}
        for number, text in enumerate(self._lines, start=1):
            if text[:1] not in ("", " "):  # an indented key is not at column 1
                key = self.key_line(number)
                if key is not None and key.indent == 0:
                    found.setdefault(key.key, key)
        return found

    @property
    def line_count(self) -> int:
        return len(self._starts)

    @cached_property
    def newline(self) -> str:
        """The file's line ending (its first one), so inserted lines match: CRLF files stay CRLF."""
        first = self.text.find("\n")
        return "\r\n" if first > 0 and self.text[first - 1] == "\r" else "\n"

    def start(self, line: int) -> int:
        """Offset of the first character of ``line``."""
        return self._starts[line - 1]

    def next_start(self, line: int) -> int:
        """Offset just after ``line``'s line ending (the end of the text for the last line)."""
        return self._starts[line] if line < len(self._starts) else len(self.text)

    def line(self, line: int) -> str:
        """``line`` without its line ending."""
        return self._lines[line - 1] if line >= 1 else ""

    def offset(self, location: Location) -> int:
        return self.start(location.line) + location.column - 1

    def ends_with_newline(self) -> bool:
        return self.text.endswith("\n")

    def indent(self, line: int) -> int:
        return self._indents[line]

    def is_content(self, line: int) -> bool:
        """Not blank and not only a comment."""
        return self._content[line]

    def key_line(self, line: int, column: int | None = None) -> KeyLine | None:
        """The ``key: value`` written on ``line`` (at ``column`` when given: after a ``- ``)."""
        if not 1 <= line <= self.line_count:
            return None
        text = self.line(line)
        at = column - 1 if column is not None else self._indents[line]
        match = _KEY.match(text, at)
        if match is None or "\t" in text[:at]:
            return None
        key_at = match.start("key")
        rest = match.group("rest")
        value = _COMMENT.sub("", rest).strip()
        lead = len(rest) - len(rest.lstrip(" \t")) if value else 0
        value_start = self.start(line) + match.start("rest") + lead
        return KeyLine(line, key_at, match.group("key").strip("'\""), value, value_start)

    def top_level_key(self, key: str) -> KeyLine | None:
        """The first ``key:`` written at the start of a line (a top-level key of the document)."""
        return self._top_level_keys.get(key)

    def parent_line(self, line: int) -> int:
        """The nearest content line above ``line`` indented less (0 when there is none)."""
        return self._parents[line] if 1 <= line <= self.line_count else 0

    def block_lines(self, line: int, indent: int) -> tuple[int, ...]:
        """The content lines after ``line`` that belong to a block whose key is indented by
        ``indent``: every following line indented deeper, up to the first that is not."""
        found = self._blocks.get((line, indent))
        if found is None:
            lines: list[int] = []
            for number in range(line + 1, self.line_count + 1):
                if not self._content[number]:
                    continue
                if self._indents[number] <= indent:
                    break
                lines.append(number)
            found = self._blocks[(line, indent)] = tuple(lines)
        return found

    def first_block_line(self, line: int, indent: int) -> int | None:
        """The first line of :meth:`block_lines`, found without reading the rest of the block."""
        for number in range(line + 1, self.line_count + 1):
            if self._content[number]:
                return number if self._indents[number] > indent else None
        return None

    def children(self, line: int, indent: int) -> tuple[KeyLine, ...] | None:
        """The direct ``key: value`` children of the block mapping under ``line``; None when the
        block is not a plain mapping (a list, a tab-indented or irregular line)."""
        if (line, indent) not in self._mappings:
            self._mappings[(line, indent)] = self._children(self.block_lines(line, indent))
        return self._mappings[(line, indent)]

    def _children(self, lines: tuple[int, ...]) -> tuple[KeyLine, ...] | None:
        if not lines:
            return ()
        child = self.indent(lines[0])
        found: list[KeyLine] = []
        for number in lines:
            if self.indent(number) < child:
                return None
            if self.indent(number) == child:
                key = self.key_line(number)
                if key is None or self.line(number).lstrip().startswith("-"):
                    return None
                found.append(key)
        return tuple(found)

    def child_indent(self, line: int, indent: int) -> int | None:
        """How deep the children of ``line``'s block are indented, when it has any."""
        first = self.first_block_line(line, indent)
        return self.indent(first) if first is not None else None

    @cached_property
    def _indent_unit(self) -> int:
        steps = {indent for indent, content in zip(self._indents, self._content, strict=True) if content} - {0}
        return min(steps) if steps else 2

    def indent_unit(self) -> int:
        """The file's smallest indentation step (2 when it cannot be told)."""
        return self._indent_unit

    def insert_lines_after(self, line: int, lines: list[str]) -> Edit:
        """Insert whole lines after ``line`` (adding a line ending to a last line without one)."""
        at = self.next_start(line)
        body = self.newline.join(lines) + self.newline
        if at == len(self.text) and not self.ends_with_newline():
            body = self.newline + body.removesuffix(self.newline)
        return Edit(self.path, at, at, body)

    def insert_lines_before(self, line: int, lines: list[str]) -> Edit:
        at = self.start(line)
        return Edit(self.path, at, at, "".join(text + self.newline for text in lines))

    def remove_lines(self, first: int, last: int) -> Edit:
        """Delete ``first``..``last`` with their line endings."""
        end = self.next_start(last)
        start = self.start(first)
        if end == len(self.text) and not self.ends_with_newline() and first > 1:
            start -= len(self.newline)  # the last line: drop the ending before it instead
        return Edit(self.path, start, end, "")

    def replace_value(self, key: KeyLine, replacement: str) -> Edit:
        """Replace the one-line value of ``key`` (the comment after it stays)."""
        return Edit(self.path, key.value_start, key.value_start + len(key.value), replacement)


# The texts indexed during one lint run (see shared_sources), by path; None outside a run.
_SHARED: ContextVar[dict[str, SourceText] | None] = ContextVar("npm_auth_lint_shared_sources", default=None)


@contextmanager
def shared_sources() -> Iterator[None]:
    """Within this block, :func:`source_text` gives one :class:`SourceText` per file, so its
    indexes are built once for all the fixes offered on that file (the engine runs the rules in
    it). Nothing outlives the block: the next run starts empty."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def source_text(path: str, text: str) -> SourceText:
    """``text`` (of the file at ``path``) as a :class:`SourceText`: the one already indexed in
    this run when the text is the same, else a new one."""
    shared = _SHARED.get()
    if shared is None:
        return SourceText(path, text)
    found = shared.get(path)
    # The same string object in one run (the project's files); equal text counts too.
    if found is None or (found.text is not text and found.text != text):
        found = shared[path] = SourceText(path, text)
    return found


def flow_pairs(value: str) -> list[tuple[str, str]] | None:
    """The ``key: value`` pairs of a one-line flow mapping ``{a: b, c: d}``; None otherwise."""
    if not (value.startswith("{") and value.endswith("}")):
        return None
    inner = value[1:-1].strip()
    if not inner:
        return []
    pairs: list[tuple[str, str]] = []
    for part in inner.split(","):
        key, colon, level = part.partition(":")
        if not colon or any(c in part for c in "{}[]&*!|>'\""):
            return None
        pairs.append((key.strip(), level.strip()))
    return pairs


def scalar_text(value: str) -> str | None:
    """A plain or quoted one-line scalar's text; None for anything else."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    if not value or value[0] in "{[&*!|>'\"%@`":
        return None
    return value


def is_literal_block_header(value: str) -> bool:
    """``|``, ``|-``, ``|+``, ``|2``: a literal block scalar, whose lines are kept as written."""
    return re.fullmatch(r"\|[-+]?[1-9]?|\|[1-9][-+]", value) is not None


def owning_key(source: SourceText, line: int) -> KeyLine | None:
    """The nearest line above ``line`` that is indented less: the key whose value holds it."""
    number = source.parent_line(line)
    if not number:
        return None
    text = source.line(number)
    column = len(text) - len(text.lstrip(" ")) + 1
    if text.lstrip().startswith("- "):
        column += len(text.lstrip()) - len(text.lstrip()[1:].lstrip())
    return source.key_line(number, column)
