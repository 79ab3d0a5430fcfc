"""README promises: the rules table is current and CI runs the README's test command."""

from __future__ import annotations

import re
import subprocess
import sys

from .conftest import PROJECT_ROOT

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def commands_at_top() -> list[str]:
    """The first two ```sh blocks of the README: install-and-run, install-and-test."""
    return re.findall(r"```sh\n(.+?)\n```", README)[:2]


def test_rules_table_is_current() -> None:
    proc = subprocess.run([sys.executable, "scripts/update_readme.py", "--check"], cwd=PROJECT_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


def test_two_one_line_commands_at_the_top() -> None:
    run, test = commands_at_top()
    assert "\n" not in run and "npm-auth-lint" in run and "pip install" in run
    assert "\n" not in test and "pytest" in test
    assert README.index(run) < README.index("## Usage")


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test = commands_at_top()
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test in ci.splitlines()
