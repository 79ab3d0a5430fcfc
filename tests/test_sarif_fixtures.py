"""The SARIF of every fixture validates against the schema GitHub's upload-sarif enforces; its SARIF
and JSON are the bytes json.dumps writes, and hold no float."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from npm_auth_lint.cli import strategy_of
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters import json as json_reporter
from npm_auth_lint.reporters import sarif as sarif_reporter

from .conftest import FIXTURES, SARIF_SCHEMA, materialize


def _no_float(text: str) -> float:
    # orjson writes some floats unlike json.dumps (1e-05): no report may hold one.
    raise AssertionError(f"a float in a report: {text}")


CASES = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir())


@pytest.fixture(scope="module")
def validator():
    schema_path = SARIF_SCHEMA
    assert schema_path.exists(), f"{schema_path} is missing: vendored from ../shared/schemas (tests/data/README.md)"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_fixture_sarif_is_valid(case: Path, tmp_path: Path, validator) -> None:
    root = materialize(case, tmp_path / "repo")
    result = lint([root], Config())
    report = Report(result.findings, result.rules, result.root, result.files_scanned, "0.1.0", strategy_of(result.analyses))
    text = sarif_reporter.render(report)
    log = json.loads(text, parse_float=_no_float)
    # orjson wrote it (reporters/encode.py): the bytes are json.dumps' of the same data.
    assert text == json.dumps(log, indent=2, ensure_ascii=False) + "\n"
    findings = json_reporter.render(report)
    assert findings == json.dumps(json.loads(findings, parse_float=_no_float), indent=2, ensure_ascii=False) + "\n"
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert [e.message for e in errors] == []
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.id for r in result.rules]
    for sarif_result in run["results"]:
        assert sarif_result["ruleId"] == run["tool"]["driver"]["rules"][sarif_result["ruleIndex"]]["id"]
        assert "primaryLocationLineHash" in sarif_result["partialFingerprints"]
        uri = sarif_result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:"))
