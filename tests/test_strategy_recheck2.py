"""Second hand check of the trial repositories (docs/trials/strategy-recheck.md): the checklist
order of a job with OIDC and token publishes, semantic-release on CircleCI, a semantic-release
older than 25 beside a project's @semantic-release/npm 13, and a repository without package.json."""

from __future__ import annotations

import json
from pathlib import Path

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.strategy import strategy

from .conftest import FIXTURES, materialize


def _strategies(root: Path):
    return [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]


def _fixture(case: str, tmp_path: Path):
    return _strategies(materialize(FIXTURES / "strategy" / case, tmp_path / "repo"))


def _repo(tmp_path: Path, workflow: str, package: dict | None) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/widget.git\n')
    if package is not None:
        (root / "package.json").write_text(json.dumps(package))
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").write_text(workflow)
    return root


_RELEASE = (
    "on: {push: {tags: ['v*']}}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write}\n"
    "    steps:\n      - uses: actions/setup-node@v6\n        with: {node-version: 24}\n      - run: npm ci\n"
)


def test_the_token_is_removed_before_tokens_are_disallowed(tmp_path: Path) -> None:
    # pnpm/pnpm: OIDC, token and OIDC publishes in one job.
    (only,) = _fixture("github-oidc-then-token-publishes", tmp_path)
    steps = only.checklist
    removal = next(i for i, step in enumerate(steps) if step.startswith("Remove secret NPM_TOKEN"))
    hardening = next(i for i, step in enumerate(steps) if "disallow tokens" in step)
    revocations = [i for i, step in enumerate(steps) if step.startswith("Then revoke")]
    assert removal < hardening < min(revocations)


def test_semantic_release_on_circleci_is_unverified(tmp_path: Path) -> None:
    (only,) = _fixture("circleci-semantic-release-unconfirmed", tmp_path)
    assert only.path == "unverified"
    assert [u.kind.value for u in only.unknowns] == ["publisher-version"]
    assert only.checklist[0].startswith("Confirm that the @semantic-release/npm release you run supports CircleCI's ID token")


def test_semantic_release_24_loads_its_own_plugin_whatever_the_project_pins(tmp_path: Path) -> None:
    # zavoloklom/eslint-formatter-gitlab: semantic-release 24.0.0 with the project's plugin; a
    # plugin 13 next to it would be nested away, so the upgrade is semantic-release's.
    package = {"name": "widget", "version": "1.0.0", "devDependencies": {"semantic-release": "24.0.0", "@semantic-release/npm": "13.1.0"}}
    (only,) = _strategies(_repo(tmp_path, _RELEASE + "      - run: npx semantic-release\n        env: {NPM_TOKEN: '${{ secrets.NPM_TOKEN }}'}\n", package))
    assert only.path == "token-oidc-viable"
    assert any(step.startswith("Upgrade semantic-release to 25 or newer") for step in only.checklist)
    assert not any(step.startswith("Upgrade @semantic-release/npm") for step in only.checklist)


def test_semantic_release_25_keeps_the_projects_plugin_pin(tmp_path: Path) -> None:
    package = {"name": "widget", "version": "1.0.0", "devDependencies": {"semantic-release": "^25.0.0", "@semantic-release/npm": "^13.1.0"}}
    (only,) = _strategies(_repo(tmp_path, _RELEASE + "      - run: npx semantic-release\n", package))
    assert only.path == "trusted-publishing"
    assert not any(step.startswith("Upgrade semantic-release") for step in only.checklist)


def test_a_repository_without_package_json_gets_a_placeholder(tmp_path: Path) -> None:
    # andrelmlins/ci-npm-publish: example CI files and no package.json anywhere.
    (only,) = _strategies(_repo(tmp_path, _RELEASE + "      - run: npm publish\n", None))
    assert only.packages == ("<package at release.yml:10>",)
    assert [u.what for u in only.unknowns] == ["which package it publishes: no package.json in `.` or above it in the repository"]
