"""A publish that relies on trusted publishing cannot get the provider's OIDC ID token.

## What it does
Reports a publish step to npmjs that relies on OIDC (it has no publish credential) or requests
provenance, in a job where the provider's ID token is not wired up:

- **GitHub Actions**: the job's effective permissions lack `id-token: write`; for a reusable
  workflow both the calling and the called job need it. Points at the `permissions:` key of the
  job that lacks it (the calling job first), else at that job's name line.
- **GitLab CI/CD**: no `id_tokens: NPM_ID_TOKEN: aud: "npm:registry.npmjs.org"` (a wrong name or
  `aud` counts as missing); provenance also needs `SIGSTORE_ID_TOKEN` with `aud: sigstore`.
  Points at the job's `id_tokens:` key, else its name line.
- **CircleCI**: the shell that publishes does not export `NPM_ID_TOKEN` from
  `circleci run oidc get` with the audience `npm:registry.npmjs.org`. Points at the job's name
  line.

## Why is this bad?
Without the ID token npm silently skips the OIDC exchange (it logs only at `silly` level) and the
publish fails with `ENEEDAUTH`, or with `E404 Not Found - PUT` when a placeholder or expired token
is configured — the most common failure after "npm too old" in real migrations.

## Example
```yaml
permissions:
  contents: read
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with: {node-version: 24, registry-url: "https://registry.npmjs.org"}
      - run: npm publish
```

## Use instead
Grant the token on the publishing job only (never workflow-wide):
```yaml
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
```
GitLab:
```yaml
publish:
  id_tokens:
    NPM_ID_TOKEN:
      aud: "npm:registry.npmjs.org"
    SIGSTORE_ID_TOKEN:
      aud: sigstore
```
CircleCI, in the same `run` as the publish:
```sh
export NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud": "npm:registry.npmjs.org"}')
npm publish
```

## References
- npm, "Trusted publishing for npm packages" (GitHub, GitLab and CircleCI examples; reusable
  workflows need `id-token: write` in both workflows): https://docs.npmjs.com/trusted-publishers
- npm/cli `lib/utils/oidc.js` (skips OIDC without the GitHub request variables or `NPM_ID_TOKEN`).
- zizmor rates a workflow-level `id-token: write` as High: https://docs.zizmor.sh/audits/
- npm-facts.md §1.3, §1.5, §7 item 2 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import Provider, Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding


class MissingIdToken(Rule):
    __doc__ = __doc__
    id = "missing-id-token"
    severity = Severity.ERROR
    tags = ("oidc", "trusted-publishing")
    security_severity = 5.0
    # One finding per job and ID-token line, for the first publish that needs the token.
    repeats = Repeats.SAME_SUBJECT

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.analysis.advice import id_token_fix
        from npm_auth_lint.analysis.facts import TargetOrigin
        from npm_auth_lint.fixes import offers
        from npm_auth_lint.model import Related

        publishes = ctx.facts.publishes
        # Grouped once: looking them up per reported job would be quadratic in jobs.
        needing_token: dict[int, list[PublishFact]] = {}
        for publish in publishes:
            if publish.relies_on_oidc or publish.provenance is True:
                needing_token.setdefault(id(publish.job), []).append(publish)
        # One finding per job (its token's line): later publishes of a reported job are skipped
        # here, not built and dropped by the engine, which would cost a related list per publish
        # (quadratic in a job's publishes: 80,000 steps exhausted memory).
        reported: set[int] = set()
        for publish in publishes:
            if not publish.is_npmjs or publish.id_token is None or id(publish.job) in reported:
                continue
            token = publish.id_token
            job = publish.job
            # A GitLab publish with a token signs provenance with the Sigstore ID token alone.
            token_provenance = job.provider is Provider.GITLAB and publish.provenance is True and not publish.relies_on_oidc
            sigstore_missing = (
                job.provider is Provider.GITLAB and publish.provenance is True and (token.granted or token_provenance) and not token.sigstore
            )
            needs_token = publish.relies_on_oidc or (publish.provenance is True and job.provider is not Provider.CIRCLECI)
            if (token.granted or token_provenance) and not sigstore_missing:
                continue
            if not needs_token and not sigstore_missing:
                continue
            if sigstore_missing:
                advice = "add `SIGSTORE_ID_TOKEN: {aud: sigstore}` to the job's `id_tokens`"
                message = (
                    f"`{publish.display}` in job `{job.id}` requests provenance ({publish.provenance_via}), which on "
                    f"GitLab needs a Sigstore ID token: {advice}"
                )
                short = f"job `{job.id}` lacks the Sigstore ID token provenance needs"
            else:
                why = "relies on trusted publishing (it has no token)" if publish.relies_on_oidc else f"requests provenance ({publish.provenance_via})"
                if publish.target_origin is TargetOrigin.NPM_DEFAULT_BESIDE_SCOPED:
                    why = f"publishes to npmjs ({publish.target_via}) and {why}"
                problem = token.problem or "the ID token is not available"
                advice = id_token_fix(job)
                message = f"`{publish.display}` in job `{job.id}` {why}, but {problem}: {advice}"
                needs = "trusted publishing" if publish.relies_on_oidc else "provenance"
                short = f"job `{job.id}` lacks the ID token {needs} needs"
            related = [Related(p.location, f"`{p.display}` needs the ID token") for p in needing_token.get(id(job), ())]
            sigstore = job.provider is Provider.GITLAB and publish.provenance is True and not token.sigstore
            fix = offers.id_token(ctx.project.files, publish, npm=not token.granted and not token_provenance, sigstore=sigstore)
            reported.add(id(job))
            yield self.finding(
                token.anchor, message, related=related, subject=(token.anchor.path, str(token.anchor.line), job.id), fix=fix, title=short, help=advice
            )
