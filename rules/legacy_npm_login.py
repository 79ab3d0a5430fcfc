"""CI logs in to npm interactively or with a password.

## What it does
Reports `npm login`, `npm adduser`, `yarn login`, `yarn npm login`, `npm-cli-login`,
`npm-login-noninteractive` and credentials piped into a login, in any CI script. It points at the
command's line.

## Why is this bad?
Since 2025-12-09 `npm login` yields a two-hour session token and publishing with it requires 2FA,
so it cannot work unattended; `npm adduser` was removed in npm 12. Password logins also keep a
user's password (not a scoped, expiring token) in CI secrets.

## Example
```yaml
- run: echo "$NPM_USER\n$NPM_PASS\n$NPM_EMAIL" | npm login
- run: npm publish
```

## Use instead
Use trusted publishing (no login at all), or a granular access token referenced from `.npmrc`:
```yaml
- run: npm publish
  env:
    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
```

## References
- GitHub changelog, "npm classic tokens revoked, session-based auth" (2025-12-09):
  https://github.blog/changelog/2025-12-09-npm-classic-tokens-revoked-session-based-auth-and-cli-token-management-now-available
- npm 12 changelog (`npm adduser` removed): https://docs.npmjs.com/cli/v12/using-npm/changelog
- npm-facts.md §3.4, §7 item 9 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding

_ADVICE = "use trusted publishing, or a granular access token referenced from .npmrc (`//registry.npmjs.org/:_authToken=${NODE_AUTH_TOKEN}`)"


class LegacyNpmLogin(Rule):
    __doc__ = __doc__
    id = "legacy-npm-login"
    severity = Severity.ERROR
    tags = ("credentials",)
    security_severity = 6.5

    def check(self, ctx: Context) -> Iterator[Finding]:
        for job in ctx.facts.jobs:
            for location, display in job.logins:
                yield self.finding(
                    location,
                    f"`{display}` logs in to a registry from CI: npm login now gives a 2-hour session that needs 2FA to "
                    f"publish (and `npm adduser` is gone in npm 12); {_ADVICE}",
                    title=title(f"`{display}` logs in to a registry from CI", "registry login from CI"),
                    help=_ADVICE,
                )
