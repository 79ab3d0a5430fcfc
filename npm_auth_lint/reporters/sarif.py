"""SARIF 2.1.0 for GitHub code scanning, built from sarif-om objects.

What GitHub reads and why each property is here: /work/shared/reference/sarif-for-github.md. One
run; every enabled rule in ``tool.driver.rules`` (so ``ruleIndex`` is stable); repository-relative
URIs under ``%SRCROOT%``; ``primaryLocationLineHash`` computed as upload-sarif would.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass
from collections import defaultdict
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attr
import sarif_om as om

from npm_auth_lint.fingerprint import file_line_hashes
from npm_auth_lint.model import Finding
from npm_auth_lint.model import Location as ModelLocation
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters import TEXT_ONLY_SUFFIX
from npm_auth_lint.reporters.common import TOOL_NAME, all_secrets, clean, extra_sections, redact_data, rule_indexes
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

# sarif-om defaults that are schema defaults may go (kind "fail", rank -1, ruleIndex -1, ...),
# but an absent result level means "the rule's default level", not "warning": always keep it.
_ALWAYS_KEEP = frozenset({"level"})


def _default_of(field: attr.Attribute) -> Any:
    default = field.default
    if isinstance(default, attr.Factory):
        return default.factory()
    return default


def to_json(value: Any) -> Any:
    """sarif-om objects as JSON-ready data: SARIF property names, no ``None`` or default values."""
    if attr.has(type(value)):
        out: dict[str, Any] = {}
        for field in attr.fields(type(value)):
            item = getattr(value, field.name)
            if item is None or (field.name not in _ALWAYS_KEEP and item == _default_of(field)):
                continue
            out[field.metadata["schema_property_name"]] = to_json(item)
        return out
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return value.value
    return value


def camel_case(rule_id: str) -> str:
    """``hardcoded-npm-token`` -> ``HardcodedNpmToken`` (the SARIF rule ``name``)."""
    return "".join(part[:1].upper() + part[1:] for part in rule_id.split("-"))


def _limit(text: str, size: int) -> str:
    return text if len(text) <= size else text[: size - 1] + "\u2026"


def _tags(rule: type[Rule]) -> list[str]:
    # "security" enables security-severity on GitHub; dict keeps the first of each tag in order.
    return list(dict.fromkeys(("security", *rule.tags)))[:_MAX_TAGS]


def _descriptor(rule: type[Rule]) -> om.ReportingDescriptor:
    docs = rule.docs() or rule.summary()
    uri = rule.help_uri()
    return om.ReportingDescriptor(
        id=rule.id,
        name=_limit(camel_case(rule.id), _MAX_NAME),
        short_description=om.MultiformatMessageString(
            text=_limit(rule.summary(), _MAX_DESCRIPTION)
        ),
        full_description=om.MultiformatMessageString(
            text=_limit(rule.full_description(), _MAX_DESCRIPTION)
        ),
        help=om.MultiformatMessageString(
            text=f"{docs}\n\nDocumentation: {uri}",
            # helpUri is not read by code scanning; the link in the markdown is what users see.
            markdown=f"{docs}\n\n[Documentation for {rule.id}]({uri})",
        ),
        help_uri=uri,
        default_configuration=om.ReportingConfiguration(level=rule.severity.value),
        properties={
            "tags": _tags(rule),
            "precision": rule.confidence.value,
            "security-severity": f"{float(rule.security_severity):.1f}",
        },
    )


def artifact_uri(path: str) -> str:
    """A repository-relative path as a relative URI reference (percent-encoded, POSIX)."""
    return quote(clean(path), safe="/")


def _physical(location: ModelLocation) -> om.PhysicalLocation:
    return om.PhysicalLocation(
        artifact_location=om.ArtifactLocation(uri=artifact_uri(location.path), uri_base_id=SRCROOT),
        region=om.Region(start_line=location.line, start_column=location.column),
    )


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
) -> om.Result:
    known = rules.get(finding.rule_id)
    related = [
        om.Location(
            id=number,
            physical_location=_physical(item.location),
            message=om.Message(text=clean(item.message, finding.secrets)),
        )
        for number, item in enumerate(finding.related, start=1)
    ]
    return om.Result(
        rule_id=finding.rule_id,
        rule_index=known[0] if known else -1,
        level=finding.severity.value,
        message=om.Message(text=clean(finding.message, finding.secrets)),
        locations=[om.Location(physical_location=_physical(finding.location))],
        related_locations=related or None,
        partial_fingerprints={FINGERPRINT_KEY: fingerprint} if fingerprint else None,
    )


def root_uri(root: Path) -> str:
    """The repository root as a ``file://`` URI ending in ``/`` (SARIF base URIs must)."""
    uri = Path(root).absolute().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def sarif_log(report: Report, results: list[Any] | None = None, properties: bool = True) -> om.SarifLog:
    """The report as a sarif-om log with one run (``results``: stand-ins for the results;
    ``properties=False``: without the extra sections, which the caller adds itself)."""
    if results is None:
        rules = rule_indexes(report)
        hashes = _fingerprints(report)
        results = [
            _result(finding, rules, hashes.get((finding.location.path, finding.location.line)))
            for finding in report.findings
        ]
    driver = om.ToolComponent(
        name=TOOL_NAME,
        semantic_version=report.version,
        information_uri=INFORMATION_URI,
        rules=[_descriptor(rule) for rule in report.rules],
    )
    run = om.Run(
        tool=om.Tool(driver=driver),
        results=results,
        automation_details=om.RunAutomationDetails(id=AUTOMATION_ID),
        original_uri_base_ids={SRCROOT: om.ArtifactLocation(uri=root_uri(report.root))},
        # Locations count characters of the decoded text, as Python strings index them.
        column_kind="unicodeCodePoints",
        properties=(extra_sections(report) or None) if properties else None,
    )
    return om.SarifLog(runs=[run], version=SARIF_VERSION, schema_uri=SCHEMA_URI)


