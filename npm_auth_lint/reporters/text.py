"""The default ``text`` format: each finding as a diagnostic people read at a glance.

::

    error[missing-id-token] [*]: job `publish` lacks the ID token trusted publishing needs
     --> .github/workflows/release.yml:5:5
      |
    5 |     permissions:
      |     ^^^^^^^^^^^
    ...
    8 |       - run: npm publish --provenance
      |              ------------------------ `npm publish --provenance` needs the ID token
      |
      = help: add `id-token: write` to the `permissions` of job `publish`

The layout is rustc's and zizmor's (ruff's ``full`` output is the same family): a title line, the
location, the source with the finding's span marked ``^`` and related places marked ``-`` and
labelled (other files under ``:::``), then ``= note:`` and ``= help:``. Findings on the same line
share one snippet. ``[*]`` after the rule id marks a finding that ``--fix`` resolves. The summary
(with ruff's count of what ``--fix`` and ``--unsafe-fixes`` would resolve) and the strategy report
follow, as in the ``concise`` format.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from npm_auth_lint.model import Finding, Location, Severity
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters.common import all_secrets, clean, summary_line
from npm_auth_lint.reporters.concise import _statistics_lines, printable
from npm_auth_lint.reporters.fix_data import fix_counts, is_safe_fix
from npm_auth_lint.reporters.snippets import Annotation, Row, SourceFiles, file_rows
from npm_auth_lint.reporters.strategy_text import strategy_section
from npm_auth_lint.reporters.wording import Source, Wording, word

if TYPE_CHECKING:  # a text run does not load the JSON reporter
    from npm_auth_lint.reporters.json import Writable

__all__ = ["printable", "render"]  # printable: callers that escape text import it from here

_RESET = "\033[0m"
# rustc's palette: bold level colours, bold bright blue for the gutter and related places.
_STYLES = {
    "error": "\033[1;91m",
    "warning": "\033[1;33m",
    "note": "\033[1;92m",
    "secondary": "\033[1;94m",
    "gutter": "\033[1;94m",
    "bold": "\033[1m",
}


class _Painter:
    """ANSI styling (or none); ``primary`` is the colour of the group's most severe finding."""

    def __init__(self, color: bool, level: Severity = Severity.ERROR) -> None:
        self.color = color
        self.level = level

    def __call__(self, text: str, style: str) -> str:
        if not self.color or not text:
            return text
        code = _STYLES[self.level.value if style == "primary" else style]
        return f"{code}{text}{_RESET}"


def groups(findings: Iterable[Finding]) -> Iterator[list[Finding]]:
    """Consecutive findings on the same line of the same file (the report is sorted)."""
    group: list[Finding] = []
    for finding in findings:
        if group and (finding.location.path, finding.location.line) != (
            group[0].location.path,
            group[0].location.line,
        ):
            yield group
            group = []
        group.append(finding)
    if group:
        yield group


def _wordings(group: Sequence[Finding]) -> list[Wording]:
    sources = []
    for finding in group:
        secrets = finding.secrets
        sources.append(
            Source(
                title=clean(finding.title, secrets),
                help=clean(finding.help, secrets),
                message=clean(finding.message, secrets),
                labels=tuple(clean(related.message, secrets) for related in finding.related),
            )
        )
    return word(sources)


def _annotations(group: Sequence[Finding], wordings: Sequence[Wording]) -> dict[str, list[Annotation]]:
    """The places to mark, by file: the group's own file first, then the others as they come.

    When several findings share the line, each mark is labelled with the rules it belongs to.
    """
    rules_at: dict[Location, list[str]] = {}
    for finding in group:
        rules_at.setdefault(finding.location, []).append(finding.rule_id)
    by_file: dict[str, list[Annotation]] = {}
    for location, rule_ids in rules_at.items():
        label = printable(", ".join(rule_ids)) if len(group) > 1 else ""
        by_file.setdefault(location.path, []).append(Annotation(location, label, primary=True))
    for finding, wording in zip(group, wordings):
        for related, label in zip(finding.related, wording.labels):
            by_file.setdefault(related.location.path, []).append(Annotation(related.location, printable(label)))
    return by_file


def _titles(group: Sequence[Finding], wordings: Sequence[Wording], paint: _Painter) -> list[str]:
    """``level[rule]: title`` per finding; findings of one level with the same title share it.

    ``[*]`` after the rule marks a finding ``--fix`` resolves (ruff's fixable marker).
    """
    heads: list[tuple[Severity, str, bool, list[str]]] = []
    for finding, wording in zip(group, wordings):
        fixable = is_safe_fix(finding)
        if heads and heads[-1][:3] == (finding.severity, wording.title, fixable):
            heads[-1][3].append(finding.rule_id)
        else:
            heads.append((finding.severity, wording.title, fixable, [finding.rule_id]))
    return [
        paint(f"{severity.value}[{printable(', '.join(rule_ids))}]", severity.value)
        + (" " + paint("[*]", "bold") if fixable else "")
        + paint(f": {printable(title)}", "bold")
        for severity, title, fixable, rule_ids in heads
    ]


