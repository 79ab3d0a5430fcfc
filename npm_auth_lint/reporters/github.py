"""GitHub Actions workflow commands: each finding becomes an annotation on its file and line.

``::error file=PATH,line=L,col=C,title=npm-auth-lint [rule-id]::message`` (``::warning``,
``::notice`` for notes), escaped the way the Actions runner unescapes them, so that no text from
a scanned file can end a command early or start a command of its own.
"""

from __future__ import annotations

from npm_auth_lint.model import Finding, Severity
from npm_auth_lint.reporters import Report
from npm_auth_lint.redact import escape_controls
from npm_auth_lint.reporters.common import TOOL_NAME, clean, summary_line

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTE: "notice"}


def escape_data(text: str) -> str:
    """Escape a command's message (``%``, CR, LF), as @actions/core's ``escapeData``."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a command property value: the message escapes plus ``:`` and ``,``."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _message(finding: Finding) -> str:
    secrets = finding.secrets
    lines = [clean(finding.message, secrets)]
    for related in finding.related:
        where = related.location
        path = clean(where.path, secrets)
        lines.append(f"{path}:{where.line}:{where.column}: note: {clean(related.message, secrets)}")
    return "\n".join(lines)


def command(finding: Finding) -> str:
    """The workflow command annotating ``finding`` (one line)."""
    location = finding.location
    properties = {
        "file": clean(location.path, finding.secrets),
        "line": str(location.line),
        "col": str(location.column),
        "title": f"{TOOL_NAME} [{finding.rule_id}]",
    }
    # Terminal controls from job and file names are shown escaped, as in every format (issue #13).
    rendered = ",".join(f"{key}={escape_controls(escape_property(value))}" for key, value in properties.items())
    return f"::{COMMANDS[finding.severity]} {rendered}::{escape_controls(escape_data(_message(finding)))}"


def render(report: Report) -> str:
    """One annotation command per finding, then the summary line as plain log text."""
    lines = [command(finding) for finding in report.findings]
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
