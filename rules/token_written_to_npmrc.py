"""A CI script writes a long-lived registry credential into an npmrc file.

## What it does
Reports CI commands that write a long-lived credential (any registry; not `GITHUB_TOKEN` or
`CI_JOB_TOKEN`) into an npmrc-like file: `echo "//registry.npmjs.org/:_authToken=..." >> .npmrc`,
heredocs, `tee`, `npm config set //host/:_authToken ...`, `npm set ...`,
`yarn config set npmAuthToken ...`. It points at the command's line.

## Why is this bad?
The token then sits in a file on disk for every later step — install scripts of every dependency,
test code, tools that upload the workspace or cache `~/.npmrc` — and is easily committed or
archived by mistake. When the job also uses trusted publishing, a token in `~/.npmrc` becomes
the silent fallback when the OIDC exchange fails.

## Example
```yaml
- run: echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" >> ~/.npmrc
- run: npm ci
- run: npm publish
```

## Use instead
Publish with trusted publishing. Where a token is needed, let `actions/setup-node` write an
`.npmrc` that *references* `${NODE_AUTH_TOKEN}` and set the secret on the one step that needs it:
```yaml
- uses: actions/setup-node@v6
  with: {node-version: 24, registry-url: "https://registry.npmjs.org"}
- run: npm publish
  env:
    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
```
Yarn Berry reads no npmrc: give the publish step `YARN_NPM_AUTH_TOKEN` in its `env` instead.

## References
- npm, "Using private packages in a CI/CD workflow":
  https://docs.npmjs.com/using-private-packages-in-a-ci-cd-workflow
- actions/setup-node `registry-url` (writes `_authToken=${NODE_AUTH_TOKEN}`), `src/authutil.ts`.
- npm-facts.md §4.1, §6, §7 item 10 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import NpmrcKind, Provider, Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding


class TokenWrittenToNpmrc(Rule):
    __doc__ = __doc__
    id = "token-written-to-npmrc"
    severity = Severity.WARNING
    tags = ("credentials", "secrets")
    security_severity = 5.5

    def check(self, ctx: Context) -> Iterator[Finding]:
        for job in ctx.facts.jobs:
            for write in job.npmrc_writes:
                credential = write.credential
                if credential is None:
                    continue
                if write.kind is NpmrcKind.YARNRC_YML:
                    # Yarn Berry reads no npmrc, but takes the token from its environment.
                    instead = "or set YARN_NPM_AUTH_TOKEN in the `env` of the one step that needs it (Yarn reads it from there)"
                elif job.job.provider is Provider.GITHUB:
                    instead = (
                        "or let actions/setup-node `registry-url` write an npmrc that references ${NODE_AUTH_TOKEN} and set the "
                        "token on the one step that needs it"
                    )
                else:
                    instead = (
                        "or commit an .npmrc that references the variable (`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`) "
                        "and keep the variable masked and protected"
                    )
                problem = f"`{write.display}` writes {credential.source_phrase()} into {write.target}"
                yield self.finding(
                    write.location,
                    f"{problem}, where every later step and dependency install script can read it; publish with trusted publishing, {instead}",
                    # Not the problem clause itself: the message goes on after it (", where ...").
                    title=f"CI script writes a registry token into {write.target}",
                    help=f"publish with trusted publishing, {instead}",
                )
