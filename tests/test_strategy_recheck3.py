"""Issue #12, "Found, not fixed" of docs/trials/strategy-recheck.md: CI files the provider does not
run (andrelmlins/ci-npm-publish: `examples/.github/workflows/`, `examples/.circleci/`), and one
placeholder standing for several packages outside a shell loop (pnpm `--filter=!…`, `xargs`)."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.shell import split_script
from npm_auth_lint.strategy import PipelineStrategy, UnknownKind, strategy
from npm_auth_lint.strategy.unknowns import publishes_several

from .conftest import FIXTURES, materialize

STRATEGY = FIXTURES / "strategy"


def _strategies(root: Path) -> list[PipelineStrategy]:
    return [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]


def _case(case: str, tmp_path: Path) -> dict[str, PipelineStrategy]:
    root = materialize(STRATEGY / case, tmp_path / "repo")
    return {s.file: s for s in _strategies(root)}


def test_a_nested_workflow_is_unverified_with_its_move_as_step_one(tmp_path: Path) -> None:
    (only,) = _case("github-nested-workflow-not-run", tmp_path).values()
    assert only.path == "unverified"
    first = only.unknowns[0]
    assert first.kind is UnknownKind.CI_FILE and first.step == 1
    assert "GitHub reads only `.github/workflows/` at the repository root" in first.what
    assert only.checklist[0].startswith("Move `examples/.github/workflows/release.yml` into `.github/workflows/` at the repository root")
    assert "confirm that `examples/` is the root of its own repository" in only.checklist[0]
    (settings,) = only.trusted_publishers
    assert settings.fields["Workflow filename"] == "release.yml (once it is in `.github/workflows/` at the repository root)"


def test_a_root_pipeline_keeps_the_package_over_files_that_never_run(tmp_path: Path) -> None:
    by_file = _case("nested-ci-files-not-run", tmp_path)
    root, circleci, github = (by_file[f] for f in (
        ".github/workflows/publish.yml", "examples/.circleci/config.yml", "examples/.github/workflows/release.yml"))
    assert root.path == "trusted-publishing" and not any(u.kind is UnknownKind.CI_FILE for u in root.unknowns)
    assert root.trusted_publishers and root.trusted_publishers[0].fields["Workflow filename"] == "publish.yml"
    for nested in (circleci, github):
        assert nested.path == "unverified" and nested.unknowns[0].kind is UnknownKind.CI_FILE
        assert not nested.trusted_publishers  # the root workflow keeps the one configuration
        assert [c.keep_file for c in nested.consolidate] == [".github/workflows/publish.yml"]
    assert "CircleCI reads only `.circleci/` at the repository root" in circleci.unknowns[0].what
    # (Without the root workflow, the CircleCI file would be kept for its release trigger.)
    assert "not where their provider reads them" in circleci.consolidate[0].why


@pytest.mark.parametrize("case", sorted(p.name for p in STRATEGY.iterdir() if p.is_dir()))
def test_files_the_provider_reads_are_never_a_ci_file_unknown(case: str, tmp_path: Path) -> None:
    root = materialize(STRATEGY / case, tmp_path / "repo")
    for pipeline in _strategies(root):
        nested = pipeline.file.startswith("examples/")
        assert any(u.kind is UnknownKind.CI_FILE for u in pipeline.unknowns) is nested, pipeline.file


def test_a_gitlab_ci_file_anywhere_may_be_the_projects_custom_path(tmp_path: Path) -> None:
    # GitLab lets a project name any file as its CI configuration: no unknown for the path.
    root = materialize(STRATEGY / "gitlab-two-environments", tmp_path / "repo")
    (root / "ci").mkdir()
    shutil.move(root / ".gitlab-ci.yml", root / "ci" / ".gitlab-ci.yml")
    pipelines = _strategies(root)
    assert pipelines and all(p.file == "ci/.gitlab-ci.yml" for p in pipelines)
    assert not any(u.kind is UnknownKind.CI_FILE for p in pipelines for u in p.unknowns)


def test_one_line_that_publishes_several_packages_reads_each_package(tmp_path: Path) -> None:
    (only,) = _case("github-several-packages-one-line", tmp_path).values()
    assert only.packages == ("<each package at release.yml:18>", "<each package at release.yml:19>", "<each package at publish.js:5>")
    several = [u for u in only.unknowns if u.location.startswith(".github/")]
    assert len(several) == 2
    assert all("each needs its own trusted-publisher configuration" in u.what for u in several)
    # The JS script publishes inside `for (const dir of …)`: one package per item, too
    # (docs/trials/strategy-recheck.md: react-router's publish.js, "still open" until now).
    (script,) = [u for u in only.unknowns if u.location.startswith("scripts/")]
    assert "each needs its own trusted-publisher configuration" in script.what
    (settings,) = only.trusted_publishers
    assert settings.packages == only.packages  # one configuration per placeholder


def test_find_exec_publishes_what_find_matches_not_the_workspace(tmp_path: Path) -> None:
    # `find out -name '*.tgz' -exec npm publish {} \;` in a pnpm workspace was credited with every
    # workspace package (docs/trials/strategy-recheck.md, "still open"): it publishes tarballs.
    (only,) = _case("github-find-exec-tarballs", tmp_path).values()
    assert only.packages == ("<each package at release.yml:19>",)
    (target,) = [u for u in only.unknowns if u.kind is UnknownKind.PACKAGE]
    assert "each file or folder that `find` or `xargs` passes as `{}`" in target.what
    assert "each needs its own trusted-publisher configuration" in target.what


@pytest.mark.parametrize(("line", "several"), [
    ("pnpm --filter=!a --filter=!b publish -r", True),
    ("pnpm --filter '!a' publish", True),
    ("pnpm -F a -F b publish", True),
    ("pnpm --filter a publish", False),
    ("npm publish --workspaces", True),
    ("find dist -name '*.tgz' | xargs -I{} npm publish {}", True),
    ("find out -name '*.tgz' -exec npm publish {} \\;", True),
    ("for d in packages/*; do npm publish $d; done", True),
    ("npm publish $DIR", False),
    ("cd dist && npm publish", False),
])
def test_publishes_several(line: str, several: bool) -> None:
    commands = split_script(line, path=".github/workflows/x.yml", first_line=1)
    publish = next(c for c in commands if "publish" in c.words)
    assert publishes_several(SimpleNamespace(command=publish)) is several  # type: ignore[arg-type]
