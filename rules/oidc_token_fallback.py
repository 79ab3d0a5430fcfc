"""A job set up for trusted publishing also puts a long-lived publish token in scope.

## What it does
Reports a long-lived publish credential (a secret or CI variable behind `NODE_AUTH_TOKEN`, an
`.npmrc` `_authToken`, `NPM_TOKEN` for tools that read it, an action `token:` input) in a job whose
ID token is wired up for trusted publishing and whose publisher tries the exchange. It points at
the line that puts the credential in scope. Where nothing tries the exchange (a publisher without
OIDC support, a self-hosted runner), the token is what publishes and `use-trusted-publishing`
reports it instead.

## Why is this bad?
npm tries OIDC first and, when the exchange fails for any reason (a wrong workflow filename on
npmjs.com, a missing environment, an npm too old to try), *silently* publishes with the token
instead — or fails with a misleading `E404 Not Found - PUT` when the token has expired. The
migration looks finished while the long-lived secret is still what publishes, and it stays
stealable.

## Example
```yaml
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/setup-node@v6
        with: {node-version: 24, registry-url: "https://registry.npmjs.org"}
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
```

## Use instead
Remove the token from the publishing job, then revoke it on npmjs.com once a release has gone
through with OIDC (check `npm view <pkg> dist.attestations` or the publish log):
```yaml
      - run: npm publish
```

## References
- npm, "Trusted publishing" ("before falling back to traditional tokens"):
  https://docs.npmjs.com/trusted-publishers
- npm/cli `lib/commands/publish.js` and `lib/utils/oidc.js` (`oidc()` never throws).
- npm-facts.md §1.6, §7 item 10 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding


class OidcTokenFallback(Rule):
    __doc__ = __doc__
    id = "oidc-token-fallback"
    severity = Severity.WARNING
    tags = ("oidc", "credentials")
    security_severity = 5.0
    # One finding per credential line, however many publishes it reaches.
    repeats = Repeats.SAME_LINE

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.fixes import offers
        from npm_auth_lint.model import Related

        analysis = ctx.facts
        for publish in analysis.publishes:
            if not publish.is_npmjs or not analysis.attempts_oidc(publish):
                continue  # no exchange is tried: the token is the credential (use-trusted-publishing)
            from npm_auth_lint.toolchain import NPM_OIDC_FLOOR  # ~40 ms of imports: only when one is reported

            for credential in publish.fallback_credentials:
                yield self.finding(
                    credential.location,
                    f"job `{publish.job.id}` has the OIDC ID token{_purpose(publish)}, so npm (>= {NPM_OIDC_FLOOR}) tries trusted publishing first, "
                    f"but {credential.describe()} is also in scope "
                    f"for `{publish.display}`: if the OIDC exchange fails npm silently publishes with it (or fails with a "
                    "misleading E404); remove it from the publishing job and revoke it once an OIDC release went through",
                    title=f"a long-lived token is in scope beside the OIDC ID token in job `{publish.job.id}`",
                    help="remove it from the publishing job and revoke it once an OIDC release went through",
                    related=[Related(publish.location, "the publish it falls back to")],
                    # OIDC is verified viable here (ID token wired, no blocker, npm new enough).
                    fix=offers.remove_credential(ctx.project.files, credential),
                )


def _purpose(publish: PublishFact) -> str:
    """The other use of the ID token, when the publish asks for provenance: often why it is there."""
    return f" (it also signs the provenance: {publish.provenance_via})" if publish.provenance else ""
