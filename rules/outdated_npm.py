"""A publishing job runs an npm CLI older than trusted publishing needs.

## What it does
Resolves the npm a publish job runs — the npm bundled with the resolved Node, unless a step
upgrades it (`npm install -g npm@X`, `corepack prepare/use npm@X`, `packageManager: npm@X` with
corepack, `volta install npm@X`) — and reports a version below 11.5.1 (below 11.11.0 on
CircleCI). It also reports an upgrade that cannot work: `npm@latest` is npm 12, which needs Node
^22.22.2, ^24.15.0 or >= 26 (`EBADENGINE` elsewhere), and `npm@12.0.0` breaks provenance. It is an
error when the publish relies on OIDC and a warning when it uses a token. One finding per job and
npm version: at the job's last npm upgrade command when it has one, else at the Node pin.
`npm stage publish` (staged publishing) needs npm 11.15.0 or newer, whatever the provider.

## Why is this bad?
An npm before 11.5.1 never attempts the OIDC exchange: the publish fails with `ENEEDAUTH`, or with
`E404 Not Found - PUT` and "Access token expired or revoked" when setup-node's placeholder token is
set — while provenance signing still succeeds, which misleads. No Node 22 release bundles npm 11,
so `node-version: 22` without an upgrade is the most common cause of failed migrations.

## Example
```yaml
- uses: actions/setup-node@v6
  with:
    node-version: 22
- run: npm publish
```

## Use instead
```yaml
- uses: actions/setup-node@v6
  with:
    node-version: 22
- run: npm install -g npm@^11.5.1
- run: npm publish
```
or use Node 24.5.0 or newer (24.14.1 or newer on CircleCI), whose bundled npm is recent enough.

## References
- npm, "Trusted publishing": https://docs.npmjs.com/trusted-publishers
- npm 11.11.0 changelog ("adds circleci to oidc"): https://docs.npmjs.com/cli/v11/using-npm/changelog
- npm 12 engines and 12.0.1 fix: https://docs.npmjs.com/cli/v12/using-npm/changelog
- npm-facts.md §1.1, §5, §7 items 1 and 11 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding


class OutdatedNpm(Rule):
    __doc__ = __doc__
    id = "outdated-npm"
    severity = Severity.ERROR
    tags = ("toolchain", "trusted-publishing")
    security_severity = 4.0
    # One finding per job, npm version and line that sets it, however many publishes run it.
    repeats = Repeats.SAME_SUBJECT

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.analysis import not_viable_reason
        from npm_auth_lint.analysis.job_toolchain import npm_state
        from npm_auth_lint.fixes import offers
        from npm_auth_lint.knowledge.publishing import PublisherKind
        from npm_auth_lint.model import Related

        analysis = ctx.facts
        toolchains = analysis.toolchains
        if not toolchains:
            return
        from npm_auth_lint import toolchain  # ~40 ms of imports: only when something publishes

        for facts, chain in toolchains:
            publish = chain.publish
            if publish.kind is not PublisherKind.NPM_CLI:
                continue
            # `npm stage publish` needs a newer npm than `npm publish` (toolchain.floors is the source).
            floor = toolchain.npm_floor(chain.circleci, publish.stage)
            where = " on CircleCI" if chain.circleci else ""
            needs = f"`npm stage publish` needs npm >= {floor}" if publish.stage else f"trusted publishing{where} needs npm >= {floor}"
            for pin in chain.pins:
                state = npm_state(facts, chain, pin)
                if state is None:
                    continue
                too_old = state.version is not None and not toolchain.meets_npm_floor(state.version, chain.circleci, publish.stage)
                if state.upgrade_problem is None and not too_old:
                    continue
                oidc = publish.relies_on_oidc
                node = pin.resolution
                advice = toolchain.upgrade_advice(node.version if node else None, circleci=chain.circleci, stage=publish.stage)
                if state.upgrade is not None and state.upgrade.method == "volta" and node is not None and toolchain.meets_node_floor(node.version):
                    # Volta's npm shim runs the pinned npm whatever is installed globally.
                    advice = f"pin a newer npm with Volta (e.g. `volta pin npm@{floor.split('.')[0]}`, which sets `volta.npm`)"
                if state.broken:
                    short, help_ = "the npm this job installs is a broken release", f"install a fixed release instead (e.g. `npm install -g npm@^{floor}`)"
                    message = f"{state.explanation}; {help_}"
                elif state.upgrade_problem is not None and not too_old:
                    short, help_ = "this npm upgrade cannot work on the job's Node", f"use an npm release that supports this Node (e.g. `npm install -g npm@^{floor}`)"
                    message = f"{state.explanation}; {help_}"
                else:
                    short, help_ = f"npm {state.version} is too old for {'`npm stage publish`' if publish.stage else 'trusted publishing'}", advice
                    if oidc:
                        why = f", and `{publish.display}` in job `{publish.job.id}` relies on it"
                    elif not_viable := not_viable_reason(analysis, publish):
                        why = f"; `{publish.display}` uses a token and trusted publishing is not viable there ({not_viable}), so this matters once the publish moves"
                    else:
                        why = f"; upgrade before migrating `{publish.display}` from its token"
                    message = f"{state.explanation}; {needs}{why}: {advice}"
                # Adding the upgrade fits a Node that meets its floor; an older one is raised by outdated-node's fix.
                upgrade_fix = state.upgrade is None and state.upgrade_problem is None and node is not None and toolchain.meets_node_floor(node.version)
                yield self.finding(
                    state.location,
                    message,
                    severity=Severity.ERROR if oidc else Severity.WARNING,
                    subject=(f"{publish.job.id}@{publish.pipeline.path}", str(state.version), str(state.location)),
                    related=[
                        Related(publish.location, "the publish that runs this npm"),
                        *([Related(pin.location, f"the Node pin `{pin.text}`")] if pin.location != state.location else []),
                    ],
                    fix=offers.npm_upgrade(ctx.project.files, publish, advice)
                    if upgrade_fix
                    else offers.npm_upgrade_spec(ctx.project.files, state.upgrade, floor, node.version if node else None),
                    title=short,
                    help=help_,
                )
