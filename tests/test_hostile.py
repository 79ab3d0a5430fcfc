"""Hostile input at the unit level (issue #13): limits while reading, linear matching, safe file
reads, one redaction at the boundary. Property tests over the readers every parser uses."""

from __future__ import annotations

import base64
import os
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npm_auth_lint import baseline, yamlio
from npm_auth_lint.config import ConfigError, parse_config
from npm_auth_lint.redact import escape_controls, for_terminal, redact
from npm_auth_lint.workspace import (
    FileReadError,
    Workspace,
    _read_up_to,
    gitignore_spec,
    leaves_root,
    linear_regex,
    matches_glob,
    read_regular,
)

# --------------------------------------------------------------------------------------------
# YAML limits, enforced while reading


@pytest.mark.parametrize(
    "text",
    ["jobs: " + "[" * 30000 + "]" * 30000, "a: " + "{a: " * 30000 + "}" * 30000, "- " * 30000 + "x"],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_deep_nesting_is_a_load_error_not_a_crash(text: str) -> None:
    with pytest.raises(yamlio.LoadError, match="nested deeper than 200 levels") as info:
        yamlio.load(text)
    assert info.value.line == 1 and info.value.column > 200


def test_an_alias_bomb_stops_at_the_alias_that_breaks_the_budget() -> None:
    lines = [".l0: &l0 [npm publish]"]
    lines += [f".l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)]
    started = time.perf_counter()
    with pytest.raises(yamlio.LoadError, match="aliases expand to more than") as info:
        yamlio.load("\n".join(lines) + "\n")
    assert time.perf_counter() - started < 2
    assert info.value.line == 7  # the running total passes 2,000,000 nodes at .l6 (10**6 leaves)


def test_aliases_within_the_budget_are_shared_objects() -> None:
    data = yamlio.load("a: &a [x]\nb: [*a, *a]\nc: &c\n  self: *c\n")
    assert data["b"][0] is data["a"] and data["c"]["self"] is data["c"]


def test_numbers_too_long_for_int_stay_strings() -> None:
    assert yamlio.load("v: " + "9" * 5000)["v"] == "9" * 5000


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.sampled_from(list("[]{}-:&*!<>,'\"\n #|?ab0")), max_size=400))
def test_yaml_never_raises_anything_but_load_error(text: str) -> None:
    try:
        yamlio.load(text)
    except yamlio.LoadError as exc:
        assert exc.line >= 1 and exc.column >= 1


# --------------------------------------------------------------------------------------------
# Globs: linear, invalid ones reported


def test_gitignore_keeps_valid_patterns_and_reports_invalid_ones() -> None:
    spec, bad = gitignore_spec(["node_modules/", "[z-a]", "*.log"])
    assert spec.match_file("a.log") and spec.match_file("node_modules/x")
    assert [line for line, _ in bad] == [2]


def test_gitignore_pattern_too_large_for_re2_is_reported_not_raised() -> None:
    """Found by scripts/fuzz.py: a valid 50,000-character pattern exceeds RE2's memory budget
    ("failed to compile Set"), which escaped as re2.error and ended the whole run."""
    huge = '{"name"' + "9" * 50_000
    spec, bad = gitignore_spec(["node_modules/", huge, "*.log"])
    assert spec.match_file("a.log") and spec.match_file("node_modules/x")
    assert [line for line, _ in bad] == [2]
    assert "too large for a linear-time matcher" in bad[0][1] and len(bad[0][1]) < 200


def test_gitignore_pattern_ending_in_a_backslash_matches_nothing() -> None:
    """Found by scripts/fuzz.py: pathspec refuses `a\\` with its own ValueError, which ended the run."""
    spec, bad = gitignore_spec(["a\\", "*.log"])
    assert spec.match_file("x.log") and not spec.match_file("a")
    assert [line for line, _ in bad] == [1]


def test_a_huge_gitignore_pattern_is_a_parse_error_of_the_run(tmp_path: Path) -> None:
    import subprocess
    import sys

    (tmp_path / ".gitignore").write_text('{"name"' + "9" * 50_000 + "\n", encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "x"}\n', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "npm_auth_lint", "--no-config", "--format", "concise", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert ".gitignore:1:1: error [parse-error] invalid pattern" in proc.stdout


