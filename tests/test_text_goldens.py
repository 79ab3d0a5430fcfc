"""Every failing fixture case in both human formats.

The default ``text`` output of a case is pinned in ``tests/golden/fixtures/<rule>/<case>.txt``
(regenerate with ``python scripts/update_text_goldens.py``, or ``UPDATE_GOLDEN=1`` here, and
review the diff). The ``concise`` output of a case is the fixture's ``expected.txt``, line for
line: the concise format is the one-line output those goldens have always held.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest

import npm_auth_lint
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.redact import NPM_TOKEN
from npm_auth_lint.reporters import Report, concise

from .conftest import FIXTURES, PROJECT_ROOT, materialize

_spec = importlib.util.spec_from_file_location("update_text_goldens", PROJECT_ROOT / "scripts" / "update_text_goldens.py")
assert _spec and _spec.loader
goldens = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(goldens)

CASES = goldens.cases()
IDS = [f"{rule_id}/{case}" for rule_id, case in CASES]


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=IDS)
def test_text_output_of_fixture(rule_id: str, case: str) -> None:
    output = goldens.render_case(rule_id, case)
    path = goldens.golden_path(rule_id, case)
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run python scripts/update_text_goldens.py"
    assert output == path.read_text(encoding="utf-8")
    # Each finding's location is named once, after `-->` (findings on one line share it).
    expected = (FIXTURES / rule_id / case / "expected.txt").read_text(encoding="utf-8").splitlines()
    lines = {line.split(": ", 1)[0].rsplit(":", 1)[0] for line in expected}
    shown = {line.split("--> ", 1)[1].rsplit(":", 1)[0] for line in output.splitlines() if "--> " in line}
    assert shown == lines


def test_no_stale_golden() -> None:
    assert goldens.stale_files() == [], "run python scripts/update_text_goldens.py"


def test_golden_files_hold_no_token() -> None:
    for path in goldens.GOLDEN.rglob("*.txt"):
        assert NPM_TOKEN.search(path.read_text(encoding="utf-8")) is None, path


@pytest.mark.parametrize(("rule_id", "case"), CASES, ids=IDS)
def test_concise_output_is_the_fixture_golden(rule_id: str, case: str, tmp_path: Path) -> None:
    root = materialize(FIXTURES / rule_id / case, tmp_path / "repo")
    result = lint([root], Config())
    findings = tuple(f for f in result.findings if f.rule_id == rule_id)
    report = Report(findings, result.rules, result.root, result.files_scanned, npm_auth_lint.__version__)
    lines = concise.render(report, quiet=True).splitlines()
    # expected.txt leaves out the related locations, which concise indents under each finding.
    own = [line for line in lines if not line.startswith("  ")]
    assert own == (FIXTURES / rule_id / case / "expected.txt").read_text(encoding="utf-8").splitlines()


def test_readme_examples_are_real_output() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    case = ("missing-id-token", "github-job-permissions")
    full = goldens.golden_path(*case).read_text(encoding="utf-8").rstrip("\n")
    one_line = (FIXTURES.joinpath(*case) / "expected.txt").read_text(encoding="utf-8").rstrip("\n")
    assert f"```text\n{full}\n```" in readme
    assert f"```text\n{one_line}\n```" in readme
