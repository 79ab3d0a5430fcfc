"""Helpers every reporter shares: redaction, counts, the summary line, rule lookup, the
strategy as data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from npm_auth_lint.model import Finding, Severity
from npm_auth_lint.redact import redact
from npm_auth_lint.reporters import Report
from npm_auth_lint.rule import Rule

if TYPE_CHECKING:
    from npm_auth_lint.strategy import PipelineStrategy

TOOL_NAME = "npm-auth-lint"


def clean(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` redacted, with lone surrogates replaced so that it always encodes as UTF-8."""
    redacted = redact(text, secrets)
    # A surrogate escape from an undecodable file name would make the output unwritable.
    return redacted.encode("utf-8", errors="replace").decode("utf-8")


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """How many findings there are of each severity (every severity present, possibly 0)."""
    counts = dict.fromkeys(Severity, 0)
    for finding in findings:
        counts[finding.severity] += 1
    return counts


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary_line(report: Report) -> str:
    """``Found 3 problems (1 error, 2 warnings, 0 notes) in 12 files.`` or ``No problems ...``."""
    files = _plural(report.files_scanned, "file")
    if not report.findings:
        return f"No problems found in {files}."
    counts = severity_counts(report.findings)
    detail = ", ".join(
        _plural(counts[severity], severity.value)
        for severity in (Severity.ERROR, Severity.WARNING, Severity.NOTE)
    )
    return f"Found {_plural(len(report.findings), 'problem')} ({detail}) in {files}."


def rule_indexes(report: Report) -> dict[str, tuple[int, type[Rule]]]:
    """Each enabled rule by id, with its position in ``report.rules`` (SARIF ``ruleIndex``)."""
    return {rule.id: (index, rule) for index, rule in enumerate(report.rules)}


def all_secrets(report: Report) -> tuple[str, ...]:
    """Every secret any finding knows of, to redact text that belongs to no single finding."""
    return tuple({secret for finding in report.findings for secret in finding.secrets})


def redact_data(value: Any, secrets: tuple[str, ...]) -> Any:
    """JSON-ready ``value`` with every string (keys included) redacted."""
    return _redact_data(value, secrets, {})


def _redact_data(value: Any, secrets: tuple[str, ...], memo: dict[str, str]) -> Any:
    # The strategy repeats the same strings (package names, field names, settings) thousands of
    # times in a large monorepo: each distinct string is redacted once.
    if isinstance(value, str):
        cleaned = memo.get(value)
        if cleaned is None:
            cleaned = memo[value] = clean(value, secrets)
        return cleaned
    if isinstance(value, Mapping):
        return {
            _redact_data(str(key), secrets, memo): _redact_data(item, secrets, memo) for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [_redact_data(item, secrets, memo) for item in value]
    return value


def strategy_data(strategies: Sequence[PipelineStrategy]) -> list[dict[str, Any]]:
    """Plain JSON-ready data of the ``npm-auth-lint/strategy`` document (its one definition is
    the strategy's own :func:`~npm_auth_lint.strategy.render.to_data`)."""
    from npm_auth_lint.strategy.render import to_data

    return to_data(strategies)


def strategy_section(report: Report) -> dict[str, Any]:
    """``{"strategy": [...]}`` redacted with every finding's secrets, or ``{}`` when the report
    has no strategy: the strategy quotes publish commands as written, and belongs to no single
    finding."""
    if not report.strategy:
        return {}
    return {"strategy": redact_data(strategy_data(report.strategy), all_secrets(report))}
