"""Helpers every reporter shares: redaction, counts, the summary line, rule lookup, the
strategy as data."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
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
    if type(secrets) is tuple:
        return _clean_once(text, secrets)
    return _clean(text, secrets)


def _clean(text: str, secrets: Iterable[str]) -> str:
    redacted = redact(text, secrets)
    # A surrogate escape from an undecodable file name would make the output unwritable.
    return redacted.encode("utf-8", errors="replace").decode("utf-8")


# The same messages and paths recur in every finding of a rule: each is redacted once (the
# redaction's patterns were a quarter of a large SARIF report). A pure function of its
# arguments; the bound keeps a long-lived process (the MCP server) from growing.
_clean_once = lru_cache(maxsize=4096)(_clean)


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
    return Redacted(secrets).data(value)


class Redacted(dict[str, str]):
    """Each string redacted with ``secrets``, by lookup: the strategy repeats the same strings
    (package names, field names, settings) thousands of times in a large monorepo, and each
    distinct one is redacted once. ``self[text]`` is ``clean(text, secrets)``; a lookup of
    anything else is that value redacted as data (and not kept: ``1 == True``)."""

    def __init__(self, secrets: tuple[str, ...]) -> None:
        super().__init__()
        self.secrets = secrets
        self._unchanged: set[str] = set()  # the strings that redaction leaves as they are

    def __missing__(self, key: Any) -> Any:
        if isinstance(key, str):
            cleaned = self[key] = _clean(key, self.secrets)
            if cleaned == key:
                self._unchanged.add(key)
            return cleaned
        return self.data(key)

    def data(self, value: Any) -> Any:
        """JSON-ready ``value`` with every string (keys included) redacted: a dict or a list,
        tuple or Mapping as a new dict or list, a string cleaned, anything else as it is."""
        if isinstance(value, str):
            return self[value]
        if isinstance(value, Mapping):
            # A string value is looked up here rather than in a call of its own (most are).
            return {
                self[str(key)]: self[item] if type(item) is str else self.data(item) for key, item in value.items()
            }
        if isinstance(value, (list, tuple)):
            try:
                # Lists of strings (packages, checklists) are the bulk: checked or looked up in
                # C; a list of strings already seen unchanged is its own redaction.
                if type(value) is list and self._unchanged.issuperset(value):
                    return value
                return list(map(self.__getitem__, value))
            except TypeError:  # an unhashable item (a dict, a list): one at a time
                return [self.data(item) for item in value]
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
