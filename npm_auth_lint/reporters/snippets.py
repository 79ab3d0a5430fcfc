"""Source snippets with marked spans, laid out the way rustc, ruff and zizmor show them.

::

      --> .github/workflows/release.yml:9:3
       |
     9 |   publish:
       |   ^^^^^^^
    ...
    17 |       - run: npm publish
       |              ----------- `npm publish` needs the ID token

Every source line shown is redacted (the report's secrets and the redaction patterns) before it
is measured, its control characters are escaped, tabs become four spaces and wide characters
count two columns, so that the markers stay under the text they mark. Lines longer than
:data:`MAX_WIDTH` columns are cut around the marked spans, with ``…`` where text was left out.

No library renders such snippets in Python (annotate-snippets and codespan are Rust crates), so
the layout is written here; only its simplest form is kept: one-line spans, labels on the
marker row or hanging below it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location
from npm_auth_lint.reporters.common import clean
from npm_auth_lint.reporters.concise import printable
from npm_auth_lint.workspace import FileReadError, Workspace, split_lines

MAX_WIDTH = 100  # display columns of source text shown per line
CONTEXT = 20  # columns kept left of a marked span when a long line is cut
TAB = "    "  # rustc and ruff show a tab as four spaces
ELLIPSIS = "\u2026"

# Style names a painter understands: "primary" and "secondary" markers, the "gutter".
Paint = Callable[[str, str], str]


@frozen_dataclass
class Annotation:
    """A marked place in a source file: its location, its label and whether it is the finding's."""

    location: Location
    label: str = ""
    primary: bool = False


class SourceFiles:
    """The lines of the repository's files, read as the engine reads them (safely, once)."""

    def __init__(self, root: Path) -> None:
        self._workspace = Workspace(Path(root))
        self._lines: dict[str, list[str] | None] = {}

    def line(self, path: str, number: int) -> str | None:
        """Line ``number`` (1-based) of ``path``, or None when the file or line is not there."""
        if path not in self._lines:
            try:
                self._lines[path] = split_lines(self._workspace.read(path))
            except (FileReadError, OSError, ValueError):
                # Not a text file of the repository (or a path no file has, e.g. an npmrc a CI
                # step writes): the finding is shown without a snippet.
                self._lines[path] = None
        lines = self._lines[path]
        if lines is None or not 1 <= number <= len(lines):
            return None
        return lines[number - 1]


# Display cells ------------------------------------------------------------------------------


@frozen_dataclass
class DisplayLine:
    """A source line as shown: one cell per character of the redacted line, and where each of
    the original line's characters went."""

    cells: tuple[tuple[str, int], ...]  # (text shown, display width)
    cell_of: tuple[int, ...]  # original character index -> cell index (one extra: line end)

    def column(self, index: int) -> int:
        """The display column (0-based) where original character ``index`` starts."""
        cell = self.cell_of[min(max(index, 0), len(self.cell_of) - 1)]
        return sum(width for _, width in self.cells[:cell])

    @property
    def width(self) -> int:
        return sum(width for _, width in self.cells)

    def text(self, start: int, end: int) -> str:
        """The cells that lie wholly in display columns [start, end); a wide character cut by
        ``start`` leaves blanks, so that what follows stays in its column."""
        out: list[str] = []
        column = 0
        for text, width in self.cells:
            if column >= start and column + width <= end:
                out.append(text)
            elif column < start < column + width:
                out.append(" " * (column + width - start))
            column += width
        return "".join(out)


def _cell(char: str) -> tuple[str, int]:
    if char == "\t":
        return TAB, len(TAB)
    shown = printable(char)
    if shown != char:
        return shown, len(shown)
    if unicodedata.combining(char):
        return char, 0
    return char, 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


_SYNC = 16  # characters that must match again after a mask before the alignment goes on


