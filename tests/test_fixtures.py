"""Run each rule on its fixture trees and compare with the golden ``expected.txt``.

``fixtures/<rule-id>/<case>/`` is a small repository; ``expected.txt`` holds one line per
finding of that rule (``path:line:col: level [rule-id] message``); a passing case has an
empty file. ``UPDATE_GOLDEN=1`` rewrites the goldens (review the diff).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.model import Finding
from npm_auth_lint.plugins import rules_by_id
from npm_auth_lint.redact import redact

from .conftest import FIXTURES, materialize

RULE_IDS = sorted(rules_by_id())
CASES = sorted(
    (rule_dir.name, case.name)
    for rule_dir in FIXTURES.iterdir()
    if rule_dir.is_dir() and rule_dir.name in RULE_IDS
    for case in rule_dir.iterdir()
    if case.is_dir()
)


def line(finding: Finding) -> str:
    loc = finding.location
    return f"{loc.path}:{loc.line}:{loc.column}: {finding.severity.value} [{finding.rule_id}] {redact(finding.message, finding.secrets)}"


def run_case(rule_id: str, case: str, tmp_path: Path) -> list[str]:
    root = materialize(FIXTURES / rule_id / case, tmp_path / "repo")
    # Every rule runs (unused-suppression needs the others) and the case shows this rule's findings.
    result = lint([root], Config())
    return [line(f) for f in result.findings if f.rule_id == rule_id]


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=[f"{r}/{c}" for r, c in CASES])
def test_fixture(rule_id: str, case: str, tmp_path: Path) -> None:
    got = run_case(rule_id, case, tmp_path)
    expected_file = FIXTURES / rule_id / case / "expected.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        expected_file.write_text("".join(f"{g}\n" for g in got), encoding="utf-8")
    expected = expected_file.read_text(encoding="utf-8").splitlines()
    assert got == expected
    # A case named pass* must be clean; every other case must find something.
    if case.startswith("pass"):
        assert got == []
    else:
        assert got, "a failing case that finds nothing proves nothing"


def test_every_rule_has_a_passing_and_a_failing_case() -> None:
    for rule_id in RULE_IDS:
        cases = {case for rid, case in CASES if rid == rule_id}
        assert any(c.startswith("pass") for c in cases), f"{rule_id} has no passing fixture"
        assert any(not c.startswith("pass") for c in cases), f"{rule_id} has no failing fixture"
