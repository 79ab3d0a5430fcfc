"""Machine-readable output in the versioned ``npm-auth-lint/findings`` schema (docs/json-schema.md).

The JSON Schema ships as ``npm_auth_lint/data/findings.schema.json``; bump :data:`VERSION` on any
change that removes, renames or retypes a key (new keys and new sections keep it).
"""

from __future__ import annotations

import json
from typing import Any

from npm_auth_lint.model import Finding, Severity
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters.common import (
    TOOL_NAME,
    clean,
    rule_indexes,
    severity_counts,
    strategy_section,
)
from npm_auth_lint.reporters.fix_data import LineStarts, json_fix

SCHEMA = "npm-auth-lint/findings"
VERSION = 1


def _finding(finding: Finding, help_uri: str | None) -> dict[str, Any]:
    secrets = finding.secrets
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "message": clean(finding.message, secrets),
        "path": clean(finding.location.path, secrets),
        "line": finding.location.line,
        "column": finding.location.column,
        "related": [
            {
                "path": clean(related.location.path, secrets),
                "line": related.location.line,
                "column": related.location.column,
                "message": clean(related.message, secrets),
            }
            for related in finding.related
        ],
        "help_uri": help_uri,
    }


def document(report: Report) -> dict[str, Any]:
    """The report as the JSON-ready mapping that :func:`render` serialises."""
    rules = rule_indexes(report)
    counts = severity_counts(report.findings)
    findings = []
    lines = LineStarts(report.root)
    for finding in report.findings:
        known = rules.get(finding.rule_id)
        findings.append({**_finding(finding, known[1].help_uri() if known else None), "fix": json_fix(finding, lines)})
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "tool": {"name": TOOL_NAME, "version": report.version},
        "root": clean(str(report.root)),
        "summary": {
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "notes": counts[Severity.NOTE],
            "files_scanned": report.files_scanned,
        },
        "findings": findings,
        **strategy_section(report),
    }


def render(report: Report) -> str:
    """The report as indented JSON (UTF-8 text, ending in a newline)."""
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
