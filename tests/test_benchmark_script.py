"""The benchmark script keeps working: its generated repositories lint cleanly (no crash) and
exercise every provider. Timing is the script's job, never a test's."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint

from .conftest import PROJECT_ROOT


def load_benchmark():
    spec = importlib.util.spec_from_file_location("benchmark", PROJECT_ROOT / "scripts" / "benchmark.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_generated_repository_lints(tmp_path: Path) -> None:
    benchmark = load_benchmark()
    files = benchmark.generate(tmp_path / "repo", 12)
    result = lint([tmp_path / "repo"], Config())
    assert result.files_scanned == files - 1  # every file but .nvmrc is linted directly
    assert not result.internal_errors
    rules = {f.rule_id for f in result.findings}
    assert {"use-trusted-publishing", "outdated-npm", "missing-id-token"} <= rules
    providers = {p.provider.value for project in result.projects for p in project.pipelines}
    assert providers == {"github", "gitlab", "circleci"}


def test_script_runs_both_tools_and_times_stages(tmp_path: Path) -> None:
    # A tiny size, one run: the script works end to end (ours, zizmor when installed, stages).
    script = PROJECT_ROOT / "scripts" / "benchmark.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--sizes", "3", "--runs", "1", "--stages"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    output = json.loads(proc.stdout)
    (row,) = output["rows"]
    assert row["case"] == "wf-3 (sarif)" and row["files"] == 12
    assert row["npm-auth-lint"]["rss_mb"] > 0
    assert set(output["stages"]["wf-3"]) >= {"discover", "read", "parse", "analyze", "rules", "report"}


def test_script_summarises_real_checkouts(tmp_path: Path) -> None:
    # --repos-in: every sub-folder is a checkout, linted by both tools, then a summary.
    benchmark = load_benchmark()
    for name, size in (("one", 1), ("two", 2)):
        benchmark.generate(tmp_path / "checkouts" / name, size)
    (tmp_path / "checkouts" / "notes.md").write_text("not a checkout\n")
    script = PROJECT_ROOT / "scripts" / "benchmark.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--repos-in", str(tmp_path / "checkouts"), "--runs", "1"],
        capture_output=True, text=True, timeout=300, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    output = json.loads(proc.stdout)
    assert [row["case"] for row in output["rows"]] == ["one", "two"]
    summary = output["summary"]
    if all("zizmor" in row and row["zizmor"] for row in output["rows"]):
        assert summary["repositories"] == 2 and summary["ours"] > 0 and summary["q1_ratio"] <= summary["q3_ratio"]
    rows = [{"npm-auth-lint": benchmark.Sample(1, 0.3, 1), "zizmor": benchmark.Sample(1, 0.1, 1)},
            {"npm-auth-lint": benchmark.Sample(1, 0.1, 1), "zizmor": benchmark.Sample(1, 0.2, 1)}]  # fmt: skip
    assert benchmark.summarise_repositories(rows) == pytest.approx({
        "repositories": 2, "ours": 0.4, "zizmor": 0.3, "total_ratio": 0.4 / 0.3,
        "median_ratio": 1.75, "q1_ratio": 1.125, "q3_ratio": 2.375, "faster": 1,
    })  # fmt: skip
    for row, cold in zip(rows, (0.5, 0.25)):
        row[benchmark.FIRST_RUN] = benchmark.Sample(1, cold, 1)
    assert benchmark.summarise_repositories(rows)["ours_no_cache"] == pytest.approx(0.75)
    assert benchmark.summarise_repositories([{"npm-auth-lint": benchmark.Sample(1, 0.1, 1)}]) == {"repositories": 0}


def test_monorepo_generator_writes_what_it_counts(tmp_path: Path) -> None:
    benchmark = load_benchmark()
    files = benchmark.generate_monorepo(tmp_path / "repo", 4, extra_files=3)
    written = [p for p in (tmp_path / "repo").rglob("*") if p.is_file() and ".git" not in p.parts]
    assert files == len(written) == 3 + len(benchmark.WORKFLOW_KINDS) + 4 * (1 + 3)
    result = lint([tmp_path / "repo"], Config())
    # Linted: the root package.json, the action, the workflows and each package.json.
    assert not result.internal_errors and result.files_scanned == 2 + len(benchmark.WORKFLOW_KINDS) + 4
