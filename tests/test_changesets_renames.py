"""``oidc-blocker`` on changesets/action v2 given v1 input names, and its rename fix."""

from __future__ import annotations

from pathlib import Path

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint, lint_and_fix
from npm_auth_lint.knowledge.publishing import CHANGESETS_V2_RENAMES, KNOWN_ACTIONS
from npm_auth_lint.model import Applicability

from .conftest import FIXTURES, materialize

CASE = FIXTURES / "oidc-blocker" / "changesets-v2-old-inputs"
WORKFLOW = ".github/workflows/release.yml"


def _write(root: Path, uses: str, inputs: str) -> Path:
    workflow = root / WORKFLOW
    workflow.parent.mkdir(parents=True)
    (root / ".git").mkdir()
    (root / "package.json").write_text('{"name": "x", "version": "1.0.0", "scripts": {"release": "npm publish"}}', encoding="utf-8")
    workflow.write_text(
        "on: push\npermissions:\n  id-token: write\njobs:\n  release:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/setup-node@v6\n        with:\n          node-version: 24\n"
        f"      - uses: {uses}\n        with:\n{inputs}",
        encoding="utf-8",
    )
    return root


def _renames(root: Path) -> list[tuple[int, str]]:
    findings = lint([root], Config()).findings
    return [(f.location.line, f.help) for f in findings if f.rule_id == "oidc-blocker"]


def test_the_renames_are_the_actions_own_list() -> None:
    row = KNOWN_ACTIONS["changesets/action"]
    assert row.renamed_inputs is CHANGESETS_V2_RENAMES and row.renamed_in_major == 2
    assert CHANGESETS_V2_RENAMES["publish-script"] == "publish"
    assert CHANGESETS_V2_RENAMES["create-github-releases"] == "createGithubReleases"


def test_fix_renames_only_the_keys(tmp_path: Path) -> None:
    root = materialize(CASE, tmp_path / "repo")
    before = (root / WORKFLOW).read_text(encoding="utf-8")
    findings = [f for f in lint([root], Config()).findings if f.rule_id == "oidc-blocker"]
    assert [f.fix is not None for f in findings] == [True, True, True, True, False]
    assert all(f.fix.applicability is Applicability.SAFE for f in findings if f.fix is not None)
    outcome = lint_and_fix([root], Config())
    after = outcome.after[WORKFLOW]
    assert after == (
        before.replace("publish: npm run release   #", "publish-script: npm run release   #")
        .replace('"title":', '"pr-title":')
        .replace("createGithubReleases:", "create-github-releases:")
        .replace("version: npm run version", "version-script: npm run version")
    )
    # Left: the pinned job's `publish` beside `publish-script` (a rename would duplicate the key).
    left = [(f.location.line, f.message) for f in outcome.result.findings if f.rule_id == "oidc-blocker"]
    assert [line for line, _ in left] == [38]


def test_a_sha_pin_reads_its_tag_comment(tmp_path: Path) -> None:
    root = _write(tmp_path, "changesets/action@4b0c3f7e2d1a9c8b7f6e5d4c3b2a190817161514 # v2.0.0", "          publish: npm run release\n")
    assert _renames(root) == [(13, "rename `publish` to `publish-script`")]


def test_v1_and_unknown_refs_and_sub_actions_are_not_reported(tmp_path: Path) -> None:
    for index, uses in enumerate(("changesets/action@v1", "changesets/action@main", "changesets/action@v1.7.0")):
        root = _write(tmp_path / str(index), uses, "          publish: npm run release\n          title: Release\n")
        assert _renames(root) == [], uses
    root = _write(tmp_path / "sub", "changesets/action/publish@v2", "          publish-script: npm run release\n")
    assert _renames(root) == []


def test_a_flow_mapping_is_reported_without_a_fix(tmp_path: Path) -> None:
    root = _write(tmp_path, "changesets/action@v2", "")
    workflow = root / WORKFLOW
    text = workflow.read_text(encoding="utf-8")
    workflow.write_text(text.removesuffix("        with:\n") + "        with: {publish: npm run release}\n", encoding="utf-8")
    findings = [f for f in lint([root], Config()).findings if f.rule_id == "oidc-blocker"]
    assert len(findings) == 1 and findings[0].fix is None
