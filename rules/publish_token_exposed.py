"""A long-lived publish token is in the environment of steps that run other code.

## What it does
Reports a long-lived publish credential that is set at workflow or job level (`env:`, GitLab job
or global `variables:`, CircleCI job `environment:`) while the job also installs dependencies or
runs repository code (`npm run`, `npm test`, `npx`, `npm exec` and their pnpm/yarn/bun
equivalents), or that is written to an npmrc before an install step. Variables defined only in the
CI provider's settings are not judged. It points at the line that puts the credential in scope.

## Why is this bad?
Every dependency's install scripts and every test or build script run with the token in their
environment and can read it. This is how publish tokens were stolen in the 2025 npm supply-chain
attacks: malicious dependency code read the release job's token.

## Example
```yaml
jobs:
  release:
    env:
      NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
    steps:
      - run: npm ci
      - run: npm test
      - run: npm publish
```

## Use instead
Scope the credential to the publish step (or use trusted publishing and no token):
```yaml
    steps:
      - run: npm ci
      - run: npm test
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
```

## References
- npm, "Trusted publishing": https://docs.npmjs.com/trusted-publishers
- GitHub, "Security hardening for GitHub Actions" (secrets and untrusted code):
  https://docs.github.com/actions/security-for-github-actions/security-guides/security-hardening-for-github-actions
- npm-facts.md §6 (split install/build from publish) (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import EnvScope, Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding

_SCOPE_WORDS = {EnvScope.GLOBAL: "workflow/global", EnvScope.JOB: "job"}


class PublishTokenExposed(Rule):
    __doc__ = __doc__
    id = "publish-token-exposed"
    severity = Severity.WARNING
    tags = ("credentials", "supply-chain")
    security_severity = 7.0
    # One finding per credential or write line, however many publishes it reaches.
    repeats = Repeats.SAME_LINE

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.model import Related

        for job in ctx.facts.jobs:
            if not job.publishes:
                continue
            runs_other_code = job.installs or job.runs_code
            for publish in job.publishes:
                for credential in publish.fallback_credentials:
                    if credential.scope not in _SCOPE_WORDS or not credential.defined_in_file or not runs_other_code:
                        continue
                    first = (job.installs[0].location if job.installs else job.runs_code[0])
                    yield self.finding(
                        credential.location,
                        f"{credential.describe()} is set at {_SCOPE_WORDS[credential.scope]} level, so every step of job "
                        f"`{job.job.id}` — including dependency installs and scripts — can read the publish token; set it "
                        f"only on the publish step (or use trusted publishing and no token)",
                        title=f"publish token readable by every step of job `{job.job.id}`",
                        help="set it only on the publish step (or use trusted publishing and no token)",
                        related=[Related(first, "code that runs with the token in its environment"), Related(publish.location, "the publish")],
                    )
            publish_credentials = {
                c.identity or (c.location.path, str(c.location.line))
                for p in job.publishes
                for c in (p.credential, *p.fallback_credentials)
                if c is not None
            }
            for write in job.npmrc_writes:
                written = write.credential
                if written is None:
                    continue
                if (written.identity or (written.location.path, str(written.location.line))) not in publish_credentials:
                    continue  # e.g. a read-only install token written for `npm ci`: that is its job
                later = [i for i in job.installs if (i.step_index, i.order) > (write.step_index, write.order)]
                if not later:
                    continue
                yield self.finding(
                    write.location,
                    f"`{write.display}` writes the publish token into {write.target} before `{later[0].display}`, whose "
                    "dependency install scripts can read it; write it just before the publish (or use trusted publishing)",
                    title=f"publish token written before `{later[0].display}`" if len(later[0].display) <= 40 else "publish token written before an install",
                    help="write it just before the publish (or use trusted publishing)",
                    related=[Related(later[0].location, "the install that runs after the token is written")],
                )