def _index_map(original: str, redacted: str) -> list[int]:
    """Where each character index of ``original`` (and its end) lands in ``redacted``.

    Redaction only replaces runs of characters by masks of ``*``: walking both strings, equal
    characters map to each other, and at a difference the mask is skipped in ``redacted`` and
    the replaced run in ``original`` up to where the two agree again. Its characters map to
    the mask's start, so a span over a secret marks the mask. Linear in the line's length
    (difflib's alignment took minutes on a 100 kB minified line).
    """
    if original == redacted:
        return list(range(len(original) + 1))
    mapping = [0] * (len(original) + 1)
    i = j = 0
    while i < len(original):
        if j < len(redacted) and original[i] == redacted[j]:
            mapping[i] = j
            i, j = i + 1, j + 1
            continue
        mask = j
        while j < len(redacted) and redacted[j] == "*":
            j += 1
        # Agree again on what follows the mask, up to the next mask (which the original lacks).
        next_mask = redacted.find("*", j)
        tail = redacted[j : min(j + _SYNC, len(redacted) if next_mask < 0 else next_mask)]
        resume = original.find(tail, i + 1) if tail else len(original)
        if resume < 0:  # no way back in step: everything left marks the end of the text
            resume = len(original)
            j = len(redacted)
        for index in range(i, resume):
            mapping[index] = mask
        i = resume
    mapping[len(original)] = len(redacted)
    return mapping


def display_line(raw: str, secrets: Sequence[str]) -> DisplayLine:
    """``raw`` redacted and made printable, with the map from its columns to display cells."""
    redacted = clean(raw, secrets)
    cells = tuple(_cell(char) for char in redacted)
    return DisplayLine(cells=cells, cell_of=tuple(_index_map(raw, redacted)))


# Spans ----------------------------------------------------------------------------------------


def span(raw: str, column: int) -> tuple[int, int]:
    """The character range [start, end) to mark for a finding at 1-based ``column`` of ``raw``.

    Findings carry a point, not a range. A value (after ``key:`` or ``- ``) is marked to the end
    of the line without a trailing comment; anything else (a key, a word, a token after ``=``) up
    to the next blank, without a trailing ``:`` or ``,``. A point past the line's end marks one
    column there.
    """
    start = max(column - 1, 0)
    if start >= len(raw) or raw[start].isspace():
        return min(start, len(raw)), min(start, len(raw)) + 1
    before = raw[:start].rstrip()
    if before.endswith((":", "-")):
        text = raw[start:]
        comment = text.find(" #")
        end = start + len((text if comment < 0 else text[:comment]).rstrip())
    else:
        end = start
        while end < len(raw) and not raw[end].isspace():
            end += 1
    while end - start > 1 and raw[end - 1] in ":,":
        end -= 1
    return start, end


# Layout ---------------------------------------------------------------------------------------


@frozen_dataclass
class _Mark:
    start: int  # display columns in the shown (possibly cut) line
    end: int
    label: str
    primary: bool


@frozen_dataclass
class Row:
    """One output row of a snippet: a line number (or "" / "..."), and the text after the gutter."""

    number: str
    text: str