_PLACEHOLDER = "\x00results\x00"
_RESULT_INDENT = " " * 8  # results are items of runs[0].results: three levels of two spaces, plus one


def render(report: Report) -> str:
    """The report as a SARIF 2.1.0 log (indented JSON ending in a newline).

    Results are serialised one at a time into text (issue #13: holding a sarif-om object and a
    JSON tree for each of 40,000 jobs' findings at once took 1.8 GB); the rest of the log is
    built around one placeholder result, so the output is the same bytes as one ``json.dumps``.
    """
    if not report.findings:
        return _dump(to_json(sarif_log(report))) + "\n"
    log = to_json(sarif_log(report, results=[_PLACEHOLDER], properties=False))
    secrets = all_secrets(report)
    extra = {clean(key, secrets): _Redacted(value, secrets) for key, value in report.extra.items() if not key.endswith(TEXT_ONLY_SUFFIX)}
    if extra:  # redacted piece by piece as written: a redacted copy of 40,000 pipelines' strategy is large
        run = {**log["runs"][0], "properties": extra}
        order = [field.metadata["schema_property_name"] for field in attr.fields(om.Run)]
        log["runs"][0] = {key: run[key] for key in sorted(run, key=order.index)}  # sarif-om's order
    text = _dump(log)
    marker = _RESULT_INDENT + json.dumps(_PLACEHOLDER)
    head, found, tail = text.partition(marker)
    assert found, "the results placeholder is always written"
    return head + ",\n".join(_results_text(report)) + tail + "\n"


def _results_text(report: Report) -> Any:
    rules = rule_indexes(report)
    hashes = _fingerprints(report)
    for finding in report.findings:
        result = to_json(_result(finding, rules, hashes.get((finding.location.path, finding.location.line))))
        yield _RESULT_INDENT + json.dumps(result, indent=2, ensure_ascii=False).replace("\n", "\n" + _RESULT_INDENT)


def _dump(log: dict[str, Any]) -> str:
    # "$schema" and "version" first, as every SARIF example writes them.
    ordered = {"$schema": log.pop("$schema"), "version": log.pop("version"), **log}
    return "".join(_pretty(ordered, 0))


_SPLIT_LEVELS = 6  # containers this shallow are written piece by piece, deeper ones in one dump


def _pretty(value: Any, level: int, secrets: tuple[str, ...] | None = None) -> Any:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, the same bytes, in pieces.

    The pure-Python encoder that ``indent`` selects keeps a list of millions of tiny strings for
    a large log (the strategy of 40,000 pipelines); dumping each shallow item on its own bounds
    that list by the largest item.
    """
    pad = "  " * (level + 1)
    if isinstance(value, tuple):  # JSON arrays, as redact_data and json.dumps write them
        value = list(value)
    if level < _SPLIT_LEVELS and isinstance(value, Mapping) and value:
        yield "{\n"
        for index, (key, item) in enumerate(value.items()):
            name = str(key) if secrets is None else clean(str(key), secrets)
            yield pad + json.dumps(name, ensure_ascii=False) + ": "
            yield from _pretty(item, level + 1, secrets)
            yield ",\n" if index < len(value) - 1 else "\n"
        yield "  " * level + "}"
    elif level < _SPLIT_LEVELS and isinstance(value, list) and value:
        yield "[\n"
        for index, item in enumerate(value):
            yield pad
            yield from _pretty(item, level + 1, secrets)
            yield ",\n" if index < len(value) - 1 else "\n"
        yield "  " * level + "]"
    elif isinstance(value, _Redacted):
        yield from _pretty(value.value, level, value.secrets)
    else:
        if secrets is not None:
            value = redact_data(value, secrets)
        yield json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + "  " * level)


@dataclass(frozen=True)
class _Redacted:
    """A value whose strings (keys too) are redacted as it is written, not copied first."""

    value: Any
    secrets: tuple[str, ...] = ()
