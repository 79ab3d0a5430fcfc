"""The ``concise`` format: one ``path:line:col: level [rule-id] message`` line per finding.

For editors' problem matchers and grep; the default ``text`` format shows snippets instead.
"""

from __future__ import annotations

import re

from npm_auth_lint import lazy_regex
from npm_auth_lint.model import Finding, Location, Severity
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters.common import all_secrets, clean, summary_line

_RESET = "\033[0m"
_BOLD = "\033[1m"
_DIM = "\033[2m"
_LEVEL_COLORS = {
    Severity.ERROR: "\033[31m",  # red
    Severity.WARNING: "\033[33m",  # yellow
    Severity.NOTE: "\033[34m",  # blue
}
_RELATED_LABEL = "note"
_CONTINUATION = "    "


def printable(text: str) -> str:
    """``text`` with control characters (bar tab and newline) shown as escapes, not executed.

    Messages quote the scanned files, and a committed ANSI or OSC sequence must not be able to
    rewrite the user's terminal.
    """
    return _CONTROL.sub(_escape, text)


# C0 (bar tab and newline), DEL and C1 controls, and the bidi overrides that make text read
# differently on screen (one regex pass: a loop over every character was a quarter of a run).
_CONTROL = lazy_regex.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    point = ord(match.group())
    return f"\\x{point:02x}" if point <= 0xFF else f"\\u{point:04x}"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{_RESET}" if color else text


def _indent_continuation(text: str) -> str:
    return text.replace("\n", "\n" + _CONTINUATION)


def _where(location: Location, color: bool) -> str:
    return _paint(f"{printable(clean(str(location)))}:", _BOLD, color)


def _finding_lines(finding: Finding, color: bool) -> list[str]:
    level = _paint(finding.severity.value, _LEVEL_COLORS[finding.severity], color)
    rule = _paint(f"[{printable(finding.rule_id)}]", _DIM, color)
    message = _indent_continuation(printable(clean(finding.message, finding.secrets)))
    lines = [f"{_where(finding.location, color)} {level} {rule} {message}"]
    label = _paint(f"{_RELATED_LABEL}:", _LEVEL_COLORS[Severity.NOTE], color)
    for related in finding.related:
        text = _indent_continuation(printable(clean(related.message, finding.secrets)))
        lines.append(f"  {_where(related.location, color)} {label} {text}")
    return lines


def _statistics_lines(report: Report, color: bool) -> list[str]:
    """ruff-style counts: one line per rule that fired, most frequent first."""
    counts: dict[str, int] = {}
    levels: dict[str, Severity] = {}
    for finding in report.findings:
        counts[finding.rule_id] = counts.get(finding.rule_id, 0) + 1
        if finding.rule_id not in levels or finding.severity.rank > levels[finding.rule_id].rank:
            levels[finding.rule_id] = finding.severity
    width = max((len(str(n)) for n in counts.values()), default=1)
    rule_width = max((len(r) for r in counts), default=1)
    ordered = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [
        f"{n:>{width}}  {printable(rule):<{rule_width}}  {_paint(levels[rule].value, _LEVEL_COLORS[levels[rule]], color)}"
        for rule, n in ordered
    ]


def render(report: Report, color: bool = False, quiet: bool = False, statistics: bool = False) -> str:
    """The findings (or, with ``statistics``, counts per rule), the summary line and the
    strategy report; ``quiet`` leaves only the findings. ANSI colour on request."""
    lines: list[str] = []
    if statistics:
        lines.extend(_statistics_lines(report, color))
    else:
        for finding in report.findings:
            lines.extend(_finding_lines(finding, color))
    if quiet:
        return "".join(f"{line}\n" for line in lines)
    lines.append(_paint(summary_line(report), _BOLD, color))
    # Imported here: strategy_text imports printable from this module.
    from npm_auth_lint.reporters.strategy_text import strategy_section

    section = strategy_section(report.strategy, all_secrets(report))
    if section.strip():
        # Redacted with every finding's secrets: the strategy report belongs to no single finding.
        lines.extend(["", section])
    return "\n".join(lines) + "\n"