def fix_summary(findings: Iterable[Finding]) -> str:
    """ruff's fix summary: ``[*] 3 fixable with `--fix` (2 more with `--unsafe-fixes`).``;
    '' when no finding offers a fix."""
    counts = fix_counts(findings)
    if counts.safe and counts.unsafe:
        return f"[*] {counts.safe} fixable with `--fix` ({counts.unsafe} more with `--unsafe-fixes`)."
    if counts.safe:
        return f"[*] {counts.safe} fixable with `--fix`."
    if counts.unsafe:
        return f"{counts.unsafe} fixable with `--fix --unsafe-fixes`."
    return ""


def _where(location: Location, secrets: Sequence[str]) -> str:
    return printable(clean(str(location), secrets))


def _field(pad: str, name: str, text: str, paint: _Painter) -> list[str]:
    """``= note: text`` under the gutter; further lines of ``text`` line up after the colon."""
    head = f"{pad} {paint('=', 'gutter')} {paint(name, 'bold')}: "
    indent = " " * (len(pad) + len(name) + 5)
    lines = printable(text).split("\n")
    return [head + lines[0], *(indent + line for line in lines[1:])]


def _snippet_lines(
    group: Sequence[Finding], wordings: Sequence[Wording], sources: SourceFiles, secrets: Sequence[str], paint: _Painter
) -> tuple[list[tuple[str, str, list[Row]]], list[Annotation]]:
    """Each file's path, the location its header names and its rows; and the related places
    that have no source line to show."""
    files: list[tuple[str, str, list[Row]]] = []
    missing: list[Annotation] = []
    for path, marks in _annotations(group, wordings).items():
        rows, unshown = file_rows(path, marks, sources, secrets, paint)
        missing.extend(annotation for annotation in unshown if not annotation.primary)
        if rows:
            first = min(annotation.location for annotation in marks if annotation not in unshown)
            files.append((path, _where(first, secrets), rows))
    return files, missing


def _group_lines(group: Sequence[Finding], sources: SourceFiles, secrets: Sequence[str], color: bool) -> list[str]:
    """One finding (or several on the same line) as a titled snippet with its notes."""
    paint = _Painter(color, max((finding.severity for finding in group), key=lambda s: s.rank))
    wordings = _wordings(group)
    files, missing = _snippet_lines(group, wordings, sources, secrets, paint)
    numbers = [row.number for _, _, rows in files for row in rows if row.number != "..."]
    numbers.append(str(group[0].location.line))
    pad = " " * max(len(number) for number in numbers)
    gutter = paint("|", "gutter")
    lines = _titles(group, wordings, paint)
    primary = group[0].location
    lines.append(f"{pad}{paint('-->', 'gutter')} {_where(primary, secrets)}")
    for index, (path, where, rows) in enumerate(files):
        if index or path != primary.path:
            lines.append(f"{pad}{paint(':::', 'gutter')} {where}")
        lines.append(f"{pad} {gutter}")
        for row in rows:
            number = paint(row.number.rjust(len(pad)), "gutter") if row.number else pad
            text = f" {row.text}" if row.text else ""
            lines.append((f"{number} {gutter}{text}" if row.number != "..." else paint("...", "gutter")).rstrip())
    if files:
        lines.append(f"{pad} {gutter}")
    for annotation in missing:
        where = _where(annotation.location, secrets)
        lines.extend(_field(pad, "note", f"{where}: {annotation.label}" if annotation.label else where, paint))
    for finding, wording in zip(group, wordings):
        tag = f"[{printable(finding.rule_id)}]" if len(group) > 1 else ""
        if wording.note:
            lines.extend(_field(pad, f"note{tag}", wording.note, paint))
        if wording.help:
            lines.extend(_field(pad, f"help{tag}", wording.help, paint))
    return lines


def _finding_chunks(report: Report, color: bool) -> Iterator[list[str]]:
    """The lines of each finding group in turn (a blank line after each)."""
    sources = SourceFiles(report.root)
    secrets = all_secrets(report)
    for group in groups(report.findings):
        yield [*_group_lines(group, sources, secrets, color), ""]


def finding_lines(report: Report, color: bool = False) -> list[str]:
    """Every finding of ``report`` as diagnostics, a blank line after each."""
    return [line for chunk in _finding_chunks(report, color) for line in chunk]


def write(report: Report, out: Writable, color: bool = False, quiet: bool = False, statistics: bool = False) -> None:
    """Write :func:`render`'s text to ``out`` a finding at a time (40,000 findings make
    a million lines: they are never held at once)."""
    chunks = iter([_statistics_lines(report, color)]) if statistics else _finding_chunks(report, color)
    for chunk in chunks:
        out.write("".join(f"{line}\n" for line in chunk))
    if quiet:
        return
    out.write(_Painter(color)(summary_line(report), "bold") + "\n")
    fixable = fix_summary(report.findings) if not statistics else ""
    if fixable:
        out.write(fixable + "\n")
    section = strategy_section(report.strategy, all_secrets(report))
    if section.strip():
        # Redacted with every finding's secrets: the strategy report belongs to no single finding.
        out.write(f"\n{section}\n")


def render(report: Report, color: bool = False, quiet: bool = False, statistics: bool = False) -> str:
    """The findings as diagnostics (or, with ``statistics``, counts per rule), the summary line
    and the strategy report; ``quiet`` leaves only the findings. ANSI colour on
    request."""
    buffer = io.StringIO()
    write(report, buffer, color, quiet, statistics)
    return buffer.getvalue()
