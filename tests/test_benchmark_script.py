"""The benchmark script keeps working: its generated repositories lint cleanly (no crash) and
exercise every provider. Timing is the script's job, never a test's."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint

from .conftest import PROJECT_ROOT


def load_benchmark():
    spec = importlib.util.spec_from_file_location("benchmark", PROJECT_ROOT / "scripts" / "benchmark.py")
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
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
