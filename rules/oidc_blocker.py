"""A publish relies on trusted publishing where OIDC cannot work.

## What it does
Reports a publish step to npmjs that relies on OIDC (it has no publish credential) although
something makes the token exchange impossible:

- a self-hosted GitHub runner (`runs-on`), a GitLab job pinned by `tags:` to self-managed runners;
- an origin on a self-managed GitLab or GitHub Enterprise Server (a mirror on another public
  forge is not: where it runs is unknown);
- a CircleCI self-hosted runner (`resource_class: namespace/name`), and an explicit provenance
  request on CircleCI (npm generates no provenance there);
- a publisher without OIDC support: Yarn 1 `yarn publish`, `bun publish`, lerna < 9,
  lerna-lite < 4.9, `@semantic-release/npm` < 13.1 (or `semantic-release` < 25), `changesets/action` < 1.7,
  `JS-DevTools/npm-publish` < 4.1, pnpm < 11 with an npm < 11.5.1 on PATH, Yarn < 4.10
  `yarn npm publish`.

It points at the blocker's line: `runs-on:`, `tags:`, `resource_class:`, the publish command, or
the version pin (the package.json dependency or the action's `uses:` line).

## Why is this bad?
The publish cannot authenticate: npm (or the tool) never attempts the exchange and fails with
`ENEEDAUTH`, `E404`, "missing authentication", or "No authentication configured for request".
Platform blockers (a self-managed GitLab, GitHub Enterprise Server) cannot be fixed by editing the
CI file: keep a granular access token scoped to the publish step. A self-hosted runner is a
required change: publish from a hosted runner, e.g. a separate publish job that takes the build as
an artifact. Tool blockers are fixed by an upgrade (semantic-release 25, on a Node its bundled
plugin's engines accept: ^22.14.0 || >=24.10.0), or for bun by packing with `bun pm pack` and
publishing with `npm publish`.

## Example
```yaml
jobs:
  publish:
    runs-on: [self-hosted, linux]
    permissions:
      id-token: write
    steps:
      - run: npm publish
```

## Use instead
```yaml
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - run: npm publish
```

## References
- npm, "Trusted publishing for npm packages" ("Self-hosted runners are not currently supported"):
  https://docs.npmjs.com/trusted-publishers
- oven-sh/bun#22423 (bun publish has no OIDC); yarnpkg/berry#6898 (Yarn 4.10); lerna/lerna#4219;
  semantic-release/npm v13.1.0; changesets/action v1.7.0; JS-DevTools/npm-publish v4.1.0.
- npm-facts.md §1.2, §4, §7 item 8 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import Hosting, Provider, Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis import Blocker
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding


class OidcBlocker(Rule):
    __doc__ = __doc__
    id = "oidc-blocker"
    severity = Severity.ERROR
    tags = ("oidc", "trusted-publishing")
    security_severity = 4.0

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.fixes import offers
        from npm_auth_lint.model import Related

        analysis = ctx.facts
        for publish in analysis.publishes:
            if not publish.relies_on_oidc:
                continue
            for blocker in analysis.blockers(publish):
                advice = blocker.fix
                yield self.finding(
                    blocker.location,
                    f"`{publish.display}` relies on trusted publishing, which cannot work here: {blocker.reason}; {advice}",
                    related=[Related(publish.location, "the publish that relies on OIDC")] if blocker.location != publish.location else [],
                    fix=offers.hosted_runner(ctx.project.files, blocker.location) if _self_hosted_github(publish, blocker) else None,
                )


def _self_hosted_github(publish: PublishFact, blocker: Blocker) -> bool:
    """A GitHub job's `runs-on:` blocker: the one a hosted runner removes."""
    runner = publish.job.runner
    return (
        publish.job.provider is Provider.GITHUB
        and runner is not None
        and runner.hosting is Hosting.SELF_HOSTED
        and runner.location == blocker.location
    )