def test_a_gitignore_pattern_python_warns_about_prints_no_warning(tmp_path: Path) -> None:
    import subprocess
    import sys

    # ``[[a]`` makes Python's re warn "Possible nested set" (FutureWarning) when pathspec compiles it.
    (tmp_path / ".gitignore").write_text("[[a]\n[--]x\n*.log\n", encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "x"}\n', encoding="utf-8")
    (tmp_path / "b.log").write_text("", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-W", "default", "-m", "npm_auth_lint", "--no-config", "--format", "concise", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Warning" not in proc.stderr, proc.stderr
    spec, bad = gitignore_spec(["[[a]", "*.log"])
    assert spec.match_file("b.log") and not bad


def test_linear_matching_of_backtracking_patterns() -> None:
    started = time.perf_counter()
    assert linear_regex("(a*)*b").fullmatch("a" * 100_000) is None
    spec, _ = gitignore_spec(["*a" * 40 + "b"])
    assert not spec.match_file("a" * 5000)
    assert not matches_glob("a" * 5000, ["*a" * 40 + "b"])
    assert time.perf_counter() - started < 2


def test_config_glob_errors_name_the_glob() -> None:
    with pytest.raises(ConfigError, match=r"invalid glob '\[z-a\]'"):
        parse_config("ignore: ['[z-a]']\n", [])
    assert matches_glob("a/b.yml", ["a/*"]) and matches_glob("x.yml", ["*.y?l"]) and not matches_glob("x", ["[!x]"])


# --------------------------------------------------------------------------------------------
# Files


def test_special_files_are_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "fifo")
    with pytest.raises(FileReadError, match="not a regular file"):
        read_regular(tmp_path / "fifo", 100)
    with pytest.raises(FileReadError, match="not a regular file"):
        read_regular(Path("/dev/zero"), 100)
    (tmp_path / "big").write_bytes(b"x" * 101)
    with pytest.raises(FileReadError, match="too large"):
        read_regular(tmp_path / "big", 100)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=3000), limit=st.integers(min_value=0, max_value=2500))
def test_a_regular_file_is_read_whole_or_refused_as_too_large(tmp_path: Path, content: bytes, limit: int) -> None:
    path = tmp_path / "file"
    path.write_bytes(content)
    if len(content) > limit:
        with pytest.raises(FileReadError, match="too large"):
            read_regular(path, limit)
    else:
        assert read_regular(path, limit) == content


@pytest.mark.parametrize("size_hint", [0, 1, 99, 100, 5000])
def test_reads_go_on_past_a_wrong_size_and_stop_at_the_limit(tmp_path: Path, size_hint: int) -> None:
    # A file that grew after fstat, or one that reports no size (/proc), is still read to its end
    # -- and never beyond ``most`` bytes.
    path = tmp_path / "file"
    path.write_bytes(b"x" * 300)
    with open(path, "rb", buffering=0) as handle:
        assert _read_up_to(handle, size_hint, 10_000) == b"x" * 300
    with open(path, "rb", buffering=0) as handle:
        assert _read_up_to(handle, size_hint, 120) == b"x" * 120


def test_a_file_without_a_size_is_read_whole() -> None:
    status = Path("/proc/self/status")
    if not status.exists() or status.stat().st_size:
        pytest.skip("needs Linux /proc")
    assert b"Name:" in read_regular(status, 1 << 20)


def test_links_out_and_loops_are_listed_then_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    os.symlink(".npmrc", root / ".npmrc")  # a loop
    (root / "sub").mkdir()
    os.symlink("/dev/stdin", root / "sub" / ".gitignore")
    workspace = Workspace(root)
    assert workspace.discover([root]) == [".npmrc"]
    with pytest.raises(FileReadError, match="symlink loop"):
        workspace.read(".npmrc")
    assert "sub/.gitignore" in workspace.problems


