"""A publishing job runs a Node.js older than trusted publishing needs.

## What it does
Resolves the Node.js version a publish job runs, as the CI does — `actions/setup-node`
`node-version` (`22`, `22.x`, `^22`, `>=20 <23`, `lts/*`, `lts/<codename>`, `lts/-1`, `latest`,
`current`, `node`) to the newest matching release, `node-version-file` (`.nvmrc`, `.node-version`,
`.tool-versions`, `mise.toml`, package.json `volta`/`devEngines`/`engines`), `volta-cli/action`
(its `node-version`, else package.json `volta.node`), container and Docker images (`node:<tag>`,
`cimg/node:<tag>`, `circleci/node:<tag>`), and every value of a matrix — and reports a version
below 22.14.0. It is an error when the publish relies on OIDC and a warning when it uses a token
(upgrade before migrating). It points at the pin: the `node-version:` line, the `.nvmrc` line,
the `image:` line, the matrix entry, or package.json's `volta.node`.

## Why is this bad?
npm documents Node >= 22.14.0 as a requirement of trusted publishing, and older Node lines bundle
an npm that never attempts the OIDC exchange. Node 18 and 20 are end-of-life.

## Example
```yaml
- uses: actions/setup-node@v6
  with:
    node-version: 20
```

## Use instead
```yaml
- uses: actions/setup-node@v6
  with:
    node-version: 24
```

## References
- npm, "Trusted publishing" ("requires npm CLI version 11.5.1 or later and Node version 22.14.0
  or higher"): https://docs.npmjs.com/trusted-publishers
- Node.js release schedule: https://github.com/nodejs/Release
- npm-facts.md §1.1, §5 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding


class OutdatedNode(Rule):
    __doc__ = __doc__
    id = "outdated-node"
    severity = Severity.ERROR
    tags = ("toolchain", "trusted-publishing")
    security_severity = 4.0
    # One finding per Node pin, however many publishes run on it.
    repeats = Repeats.SAME_LOCATION

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.analysis import not_viable_reason
        from npm_auth_lint.analysis.advice import node_pin_example
        from npm_auth_lint.fixes import offers
        from npm_auth_lint.knowledge.publishing import semantic_release_oidc_floor
        from npm_auth_lint.model import Related

        analysis = ctx.facts
        toolchains = analysis.toolchains
        if not toolchains:
            return
        from npm_auth_lint import toolchain  # ~40 ms of imports: only when something publishes

        for _facts, chain in toolchains:
            publish = chain.publish
            for pin in chain.pins:
                node = pin.resolution
                if node is None or toolchain.meets_node_floor(node.version):
                    continue
                oidc = publish.relies_on_oidc
                oldest = toolchain.oldest_node_meeting_floors(chain.circleci)
                bundled, _ = toolchain.bundled_npm(oldest) or ("", None)
                example = node_pin_example(publish.provider, pin.source, pin.location.path)
                advice = f"use Node >= {oldest}, whose bundled npm {bundled} is new enough (e.g. {example})"
                if publish.publisher == "semantic-release":
                    # It publishes with its bundled @semantic-release/npm, whose engines reject 24.5-24.9.
                    row = semantic_release_oidc_floor()
                    advice = f"use a Node that @semantic-release/npm {row.plugin.lstrip('^')}'s engines accept ({row.node_engines}; e.g. {example})"
                lead = f"{node.explanation}; trusted publishing needs Node >= {toolchain.NODE_OIDC_FLOOR}"
                short = f"Node {node.version} is too old for trusted publishing"
                if oidc:
                    message = f"{lead}, and `{publish.display}` in job `{publish.job.id}` relies on it: {advice}"
                elif not_viable := not_viable_reason(analysis, publish):
                    message = (
                        f"{lead}; `{publish.display}` in job `{publish.job.id}` uses a token and trusted publishing is not "
                        f"viable there ({not_viable}), so this matters once the publish moves: {advice}"
                    )
                else:
                    message = f"{lead}: upgrade before migrating `{publish.display}` in job `{publish.job.id}` from its token ({advice})"
                yield self.finding(
                    pin.location,
                    message,
                    severity=Severity.ERROR if oidc else Severity.WARNING,
                    related=[Related(publish.location, "the publish that runs on it")],
                    fix=offers.node_pin(ctx.project.files, pin.text, pin.location, pin.source, chain.circleci),
                    title=short,
                    help=advice,
                )
