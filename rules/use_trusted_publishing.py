"""A publish to npmjs authenticates with a long-lived token where trusted publishing could replace it.

## What it does
Reports a publish step that writes to `https://registry.npmjs.org` from a provider that supports
npm trusted publishing (GitHub Actions, GitLab CI/CD, CircleCI) and authenticates with a
long-lived credential: a secret or CI variable behind `NODE_AUTH_TOKEN`, an `.npmrc`
`_authToken`, `NPM_TOKEN` for tools that read it, an action input such as `token:`, or a literal.
Also when the job grants the ID token but its publisher cannot use it (the token publishes).

The message lists what the switch needs (the ID token, a newer npm, a publisher that supports
OIDC). Where something the repository cannot change by editing its CI configuration makes OIDC
impossible — a self-hosted runner, a self-managed GitLab, CircleCI server — the finding is a
*note* naming those blockers, and the advice is to keep a granular token with write access and
bypass-2FA, scoped to the publish step only.

It points at the publish command's line (the `uses:` line of a publishing action).

## Why is this bad?
A publish token is a long-lived secret with write access to your packages: anything that can read
it — a compromised dependency in the same job, a leaked log, a cache — can publish malware under
your name (the TanStack and Nx compromises stole exactly such tokens). npm's write tokens now expire
after at most 90 days, so a token-based release also breaks silently every few months. Trusted
publishing exchanges a short-lived OIDC ID token for a one-time publish credential: there is no
secret to steal or rotate, and provenance comes for free on public GitHub/GitLab repositories.

## Example
```yaml
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: 24
          registry-url: https://registry.npmjs.org
      - run: npm ci
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
```

## Use instead
```yaml
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: 24
          registry-url: https://registry.npmjs.org
      - run: npm ci
      - run: npm publish
```
Then add the trusted publisher on npmjs.com (package settings → Trusted publishing), or run
`npm trust github <package> --file <workflow>.yml`, and revoke the old token.

## References
- npm, "Trusted publishing for npm packages": https://docs.npmjs.com/trusted-publishers
- GitHub changelog, npm trusted publishing GA (2025-07-31):
  https://github.blog/changelog/2025-07-31-npm-trusted-publishing-with-oidc-is-generally-available/
- npm-facts.md §1, §3.1, §6 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding


class UseTrustedPublishing(Rule):
    __doc__ = __doc__
    id = "use-trusted-publishing"
    severity = Severity.WARNING
    tags = ("credentials", "supply-chain")
    security_severity = 6.0

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.analysis.advice import switch_to_oidc
        from npm_auth_lint.fixes import offers
        from npm_auth_lint.model import Related

        analysis = ctx.facts
        for publish in analysis.publishes:
            credential = publish.credential
            if not publish.is_npmjs or credential is None:
                continue
            if analysis.attempts_oidc(publish):
                continue  # set up for OIDC: the token is a fallback (oidc-token-fallback)
            blockers = analysis.blockers(publish)
            platform = [b for b in blockers if b.platform]
            required = [b for b in blockers if not b.platform]
            related = [Related(credential.location, f"the long-lived credential: {credential.describe()}")]
            related += [Related(b.location, b.reason) for b in blockers]
            head = f"`{publish.display}` publishes to npmjs with a long-lived token ({credential.describe()})"
            if platform:
                keep = "Keep a granular access token (write, bypass 2FA, limited to these packages) scoped to the publish step only"
                yield self.finding(
                    publish.location,
                    f"{head}; trusted publishing is not viable here: {'; '.join(b.reason for b in platform)}. {keep}",
                    severity=Severity.NOTE,
                    related=related,
                    title="trusted publishing is not viable here",
                    help=keep,
                )
                continue
            first = [b.reason for b in required] + [c[0].lower() + c[1:] for c in analysis.toolchain_changes(publish)]
            extra = f"; first: {'; '.join(first)}" if first else ""
            steps = switch_to_oidc(publish)
            yield self.finding(
                publish.location,
                f"{head}; switch to trusted publishing (OIDC): {steps}{extra}",
                related=related,
                title=title(head, "publishing with a long-lived token, not trusted publishing"),
                help=f"switch to trusted publishing (OIDC): {steps}{extra}",
                # Once nothing else is needed first, wire the ID token: npm tries OIDC, the token stays.
                fix=offers.id_token_for_migration(ctx.project.files, publish) if not first else None,
            )
