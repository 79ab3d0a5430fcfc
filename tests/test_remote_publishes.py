"""A reusable workflow of another repository that is handed an npm publish (tree-sitter's
`package-npm.yml@main` with NODE_AUTH_TOKEN): a pipeline for the strategy, no rule's business."""

from __future__ import annotations

from pathlib import Path

import pytest

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint

_HEAD = "on: push\npermissions:\n  id-token: write\njobs:\n"


def _analysis(tmp_path: Path, jobs: str):
    root = tmp_path / "r"
    (root / ".git").mkdir(parents=True)
    (root / ".github/workflows").mkdir(parents=True)
    (root / ".github/workflows/publish.yml").write_text(_HEAD + jobs)
    result = lint([root], Config())
    return result.analyses[0], result.findings


@pytest.mark.parametrize(
    "jobs",
    [
        "  npm:\n    uses: octo/workflows/.github/workflows/package-npm.yml@main\n    secrets:\n      NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n",
        "  npm:\n    uses: octo/workflows/.github/workflows/release.yml@v2\n    secrets:\n      token: ${{ secrets.NPM_PUBLISH_TOKEN }}\n",
        "  npm:\n    uses: octo/workflows/.github/workflows/npm-publish.yml@v2\n    secrets: inherit\n",
    ],
)
def test_npm_remote_calls_are_strategy_publishes(tmp_path: Path, jobs: str) -> None:
    analysis, findings = _analysis(tmp_path, jobs)
    (publish,) = analysis.remote_publishes
    assert publish.pipeline.entry_file == ".github/workflows/publish.yml" and publish.job.id == "npm"
    assert publish.id_token is not None and publish.id_token.granted
    assert analysis.publishes == ()  # no rule judges it: the note is the finding
    assert {f.rule_id for f in findings} == {"unresolved-reference"}


@pytest.mark.parametrize(
    "jobs",
    [
        "  crates:\n    uses: octo/workflows/.github/workflows/package-crates.yml@main\n    secrets:\n      CARGO_REGISTRY_TOKEN: ${{ secrets.CARGO_TOKEN }}\n",
        "  docs:\n    uses: octo/workflows/.github/workflows/docs.yml@main\n    secrets: inherit\n",
        "  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: octo/npm-action@v1\n",
    ],
)
def test_other_calls_are_not(tmp_path: Path, jobs: str) -> None:
    analysis, _ = _analysis(tmp_path, jobs)
    assert analysis.remote_publishes == ()
