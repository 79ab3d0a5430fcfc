"""Helpers for the tests that drive outside tools as a user would: subprocesses with clear
failure messages, throwaway git repositories, and a copy of this project's working tree."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

from .conftest import PROJECT_ROOT

# Build and cache leftovers a user's copy of the project would not have.
LEFTOVERS = (".git", ".cache", ".ci-venv", ".venv", "venv", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis", ".ruff_cache", ".mypy_cache")


def run(args: Sequence[str | os.PathLike[str]], *, timeout: float, cwd: Path | None = None, env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command, capturing its output; a time-out fails the test with what it printed."""
    try:
        return subprocess.run([os.fspath(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError(f"timed out after {timeout}s: {' '.join(map(str, args))}\n{describe_output(exc.stdout, exc.stderr)}") from None


def describe(proc: subprocess.CompletedProcess[str]) -> str:
    """A failed command, its exit status and its output, for assertion messages."""
    return f"$ {' '.join(map(str, proc.args))}\nexit status {proc.returncode}\n{describe_output(proc.stdout, proc.stderr)}"


def describe_output(stdout: str | bytes | None, stderr: str | bytes | None) -> str:
    def text(value: str | bytes | None) -> str:
        return value.decode(errors="replace") if isinstance(value, bytes) else value or ""

    return f"--- stdout\n{text(stdout)}\n--- stderr\n{text(stderr)}"


def clean_env() -> dict[str, str]:
    """The environment without what would make another Python import this source tree
    (PYTHONPATH) or the test run's venv, so an installed copy is what runs."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP")}


def isolated_git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment without the caller's git settings, with a fixed identity for commits.

    A developer's global hooksPath, signing or default-branch settings (or the GIT_DIR of a hook
    that runs the tests) must not leak into the throwaway repositories.
    """
    env = {k: v for k, v in clean_env().items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="npm-auth-lint tests",
        GIT_AUTHOR_EMAIL="tests@example.invalid",
        GIT_COMMITTER_NAME="npm-auth-lint tests",
        GIT_COMMITTER_EMAIL="tests@example.invalid",
    )
    env.update(extra or {})
    return env


def git(repo: Path, *args: str, env: Mapping[str, str]) -> str:
    """Run git in ``repo``; fail the test with git's output when it fails."""
    proc = run(["git", *args], cwd=repo, env=env, timeout=60)
    assert proc.returncode == 0, describe(proc)
    return proc.stdout.strip()


def make_git_repository(source: Path, destination: Path, env: Mapping[str, str]) -> Path:
    """A real git repository at ``destination`` holding a copy of ``source``, all committed."""
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns(*LEFTOVERS))
    git(destination, "init", "--quiet", "--initial-branch=main", env=env)
    git(destination, "add", "--all", env=env)
    git(destination, "commit", "--quiet", "--no-verify", "--message", "initial", env=env)
    return destination


def copy_working_tree(destination: Path) -> Path:
    """A copy of this project as it is on disk: tracked and new files, without what git ignores.

    Tools that install from a git repository (pre-commit) see only committed files; the copy
    lets them test the working tree, in a developer's checkout with uncommitted changes as in
    CI's clean clone.
    """
    proc = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=PROJECT_ROOT, timeout=60) if (PROJECT_ROOT / ".git").exists() else None
    if proc is None or proc.returncode != 0:
        shutil.copytree(PROJECT_ROOT, destination, ignore=shutil.ignore_patterns(*LEFTOVERS))
        return destination
    for rel in filter(None, proc.stdout.split("\0")):
        source = PROJECT_ROOT / rel
        if not source.is_file():  # deleted in the working tree but still in the index
            continue
        target = destination / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    return destination
