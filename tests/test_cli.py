"""The command line as a user meets it: exit codes, one-line errors, formats, no secrets."""

from __future__ import annotations

import dataclasses
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
    assert "warning[legacy-npmrc-auth] [*]: " in out and " --> .npmrc:2:1\n" in out  # `always-auth` is deleted by --fix
    assert TOKEN not in out + err
    assert out.rstrip().endswith("in 1 file.\n[*] 1 fixable with `--fix`.")
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
    code, _out, err = run([*args, str(leaky)] if args[0] != "rule" else args, capsys)
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
        _code, out, _ = run(args, capsys)
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


# One app with a default command ---------------------------------------------------------


@pytest.mark.parametrize("name", ["strategy", "rules", "rule", "lint"])
def test_a_folder_named_like_a_command_is_linted_as_dot_slash(name: str, tmp_path: Path, capsys, monkeypatch) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / name).mkdir()
    (tmp_path / name / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={TOKEN}\n")
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["--format", "concise", f"./{name}"], capsys)
    assert code == 1 and err == ""
    assert f"{name}/.npmrc:1:34: error [hardcoded-npm-token]" in out


def test_lint_is_the_default_command_not_a_name(tmp_path: Path, capsys, monkeypatch) -> None:
    # `lint` is only ever the default: a folder named lint needs no ./ and a missing one is a path.
    (tmp_path / ".git").mkdir()
    monkeypatch.chdir(tmp_path)
    code, out, err = run(["lint"], capsys)
    assert code == 2 and err == "npm-auth-lint: error: path does not exist: lint\n"
    code, out, err = run(["strategy", "--format", "json"], capsys)
    assert code == 0 and json.loads(out)["pipelines"] == []


def test_help_shows_the_default_command_as_the_program(capsys) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0
    assert out.startswith("Usage: npm-auth-lint [OPTIONS] [PATH]...\n") or out.startswith("Usage: npm-auth-lint [OPTIONS] [PATH]\n")
    assert "--install-completion" in out and "./NAME" in out
    code, out, _ = run(["strategy", "--help"], capsys)
    assert code == 0 and out.startswith("Usage: npm-auth-lint strategy [OPTIONS] [PATH]")


def test_run_lint_takes_one_options_value(leaky: Path, tmp_path: Path, capsys) -> None:
    from npm_auth_lint.cli import FailOn, LintOptions, run_lint

    target = tmp_path / "report.json"
    options = LintOptions(paths=(leaky,), output_format="json", output=target, fail_on=FailOn.error, no_config=True)
    assert run_lint(options) == 1
    document = json.loads(target.read_text(encoding="utf-8"))
    assert {f["rule"] for f in document["findings"]} == {"hardcoded-npm-token", "legacy-npmrc-auth"}
    assert capsys.readouterr().out == ""
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.quiet = True  # type: ignore[misc]


@pytest.mark.parametrize(
    ("fmt", "quiet", "statistics", "expected"),
    [("text", False, False, True), ("text", True, False, False), ("text", False, True, False),
     ("json", True, True, True), ("sarif", False, False, True), ("github", False, False, False)],
)
def test_strategy_is_built_only_for_outputs_that_show_it(fmt: str, quiet: bool, statistics: bool, expected: bool) -> None:
    from npm_auth_lint.cli import LintOptions

    options = LintOptions(output_format=fmt, quiet=quiet, statistics=statistics)
    assert options.shows_strategy is expected
    # Style flags reach only the text reporter.
    assert set(options.render_options(color=True)) == ({"color", "quiet", "statistics"} if fmt == "text" else set())


def _modules_after(args: list[str], cwd: Path) -> set[str]:
    """The modules imported by a real run of ``args`` (as a user runs it, in a fresh process)."""
    code = (
        "import sys, contextlib, io\n"
        "from npm_auth_lint.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main({args!r})\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd, check=True)
    return set(proc.stdout.split())


def test_commands_import_only_what_they_need(leaky: Path) -> None:
    heavy = {"pydantic", "sarif_om", "npm_auth_lint.engine", "npm_auth_lint.strategy", "npm_auth_lint.analysis"}
    assert not heavy & _modules_after(["--version"], leaky)
    # `rules` and `rule ID` import the rule classes (their docs are their docstrings), which
    # import what their checks use only when they run: not the model's dataclasses either.
    light = heavy | {
        "npm_auth_lint.model", "npm_auth_lint.commands", "npm_auth_lint.shell", "npm_auth_lint.fixes",
        "npm_auth_lint.parsers", "npm_auth_lint.knowledge", "npm_auth_lint.toolchain", "ruamel.yaml",
        "re2", "tree_sitter", "importlib.metadata",
    }
    for args in (["rules"], ["rule", "hardcoded-npm-token"]):
        loaded = _modules_after(args, leaky)
        assert "npm_auth_lint.rules.hardcoded_npm_token" in loaded  # the check can fail
        assert not light & loaded
    text_run = _modules_after(["."], leaky)
    assert "npm_auth_lint.engine" in text_run and not {"sarif_om", "pydantic", "npm_auth_lint.reporters.json"} & text_run
    assert "npm_auth_lint.reporters.sarif" in _modules_after(["--format", "sarif", "."], leaky)
    assert "npm_auth_lint.strategy" not in _modules_after(["--format", "github", "."], leaky)
