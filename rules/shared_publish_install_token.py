"""The same secret authenticates a publish and an install.

## What it does
Reports an install step (`npm ci`, `npm install`, `pnpm install`, `yarn`, `bun install` or an
installing action) whose credential is the same secret or CI variable as the credential of a
publish step — in the same job or anywhere in the repository's CI. It points at the install
command's line, with the publish as a related location.

## Why is this bad?
Installing needs read access; publishing needs write access. A write token used for installs is
exposed to every dependency's install scripts and to every job that installs, which is how
release credentials leak. npm recommends a read-only granular token for installs and trusted
publishing (or a separate write token) for the publish.

## Example
```yaml
- run: npm ci
  env:
    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
- run: npm publish
  env:
    NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
```

## Use instead
```yaml
- run: npm ci
  env:
    NODE_AUTH_TOKEN: ${{ secrets.NPM_READ_TOKEN }}   # read-only granular token
- run: npm publish                                   # trusted publishing: no token
```

## References
- npm, "Trusted publishing", handling private dependencies ("Always use read-only granular
  access tokens for installing dependencies"): https://docs.npmjs.com/trusted-publishers
- npm-facts.md §6 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding


class SharedPublishInstallToken(Rule):
    __doc__ = __doc__
    id = "shared-publish-install-token"
    severity = Severity.WARNING
    tags = ("credentials", "least-privilege")
    security_severity = 5.0
    # One finding per install line, however many shared credentials it uses.
    repeats = Repeats.SAME_LINE

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.model import Related

        analysis = ctx.facts
        publish_by_identity: dict[tuple[str, str], PublishFact] = {}
        for publish in sorted(analysis.publishes, key=lambda p: p.location):
            for credential in (publish.credential, *publish.fallback_credentials):
                if credential is not None and credential.identity is not None:
                    publish_by_identity.setdefault(credential.identity, publish)
        for job in analysis.jobs:
            for install in job.installs:
                for credential in install.credentials:
                    shared = publish_by_identity.get(credential.identity) if credential.identity else None
                    if shared is None:
                        continue
                    kind = "secret" if credential.identity and credential.identity[0] == "secret" else "CI variable"
                    yield self.finding(
                        install.location,
                        f"`{install.display}` installs with {kind} {credential.source.name}, the same credential "
                        f"`{shared.display}` publishes with; give installs a read-only granular token (e.g. "
                        f"NPM_READ_TOKEN) and publish with trusted publishing or a separate write token",
                        title=f"install and publish share {kind} {credential.source.name}",
                        help="give installs a read-only granular token (e.g. NPM_READ_TOKEN) and publish with trusted publishing or a separate write token",
                        related=[Related(shared.location, "the publish that uses the same credential")],
                    )
