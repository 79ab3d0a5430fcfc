"""What the tool knows about publishers, known actions and orb commands: one typed table each.

Like zizmor's table of known actions, the analysis reads these rows instead of branching on
names: a publishing tool's OIDC support and registry client (:data:`PUBLISHERS`, keyed like
:class:`~npm_auth_lint.commands.Tool` values and the ``publisher`` of an action), the GitHub
Actions the job walker understands and which of their inputs carry a token, a registry, a Node
version or a publish command (:data:`KNOWN_ACTIONS`), and the CircleCI orb commands that
install Node (:data:`ORB_COMMANDS`). Sources: reference/npm-facts.md §4 and each action's
``action.yml``.

npm's and Node's own floors are not here: they live in the release data
(:mod:`npm_auth_lint.toolchain.floors`).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import field

from npm_auth_lint.lazy_dataclass import frozen_dataclass


class PublisherKind(enum.Enum):
    """Whose registry client publishes, so whose OIDC support decides."""

    NPM_CLI = "npm"  # runs the npm on PATH (always, or below its own minimum): npm's version decides
    BUNDLED_NPM = "bundled"  # bundles its own npm (semantic-release's npm plugin, ^11.6.2 since 13.x)
    OWN_CLIENT = "own"  # its own registry client: its own OIDC support decides


@frozen_dataclass
class OidcSupport:
    """From which version a publisher does npm's OIDC exchange itself.

    ``minimum`` ``None`` with ``never`` means no version does. ``uses_npm_cli`` means the
    publisher runs the ``npm`` on PATH to publish (always, or below ``minimum``), so the npm
    version decides. ``circleci_minimum`` is set where CircleCI needs more.
    """

    key: str
    package: str  # npm package or action whose version is compared
    minimum: str | None
    never: bool = False
    uses_npm_cli: bool = False
    circleci_minimum: str | None = None
    source: str = ""
    note: str = ""
    kind: PublisherKind = PublisherKind.NPM_CLI


PUBLISHERS: Mapping[str, OidcSupport] = {
    s.key: s
    for s in (
        # npm's own floors (and Node's) live in toolchain.floors, read from the release data.
        OidcSupport("npm", "npm", None, uses_npm_cli=True, source="npm-facts.md §1, §4 (floors: toolchain.floors)"),
        OidcSupport(
            "pnpm", "pnpm", "11.0.0", uses_npm_cli=True, source="npm-facts.md §4 (pnpm/pnpm publish.ts)",
            note="pnpm 10 runs `npm publish`: needs an npm on PATH that meets npm's floor; pnpm 11 does the exchange itself",
        ),
        OidcSupport(
            "yarn-berry", "yarn", "4.10.0", source="npm-facts.md §4 (yarnpkg/berry#6898, #6911)",
            note="GitHub Actions and GitLab; CircleCI support released in a version not confirmed", kind=PublisherKind.OWN_CLIENT,
        ),
        OidcSupport("yarn-classic", "yarn", None, never=True, source="npm-facts.md §4", note="Yarn 1 has no OIDC", kind=PublisherKind.OWN_CLIENT),
        OidcSupport(
            "bun", "bun", None, never=True, source="npm-facts.md §4 (oven-sh/bun#22423)", note="workaround: `bun pm pack` then `npm publish`",
            kind=PublisherKind.OWN_CLIENT,
        ),
        OidcSupport(
            "lerna", "lerna", "9.0.0", source="npm-facts.md §4 (lerna/lerna#4219)", note="CircleCI added in lerna PR #4383", kind=PublisherKind.OWN_CLIENT,
        ),
        OidcSupport("lerna-lite", "@lerna-lite/publish", "4.9.0", source="npm-facts.md §4 (lerna-lite PR #1150)", kind=PublisherKind.OWN_CLIENT),
        OidcSupport(
            "semantic-release", "@semantic-release/npm", "13.1.0", source="npm-facts.md §4 (semantic-release/npm c80ecb0)",
            note="bundles its own npm; OIDC only for the official registry", kind=PublisherKind.BUNDLED_NPM,
        ),
        OidcSupport("changesets/action", "changesets/action", "1.7.0", source="npm-facts.md §4 (changesets/action PR #545)", note="<= 1.6 writes `_authToken=undefined` to ~/.npmrc"),
        OidcSupport(
            "JS-DevTools/npm-publish", "JS-DevTools/npm-publish", "4.1.0", uses_npm_cli=True, source="npm-facts.md §4 (PR #247)",
            note="also needs an npm that meets npm's floor",
        ),
        OidcSupport("changesets", "@changesets/cli", None, uses_npm_cli=True, source="npm-facts.md §4", note="`changeset publish` runs the package manager's publish"),
        OidcSupport("np", "np", None, uses_npm_cli=True, source="npm-facts.md §4 (sindresorhus/np#771)", note="its `npm whoami` check failed under OIDC until fixes of 2026-01 (release unconfirmed)"),
        OidcSupport("release-it", "release-it", None, uses_npm_cli=True, source="npm-facts.md §4", note="needs `npm.skipChecks: true` under OIDC"),
        OidcSupport("nx", "nx", None, uses_npm_cli=True, source="npm-facts.md §4", note="`nx release publish` runs the package manager's publish"),
    )
}


def publisher_kind_of(key: str) -> PublisherKind:
    """Whose client publishes for publisher ``key`` (npm's CLI for a publisher not in the table)."""
    support = PUBLISHERS.get(key)
    return support.kind if support is not None else PublisherKind.NPM_CLI


class ActionKind(str, enum.Enum):
    SETUP_NODE = "setup-node"
    SETUP_VOLTA = "setup-volta"  # volta-cli/action: Node from `node-version` or package.json `volta`
    PUBLISH = "publish"  # publishes (changesets/action only with a `publish` input)
    INSTALL = "install"  # installs dependencies (pnpm/action-setup only with `run_install`)
    LOCAL = "local"  # ./path
    DOCKER = "docker"  # docker://image
    OTHER = "other"


@frozen_dataclass
class KnownAction:
    """A GitHub Action the analysis understands, and the inputs that matter to it.

    An input field is the input's name, or None when the action has no such input.
    """

    name: str  # owner/repo, lower case
    kind: ActionKind
    publisher: str | None = None  # key of PUBLISHERS, for a publishing action
    # The kind applies only when this input is given (changesets/action without `publish:`
    # only opens version PRs) or switched on (pnpm/action-setup `run_install`).
    only_with: str | None = None
    # The one sub-action (owner/repo/<path>) that publishes; the action's other sub-actions do not.
    publishing_sub_action: str | None = None
    script_input: str | None = None  # a shell script the action runs to publish
    token_input: str | None = None  # the registry token, for an action with its own registry client
    registry_input: str | None = None  # the registry URL
    scope_input: str | None = None  # the @scope a registry URL is for
    package_input: str | None = None  # the package (folder or package.json) to publish
    provenance_input: str | None = None
    node_version_input: str | None = None
    node_version_file_input: str | None = None  # setup-node: a version file; volta: the package.json
    npm_version_input: str | None = None
    always_auth_input: str | None = None  # setup-node's obsolete `always-auth`
    # The environment variable the action's publisher reads a token from when no npmrc has one,
    # and the action major from which it no longer does (None: every version reads it).
    env_token: str | None = None
    env_token_until_major: int | None = None
    publishes_workspace: bool = False  # publishes the workspace's packages, not the current one
    # Inputs a later major renamed: new name -> the old name (the fields above use the old one:
    # changesets/action v2's `publish-script` is v1's `publish`; npm-facts.md §9).
    renamed_inputs: Mapping[str, str] = field(default_factory=dict)
    # The major that renamed them, and rejects the old names ("The following inputs have been
    # renamed"): its root action only (a sub-action such as `changesets/action/publish` is new).
    renamed_in_major: int | None = None
    # The input that picks the version of the tool the action runs (cycjimmy's `semantic_version`);
    # the action's own ref says nothing about that version.
    tool_version_input: str | None = None


# changesets/action v2's renamed root-action inputs, new name -> v1 name. Source: changesets/action
# CHANGELOG.md 2.0.0 (#681 "Rename the root action inputs": version, publish, commit, title, branch;
# #668 kebab-case: prDraft, createGithubReleases) and src/index.ts `throwOnRenamedInputs({...})`
# at 36f529f (2026, after #721 fixed its `commit-mesage` typo), which fails the step on any old name.
CHANGESETS_V2_RENAMES: Mapping[str, str] = {
    "publish-script": "publish",
    "version-script": "version",
    "commit-message": "commit",
    "pr-title": "title",
    "pr-base-branch": "branch",
    "pr-draft": "prDraft",
    "create-github-releases": "createGithubReleases",
}

KNOWN_ACTIONS: Mapping[str, KnownAction] = {
    a.name: a
    for a in (
        KnownAction(
            "actions/setup-node", ActionKind.SETUP_NODE, registry_input="registry-url", scope_input="scope",
            node_version_input="node-version", node_version_file_input="node-version-file", always_auth_input="always-auth",
        ),
        KnownAction(
            "volta-cli/action", ActionKind.SETUP_VOLTA, node_version_input="node-version",
            node_version_file_input="package-json-path", npm_version_input="npm-version",
        ),
        KnownAction(
            "js-devtools/npm-publish", ActionKind.PUBLISH, publisher="JS-DevTools/npm-publish", token_input="token",
            registry_input="registry", package_input="package", provenance_input="provenance",
        ),
        KnownAction(
            "changesets/action", ActionKind.PUBLISH, publisher="changesets/action", only_with="publish",
            publishing_sub_action="publish", script_input="publish", env_token="NPM_TOKEN", publishes_workspace=True,
            renamed_inputs=CHANGESETS_V2_RENAMES, renamed_in_major=2,
            # v2 no longer writes an npmrc from NPM_TOKEN (npm-facts.md §9).
            env_token_until_major=2,
        ),
        KnownAction(
            "cycjimmy/semantic-release-action", ActionKind.PUBLISH, publisher="semantic-release", env_token="NPM_TOKEN",
            tool_version_input="semantic_version",
        ),
        KnownAction("codfish/semantic-release-action", ActionKind.PUBLISH, publisher="semantic-release", env_token="NPM_TOKEN"),
        KnownAction("bahmutov/npm-install", ActionKind.INSTALL),
        KnownAction("pnpm/action-setup", ActionKind.INSTALL, only_with="run_install"),
    )
}


@frozen_dataclass
class OrbCommand:
    """A CircleCI orb command that installs Node (``node/install`` of the circleci/node orb)."""

    suffix: str  # the command's name after the orb's local name: `<orb>/install`
    node_version_input: str


ORB_COMMANDS: tuple[OrbCommand, ...] = (OrbCommand("/install", "node-version"),)


@frozen_dataclass
class BundledNpmPlugin:
    """The ``@semantic-release/npm`` a semantic-release release line bundles (its dependency),
    which publishes unless the repository installs the plugin itself."""

    semantic_release: str  # the lowest semantic-release version of the row
    plugin: str  # the @semantic-release/npm range it depends on
    oidc: bool  # whether that plugin does trusted publishing (>= 13.1.0; ^13 floats there)
    node_engines: str | None = None  # the plugin's `engines.node`, when the facts give it
    source: str = ""


# Newest first. npm-facts.md §9: "semantic-release 25 bundles @semantic-release/npm 13", whose
# engines are Node ^22.14.0 || >=24.10.0; §4: trusted publishing since @semantic-release/npm
# 13.1.0, so every older semantic-release (17, 19, 24, ...) bundles a plugin without OIDC.
SEMANTIC_RELEASE_BUNDLES: tuple[BundledNpmPlugin, ...] = (
    BundledNpmPlugin(
        "25.0.0", "^13", True, "^22.14.0 || >=24.10.0",
        source="npm-facts.md §9 (hertzg/node-net-keepalive#409; @semantic-release/npm v13.1.0 release notes)",
    ),
    BundledNpmPlugin("0.0.0", "<13", False, source="npm-facts.md §4, §9 (semantic-release 25 is the first to bundle 13)"),
)


def semantic_release_oidc_floor() -> BundledNpmPlugin:
    """The oldest semantic-release release line whose bundled npm plugin does trusted publishing."""
    return min((row for row in SEMANTIC_RELEASE_BUNDLES if row.oidc), key=lambda row: tuple(int(p) for p in row.semantic_release.split(".")))


def semantic_release_upgrade_advice() -> str:
    """The exact upgrade, with the Node its bundled plugin's engines accept (never a Node the
    engines reject, such as 24.5)."""
    row = semantic_release_oidc_floor()
    return (
        f"upgrade semantic-release to {row.semantic_release.split('.')[0]} or newer (it bundles @semantic-release/npm "
        f"{row.plugin.lstrip('^')}, which does trusted publishing) and run it on Node {row.node_engines} "
        f"(e.g. Node {_newest_lower_bound(row.node_engines)} or newer)"
    )


def _newest_lower_bound(engines: str | None) -> str:
    """``^22.14.0 || >=24.10.0`` → ``24.10.0``: the floor of the newest line the engines accept."""
    bounds = [part.strip().lstrip("^>=~ ") for part in (engines or "").split("||")]
    bounds = [b for b in bounds if b[:1].isdigit()]
    return max(bounds, key=lambda b: tuple(int(p) for p in b.split(".") if p.isdigit())) if bounds else ""
