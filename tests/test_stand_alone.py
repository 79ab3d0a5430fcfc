"""The project stands alone: a copy with nothing beside it (no ``../shared``) collects and runs
the tests that once read shared data."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PROJECT_ROOT


def _tracked_files() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        check=True,
    )
    return [name for name in listed.stdout.decode().split("\0") if name]


def test_a_copy_without_shared_collects_and_runs_the_data_tests(tmp_path: Path) -> None:
    # The copy sits in a folder of its own: `../shared` from it does not exist.
    copy = tmp_path / "alone" / "npm-auth-lint"
    for name in _tracked_files():
        source = PROJECT_ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    assert not (copy.parent / "shared").exists()

    collect = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert collect.returncode == 0, collect.stdout[-2000:] + collect.stderr[-2000:]
    assert " tests collected" in collect.stdout or " test collected" in collect.stdout

    # The tests that validate against the SARIF schema and the Node release reference.
    run = subprocess.run(
        [
            sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
            "tests/test_reporters.py::test_sarif_validates_against_githubs_schema",
            "tests/test_toolchain.py::test_every_reference_release_of_22_to_26_is_packaged_with_the_same_npm",
        ],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "2 passed" in run.stdout


def test_the_projects_own_repository_lints_clean(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    # Its .npm-auth-lint.yaml excludes fixtures/: small repositories that exist to be linted alone.
    from npm_auth_lint.cli import main

    monkeypatch.chdir(PROJECT_ROOT)
    assert main(["--format", "concise", "."]) == 0
    out = capsys.readouterr().out
    assert out.startswith("No problems found") and "fixtures/" not in out
