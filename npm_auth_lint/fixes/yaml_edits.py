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
from dataclasses import dataclass
from functools import cached_property

from npm_auth_lint.model import Edit, Location

# `key:` at the start of a line's content (after the indentation and an optional `- `), with the
# rest of the line: the value and any comment.
_KEY = re.compile(r"""(?P<dash>-[ \t]+)?(?P<key>"[^"]*"|'[^']*'|[^\s:#'"][^:#]*?)[ \t]*:(?=[ \t]|$)(?P<rest>.*)$""")
_COMMENT = re.compile(r"(?:^|[ \t])#.*$")


@dataclass(frozen=True)
class KeyLine:
    """A ``key: value`` line: the key's indentation (its column - 1), the key, and the value as
    written without a trailing comment ('' for a block value)."""

    line: int
    indent: int
    key: str
    value: str
    value_start: int  # offset of the value's first character (or of the line end when empty)


@dataclass(frozen=True)
class SourceText:
    """A file's text as read (line endings kept), addressed by 1-based lines and columns."""

    path: str
    text: str

    @cached_property
    def _starts(self) -> list[int]:
        starts = [0]
        for index, char in enumerate(self.text):
            if char == "\n":
                starts.append(index + 1)
        return starts

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
        end = self.next_start(line)
        return self.text[self.start(line) : end].rstrip("\n").removesuffix("\r")

    def offset(self, location: Location) -> int:
        return self.start(location.line) + location.column - 1

    def ends_with_newline(self) -> bool:
        return self.text.endswith("\n")

    def indent(self, line: int) -> int:
        text = self.line(line)
        return len(text) - len(text.lstrip(" "))

    def is_content(self, line: int) -> bool:
        """Not blank and not only a comment."""
        stripped = self.line(line).strip()
        return bool(stripped) and not stripped.startswith("#")

    def key_line(self, line: int, column: int | None = None) -> KeyLine | None:
        """The ``key: value`` written on ``line`` (at ``column`` when given: after a ``- ``)."""
        if not 1 <= line <= self.line_count:
            return None
        text = self.line(line)
        at = column - 1 if column is not None else len(text) - len(text.lstrip(" "))
        match = _KEY.match(text, at)
        if match is None or "\t" in text[:at]:
            return None
        key_at = match.start("key")
        rest = match.group("rest")
        value = _COMMENT.sub("", rest).strip()
        lead = len(rest) - len(rest.lstrip(" \t")) if value else 0
        value_start = self.start(line) + match.start("rest") + lead
        return KeyLine(line, key_at, match.group("key").strip("'\""), value, value_start)

    def block_lines(self, line: int, indent: int) -> list[int]:
        """The content lines after ``line`` that belong to a block whose key is indented by
        ``indent``: every following line indented deeper, up to the first that is not."""
        lines: list[int] = []
        for number in range(line + 1, self.line_count + 1):
            if not self.is_content(number):
                continue
            if self.indent(number) <= indent:
                break
            lines.append(number)
        return lines

    def children(self, line: int, indent: int) -> list[KeyLine] | None:
        """The direct ``key: value`` children of the block mapping under ``line``; None when the
        block is not a plain mapping (a list, a tab-indented or irregular line)."""
        lines = self.block_lines(line, indent)
        if not lines:
            return []
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
        return found

    def child_indent(self, line: int, indent: int) -> int | None:
        """How deep the children of ``line``'s block are indented, when it has any."""
        lines = self.block_lines(line, indent)
        return self.indent(lines[0]) if lines else None

    def indent_unit(self) -> int:
        """The file's smallest indentation step (2 when it cannot be told)."""
        steps = sorted({self.indent(n) for n in range(1, self.line_count + 1) if self.is_content(n)} - {0})
        return steps[0] if steps else 2

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
    indent = source.indent(line)
    for number in range(line - 1, 0, -1):
        if source.is_content(number) and source.indent(number) < indent:
            text = source.line(number)
            column = len(text) - len(text.lstrip(" ")) + 1
            if text.lstrip().startswith("- "):
                column += len(text.lstrip()) - len(text.lstrip()[1:].lstrip())
            return source.key_line(number, column)
    return None
