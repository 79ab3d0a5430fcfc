"""The analysis facts issue #12 rests on: packages by directory, typed unknowns, npm's own
precedence for the publish target, local test registries, blockers as the spec defines them."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.analysis import Analysis, UnknownKind
from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.analysis.registry_urls import is_local_registry
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint

MONOREPO = {
    "package.json": '{"name": "root", "private": true, "workspaces": ["packages/*"]}',
    "packages/a/package.json": '{"name": "@acme/a", "version": "1.0.0"}',
    "packages/b/package.json": '{"name": "@acme/b", "version": "1.0.0"}',
    "packages/hidden/package.json": '{"name": "@acme/hidden", "private": true}',
}


def _workflow(run: str, extra: str = "") -> str:
    body = "\n".join(f"          {line}" for line in run.splitlines())
    return (
        "on: release\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n"
        f"    steps:\n      - uses: actions/checkout@v4\n      - {extra}run: |\n{body}\n"
    )


def _analysis(root: Path) -> Analysis:
    (analysis,) = lint([root], Config()).analyses
    return analysis


def _publishes(repo, files: dict[str, str]) -> tuple[Analysis, tuple[PublishFact, ...]]:
    analysis = _analysis(repo(files))
    return analysis, analysis.publishes


def _names(publish: PublishFact) -> list[str]:
    return [p.name.value for p in publish.packages if p.name is not None]


@pytest.mark.parametrize(
    ("run", "names", "directory"),
    [
        ("cd packages/a\nnpm publish", ["@acme/a"], "packages/a"),
        ("npm publish ./packages/b", ["@acme/b"], "packages/b"),
        ("npm publish -w @acme/b", ["@acme/b"], "packages/b"),
        ("npm publish --workspace packages/a", ["@acme/a"], "packages/a"),
        ('pnpm --filter "./packages/*" publish', ["@acme/a", "@acme/b"], ""),
        ("pnpm --filter '@acme/*' publish", ["@acme/a", "@acme/b"], ""),
        ("pnpm -r publish", ["@acme/a", "@acme/b"], ""),
        ("npx lerna publish from-package", ["@acme/a", "@acme/b"], ""),
        ("cd $GITHUB_WORKSPACE/packages/b && npm publish", ["@acme/b"], "packages/b"),
        ("cd packages/hidden && npm publish", [], "packages/hidden"),
    ],
)
def test_each_publish_is_attributed_to_the_package_of_its_directory(repo, run: str, names: list[str], directory: str) -> None:
    analysis, (publish,) = _publishes(repo, {**MONOREPO, ".github/workflows/release.yml": _workflow(run)})
    assert _names(publish) == names
    assert publish.directory == directory
    assert publish.package_known
    assert not [u for u in analysis.unknowns(publish) if u.kind is UnknownKind.PACKAGE]


def test_working_directory_selects_the_package(repo) -> None:
    files = {**MONOREPO, ".github/workflows/release.yml": _workflow("npm publish", extra="working-directory: packages/b\n        ")}
    _, (publish,) = _publishes(repo, files)
    assert _names(publish) == ["@acme/b"]


@pytest.mark.parametrize(
    ("run", "said"),
    [
        ('npm publish "$@"', "`$@`"),
        ("cd $PACKAGE_DIR\nnpm publish", "`cd $PACKAGE_DIR`"),
        ("cd $DIR && cd sub && npm publish", "`cd $DIR`"),
        ("npm publish -w $PKG", "`$PKG`"),
        ("npm publish dist", "`dist`"),
        ("npm publish ./acme-a-1.0.0.tgz", "tarball"),
        ("pnpm --filter ...@acme/a publish", "...@acme/a"),
    ],
)
def test_an_unknown_package_is_never_guessed(repo, run: str, said: str) -> None:
    analysis, (publish,) = _publishes(repo, {**MONOREPO, ".github/workflows/release.yml": _workflow(run)})
    assert publish.packages == ()
    assert not publish.package_known
    (unknown,) = [u for u in analysis.unknowns(publish) if u.kind is UnknownKind.PACKAGE]
    assert said in unknown.what
    assert unknown.location == publish.location


def test_a_matrix_working_directory_is_unknown(repo) -> None:
    extra = "working-directory: ${{ matrix.dir }}\n        "
    _, (publish,) = _publishes(repo, {**MONOREPO, ".github/workflows/release.yml": _workflow("npm publish", extra=extra)})
    assert not publish.package_known and publish.directory is None


def test_a_computed_circleci_audience_is_unknown_not_missing(repo) -> None:
    root = Path(__file__).parent.parent / "fixtures" / "missing-id-token" / "pass-circleci-computed-audience"
    files = {str(p.relative_to(root)): p.read_text() for p in root.rglob("*") if p.is_file() and p.name != "expected.txt"}
    analysis, (publish,) = _publishes(repo, files)
    assert publish.id_token is not None and publish.id_token.granted
    (unknown,) = analysis.unknowns(publish)
    assert unknown.kind is UnknownKind.AUDIENCE and "npm config get registry" in unknown.what
    assert unknown.location.line == 13


def test_a_registry_from_a_variable_is_unknown(repo) -> None:
    files = {"package.json": '{"name": "w", "version": "1.0.0"}', ".github/workflows/release.yml": _workflow("npm publish --registry $REGISTRY")}
    analysis, (publish,) = _publishes(repo, files)
    assert not publish.is_npmjs
    assert [u.kind for u in analysis.unknowns(publish)] == [UnknownKind.REGISTRY]


def test_an_unresolved_node_is_an_unknown(repo) -> None:
    files = {"package.json": '{"name": "w", "version": "1.0.0"}', ".github/workflows/release.yml": _workflow("npm publish")}
    analysis, (publish,) = _publishes(repo, files)
    kinds = [u.kind for u in analysis.unknowns(publish)]
    assert kinds == [UnknownKind.NODE_VERSION]


def test_every_fact_known_means_no_unknowns(repo) -> None:
    workflow = _workflow("npm publish").replace(
        "      - run: |", "      - uses: actions/setup-node@v4\n        with:\n          node-version: 24\n      - run: |"
    )
    files = {"package.json": '{"name": "w", "version": "1.0.0"}', ".github/workflows/release.yml": workflow}
    analysis, (publish,) = _publishes(repo, files)
    assert analysis.unknowns(publish) == ()


GITLAB = 'publish:\n  image: node:24\n  id_tokens:\n    NPM_ID_TOKEN:\n      aud: "npm:registry.npmjs.org"\n  script:\n    - npm publish\n'


@pytest.mark.parametrize(
    ("origin", "platform_blocked", "runner_unknown"),
    [
        ("git@gitlab.com:acme/widget.git", False, False),
        ("https://github.com/acme/widget.git", False, True),  # a mirror: where it runs is unknown
        ("git@ssh.github.com:acme/widget.git", False, True),
        ("git@gitlab.acme.internal:acme/widget.git", True, False),  # self-managed GitLab
    ],
)
def test_gitlab_origin_blocker_or_unknown(repo, origin: str, platform_blocked: bool, runner_unknown: bool) -> None:
    root = repo({"package.json": '{"name": "w", "version": "1.0.0"}', ".gitlab-ci.yml": GITLAB})
    (root / ".git" / "config").write_text(f'[remote "origin"]\n\turl = {origin}\n')
    analysis = _analysis(root)
    (publish,) = analysis.publishes
    assert any(b.platform for b in analysis.blockers(publish)) is platform_blocked
    assert any(u.kind is UnknownKind.RUNNER for u in analysis.unknowns(publish)) is runner_unknown


def test_self_hosted_runner_is_a_required_change(repo) -> None:
    workflow = _workflow("npm publish").replace("runs-on: ubuntu-latest", "runs-on: [self-hosted, linux]")
    analysis, (publish,) = _publishes(repo, {"package.json": '{"name": "w", "version": "1.0.0"}', ".github/workflows/release.yml": workflow})
    (blocker,) = analysis.blockers(publish)
    assert not blocker.platform
    assert "hosted runner" in blocker.fix and "artifact" in blocker.fix


def _target(repo, files: dict[str, str]) -> str:
    _, (publish,) = _publishes(repo, files)
    return publish.target


def test_user_level_registry_loses_to_the_project_npmrc(repo) -> None:
    files = {".npmrc": "registry=https://registry.npmjs.org/\n", "package.json": '{"name": "w"}'}
    assert _target(repo, {**files, ".github/workflows/r.yml": _workflow("npm set registry http://internal:4873\nnpm publish")}) == (
        "https://registry.npmjs.org/"
    )


def test_project_level_registry_write_beats_the_committed_line(repo) -> None:
    files = {".npmrc": "registry=https://registry.npmjs.org/\n", "package.json": '{"name": "w"}'}
    run = "npm config set registry http://internal:4873 --location=project\nnpm publish"
    assert _target(repo, {**files, ".github/workflows/r.yml": _workflow(run)}) == "http://internal:4873"


def test_user_level_registry_applies_without_a_project_npmrc(repo) -> None:
    run = "npm config set registry http://internal:4873\nnpm publish"
    assert _target(repo, {"package.json": '{"name": "w"}', ".github/workflows/r.yml": _workflow(run)}) == "http://internal:4873"


def test_scope_registry_beats_the_registry_flag_for_that_scope_only(repo) -> None:
    npmrc = {".npmrc": "@acme:registry=https://npm.pkg.github.com\n"}
    run = "npm publish --registry https://registry.npmjs.org/"
    scoped = {**npmrc, "package.json": '{"name": "@acme/w"}', ".github/workflows/r.yml": _workflow(run)}
    assert _target(repo, scoped) == "https://npm.pkg.github.com"


def test_registry_flag_still_wins_for_other_scopes(repo) -> None:
    run = "npm publish --registry https://npm.pkg.github.com"
    files = {".npmrc": "@other:registry=https://registry.npmjs.org/\n", "package.json": '{"name": "@acme/w"}', ".github/workflows/r.yml": _workflow(run)}
    assert _target(repo, files) == "https://npm.pkg.github.com"


@pytest.mark.parametrize(
    "url",
    ["http://localhost:4873", "http://127.0.0.1:4873/", "http://[::1]:4873", "//localhost:4873/", "http://verdaccio:4873"],
)
def test_local_test_registries(url: str) -> None:
    assert is_local_registry(url, ("verdaccio",))


@pytest.mark.parametrize("url", ["https://registry.npmjs.org/", "http://internal:4873", "https://npm.pkg.github.com", "$REGISTRY", ""])
def test_real_registries_are_not_local(url: str) -> None:
    assert not is_local_registry(url, ("verdaccio",))


@settings(max_examples=200)
@given(st.text(max_size=60))
def test_is_local_registry_never_raises(url: str) -> None:
    assert is_local_registry(url) in (True, False)


def test_a_publish_to_a_service_container_is_not_a_pipeline(repo) -> None:
    gitlab = (
        "e2e:\n  image: node:24\n  services:\n    - name: verdaccio/verdaccio:6\n  script:\n"
        "    - npm publish --registry http://verdaccio__verdaccio:4873\n"
    )
    analysis = _analysis(repo({"package.json": '{"name": "w"}', ".gitlab-ci.yml": gitlab}))
    assert analysis.publishes == ()
    (job,) = analysis.jobs
    assert len(job.local_publishes) == 1


def test_semantic_release_table_follows_the_facts() -> None:
    from npm_auth_lint.knowledge.publishing import SEMANTIC_RELEASE_BUNDLES, semantic_release_oidc_floor, semantic_release_upgrade_advice
    from npm_auth_lint.toolchain import ranges

    floor = semantic_release_oidc_floor()
    assert (floor.semantic_release, floor.plugin, floor.node_engines) == ("25.0.0", "^13", "^22.14.0 || >=24.10.0")
    assert all(row.source for row in SEMANTIC_RELEASE_BUNDLES)
    advice = semantic_release_upgrade_advice()
    assert "semantic-release to 25" in advice and "24.5" not in advice
    assert not ranges.satisfies("24.5.0", floor.node_engines) and ranges.satisfies("24.10.0", floor.node_engines)


@pytest.mark.parametrize(
    ("run", "package_json", "blocked"),
    [
        ("npx semantic-release@17", '{"name": "w"}', True),
        ("npx -p semantic-release@19 semantic-release", '{"name": "w"}', True),
        ("npx semantic-release", '{"name": "w", "devDependencies": {"semantic-release": "^24.2.0"}}', True),
        ("npx semantic-release", '{"name": "w", "devDependencies": {"semantic-release": "^25.0.0"}}', False),
        # The repository's own @semantic-release/npm decides, whatever semantic-release bundles...
        ("npx semantic-release", '{"name": "w", "devDependencies": {"@semantic-release/npm": "^13.1.0"}}', False),
        # ...but not for `npx semantic-release@24`: it runs from npx's cache, and semantic-release
        # loads its default plugins from its own folder first (lib/plugins/utils.js `loadPlugin`:
        # `resolveFrom.silent(__dirname, name)`), so its bundled @semantic-release/npm 12 publishes.
        ("npx semantic-release@24", '{"name": "w", "devDependencies": {"@semantic-release/npm": "^13.1.0"}}', True),
    ],
)
def test_pinned_semantic_release_is_a_required_change(repo, run: str, package_json: str, blocked: bool) -> None:
    workflow = _workflow(run).replace("      - run: |", "      - uses: actions/setup-node@v4\n        with:\n          node-version: 24\n      - run: |")
    analysis, (publish,) = _publishes(repo, {"package.json": package_json, ".github/workflows/release.yml": workflow})
    blockers = analysis.blockers(publish)
    assert bool(blockers) is blocked
    assert not any(b.platform for b in blockers)
    if blocked:
        assert "semantic-release to 25" in blockers[0].fix and "^22.14.0 || >=24.10.0" in blockers[0].fix


def test_semantic_release_node_advice_satisfies_the_plugin_engines(repo) -> None:
    gitlab = "release:\n  image: node:24.5.0\n  script:\n    - npx semantic-release@25\n"
    analysis, (publish,) = _publishes(repo, {"package.json": '{"name": "w"}', ".gitlab-ci.yml": gitlab})
    (change,) = analysis.toolchain_changes(publish)
    assert "^22.14.0 || >=24.10.0" in change and "24.5.0 or newer" not in change


def test_a_matrix_of_literal_folders_attributes_every_leg(repo) -> None:
    extra = "working-directory: ${{ matrix.dir }}\n        "
    workflow = _workflow("npm publish", extra=extra).replace(
        "    steps:", "    strategy:\n      matrix:\n        dir: [packages/a, packages/b]\n    steps:"
    )
    _, publishes = _publishes(repo, {**MONOREPO, ".github/workflows/release.yml": workflow})
    # One publish per leg (the matrix expands), each attributed to its leg's package.
    assert [_names(p) for p in publishes] == [["@acme/a"], ["@acme/b"]]
    assert [p.directory for p in publishes] == ["packages/a", "packages/b"]


def test_a_gitlab_audience_from_a_variable_is_unknown(repo) -> None:
    gitlab = "publish:\n  image: node:24\n  id_tokens:\n    NPM_ID_TOKEN:\n      aud: $AUD\n  script:\n    - npm publish\n"
    analysis, (publish,) = _publishes(repo, {"package.json": '{"name": "w"}', ".gitlab-ci.yml": gitlab})
    assert publish.id_token is not None and publish.id_token.granted
    assert [u.kind for u in analysis.unknowns(publish)] == [UnknownKind.AUDIENCE]


@pytest.mark.parametrize(("inputs", "blocked", "unknown"), [("\n        with:\n          semantic_version: 19", True, False), ("", False, True)])
def test_semantic_release_action_version_comes_from_its_input(repo, inputs: str, blocked: bool, unknown: bool) -> None:
    workflow = (
        "on: push\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n"
        "      - uses: actions/setup-node@v4\n        with:\n          node-version: 24\n"
        f"      - uses: cycjimmy/semantic-release-action@v4{inputs}\n"
    )
    analysis, (publish,) = _publishes(repo, {"package.json": '{"name": "w"}', ".github/workflows/release.yml": workflow})
    assert bool(analysis.blockers(publish)) is blocked
    assert any(u.kind is UnknownKind.PUBLISHER_VERSION for u in analysis.unknowns(publish)) is unknown


@pytest.mark.parametrize("run", ["DIR=packages/b\ncd $DIR\nnpm publish", 'DIR="packages/b"; cd "${DIR}" && npm publish'])
def test_cd_to_a_variable_the_shell_set_is_known(repo, run: str) -> None:
    _, (publish,) = _publishes(repo, {**MONOREPO, ".github/workflows/release.yml": _workflow(run)})
    assert _names(publish) == ["@acme/b"]
