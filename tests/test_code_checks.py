"""The code's own checks, run with the suite so CI runs them: ruff, mypy, the layer contracts
(import-linter) and the size of functions."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import PROJECT_ROOT

MAX_FUNCTION_LINES = 80
SOURCE_FOLDERS = ("npm_auth_lint", "rules")


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=600)


def _tool(name: str) -> str:
    found = shutil.which(name, path=str(Path(sys.executable).parent)) or shutil.which(name)
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


def test_ruff_is_clean() -> None:
    done = _run(_tool("ruff"), "check", "--no-cache", ".")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_mypy_is_clean() -> None:
    done = _run(sys.executable, "-m", "mypy", "--no-incremental")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_the_layers_keep_their_contracts() -> None:
    done = _run(_tool("lint-imports"), "--no-cache")
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def _functions(folder: str) -> list[tuple[int, str]]:
    found = []
    for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines = (node.end_lineno or node.lineno) - node.lineno + 1
                found.append((lines, f"{path.relative_to(PROJECT_ROOT)}:{node.lineno} {node.name}"))
    return found


@pytest.mark.parametrize("folder", SOURCE_FOLDERS)
def test_no_function_is_longer_than_80_lines(folder: str) -> None:
    functions = _functions(folder)
    assert functions, f"no function found in {folder}: the check would prove nothing"
    too_long = sorted(((n, where) for n, where in functions if n > MAX_FUNCTION_LINES), reverse=True)
    assert too_long == []
