"""Adoption on a repository with many findings: record a baseline, then see only new findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint import baseline
from npm_auth_lint.cli import main
from npm_auth_lint.model import Finding, Location, Severity

LEGACY = "always-auth=true\nemail=ci@example.com\n_authToken=${NPM_TOKEN}\n"


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_thirty_findings_then_only_the_new_one(repo, capsys, tmp_path: Path) -> None:
    root = repo({f"packages/p{i}/.npmrc": LEGACY for i in range(10)})
    base = tmp_path / "baseline.json"
    code, out, _ = run([str(root), "--format", "json"], capsys)
    assert code == 1 and len(json.loads(out)["findings"]) == 30

    code, _, err = run([str(root), "--write-baseline", str(base)], capsys)
    assert code == 0 and "wrote 30 finding(s)" in err
    assert run([str(root), "--baseline", str(base)], capsys)[0] == 0

    # Lines move (a comment added on top of every file) and one new problem appears.
    for i in range(10):
        path = root / f"packages/p{i}/.npmrc"
        path.write_text("; moved down by this comment\n" + path.read_text())
    (root / "packages/p3/.npmrc").write_text((root / "packages/p3/.npmrc").read_text() + "_auth=${LEGACY_AUTH}\n")
    code, out, _ = run([str(root), "--baseline", str(base), "--format", "json"], capsys)
    findings = json.loads(out)["findings"]
    assert code == 1
    assert [(f["path"], f["line"], f["rule"]) for f in findings] == [("packages/p3/.npmrc", 5, "legacy-npmrc-auth")]


def test_baseline_counts_identical_findings(repo, capsys, tmp_path: Path) -> None:
    root = repo({".npmrc": "always-auth=true\n"})
    base = tmp_path / "b.json"
    run([str(root), "--write-baseline", str(base)], capsys)
    (root / ".npmrc").write_text("always-auth=true\nalways-auth=true\n")  # a second, identical line
    code, out, _ = run([str(root), "--baseline", str(base), "--format", "json"], capsys)
    assert code == 1 and [f["line"] for f in json.loads(out)["findings"]] == [2]


def test_baseline_holds_no_secret(repo, capsys, tmp_path: Path) -> None:
    token = "npm_" + "Ab12Cd34Ef" * 3 + "Gh56Ij"
    root = repo({".npmrc": f"//registry.npmjs.org/:_authToken={token}\n"})
    base = tmp_path / "b.json"
    run([str(root), "--write-baseline", str(base)], capsys)
    assert token not in base.read_text() and "Ab12Cd34" not in base.read_text()


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "baseline file not found"), ("{", "not valid JSON"), ('{"schema": "x"}', "not an npm-auth-lint baseline")],
)
def test_bad_baseline_is_a_usage_error(content, message, repo, capsys, tmp_path: Path) -> None:
    root = repo({".npmrc": "always-auth=true\n"})
    base = tmp_path / "b.json"
    if content is not None:
        base.write_text(content)
    code, _, err = run([str(root), "--baseline", str(base)], capsys)
    assert code == 2 and message in err and err.count("\n") == 1


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "  a  ", "c"]), min_size=1, max_size=8), st.integers(0, 5))
def test_fingerprints_survive_line_shifts(lines: list[str], shift: int) -> None:
    text = "\n".join(lines) + "\n"
    shifted = "\n" * shift + text
    findings = [Finding(Location("f", n, 1), "r", "m", Severity.WARNING) for n in range(1, len(lines) + 1)]
    moved = [Finding(Location("f", n + shift, 1), "r", "m", Severity.WARNING) for n in range(1, len(lines) + 1)]
    assert baseline.fingerprints(findings, {"f": text}) == baseline.fingerprints(moved, {"f": shifted})
    assert len(set(baseline.fingerprints(findings, {"f": text}))) == len(lines)


def test_quiet_and_statistics(repo, capsys) -> None:
    root = repo({".npmrc": LEGACY, "sub/.npmrc": "always-auth=true\n"})
    _, out, _ = run([str(root), "--quiet", "--format", "concise"], capsys)
    assert out.count("\n") == 4 and "Found" not in out
    _, out, _ = run([str(root), "--quiet"], capsys)
    assert out.count("warning[legacy-npmrc-auth]") == 4 and "Found" not in out
    _, out, _ = run([str(root), "--statistics"], capsys)
    assert out.splitlines()[0].split() == ["4", "legacy-npmrc-auth", "warning"]
    assert out.splitlines()[-1].startswith("Found 4 problems")


def test_progress_only_after_a_second() -> None:
    import io

    from npm_auth_lint.progress import Progress

    now = [0.0]
    stream = io.StringIO()
    with Progress(True, stream, clock=lambda: now[0]) as progress:
        progress.update("parsing", 1, 10)
        assert stream.getvalue() == ""
        now[0] = 1.5
        progress.update("parsing", 5, 10)
    assert "parsing 5/10 files (1.5 s)" in stream.getvalue() and stream.getvalue().endswith("\r\x1b[K")
    quiet = io.StringIO()
    with Progress(False, quiet, clock=lambda: 99.0) as progress:
        progress.update("parsing", 1, 1)
    assert quiet.getvalue() == ""
