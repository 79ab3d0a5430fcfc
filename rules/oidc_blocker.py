"""A publish relies on trusted publishing where OIDC cannot work.

## What it does
Reports a publish step to npmjs that relies on OIDC (it has no publish credential) although
something makes the token exchange impossible:

- a self-hosted GitHub runner (`runs-on`), a GitLab job pinned by `tags:` to self-managed runners;
- an origin on a self-managed GitLab or GitHub Enterprise Server (not a mirror on another
  public forge);
- a CircleCI self-hosted runner (`resource_class: namespace/name`), and an explicit provenance
  request on CircleCI (npm generates no provenance there);
- a publisher without OIDC support: Yarn 1 `yarn publish`, `bun publish`, lerna < 9,
  lerna-lite < 4.9, `@semantic-release/npm` < 13.1 (or `semantic-release` < 25), `changesets/action` < 1.7,
  `JS-DevTools/npm-publish` < 4.1, pnpm < 11 with an npm < 11.5.1 on PATH, Yarn < 4.10
  `yarn npm publish`;
- `changesets/action` v2 given a v1 input name (any publish: the step fails first).

It points at the blocker's line (`runs-on:`, `tags:`, `resource_class:`, the publish command, the
version pin, the input).

## Why is this bad?
The publish cannot authenticate: npm (or the tool) never attempts the exchange and fails with
`ENEEDAUTH`, `E404`, "missing authentication", or "No authentication configured for request".
Platform blockers (a self-managed GitLab, GitHub Enterprise Server) cannot be fixed by editing the
CI file: keep a granular access token scoped to the publish step. A self-hosted runner is a
required change: publish from a hosted runner, e.g. a separate publish job that takes the build as
an artifact. Tool blockers are fixed by an upgrade (semantic-release 25, on a Node its bundled
plugin's engines accept: ^22.14.0 || >=24.10.0), or for bun by packing with `bun pm pack` and
publishing with `npm publish`.

`changesets/action` v2 renamed `publish`, `version`, `commit`, `title`, `branch`, `prDraft` and
`createGithubReleases` to `publish-script`, `version-script`, `commit-message`, `pr-title`,
`pr-base-branch`, `pr-draft` and `create-github-releases`, and fails the step on an old name ("The
following inputs have been renamed"), so nothing is published. `--fix` renames the input (a safe
fix: v2 reads the same value under the new name).

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
- npm-facts.md §1.2, §4, §7 item 8, §9 (`shared/reference/npm-facts.md`).
- changesets/action v2 input renames: its CHANGELOG.md, 2.0.0 (#681 "Rename the root action
  inputs", #668 kebab-case names), and `src/index.ts` `throwOnRenamedInputs` (2.1.1):
  https://github.com/changesets/action/blob/main/CHANGELOG.md
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import Hosting, Provider, Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis import Blocker
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding, Location, Text


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
        yield from self._renamed_inputs(ctx)
        for publish in analysis.publishes:
            if not publish.relies_on_oidc:
                continue
            for blocker in analysis.blockers(publish):
                advice = blocker.fix
                yield self.finding(
                    blocker.location,
                    f"`{publish.display}` relies on trusted publishing, which cannot work here: {blocker.reason}; {advice}",
                    title=title(f"`{publish.display}` relies on trusted publishing, which cannot work here", "trusted publishing cannot work for this publish"),
                    help=advice,
                    related=[Related(publish.location, "the publish that relies on OIDC")] if blocker.location != publish.location else [],
                    fix=offers.hosted_runner(ctx.project.files, blocker.location) if _self_hosted_github(publish, blocker) else None,
                )

    def _renamed_inputs(self, ctx: Context) -> Iterator[Finding]:
        """changesets/action v2 given a v1 input name: the action fails before it publishes,
        whatever the authentication (one finding per old name, with the rename as its fix)."""
        from npm_auth_lint.fixes import edits, offers
        from npm_auth_lint.model import Related

        seen: set[Location] = set()
        for publish in ctx.facts.publishes:
            step = publish.step
            if step.uses is None or step.uses.location in seen or publish.action_pin is None:
                continue
            seen.add(step.uses.location)
            for old, new, major in _old_inputs(step.uses.value, publish.action_pin.version, step.inputs):
                value = step.inputs[old]
                files = ctx.project.files
                key_at = edits.key_location(files, value.location, step.location.line, old) or value.location
                yield self.finding(
                    key_at,
                    f"changesets/action v{major} renamed its input `{old}` to `{new}` and fails the step when the old "
                    f"name is given (\"The following inputs have been renamed\"), so the step publishes nothing; "
                    f"rename `{old}` to `{new}`",
                    title=f"changesets/action v{major} no longer accepts the input `{old}`",
                    help=f"rename `{old}` to `{new}`",
                    related=[Related(step.uses.location, f"changesets/action v{major}")],
                    fix=offers.renamed_input(files, key_at, old, new) if new not in step.inputs else None,
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


def _old_inputs(uses: str, version: str, inputs: Mapping[str, Text]) -> Iterator[tuple[str, str, int]]:
    """The (old name, new name, major) of every input a changesets/action major renamed that
    ``inputs`` still gives under its old name (the root action only: sub-actions are new)."""
    from npm_auth_lint import commands as cmds

    ref = cmds.classify_action(uses)
    known = ref.known
    if known is None or ref.path or known.renamed_in_major is None:
        return
    parsed = cmds.ref_version(version)
    if parsed is None or parsed[0] < known.renamed_in_major:
        return
    for new, old in known.renamed_inputs.items():
        if old in inputs:
            yield old, new, parsed[0]
