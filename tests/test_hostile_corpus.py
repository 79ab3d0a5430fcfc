"""The attack corpus of issue #13 through the real CLI: every case, every format.

The repositories are generated at test time by ``scripts/attack_corpus.py`` (nothing large is
committed). The large ones (80,000 steps, 40,000 jobs, 20,000 files) are marked ``slow``.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "attack_corpus.py"
_spec = importlib.util.spec_from_file_location("attack_corpus", _SCRIPT)
corpus = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
sys.modules["attack_corpus"] = corpus
_spec.loader.exec_module(corpus)  # type: ignore[union-attr]

QUICK = [name for name, case in corpus.CASES.items() if not case.slow]
SLOW = [name for name, case in corpus.CASES.items() if case.slow]


def _check(tmp_path: Path, name: str, formats: tuple[str, ...], deadline: float) -> list[corpus.Run]:
    root = corpus.build(name, tmp_path)
    before = corpus.snapshot(root)
    runs = []
    memory = corpus.CASES[name].memory
    for fmt in formats:
        run = corpus.run_case(root, fmt, deadline, memory)
        assert corpus.check_run(run, deadline, memory) == [], (fmt, run.stdout[-2000:], run.stderr[-2000:])
        runs.append(run)
    assert corpus.snapshot(root) == before, "the run wrote into the repository"
    return runs


# What each example of issue #13 must now say in the concise format, which runs first (None: just
# keep the promises).
EXPECTED = {
    "deep-flow": "nested deeper than 200 levels",
    "deep-flow-mapping": "nested deeper than 200 levels",
    "deep-block": "nested deeper than 200 levels",
    "deep-config": "nested deeper than 200 levels",
    "alias-bomb": "aliases expand to more than",
    "reference-bomb": "!reference tags expand to more than",
    "symlink-loop": ".npmrc:1:1: error [parse-error] file is a symlink loop",
    "bad-gitignore": ".gitignore:1:1: error [parse-error] invalid pattern `[z-a]`",
    "bad-config-glob": "invalid glob '[z-a]'",
    "backtracking-globs": None,
    "huge-numbers": "package.json:1:1: error [parse-error] invalid JSON: Exceeds the limit",
    "special-files": ".npmrc:1:1: error [parse-error] not a regular file",
    "links-out": ".npmrc:1:1: error [parse-error] file is a link to outside the repository",
    "committed-but-ignored": ".npmrc:1:",
    "printed-secrets": "passes a literal credential on the command line (the `--_auth` flag)",
    "secret-in-config": 'unknown rule "npm_****"',
    "escapes": "\\x1b]0;owned\\x07",
}
# Where a secret or a control character could leak through one format but not another.
EVERY_FORMAT = ("printed-secrets", "escapes", "links-out", "secret-in-config")


def test_every_quick_case_has_an_expectation() -> None:
    assert sorted(EXPECTED) == sorted(QUICK)


@pytest.mark.parametrize("name", QUICK)
def test_attack_case_keeps_every_promise(tmp_path: Path, name: str) -> None:
    formats = corpus.FORMATS if name in EVERY_FORMAT else ("concise", "text")
    runs = _check(tmp_path, name, formats, corpus.TIME_LIMIT)
    expected = EXPECTED[name]
    if expected is not None:
        assert expected in runs[0].stdout + runs[0].stderr, runs[0].stdout[-2000:]


@pytest.mark.slow
@pytest.mark.external
@pytest.mark.parametrize("name", [n for n in QUICK if n not in EVERY_FORMAT])
def test_attack_case_in_every_format(tmp_path: Path, name: str) -> None:
    _check(tmp_path, name, corpus.FORMATS[1:], corpus.TIME_LIMIT)


def test_an_unreadable_folder_is_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "repo"
    (root / "locked").mkdir(parents=True)
    (root / "package.json").write_text("{}")
    if os.geteuid() != 0:
        # A real permission error, through the real CLI.
        os.chmod(root / "locked", 0)
        try:
            run = corpus.run_case(root, "concise")
        finally:
            os.chmod(root / "locked", 0o755)
        assert run.code == 1 and "locked:1:1: error [parse-error] cannot read folder" in run.stdout
        return
    # Root reads every folder, so the walk is made to meet the error a user would get.
    from npm_auth_lint import workspace
    from npm_auth_lint.cli import main

    real_scandir = os.scandir

    def scandir(path: object) -> object:
        if str(path).rstrip("/").endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(workspace.os, "scandir", scandir)
    monkeypatch.chdir(root)
    assert main(["--format", "concise", "--no-config", "."]) == 1
    assert "locked:1:1: error [parse-error] cannot read folder: Permission denied" in capsys.readouterr().out


# `slow` and also `external`: the quick loop everyone runs is `-m 'not external'`; CI runs both.
# One format each keeps CI's addition small: SARIF for the many jobs (its writer's memory was
# the problem), text for the rest.
LARGE_FORMAT = {"many-steps": "text", "many-jobs": "sarif", "many-files": "text"}


@pytest.mark.slow
@pytest.mark.external
@pytest.mark.parametrize("name", SLOW)
def test_large_repositories_finish_in_linear_time(tmp_path: Path, name: str) -> None:
    _check(tmp_path, name, (LARGE_FORMAT[name],), corpus.SLOW_TIME_LIMIT)
