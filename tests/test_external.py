"""Tests that drive real outside tools, as a user would: pip into a fresh venv, a third-party
rule plugin, Microsoft's SARIF multitool. Marked ``external`` (``pytest -m "not external"`` skips
them locally); CI runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters import sarif as sarif_reporter

from .conftest import FIXTURES, PROJECT_ROOT, materialize

pytestmark = pytest.mark.external
CACHE = PROJECT_ROOT / ".cache"


def _run(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)


@pytest.fixture(scope="module")
def fresh_venv(tmp_path_factory) -> Path:
    """A new venv with this project installed the way a user installs it (not editable)."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    _run([sys.executable, "-m", "venv", str(venv)]).check_returncode()
    source = tmp_path_factory.mktemp("src") / "npm-auth-lint"
    # Install from a copy without build leftovers, as pip would from an sdist.
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(".git", ".cache", ".ci-venv", "build", "*.egg-info", "__pycache__"))
    proc = _run([str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(source)])
    assert proc.returncode == 0, proc.stderr
    return venv


PLUGIN = '''
"""A third-party rule for the plugin test.

## What it does
Flags `.npmrc` files that contain the word `demo`.

## Why is this bad?
It proves that rules load from the `npm_auth_lint.rules` entry-point group.

## Example
```ini
demo=true
```

## Use instead
```ini
```

## References
- https://packaging.python.org/en/latest/specifications/entry-points/
"""

from npm_auth_lint.model import Severity
from npm_auth_lint.rule import Rule


class DemoRule(Rule):
    __doc__ = __doc__
    id = "demo-word"
    severity = Severity.NOTE

    def check(self, ctx):
        for npmrc in ctx.project.npmrcs:
            for entry in npmrc.entries:
                if "demo" in entry.key:
                    yield self.finding(entry.location, "the demo plugin found the word demo")
'''


def test_third_party_rule_from_entry_point(fresh_venv: Path, tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    (plugin / "nal_demo").mkdir(parents=True)
    (plugin / "nal_demo" / "__init__.py").write_text(PLUGIN)
    (plugin / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [build-system]
            requires = ["setuptools>=69"]
            build-backend = "setuptools.build_meta"
            [project]
            name = "nal-demo-plugin"
            version = "1.0"
            [project.entry-points."npm_auth_lint.rules"]
            demo-word = "nal_demo:DemoRule"
            """
        )
    )
    proc = _run([str(fresh_venv / "bin" / "python"), "-m", "pip", "install", "--quiet", str(plugin)])
    assert proc.returncode == 0, proc.stderr
    exe = str(fresh_venv / "bin" / "npm-auth-lint")
    assert "demo-word" in _run([exe, "rules"]).stdout
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".npmrc").write_text("demo=true\n")
    proc = _run([exe, str(repo), "--fail-on", "note", "--format", "concise"])
    assert proc.returncode == 1
    assert ".npmrc:1:1: note [demo-word] the demo plugin found the word demo" in proc.stdout
    _run([str(fresh_venv / "bin" / "python"), "-m", "pip", "uninstall", "--quiet", "-y", "nal-demo-plugin"]).check_returncode()


# Microsoft's SARIF multitool with GitHub's ingestion rules --------------------------------


@pytest.fixture(scope="module")
def multitool() -> Path:
    """The Sarif.Multitool ELF from the npm package (installed into .cache/ on first use).

    The `npx` wrapper spawns through a shell, which breaks on `;` in `--rule-kind "Gh;Sarif"`,
    so the binary is run directly.
    """
    prefix = CACHE / "sarif-multitool"
    binary = prefix / "node_modules" / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
    if not binary.exists():
        npm = shutil.which("npm")
        assert npm, "npm is needed to install @microsoft/sarif-multitool"
        prefix.mkdir(parents=True, exist_ok=True)
        proc = _run([npm, "install", "--no-audit", "--no-fund", "--prefix", str(prefix), "@microsoft/sarif-multitool"])
        assert proc.returncode == 0, proc.stderr
    binary.chmod(0o755)
    return binary


def fixture_sarif(tmp_path: Path) -> list[Path]:
    """SARIF for every fixture tree (all rules enabled)."""
    return fixture_sarif_of(FIXTURES, "*/*", tmp_path)


def fixture_sarif_of(folder: Path, pattern: str, tmp_path: Path) -> list[Path]:
    """SARIF for every fixture tree ``pattern`` names below ``folder`` (all rules enabled)."""
    outputs = []
    for index, case in enumerate(sorted(p for p in folder.glob(pattern) if p.is_dir())):
        root = materialize(case, tmp_path / f"case{index}")
        result = lint([root], Config())
        report = Report(result.findings, result.rules, result.root, result.files_scanned, "0.0.0")
        out = tmp_path / f"case{index}.sarif"
        out.write_text(sarif_reporter.render(report), encoding="utf-8")
        outputs.append(out)
    return outputs


def test_multitool_reports_nothing_for_fixture_sarif(multitool: Path, tmp_path: Path) -> None:
    # One run over every file: the tool starts in seconds (a .NET host), so a run per fixture
    # took most of CI's time. Each result names the file it is about, so nothing is lost.
    env = {**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    sources = fixture_sarif(tmp_path)
    checked = tmp_path / "validation.sarif"
    proc = _run([str(multitool), "validate", "--rule-kind", "Gh;Sarif", "--output", str(checked), *map(str, sources)], env=env)
    # It exits 0 even on schema errors: its own SARIF output is what we judge.
    assert checked.exists(), proc.stdout + proc.stderr
    run = json.loads(checked.read_text(encoding="utf-8"))["runs"][0]
    assert run["invocations"][0]["executionSuccessful"], proc.stdout + proc.stderr
    problems = [
        (Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name, r.get("level", "warning"), r["ruleId"])
        for r in run.get("results", [])
        if r.get("level", "warning") in ("error", "warning")
    ]
    assert problems == []


def test_multitool_run_over_many_files_reports_the_bad_one(multitool: Path, tmp_path: Path) -> None:
    """The one-run check above can fail: a result missing GitHub's required fields among good
    files is reported against that file."""
    good = fixture_sarif_of(FIXTURES / "use-trusted-publishing", "c*", tmp_path)
    bad = tmp_path / "bad.sarif"
    log = json.loads(good[0].read_text(encoding="utf-8"))
    log["runs"][0]["results"] = [{"ruleId": "x", "message": {"text": "no location"}, "level": "error"}]
    bad.write_text(json.dumps(log), encoding="utf-8")
    checked = tmp_path / "validation.sarif"
    env = {**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"}
    _run([str(multitool), "validate", "--rule-kind", "Gh;Sarif", "--output", str(checked), str(good[0]), str(bad), str(good[1])], env=env)
    results = json.loads(checked.read_text(encoding="utf-8"))["runs"][0].get("results", [])
    named = {Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name for r in results if r.get("level", "warning") == "error"}
    assert named == {"bad.sarif"}
