from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT_ROOT / "fixtures"
# Data the tests need is vendored here (sources in tests/data/README.md): no test reads ../shared.
TEST_DATA = PROJECT_ROOT / "tests" / "data"
SARIF_SCHEMA = TEST_DATA / "sarif-schema-2.1.0.json"


def pytest_configure(config: pytest.Config) -> None:
    """The tool's compiled-method cache (npm_auth_lint/method_cache.py) goes to a folder of this
    test process (and the tools it starts), not the user's cache folder; set before collection,
    which already instantiates the package's classes."""
    folder = tempfile.mkdtemp(prefix="npm-auth-lint-methods-")
    os.environ["NPM_AUTH_LINT_CACHE_DIR"] = folder

    def remove() -> None:
        from npm_auth_lint import method_cache

        method_cache.cache().write = False  # its save at exit would make the folder again
        shutil.rmtree(folder, ignore_errors=True)

    config.add_cleanup(remove)


def materialize(case: Path, destination: Path) -> Path:
    """Copy a fixture tree to ``destination`` as a real repository.

    Fixtures cannot hold a ``.git`` folder inside this project's own repository, so a ``_git``
    folder in a fixture becomes ``.git`` in the copy (e.g. ``_git/config`` with an origin).
    """
    shutil.copytree(case, destination, dirs_exist_ok=True, ignore=shutil.ignore_patterns("expected.txt"))
    fake_git = destination / "_git"
    if fake_git.exists():
        fake_git.rename(destination / ".git")
    else:
        (destination / ".git").mkdir(exist_ok=True)
    return destination


@pytest.fixture
def repo(tmp_path: Path):
    """Build a repository from ``{relative path: text}`` and return its root."""

    def build(files: dict[str, str], git: bool = True) -> Path:
        root = tmp_path / "repo"
        root.mkdir(exist_ok=True)
        if git:
            (root / ".git").mkdir(exist_ok=True)
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return root

    return build
