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


def test_pushd_popd_and_a_followed_script_keep_the_unknown_folder(tmp_path: Path) -> None:
    # palantir/blueprint: `pushd "$path"` in a loop, then a repository script that publishes.
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/widget.git\n')
    (root / "package.json").write_text('{"name": "widget", "version": "1.0.0"}')
    (root / "scripts").mkdir()
    (root / "scripts" / "publish-one.sh").write_text("#!/bin/bash\nnpm publish --access public\n")
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").write_text(
        "on: {push: {tags: ['v*']}}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write}\n"
        "    steps:\n      - uses: actions/setup-node@v6\n        with: {node-version: 24}\n"
        "      - run: |\n          for path in $(cat paths.txt); do\n            pushd \"$path\"\n"
        "            bash scripts/publish-one.sh\n            popd\n          done\n          npm publish\n"
    )
    (only,) = [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]
    assert only.packages == ("widget", "<package at publish-one.sh:2>")
    assert only.path == "unverified"
    assert [u.what for u in only.unknowns if u.kind is UnknownKind.PACKAGE] == ["which package it publishes: the folder `pushd $path` moves to"]


def test_release_it_without_npm_is_no_publishing_pipeline(tmp_path: Path) -> None:
    # axios/axios: release-it with `"npm": {"publish": false}` bumps and tags; publish.yml publishes.
    (only,) = _strategies("github-release-it-no-npm", tmp_path)
    assert (only.file, only.path, only.consolidate) == (".github/workflows/publish.yml", "token-oidc-viable", ())
    assert only.trusted_publishers[0].fields["Workflow filename"] == "publish.yml"


@pytest.mark.parametrize(
    ("words", "files", "publishes"),
    [
        (("release-it",), {"package.json": '{"name": "a", "release-it": {"npm": {"publish": false}}}'}, False),
        (("release-it",), {"package.json": '{"name": "a", "release-it": {"npm": false}}'}, False),
        (("release-it", "--no-npm"), {"package.json": '{"name": "a"}'}, False),
        (("release-it",), {"package.json": '{"name": "a"}', ".release-it.json": '{"npm": {"publish": false}}'}, False),
        (("release-it",), {"package.json": '{"name": "a", "release-it": {"npm": {"publish": true}}}'}, True),
        (("release-it",), {"package.json": '{"name": "a", "release-it": {"npm": {"publish": "${PUBLISH}"}}}'}, True),
        (("release-it",), {"package.json": "not json"}, True),
    ],
)
def test_release_it_npm_option(words, files, publishes: bool) -> None:
    from npm_auth_lint.analysis.release_it import publishes_to_npm
    from npm_auth_lint.model import PackageJson, Project

    project = Project(root="/r", packages=(PackageJson("package.json"),), files=files)
    assert publishes_to_npm(project, "", words) is publishes


def test_yarn_workspace_exec_publishes_that_workspace(tmp_path: Path) -> None:
    (only,) = _strategies("github-yarn-workspace-exec", tmp_path)
    assert only.packages == ("@acme/a", "<package at publish.yml:23>")
    assert [u.what for u in only.unknowns if u.kind is UnknownKind.PACKAGE] == [
        "which package it publishes: the package(s) the selector `${{ inputs.package }}` picks",
    ]


def test_semantic_release_without_a_version_is_unverified(tmp_path: Path) -> None:
    # html-validate/html-validate: semantic-release from a shared configuration installed at run time.
    (only,) = _strategies("gitlab-semantic-release-unpinned", tmp_path)
    assert only.path == "unverified"
    (unknown,) = only.unknowns
    assert unknown.kind is UnknownKind.PUBLISHER and unknown.step == 1
    assert only.checklist[0].startswith("Pin semantic-release in package.json and run that one: upgrade semantic-release to 25 or newer")


def test_a_token_pipeline_handing_its_package_over_stays_unverified(tmp_path: Path) -> None:
    # npm/node-semver: two workflows publish `semver` with a token while npm is unknown; the one
    # that hands its package over is still on a token, never "trusted publishing — broken".
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/widget.git\n')
    (root / "package.json").write_text('{"name": "widget", "version": "1.0.0"}')
    (root / ".github" / "workflows").mkdir(parents=True)
    job = (
        "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write}\n    steps:\n"
        "      - uses: actions/setup-node@v6\n        with: {node-version: 24, registry-url: 'https://registry.npmjs.org'}\n"
        "      - run: npm install -g npm@$MATCH\n      - run: npm publish\n        env: {NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}'}\n"
    )
    (root / ".github" / "workflows" / "a.yml").write_text("on: workflow_dispatch\n" + job)
    (root / ".github" / "workflows" / "b.yml").write_text("on: {push: {branches: [main]}}\n" + job)
    first, second = [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]
    assert (first.path, second.path) == ("unverified", "unverified")
    assert second.consolidate and not first.consolidate


def test_a_workspace_publish_in_a_folder_the_build_writes_is_unknown(tmp_path: Path) -> None:
    # apollographql/apollo-client: `cd dist && changeset publish`, dist/package.json is built.
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/widget.git\n')
    (root / "package.json").write_text('{"name": "@acme/client", "private": true, "devDependencies": {"@changesets/cli": "^2.26.0"}}')
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").write_text(
        "on: {push: {branches: [main]}}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write}\n"
        "    steps:\n      - uses: actions/setup-node@v6\n        with: {node-version: 24}\n"
        "      - run: npm run build && cd dist && npx changeset publish\n"
    )
    (only,) = [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]
    assert only.packages == ("<package at release.yml:9>",)
    assert [u.what for u in only.unknowns] == ["which package it publishes: the folder `dist` has no package.json in the repository (the build writes it)"]
