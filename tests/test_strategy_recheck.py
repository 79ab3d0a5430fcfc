"""The strategy report after the re-run of the trial repositories (docs/trials/strategy-recheck.md):
packages by folder after a publish loop, placeholders for packages the tool cannot name, and
"viable" never said while the job's Node is unknown."""

from __future__ import annotations

from pathlib import Path

import pytest

from npm_auth_lint.analysis.jobs import _cd, _Shell
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.model import Location, Step
from npm_auth_lint.shell import split_script
from npm_auth_lint.strategy import UnknownKind, render_text, strategy

from .conftest import FIXTURES, materialize

STRATEGY_FIXTURES = FIXTURES / "strategy"


def _strategies(case: str, tmp_path: Path):
    root = materialize(STRATEGY_FIXTURES / case, tmp_path / "repo")
    return [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]


def test_the_shell_splitter_records_the_loops_a_command_is_in() -> None:
    script = "for pkg in npm/*; do\n  cd $pkg\n  for t in a 'b c'; do echo $t; done\ndone\nnpm publish\n"
    commands = {c.words[0] + " " + c.words[1] if len(c.words) > 1 else c.words[0]: c.loops for c in split_script(script, path="x", first_line=1)}
    assert commands["cd $pkg"] == (("pkg", ("npm/*",)),)
    assert commands["echo $t"] == (("pkg", ("npm/*",)), ("t", ("a", "b c")))
    assert commands["npm publish"] == ()


def _shell() -> _Shell:
    return _Shell(0, Step(location=Location("x", 1)), "", {})


@pytest.mark.parametrize(
    ("moves", "folder", "unknown"),
    [
        # lightningcss: the loop's folders are two deep, `cd ../..` comes back to the root.
        ([("$pkg", (("pkg", ("npm/*",)),)), ("../..", ()), ("wasm", ())], "wasm", False),
        ([("$pkg", (("pkg", ("npm/*",)),)), ("../..", ())], "", False),
        # One level up is still inside the unknown folder; a second `..` is out.
        ([("$d", (("d", ("packages/a", "packages/b")),)), ("..", ())], "", True),
        ([("$d", (("d", ("packages/a", "packages/b")),)), ("..", ()), ("..", ())], "", False),
        ([("$d", (("d", ("packages/a", "packages/b")),)), ("../../tools", ())], "tools", False),
        # Words of different depths, or a variable outside any loop: the depth is not known.
        ([("$d", (("d", ("a", "b/c")),)), ("..", ())], "", True),
        ([("$DIR", ()), ("..", ())], "", True),
        ([("$d", (("d", ("$(ls)",)),)), ("..", ())], "", True),
        # An absolute or workspace-rooted move is known again whatever the depth.
        ([("$DIR", ()), ("$GITHUB_WORKSPACE/lib", ())], "lib", False),
        ([("packages/$NAME", ())], "", True),
    ],
)
def test_cd_after_a_loop_knows_the_folder_again(moves, folder: str, unknown: bool) -> None:
    shell = _shell()
    for target, loops in moves:
        _cd(shell, target, loops)
    assert (shell.directory_unknown is not None) == unknown
    if not unknown:
        assert shell.directory == folder


def test_loop_then_root_names_every_package_with_a_placeholder(tmp_path: Path) -> None:
    (only,) = _strategies("github-loop-then-root", tmp_path)
    assert only.packages == ("lightning", "<each package at release.yml:23>", "<package at release.yml:27>")
    (settings,) = only.trusted_publishers
    assert settings.packages == only.packages
    assert settings.commands[0].startswith("npm trust github lightning --file release.yml --repo acme/widget")
    assert settings.commands[1].startswith("npm trust github <each package at release.yml:23> ")
    assert {u.location for u in only.unknowns if u.kind is UnknownKind.PACKAGE} == {
        ".github/workflows/release.yml:23", ".github/workflows/release.yml:27",
    }
    text = render_text([only])
    assert "no package.json found" not in text
    assert "one configuration per package on npmjs.com, for each of: lightning, <each package" in text


def test_viable_is_never_said_with_the_node_unknown(tmp_path: Path) -> None:
    (only,) = _strategies("circleci-self-hosted-runner", tmp_path)
    assert {u.kind for u in only.unknowns} == {UnknownKind.TOOLCHAIN}
    assert only.path == "unverified"


def test_a_folder_the_build_writes_is_no_package_of_the_repository(tmp_path: Path) -> None:
    (only,) = _strategies("gitlab-build-folder", tmp_path)
    assert only.packages == ("<package at .gitlab-ci.yml:13>", "<package at .gitlab-ci.yml:14>")
    whats = [u.what for u in only.unknowns if u.kind is UnknownKind.PACKAGE]
    assert whats == [
        "which package it publishes: the folder `dist` has no package.json in the repository (the build writes it)",
        "which package it publishes: the folder `cd packages/$PACKAGE` moves to",
    ]


ALL_CASES = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir())


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{p.parent.name}/{p.name}" for p in ALL_CASES])
def test_an_unknown_package_is_a_placeholder_never_no_package_json(case: Path, tmp_path: Path) -> None:
    root = materialize(case, tmp_path / "repo")
    for analysis in lint([root], Config()).analyses:
        unknown_at = {(p.pipeline.entry_file, p.job.id) for p in analysis.publishes if not p.package_known}
        for pipeline in strategy(analysis):
            text = render_text([pipeline])
            if (pipeline.file, pipeline.job) in unknown_at:
                assert any(name.startswith("<") for name in pipeline.packages), pipeline
                assert "(no package.json found)" not in text
            # Known Node and publisher, or the pipeline is not called viable.
            if pipeline.path == "token-oidc-viable":
                assert not {u.kind for u in pipeline.unknowns} & {UnknownKind.TOOLCHAIN, UnknownKind.NPM, UnknownKind.PUBLISHER}


def test_npx_semantic_release_version_decides_over_the_projects_plugin(tmp_path: Path) -> None:
    # semantic-release/semantic-release: the project depends on @semantic-release/npm ^13.1.0,
    # but `npx semantic-release@24.2.9` loads its own bundled plugin (12, no OIDC): no fallback.
    (only,) = _strategies("github-npx-semantic-release-pin", tmp_path)
    assert only.path == "token-oidc-viable"
    assert only.checklist[0].startswith("Upgrade semantic-release to 25 or newer")
    assert "semantic-release 24.2.9 bundles an @semantic-release/npm without trusted-publishing support" in only.checklist[0]
