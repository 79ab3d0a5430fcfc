"""The command line as a user meets it: exit codes, one-line errors, formats, no secrets."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from npm_auth_lint.cli import main

TOKEN = "npm_" + "Zq9xW8vU7t" * 3 + "S6r5Q4"


@pytest.fixture
def leaky(repo) -> Path:
    return repo({".npmrc": f"//registry.npmjs.org/:_authToken={TOKEN}\nalways-auth=true\n"})


def run(args: list[str], capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_issue_done_when_leaky_repository(leaky: Path, capsys, monkeypatch) -> None:
    monkeypatch.chdir(leaky)
    code, out, err = run(["."], capsys)
    assert code == 1
    assert "error[hardcoded-npm-token]: " in out and " --> .npmrc:1:34\n" in out
    assert "warning[legacy-npmrc-auth]: " in out and " --> .npmrc:2:1\n" in out
    assert TOKEN not in out + err
    assert out.rstrip().endswith("in 1 file.")
    code, out, err = run([".", "--format", "concise"], capsys)
    assert code == 1
    assert ".npmrc:1:34: error [hardcoded-npm-token]" in out
    assert ".npmrc:2:1: warning [legacy-npmrc-auth]" in out
    assert TOKEN not in out + err


def test_clean_repository_exits_0(repo, capsys) -> None:
    root = repo({".npmrc": "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n", "package.json": '{"name": "x"}'})
    code, out, _ = run([str(root)], capsys)
    assert code == 0
    assert "No problems found" in out


def test_missing_path_exits_2_with_one_line(capsys, tmp_path: Path) -> None:
    code, out, err = run([str(tmp_path / "nope")], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("npm-auth-lint: error: path does not exist")


@pytest.mark.parametrize(
    "args",
    [["--format", "xml"], ["--bogus"], ["--select", "no-such-rule"], ["--fail-on", "sometimes"], ["rule", "nope"]],
)
def test_usage_errors_exit_2_with_one_line(args: list[str], leaky: Path, capsys) -> None:
    code, out, err = run([*args, str(leaky)] if args[0] != "rule" else args, capsys)
    assert code == 2
    assert err.count("\n") == 1 and err.startswith("npm-auth-lint: error:")
    assert "Traceback" not in err


@pytest.mark.parametrize(("fail_on", "expected"), [("error", 1), ("warning", 1), ("note", 1), ("never", 0)])
def test_fail_on(fail_on: str, expected: int, leaky: Path, capsys) -> None:
    assert run([str(leaky), "--fail-on", fail_on], capsys)[0] == expected


def test_fail_on_error_ignores_warnings(repo, capsys) -> None:
    root = repo({".npmrc": "always-auth=true\n"})
    assert run([str(root), "--fail-on", "error"], capsys)[0] == 0
    assert run([str(root)], capsys)[0] == 1


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_every_format_redacts_and_writes_output_file(fmt: str, leaky: Path, tmp_path: Path, capsys) -> None:
    target = tmp_path / "out" / f"report.{fmt}"
    code, out, _ = run([str(leaky), "--format", fmt, "--output", str(target)], capsys)
    assert code == 1 and out == ""
    text = target.read_text(encoding="utf-8")
    assert TOKEN not in text
    if fmt in ("json", "sarif"):
        json.loads(text)


def test_config_file_and_no_config(leaky: Path, capsys) -> None:
    (leaky / ".npm-auth-lint.yaml").write_text("rules:\n  legacy-npmrc-auth: disable\n")
    _, out, _ = run([str(leaky)], capsys)
    assert "legacy-npmrc-auth" not in out
    _, out, _ = run([str(leaky), "--no-config"], capsys)
    assert "legacy-npmrc-auth" in out
    (leaky / ".npm-auth-lint.yaml").write_text("rules:\n  nonsense: disable\n")
    code, _, err = run([str(leaky)], capsys)
    assert code == 2 and 'unknown rule "nonsense"' in err


def test_rules_and_rule(capsys) -> None:
    code, out, _ = run(["rules"], capsys)
    assert code == 0
    assert out.splitlines()[0].split()[:2] == ["hardcoded-npm-token", "error"]
    code, out, _ = run(["rule", "legacy-npmrc-auth"], capsys)
    assert code == 0 and "## Why is this bad?" in out


def test_python_dash_m_and_version() -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-m", "npm_auth_lint", "--version"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0 and proc.stdout.startswith("npm-auth-lint ")


def test_color_only_when_forced(leaky: Path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    _, out, _ = run([str(leaky)], capsys)
    assert "\x1b[" in out
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.setenv("NO_COLOR", "1")
    _, out, _ = run([str(leaky)], capsys)
    assert "\x1b[" not in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_strategy_command_redacts_and_escapes(fmt: str, repo, capsys) -> None:
    # The publish command quoted by the strategy holds a literal token; a job name holds a
    # terminal escape sequence. Neither may reach the output as written.
    root = repo(
        {
            ".github/workflows/r.yml": (
                "on: push\njobs:\n  \"pub\\e]0;pwn\\ax\":\n    runs-on: ubuntu-latest\n    steps:\n"
                "      - run: npm publish --//registry.npmjs.org/:_authToken=short12345\n"
            )
        }
    )
    code, out, _ = run(["strategy", str(root), "--format", fmt], capsys)
    assert code == 0 and "npm publish" in out
    assert "short12345" not in out
    assert "\x1b" not in out


@pytest.mark.parametrize(
    "command",
    [
        # Messages quote commands shortened to 60 characters; the cut must not leave a
        # recognisable piece of the token behind.
        "npm config set //registry.npmjs.org/:_authToken supersecretvalue",
        "yarn config set npmAuthToken supersecretvalue",
        "npm config set //npm.pkg.github.com/:_authToken=supersecretvalue --location user",
    ],
)
def test_shortened_commands_show_no_part_of_a_token(command: str, repo, capsys) -> None:
    root = repo(
        {
            ".github/workflows/r.yml": (
                "on: push\njobs:\n  pub:\n    runs-on: ubuntu-latest\n    steps:\n"
                f"      - run: {command}\n      - run: npm publish\n"
            )
        }
    )
    code, out, _ = run([str(root)], capsys)
    assert code == 1 and "token-written-to-npmrc" in out
    assert "supersec" not in out


def test_a_password_in_a_url_is_not_printed(repo, capsys) -> None:
    root = repo(
        {
            ".gitlab-ci.yml": (
                "include:\n  - remote: 'https://oauth2:glpat-SECRET123@gitlab.example.com/raw/ci.yml'\n"
                "publish:\n  script:\n    - npm publish --registry https://builder:pw0rdpw0rd@nexus.example.com/npm/\n"
            )
        }
    )
    for args in ([str(root)], ["strategy", str(root)]):
        code, out, _ = run(args, capsys)
        assert "@nexus.example" in out
        assert "glpat-SECRET123" not in out and "pw0rdpw0rd" not in out


def test_a_file_the_tool_does_not_read_is_named_not_counted(repo, capsys) -> None:
    root = repo({"release.yml": "on: push\njobs: {}\n"})
    code, out, err = run([str(root / "release.yml")], capsys)
    assert code == 0
    assert "in 0 files" in out
    assert "release.yml is not a file npm-auth-lint reads" in err


def test_paths_of_two_repositories_are_refused(tmp_path: Path, capsys) -> None:
    for name in ("a", "b"):
        (tmp_path / name / ".git").mkdir(parents=True)
        (tmp_path / name / ".npmrc").write_text("always-auth=true\n")
    code, out, err = run([str(tmp_path / "a"), str(tmp_path / "b")], capsys)
    assert code == 2 and out == "" and "different repositories" in err and err.count("\n") == 1


def test_select_turns_on_a_rule_the_config_disables(leaky: Path, capsys) -> None:
    (leaky / ".npm-auth-lint.yaml").write_text("rules:\n  legacy-npmrc-auth: disable\n")
    _, out, _ = run([str(leaky), "--select", "legacy-npmrc-auth"], capsys)
    assert "[legacy-npmrc-auth]" in out and "[hardcoded-npm-token]" not in out
    _, out, _ = run([str(leaky), "--select", "legacy-npmrc-auth", "--ignore", "legacy-npmrc-auth"], capsys)
    assert "[legacy-npmrc-auth]" not in out
