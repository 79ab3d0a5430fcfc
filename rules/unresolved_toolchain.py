"""The Node or npm version of a publishing job cannot be determined.

## What it does
Reports, as a note, a publish job to npmjs whose Node or npm version npm-auth-lint cannot
resolve: the runner's default Node (no `setup-node`), an expression without a resolvable matrix,
an image without a tag, an unknown image, or a publisher that does not use the npm CLI. One note
per publish job, at the publish command's line.

## Why is this bad?
Trusted publishing needs npm >= 11.5.1 (>= 11.11.0 on CircleCI) and Node >= 22.14.0. When the
version depends on whatever the runner image ships today, a runner image update can break (or
fix) the release without any change in the repository.

## Example
```yaml
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - run: npm publish
```

## Use instead
Pin the toolchain in the job:
```yaml
      - uses: actions/setup-node@v6
        with:
          node-version: 24
      - run: npm publish
```

## References
- actions/setup-node: https://github.com/actions/setup-node
- npm, "Trusted publishing": https://docs.npmjs.com/trusted-publishers
- npm-facts.md §5.1 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import Provider, Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding


class UnresolvedToolchain(Rule):
    __doc__ = __doc__
    id = "unresolved-toolchain"
    severity = Severity.NOTE
    tags = ("toolchain",)
    security_severity = 1.0
    # One finding per job: its first publish whose toolchain cannot be determined.
    repeats = Repeats.SAME_SUBJECT

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint import commands as cmds
        from npm_auth_lint.analysis.advice import node_pin_example
        from npm_auth_lint.analysis.job_toolchain import npm_state
        from npm_auth_lint.knowledge.publishing import PublisherKind

        for facts, chain in ctx.facts.toolchains:
            publish = chain.publish
            reason = chain.unresolved
            never = cmds.OIDC_PUBLISHER_SUPPORT.get(publish.publisher)
            own_client = False
            npm_unknown = False
            if reason is None and publish.kind is PublisherKind.OWN_CLIENT and not (never and never.never) and not _version_decides(publish):
                # (Publishers that never do OIDC, like bun, or whose pinned version tells, are
                # oidc-blocker's and use-trusted-publishing's to report.)
                reason = f"`{publish.display}` publishes with its own registry client, not the npm CLI"
                own_client = True
            if reason is None and publish.kind is PublisherKind.NPM_CLI:
                states = [state for pin in chain.pins if (state := npm_state(facts, chain, pin)) is not None]
                unknown = next((state for state in states if state.version is None and state.upgrade is not None), None)
                if unknown is not None and unknown.upgrade is not None:
                    spec = unknown.upgrade.spec
                    installs = f"`npm@{spec}`" if spec else "`npm`"
                    if "$" in spec:
                        reason = f"the npm that {installs} installs depends on a variable"
                    else:
                        reason = f"the npm that {installs} installs cannot be resolved ({unknown.explanation})"
                    npm_unknown = True
            if reason is None:
                continue
            from npm_auth_lint import toolchain  # ~40 ms of imports: only when something is reported

            floor = toolchain.npm_floor(publish.provider is Provider.CIRCLECI)
            if own_client:
                advice = "its own version decides whether trusted publishing works: check it supports OIDC"
            elif npm_unknown:
                advice = f"install a fixed npm release before the publish (e.g. `npm install -g npm@^{floor}`) so it is known to do trusted publishing"
            else:
                example = node_pin_example(publish.provider)
                if publish.provider is Provider.GITHUB:
                    example = "actions/setup-node `node-version: 24`, or a `node:24` image"
                advice = f"pin it in the job (e.g. {example}) so trusted publishing gets npm >= {floor} and Node >= {toolchain.NODE_OIDC_FLOOR}"
            problem = f"the toolchain of `{publish.display}` in job `{publish.job.id}` cannot be determined"
            yield self.finding(
                publish.location,
                f"{problem}: {reason}; {advice}",
                subject=(publish.pipeline.path, publish.job.id),
                title=title(problem, f"the toolchain of job `{publish.job.id}` cannot be determined"),
                help=advice,
            )


def _version_decides(publish: PublishFact) -> bool:
    """Whether the publisher's pinned version (a dependency, `packageManager`, Volta) tells if it
    does trusted publishing, so there is nothing left to check by hand."""
    from npm_auth_lint import commands as cmds
    from npm_auth_lint.analysis import pin_can_reach

    support = cmds.OIDC_PUBLISHER_SUPPORT.get(publish.publisher)
    pin = publish.tool_pin
    if support is None or pin is None or support.minimum is None:
        return False
    return pin_can_reach(pin.version, support.minimum) is not None
