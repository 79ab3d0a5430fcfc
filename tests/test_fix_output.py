"""Fixes in the machine outputs (JSON ``fix``, SARIF ``fixes``) and the text output's fixable
marker and fix summary, on the fixture trees and on hand-made findings."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

import npm_auth_lint
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.fixes import splice
from npm_auth_lint.model import Applicability, Edit, Finding, Fix, Location, Severity
from npm_auth_lint.plugins import rules_by_id
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters import json as json_reporter
from npm_auth_lint.reporters import sarif as sarif_reporter
from npm_auth_lint.reporters import text as text_reporter
from npm_auth_lint.reporters.fix_data import LineStarts, fix_counts

from .conftest import FIXTURES, SARIF_SCHEMA, materialize

FINDINGS_SCHEMA = Path(npm_auth_lint.__file__).parent / "data" / "findings.schema.json"
# Fixture cases whose findings offer safe and unsafe fixes, over several files.
CASES = [
    "use-trusted-publishing/github-node-auth-token",
    "oidc-blocker/changesets-v2-old-inputs",
    "legacy-npmrc-auth/npmrc-legacy",
    "outdated-node/nvmrc-file",
    "missing-id-token/gitlab-wrong-aud",
    "oidc-blocker/self-hosted",
]
TOKEN = "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"


def _report(root: Path) -> Report:
    result = lint([root], Config())
    rules = tuple(sorted(rules_by_id().values(), key=lambda rule: rule.id))
    return Report(findings=tuple(result.findings), rules=rules, root=root, files_scanned=1, version="0")


@pytest.fixture(params=CASES)
def case_root(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    return materialize(FIXTURES / request.param, tmp_path / "repo")


def test_json_fix_matches_the_edits_and_the_schema(case_root: Path) -> None:
    report = _report(case_root)
    document = json.loads(json_reporter.render(report))
    jsonschema.Draft202012Validator(json.loads(FINDINGS_SCHEMA.read_text(encoding="utf-8"))).validate(document)
    texts = {path: text for path, text in lint([case_root], Config()).projects[0].files.items()}
    for finding, data in zip(report.findings, document["findings"]):
        if finding.fix is None:
            assert data["fix"] is None
            continue
        assert data["fix"]["applicability"] == finding.fix.applicability.value
        assert [e["replacement"] for e in data["fix"]["edits"]] == [e.replacement for e in finding.fix.edits]
        for edit, shown in zip(finding.fix.edits, data["fix"]["edits"]):
            lines = texts[edit.path].split("\n")
            for point, offset in ((shown["start"], edit.start), (shown["end"], edit.end)):
                assert point["offset"] == offset
                # line/column name the same place as the offset
                assert sum(len(line) + 1 for line in lines[: point["line"] - 1]) + point["column"] - 1 == offset


def test_sarif_fixes_are_the_safe_edits_and_validate(case_root: Path) -> None:
    report = _report(case_root)
    log = json.loads(sarif_reporter.render(report))
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(log)
    texts = lint([case_root], Config()).projects[0].files
    for finding, result in zip(report.findings, log["runs"][0]["results"]):
        safe = finding.fix is not None and finding.fix.applicability is Applicability.SAFE
        assert ("fixes" in result) == safe
        if not safe:
            continue
        # Applying the SARIF replacements by line and column gives what applying the fix gives.
        for change in result["fixes"][0]["artifactChanges"]:
            path = change["artifactLocation"]["uri"]
            assert _apply_sarif(texts[path], change["replacements"]) == splice(texts[path], [e for e in finding.fix.edits if e.path == path])


def _apply_sarif(text: str, replacements: list[dict]) -> str:
    lines = text.split("\n")

    def offset(line: int, column: int) -> int:
        return sum(len(row) + 1 for row in lines[: line - 1]) + column - 1

    edits = []
    for replacement in replacements:
        region = replacement["deletedRegion"]
        start = offset(region["startLine"], region["startColumn"])
        end = offset(region["endLine"], region["endColumn"])
        edits.append(Edit("x", start, end, replacement.get("insertedContent", {}).get("text", "")))
    return splice(text, edits)


def test_the_fixture_cases_offer_safe_and_unsafe_fixes(tmp_path: Path) -> None:
    """The cases above are a real sample: both kinds of fix occur (else the tests prove little)."""
    safe = unsafe = 0
    for index, case in enumerate(CASES):
        counts = fix_counts(_report(materialize(FIXTURES / case, tmp_path / str(index))).findings)
        safe, unsafe = safe + counts.safe, unsafe + counts.unsafe
    assert safe >= 5 and unsafe >= 1, (safe, unsafe)


def _hand_made(root: Path) -> Report:
    first = f"//registry.npmjs.org/:_authToken={TOKEN}\n"
    (root / ".npmrc").write_text(first + "always-auth=true\n", encoding="utf-8")
    token_line = Location(".npmrc", 1, 1)
    unsafe = Fix((Edit(".npmrc", 0, len(first), f"# was {TOKEN}\n"),), Applicability.UNSAFE, f"remove {TOKEN}")
    safe = Fix((Edit(".npmrc", len(first), len(first) + len("always-auth=true\n"), ""),), Applicability.SAFE, "delete `always-auth`")
    findings = (
        Finding(token_line, "hardcoded-npm-token", "a token", Severity.ERROR, secrets=(TOKEN,), fix=unsafe),
        Finding(Location(".npmrc", 2, 1), "legacy-npmrc-auth", "always-auth is obsolete", Severity.WARNING, fix=safe),
        Finding(Location(".npmrc", 2, 1), "other-rule", "no fix here", Severity.NOTE),
    )
    rules = tuple(sorted(rules_by_id().values(), key=lambda rule: rule.id))
    return Report(findings=findings, rules=rules, root=root, files_scanned=1, version="0")


def test_fix_content_is_redacted(tmp_path: Path) -> None:
    report = _hand_made(tmp_path)
    for output in (json_reporter.render(report), sarif_reporter.render(report), text_reporter.render(report)):
        assert TOKEN not in output
    fix = json.loads(json_reporter.render(report))["findings"][0]["fix"]
    assert fix["applicability"] == "unsafe" and "npm_" in fix["edits"][0]["replacement"] and TOKEN not in fix["description"]
    region = json.loads(sarif_reporter.render(report))["runs"][0]["results"][1]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    # Deleting the whole second line: from its column 1 to column 1 of the (empty) line after it.
    assert region == {"deletedRegion": {"endColumn": 1, "endLine": 3, "startColumn": 1, "startLine": 2}}


def test_text_marks_safe_fixes_and_counts_them(tmp_path: Path) -> None:
    out = text_reporter.render(_hand_made(tmp_path))
    assert "error[hardcoded-npm-token]: " in out  # unsafe: no marker
    assert "warning[legacy-npmrc-auth] [*]: " in out
    assert "note[other-rule]: " in out
    assert "[*] 1 fixable with `--fix` (1 more with `--unsafe-fixes`).\n" in out


def test_fix_summary_wording() -> None:
    def finding(applicability: Applicability | None) -> Finding:
        fix = Fix((Edit("a", 0, 0, "x"),), applicability) if applicability else None
        return Finding(Location("a", 1, 1), "r", "m", fix=fix)

    safe, unsafe, none = finding(Applicability.SAFE), finding(Applicability.UNSAFE), finding(None)
    assert text_reporter.fix_summary([safe, safe, none]) == "[*] 2 fixable with `--fix`."
    assert text_reporter.fix_summary([unsafe]) == "1 fixable with `--fix --unsafe-fixes`."
    assert text_reporter.fix_summary([none]) == ""


def test_line_starts_of_an_unreadable_file_give_offsets_only(tmp_path: Path) -> None:
    lines = LineStarts(tmp_path)
    assert lines.position("missing.yml", 0) is None
    (tmp_path / "a.txt").write_text("ab\r\ncd", encoding="utf-8")
    assert [lines.position("a.txt", n) for n in (0, 3, 4, 6, 7)] == [(1, 1), (1, 4), (2, 1), (2, 3), None]


def test_line_starts_count_in_the_texts_the_run_read(tmp_path: Path) -> None:
    # The report is given what the run read: fix positions match those texts, whatever is on
    # disk now, and files it has are not read again.
    (tmp_path / "a.yml").write_text("changed on disk\n", encoding="utf-8")
    lines = LineStarts(tmp_path, {"a.yml": "ab\ncd", "gone.yml": "x"})
    assert [lines.position("a.yml", n) for n in (0, 3, 5)] == [(1, 1), (2, 1), (2, 3)]
    assert lines.position("gone.yml", 1) == (1, 2)


def test_a_report_carries_the_texts_of_its_run(tmp_path: Path) -> None:
    from npm_auth_lint.cli import LintOptions, build_report
    from npm_auth_lint.config import Config
    from npm_auth_lint.engine import lint

    (tmp_path / ".npmrc").write_text("//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", encoding="utf-8")
    result = lint([tmp_path], Config())
    report = build_report(result, result.findings, LintOptions(output_format="sarif"))
    assert report.texts[".npmrc"] == (tmp_path / ".npmrc").read_text(encoding="utf-8")


def test_findings_on_one_line_share_a_title_only_when_both_are_fixable_alike(tmp_path: Path) -> None:
    (tmp_path / ".npmrc").write_text("always-auth=true\n", encoding="utf-8")
    fix = Fix((Edit(".npmrc", 0, 17, ""),), Applicability.SAFE, "delete it")
    where = Location(".npmrc", 1, 1)
    findings = (
        Finding(where, "rule-a", "same title", Severity.WARNING, title="same title", help="delete it", fix=fix),
        Finding(where, "rule-b", "same title", Severity.WARNING, title="same title", help="delete it"),
    )
    report = Report(findings=findings, rules=(), root=tmp_path, files_scanned=1, version="0")
    out = text_reporter.render(report, quiet=True)
    assert out.startswith("warning[rule-a] [*]: same title\nwarning[rule-b]: same title\n")
    other = Finding(where, "rule-b", "x", Severity.WARNING, title="same title", help="delete it", fix=fix)
    both = Report(findings=(findings[0], other), rules=(), root=tmp_path, files_scanned=1, version="0")
    assert text_reporter.render(both, quiet=True).startswith("warning[rule-a, rule-b] [*]: same title\n")
