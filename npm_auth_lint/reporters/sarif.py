"""SARIF 2.1.0 for GitHub code scanning.

What GitHub reads and why each property is here: /work/shared/reference/sarif-for-github.md. One
run; every enabled rule in ``tool.driver.rules`` (so ``ruleIndex`` is stable); repository-relative
URIs under ``%SRCROOT%``; ``primaryLocationLineHash`` computed as upload-sarif would. A result's
``fixes`` are its finding's safe fix only (:mod:`npm_auth_lint.reporters.fix_data` says why).

The log is built as plain JSON data, with the properties of each object in the order of the
sarif-om object model (the OASIS schema's own) and without properties at their schema default.
sarif-om built the same log until its ~100 attrs classes proved to cost more start-up than a
whole small run (docs/benchmarks.md); ``tests/test_reporters.py`` checks this output against a
log built with sarif-om.

:func:`write` streams the log: each result (and each strategy item) is built, serialised and
written in turn (:func:`~npm_auth_lint.reporters.json.write_json`), so 40,000 results are never
held as data or as one string; the bytes are those of ``json.dumps(sarif_log(report), indent=2,
ensure_ascii=False)``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

from npm_auth_lint.fingerprint import file_line_hashes
from npm_auth_lint.model import Finding
from npm_auth_lint.model import Location as ModelLocation
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters.common import TOOL_NAME, clean, rule_indexes
from npm_auth_lint.reporters.fix_data import LineStarts, sarif_fixes, with_fixes
from npm_auth_lint.reporters.json import Chunks, Lazy, Streamed, Writable, byte_sink, materialize, strategy_items, write_json
from npm_auth_lint.rule import DOCS_URL, Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = DOCS_URL.partition("/blob/")[0]
SRCROOT = "%SRCROOT%"
# Everything before the last "/" is the code scanning category; upload-sarif keeps an id we set.
AUTOMATION_ID = f"{TOOL_NAME}/"
FINGERPRINT_KEY = "primaryLocationLineHash"
_MAX_DESCRIPTION = 1024  # GitHub's limit for shortDescription and fullDescription
_MAX_NAME = 255
_MAX_TAGS = 20

JSON = dict[str, Any]


def camel_case(rule_id: str) -> str:
    """``hardcoded-npm-token`` -> ``HardcodedNpmToken`` (the SARIF rule ``name``)."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.split("-"))


def _limit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def _tags(rule: type[Rule]) -> list[str]:
    # "security" enables security-severity on GitHub; dict keeps the first of each tag in order.
    return list(dict.fromkeys(("security", *rule.tags)))[:_MAX_TAGS]


def _descriptor(rule: type[Rule]) -> JSON:
    docs = rule.docs() or rule.summary()
    uri = rule.help_uri()
    # An absent level means "warning" to a SARIF reader; the rule's level is always written.
    return {
        "id": rule.id,
        "defaultConfiguration": {"level": rule.severity.value},
        "fullDescription": {"text": _limit(rule.full_description(), _MAX_DESCRIPTION)},
        "help": {
            "text": f"{docs}\n\nDocumentation: {uri}",
            # helpUri is not read by code scanning; the link in the markdown is what users see.
            "markdown": f"{docs}\n\n[Documentation for {rule.id}]({uri})",
        },
        "helpUri": uri,
        "name": _limit(camel_case(rule.id), _MAX_NAME),
        "properties": {
            "tags": _tags(rule),
            "precision": rule.confidence.value,
            "security-severity": f"{float(rule.security_severity):.1f}",
        },
        "shortDescription": {"text": _limit(rule.summary(), _MAX_DESCRIPTION)},
    }


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (percent-encoded, POSIX)."""
    return quote(clean(path), safe="/")


def _physical(location: ModelLocation) -> JSON:
    return {
        "artifactLocation": {"uri": artifact_uri(location.path), "uriBaseId": SRCROOT},
        "region": {"startColumn": location.column, "startLine": location.line},
    }


def _fingerprints(report: Report) -> dict[tuple[str, int], str]:
    """``primaryLocationLineHash`` by (path, line) for every finding whose file can be read."""
    lines_by_path: dict[str, set[int]] = defaultdict(set)
    for finding in report.findings:
        lines_by_path[finding.location.path].add(finding.location.line)
    hashes: dict[tuple[str, int], str] = {}
    for path, lines in lines_by_path.items():
        for line, value in file_line_hashes(Path(report.root) / path, lines).items():
            hashes[(path, line)] = value
    return hashes


def _result(
    finding: Finding, rules: Mapping[str, tuple[int, type[Rule]]], fingerprint: str | None
) -> JSON:
    known = rules.get(finding.rule_id)
    result: JSON = {
        "message": {"text": clean(finding.message, finding.secrets)},
        "level": finding.severity.value,
        "locations": [{"physicalLocation": _physical(finding.location)}],
    }
    if fingerprint:
        result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": number,
                "message": {"text": clean(item.message, finding.secrets)},
                "physicalLocation": _physical(item.location),
            }
            for number, item in enumerate(finding.related, start=1)
        ]
    result["ruleId"] = finding.rule_id
    if known:  # an engine finding of a rule that is not enabled has no index
        result["ruleIndex"] = known[0]
    return result


def _artifact(path: str) -> JSON:
    return {"uri": artifact_uri(path), "uriBaseId": SRCROOT}


def root_uri(root: Path) -> str:
    """The repository root as a ``file://`` URI ending in ``/`` (SARIF base URIs must)."""
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _results(report: Report) -> Iterator[JSON]:
    rules = rule_indexes(report)
    hashes = _fingerprints(report)
    lines = LineStarts(report.root, report.texts)
    for finding in report.findings:
        result = _result(finding, rules, hashes.get((finding.location.path, finding.location.line)))
        yield with_fixes(result, sarif_fixes(finding, lines, _artifact))


def streamed_log(report: Report) -> JSON:
    """The SARIF log with its results and strategy items as :class:`Lazy` items (and the
    objects and the one-run array on the way to them marked as streamed)."""
    driver = {
        "name": TOOL_NAME,
        "informationUri": INFORMATION_URI,
        "rules": [_descriptor(rule) for rule in report.rules],
        "semanticVersion": report.version,
    }
    run = Streamed({
        "tool": {"driver": driver},
        "automationDetails": {"id": AUTOMATION_ID},
        # Locations count characters of the decoded text, as Python strings index them.
        "columnKind": "unicodeCodePoints",
        "originalUriBaseIds": {SRCROOT: {"uri": root_uri(report.root)}},
    })
    strategy = strategy_items(report)
    if strategy is not None:
        run["properties"] = Streamed({"strategy": strategy})
    run["results"] = Lazy(_results(report))
    # "$schema" and "version" first, as every SARIF example writes them.
    return Streamed({"$schema": SCHEMA_URI, "version": SARIF_VERSION, "runs": Lazy((run,))})


def sarif_log(report: Report) -> JSON:
    """The report as a SARIF log with one run (JSON-ready data)."""
    return materialize(streamed_log(report))


def write(report: Report, out: Writable) -> None:
    """Write the report to ``out`` as a SARIF 2.1.0 log (indented JSON ending in a newline)."""
    sink = byte_sink(out)
    write_json(sink, streamed_log(report))
    sink.write(b"\n")


def render(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (indented JSON ending in a newline)."""
    chunks = Chunks()
    write_json(chunks, streamed_log(report))
    chunks.write(b"\n")
    return chunks.text()
