"""``--fix``, ``--diff`` and ``--unsafe-fixes`` through the command line, and the README example."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from npm_auth_lint.cli import main

from .conftest import FIXTURES, PROJECT_ROOT, materialize

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
MIGRATED = FIXTURES / "use-trusted-publishing" / "github-node-auth-token"
WORKFLOW = ".github/workflows/release.yml"


def test_diff_prints_the_edits_writes_nothing_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize(MIGRATED, tmp_path / "repo")
    before = (root / WORKFLOW).read_bytes()
    assert main([str(root), "--diff", "--no-config"]) == 1
    out, err = capsys.readouterr()
    assert out.startswith(f"--- a/{WORKFLOW}\n+++ b/{WORKFLOW}\n@@ ")
    assert "+      id-token: write\n" in out
    assert "NODE_AUTH_TOKEN" not in out  # removing the token is an unsafe fix
    assert "would apply 1 fix(es) to 1 file(s)" in err
    assert (root / WORKFLOW).read_bytes() == before


def test_diff_without_fixes_prints_nothing_and_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize(FIXTURES / "use-trusted-publishing" / "pass-oidc", tmp_path / "repo")
    assert main([str(root), "--diff", "--no-config"]) == 0
    assert capsys.readouterr().out == ""


def test_diff_equals_what_fix_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize(MIGRATED, tmp_path / "repo")
    main([str(root), "--diff", "--unsafe-fixes", "--no-config"])
    diff = capsys.readouterr().out
    original = (root / WORKFLOW).read_text(encoding="utf-8")
    assert main([str(root), "--fix", "--unsafe-fixes", "--no-config", "--format", "concise"]) == 0
    out, err = capsys.readouterr()
    assert "applied 2 fix(es) to 1 file(s)" in err and "No problems found" in out
    fixed = (root / WORKFLOW).read_text(encoding="utf-8")
    removed = [line[1:] for line in diff.splitlines() if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")]
    assert all(line in original.splitlines() for line in removed)
    assert all(line in fixed.splitlines() for line in added)
    assert len(fixed.splitlines()) == len(original.splitlines()) + len(added) - len(removed)
    # A second run changes nothing.
    assert main([str(root), "--diff", "--unsafe-fixes", "--no-config"]) == 0
    assert capsys.readouterr().out == ""


def test_fix_reports_what_is_left_and_exits_by_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Only the safe fix: the token stays and is reported as a fallback.
    root = materialize(MIGRATED, tmp_path / "repo")
    assert main([str(root), "--fix", "--no-config", "--format", "concise"]) == 1
    out = capsys.readouterr().out
    assert "[oidc-token-fallback]" in out and "[use-trusted-publishing]" not in out
    assert "id-token: write" in (root / WORKFLOW).read_text(encoding="utf-8")


def test_fix_keeps_a_byte_order_mark_and_crlf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize(MIGRATED, tmp_path / "repo")
    text = (root / WORKFLOW).read_text(encoding="utf-8").replace("\n", "\r\n")
    (root / WORKFLOW).write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    main([str(root), "--fix", "--unsafe-fixes", "--no-config", "--quiet"])
    data = (root / WORKFLOW).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"id-token: write\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_readme_example_is_what_the_tool_does(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    section = README[README.index("### Fixing") : README.index("### Reading the output")]
    before = re.search(r"```yaml\n(.*?)\n```", section, re.S)
    diff = re.search(r"```diff\n(.*?)\n```", section, re.S)
    assert before and diff
    assert before.group(1) + "\n" == (MIGRATED / WORKFLOW).read_text(encoding="utf-8")
    root = materialize(MIGRATED, tmp_path / "repo")
    assert main([str(root), "--diff", "--unsafe-fixes", "--no-config"]) == 1
    assert capsys.readouterr().out == diff.group(1) + "\n"
    main([str(root), "--fix", "--unsafe-fixes", "--no-config", "--format", "concise"])
    assert "No problems found" in capsys.readouterr().out


def test_diff_redacts_tokens_in_its_context_lines(repo, capsys: pytest.CaptureFixture[str]) -> None:
    token = "npm_" + "a1B2c3D4e5" * 3 + "f6G7h8"
    text = (
        "on: release\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-node@v6\n        with:\n          node-version: 20\n"
        f"      - run: npm publish\n        env:\n          NODE_AUTH_TOKEN: {token}\n"
    )
    root = repo({WORKFLOW: text})
    assert main([str(root), "--diff", "--no-config"]) == 1
    out = capsys.readouterr().out
    assert "+          node-version: 24\n" in out and "NODE_AUTH_TOKEN" in out
    assert token not in out


def test_a_lint_run_says_how_many_findings_are_fixable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = materialize(MIGRATED, tmp_path / "repo")
    main([str(root), "--no-config"])
    out, err = capsys.readouterr()
    assert "\nFound 1 problem (0 errors, 1 warning, 0 notes) in 2 files.\n[*] 1 fixable with `--fix`.\n" in out
    assert "fixable" not in err  # the text format says it in its summary, once
    main([str(root), "--no-config", "--format", "concise"])
    assert "npm-auth-lint: 1 finding(s) fixable with --fix; --diff shows the edits" in capsys.readouterr().err
    main([str(root), "--fix", "--no-config", "--quiet"])
    main([str(root), "--no-config", "--format", "concise"])
    assert "1 finding(s) fixable with --fix --unsafe-fixes" in capsys.readouterr().err
    main([str(root), "--no-config", "--format", "json"])
    assert "fixable" not in capsys.readouterr().err


def test_the_api_fix_diff_is_what_diff_prints(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from npm_auth_lint import api

    root = materialize(MIGRATED, tmp_path / "repo")
    for unsafe in (False, True):
        main([str(root), "--diff", "--no-config", *(["--unsafe-fixes"] if unsafe else [])])
        printed = capsys.readouterr().out
        assert printed and api.fix_diff(root, unsafe=unsafe) == printed
    assert api.fix_diff(materialize(FIXTURES / "use-trusted-publishing" / "pass-oidc", tmp_path / "clean")) == ""