def test_a_path_argument_linking_out_of_its_repository_is_refused(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "repo" / "out")
    assert "outside the repository" in (leaves_root(tmp_path / "repo" / "out") or "")
    assert leaves_root(tmp_path / "repo") is None


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_baseline_file_is_read_or_refused_with_a_message(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    path = tmp_path_factory.mktemp("b") / "baseline.json"
    path.write_bytes(data)
    try:
        baseline.read(path)
    except baseline.BaselineError as exc:
        assert "\n" not in str(exc)


@pytest.mark.parametrize("document", ['{"schema": "npm-auth-lint/baseline", "version": 1, "findings": 5}',
                                      '{"schema": "npm-auth-lint/baseline", "version": ' + "9" * 5000 + "}"])
def test_malformed_baselines_are_usage_errors(tmp_path: Path, document: str) -> None:
    (tmp_path / "b.json").write_text(document)
    with pytest.raises(baseline.BaselineError):
        baseline.read(tmp_path / "b.json")


# --------------------------------------------------------------------------------------------
# Redaction at the boundary

UUID = "0d2f1c9e-58aa-4c4e-9a57-3b7e4fd2c6a1"
BASIC = base64.b64encode(b"someone:hunter2").decode()


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (f"npm publish --_auth {BASIC}", BASIC),
        (f"npm publish --_authToken {UUID}", UUID),
        (f"npm publish --//registry.npmjs.org/:_authToken {UUID}", UUID),
        (f"printf '//registry.npmjs.org/:_authToken=%s\\n' {UUID} > .npmrc", UUID),
        ("npm-cli-login -u me -p hunter2secret -e me@example.com", "hunter2secret"),
        ("npm adduser --password hunter2secret", "hunter2secret"),
        ("npm login --password=hunter2secret", "hunter2secret"),
        ('npm config set _password "$(echo -n hunter2secret | base64)"', "hunter2secret"),
        (f"registry auth is {BASIC}", BASIC),
    ],
)
def test_npm_config_forms_are_redacted(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_references_and_ordinary_words_are_kept() -> None:
    for text in ("npm publish --_authToken ${NPM_TOKEN}", "mkdir -p build", "npm-cli-login -p $NPM_PASS",
                 "release workflow", "--password-file ./x", "publishConfig registry"):
        assert redact(text) == text


@given(st.sampled_from([f"--_auth {BASIC}", f"--_authToken {UUID}", "-p hunter2secret"]), st.text(max_size=40), st.text(max_size=40))
def test_planted_credentials_never_survive_any_surroundings(form: str, before: str, after: str) -> None:
    text = f"{before} npm-cli-login {form} {after}"
    out = for_terminal(text)
    for secret in (BASIC, UUID, "hunter2secret"):
        if secret in form:
            assert secret not in out
    assert "\x1b" not in out and "\x07" not in out


def test_terminal_controls_are_escaped() -> None:
    assert escape_controls("a\x1b[31mb\x07\u202e") == "a\\x1b[31mb\\x07\\u202e"
    assert escape_controls("tab\tnew\nline") == "tab\tnew\nline"


# --------------------------------------------------------------------------------------------
# Every parser and the CLI, in process, on generated files

_KINDS = (".github/workflows/ci.yml", "action.yml", ".gitlab-ci.yml", ".circleci/config.yml", ".npmrc",
          "package.json", ".yarnrc.yml", ".yarnrc", "pnpm-workspace.yaml", "lerna.json", ".gitignore", ".nvmrc")
_PIECES = st.sampled_from([
    "on: push\n", "jobs:\n", "  p:\n", "    steps:\n", "      - run: npm publish\n", "      - uses: a/b@v" + "9" * 5000 + "\n",
    "[", "]", "{", "}", "&a ", "*a", "<<: *a\n", "!reference [.a, script]", "script: ", "include: '*a*a*a*b'\n",
    "//r/:_authToken=npm_" + "A" * 36 + "\n", "_auth=" + BASIC + "\n", '{"engines": {"node": "' + "9" * 5000 + '"}}',
    "version: 2.1\n", "orbs: {node: circleci/node@" + "9" * 5000 + "}\n", "[z-a]\n", "\x1b[31m", "\t", "\n", ": ", "- ",
])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.sampled_from(_KINDS), st.lists(_PIECES, max_size=30))
def test_every_parser_and_the_cli_survive_generated_files(tmp_path: Path, kind: str, pieces: list[str]) -> None:
    import io
    from contextlib import redirect_stderr, redirect_stdout

    from npm_auth_lint.cli import main

    root = tmp_path / "repo"
    if root.exists():
        import shutil

        shutil.rmtree(root)
    (root / ".git").mkdir(parents=True)
    path = root / kind
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(pieces), encoding="utf-8")
    for fmt in ("text", "github", "sarif"):
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["--no-config", "--format", fmt, str(root)])
        assert code in (0, 1), err.getvalue()
        assert "npm_" + "A" * 36 not in out.getvalue() + err.getvalue()
        assert BASIC not in out.getvalue() and "\x1b" not in out.getvalue()
