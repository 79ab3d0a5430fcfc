"""Trusted-publishing support of publishers: which publisher does npm's OIDC exchange from which
version (reference/npm-facts.md §4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
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


OIDC_PUBLISHER_SUPPORT: Mapping[str, OidcSupport] = {
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
            note="GitHub Actions and GitLab; CircleCI support released in a version not confirmed",
        ),
        OidcSupport("yarn-classic", "yarn", None, never=True, source="npm-facts.md §4", note="Yarn 1 has no OIDC"),
        OidcSupport("bun", "bun", None, never=True, source="npm-facts.md §4 (oven-sh/bun#22423)", note="workaround: `bun pm pack` then `npm publish`"),
        OidcSupport("lerna", "lerna", "9.0.0", source="npm-facts.md §4 (lerna/lerna#4219)", note="CircleCI added in lerna PR #4383"),
        OidcSupport("lerna-lite", "@lerna-lite/publish", "4.9.0", source="npm-facts.md §4 (lerna-lite PR #1150)"),
        OidcSupport(
            "semantic-release", "@semantic-release/npm", "13.1.0", source="npm-facts.md §4 (semantic-release/npm c80ecb0)",
            note="bundles its own npm; OIDC only for the official registry",
        ),
        OidcSupport("changesets/action", "changesets/action", "1.7.0", source="npm-facts.md §4 (changesets/action PR #545)", note="<= 1.6 writes `_authToken=undefined` to ~/.npmrc"),
        OidcSupport("JS-DevTools/npm-publish", "JS-DevTools/npm-publish", "4.1.0", uses_npm_cli=True, source="npm-facts.md §4 (PR #247)", note="also needs an npm that meets npm's floor"),
        OidcSupport("changesets", "@changesets/cli", None, uses_npm_cli=True, source="npm-facts.md §4", note="`changeset publish` runs the package manager's publish"),
        OidcSupport("np", "np", None, uses_npm_cli=True, source="npm-facts.md §4 (sindresorhus/np#771)", note="its `npm whoami` check failed under OIDC until fixes of 2026-01 (release unconfirmed)"),
        OidcSupport("release-it", "release-it", None, uses_npm_cli=True, source="npm-facts.md §4", note="needs `npm.skipChecks: true` under OIDC"),
        OidcSupport("nx", "nx", None, uses_npm_cli=True, source="npm-facts.md §4", note="`nx release publish` runs the package manager's publish"),
    )
}