def _window(width: int, marks: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """The display columns [start, end) of a line to show, around the marked spans."""
    spans = list(marks)
    if width <= MAX_WIDTH or not spans or max(end for _, end in spans) <= MAX_WIDTH:
        return 0, min(width, MAX_WIDTH)
    # Some context before the first span; a span too wide for the window is cut on the right.
    left = min(start for start, _ in spans)
    start = max(0, min(left - CONTEXT, width - MAX_WIDTH))
    return start, start + MAX_WIDTH


def _merge(raw: str, annotations: Sequence[Annotation]) -> list[tuple[int, int, str, bool]]:
    """The character spans to mark on ``raw``: annotations at the same place become one mark with
    both labels, and a span ends (without trailing blanks) where the next one starts."""
    merged: dict[int, tuple[int, list[str], bool]] = {}
    for annotation in annotations:
        start, end = span(raw, annotation.location.column)
        old_end, labels, primary = merged.get(start, (end, [], False))
        if annotation.label and annotation.label not in labels:
            labels.append(annotation.label)
        merged[start] = (max(old_end, end), labels, primary or annotation.primary)
    starts = sorted(merged)
    out = []
    for index, start in enumerate(starts):
        end, labels, primary = merged[start]
        if index + 1 < len(starts) and end > starts[index + 1]:
            end = starts[index + 1]
            while end > start + 1 and raw[end - 1].isspace():
                end -= 1
        out.append((start, end, "; ".join(labels), primary))
    return out


def _marks_for_line(
    raw: str, shown: DisplayLine, annotations: Sequence[Annotation]
) -> tuple[list[_Mark], str]:
    """The marks of one line in display columns of its shown text, and that text."""
    merged = []
    for first, last, label, primary in _merge(raw, annotations):
        start = shown.column(first)
        # A span past the line's end (a point after its last character) keeps its width there.
        end = shown.column(last) if last <= len(raw) else shown.width + (last - len(raw))
        merged.append((start, max(end, start + 1), label, primary))
    window_start, window_end = _window(shown.width, ((s, e) for s, e, _, _ in merged))
    cut_left, cut_right = window_start > 0, window_end < shown.width
    text = (ELLIPSIS if cut_left else "") + shown.text(window_start, window_end) + (ELLIPSIS if cut_right else "")
    # Marks stay inside the shown text; one past a line's end stays visible when nothing is cut.
    last = window_end if cut_right else max(shown.width + 1, max((e for _, e, _, _ in merged), default=0))
    shift = window_start - (1 if cut_left else 0)
    marks = []
    for start, end, label, primary in merged:
        start = min(max(start, window_start), last - 1)
        end = min(max(end, start + 1), last)
        marks.append(_Mark(start - shift, end - shift, label, primary))
    return marks, text


def _marker_rows(marks: Sequence[_Mark], paint: Paint) -> list[str]:
    """The marker row (``^^^`` for the finding, ``---`` for related places) and hanging labels.

    The rightmost mark's label follows the markers; every other label hangs below its mark on
    a ``|``, the rightmost first, as rustc does.
    """

    def style(mark: _Mark) -> str:
        return "primary" if mark.primary else "secondary"

    row = ""
    column = 0
    for mark in marks:
        row += " " * (mark.start - column) + paint(("^" if mark.primary else "-") * (mark.end - mark.start), style(mark))
        column = mark.end
    last = marks[-1]
    if last.label:
        row += " " + paint(last.label, style(last))
    rows = [row]
    hanging = [mark for mark in marks[:-1] if mark.label]
    if hanging:
        rows.append(_pipes(hanging, paint, style))
        for index in range(len(hanging) - 1, -1, -1):
            mark = hanging[index]
            drawn = hanging[index - 1].start + 1 if index else 0
            pipes = _pipes(hanging[:index], paint, style)
            rows.append(pipes + " " * (mark.start - drawn) + paint(mark.label, style(mark)))
    return rows


def _pipes(marks: Sequence[_Mark], paint: Paint, style: Callable[[_Mark], str]) -> str:
    """A ``|`` under the start of each of ``marks`` (sorted by column)."""
    out = ""
    column = 0
    for mark in marks:
        out += " " * (mark.start - column) + paint("|", style(mark))
        column = mark.start + 1
    return out


def file_rows(
    path: str, annotations: Sequence[Annotation], sources: SourceFiles, secrets: Sequence[str], paint: Paint
) -> tuple[list[Row], list[Annotation]]:
    """The rows showing ``annotations`` of one file, and the annotations that have no source
    line to show (an unreadable file, a line past its end)."""
    by_line: dict[int, list[Annotation]] = {}
    missing: list[Annotation] = []
    for annotation in annotations:
        if sources.line(path, annotation.location.line) is None:
            missing.append(annotation)
        else:
            by_line.setdefault(annotation.location.line, []).append(annotation)
    rows: list[Row] = []
    previous = 0
    for number in sorted(by_line):
        if previous and number - previous == 2:
            rows.extend(_context_row(path, previous + 1, sources, secrets))
        elif previous and number - previous > 2:
            rows.append(Row("...", ""))
        raw = sources.line(path, number) or ""
        marks, text = _marks_for_line(raw, display_line(raw, secrets), by_line[number])
        rows.append(Row(str(number), text))
        rows.extend(Row("", marker) for marker in _marker_rows(marks, paint))
        previous = number
    return rows, missing


def _context_row(path: str, number: int, sources: SourceFiles, secrets: Sequence[str]) -> list[Row]:
    raw = sources.line(path, number)
    if raw is None:
        return []
    shown = display_line(raw, secrets)
    text = shown.text(0, MAX_WIDTH) + (ELLIPSIS if shown.width > MAX_WIDTH else "")
    return [Row(str(number), text)]
