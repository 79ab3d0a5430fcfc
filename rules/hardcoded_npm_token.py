"""A literal npm credential is committed to the repository.

## What it does
Finds npm credentials written in plain text in any file the tool scans:

- an npm access token (`npm_` followed by 36 Base62 characters) anywhere in the file;
- a literal value (not a `${VAR}` reference) of `_authToken`, `_auth` or `_password` in an
  `.npmrc` or `.yarnrc`, legacy UUID-style tokens included;
- a literal `npmAuthToken` or `npmAuthIdent` in `.yarnrc.yml`;
- a literal token as the value of an environment variable or CI variable in a CI configuration,
  or as a publishing action's token input (`JS-DevTools/npm-publish` `token:`).

The finding points at the line holding the value. The value itself is never printed.
A credential for a local test registry (`localhost`, `127.0.0.1`, `[::1]`, or a service
container of the job, e.g. Verdaccio) is test data and is not reported, nor are the literal
variables of a job that publishes only to such a registry.

## Why is this bad?
Anyone who can read the repository (and every fork, clone, cache and CI log of it) can publish
or install with that credential. npm revoked all classic tokens on 2025-12-09; a granular
access token with write access can still publish until it expires (up to 90 days) unless it is
revoked. Revoke the token on npmjs.com first: removing it from the file does not remove it from
the history.

## Example
```ini
# .npmrc
//registry.npmjs.org/:_authToken=npm_XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX
```

## Use instead
Publish with trusted publishing (OIDC) and no token at all. Where a token is still needed (for
installing private packages, or publishing where OIDC is not viable), keep it in a CI secret and
reference it:

```ini
# .npmrc
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
```

## References
- npm, "Using private packages in a CI/CD workflow" ("Do not put a token in this file"):
  https://docs.npmjs.com/using-private-packages-in-a-ci-cd-workflow
- npm token format (`npm_` prefix, 36 Base62 characters with a CRC32 checksum):
  https://github.blog/2021-09-23-announcing-npms-new-access-token-format/
- Classic tokens revoked 2025-12-09:
  https://github.blog/changelog/2025-12-09-npm-classic-tokens-revoked-session-based-auth-and-cli-token-management-now-available
- npm-facts.md §3.3, §6 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import NpmrcKind, Severity, ValueSourceKind
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding, NpmrcEntry

NPMRC_SECRET_KEYS = frozenset({"_authToken", "_auth", "_password"})
YARNRC_YML_SECRET_KEYS = frozenset({"npmAuthToken", "npmAuthIdent"})


_FROM_SECRET_STORE = "revoke it on npmjs.com and pass it from the CI provider's secret store instead"


def _npmrc_message(entry: NpmrcEntry, kind: NpmrcKind) -> tuple[str, str, str]:
    """The message, title and help (its advice) for a literal credential in an npmrc-like file."""
    if kind is NpmrcKind.YARNRC_YML:
        problem = entry.key + (f" (registry {entry.scope})" if entry.scope else "") + " is a credential committed in plain text"
        advice = 'revoke it on npmjs.com, then read a granular access token from the environment: `npmAuthToken: "${NPM_TOKEN}"`'
    else:
        scope = entry.scope if entry.scope and entry.scope.startswith("//") else "//registry.npmjs.org/"
        problem = f"`{entry.raw_key}` is a credential committed in plain text"
        advice = f"revoke it on npmjs.com, then read a granular access token from a CI secret: `{scope}:_authToken=${{NPM_TOKEN}}`"
    return f"{problem}; {advice}", title(problem, "npm credential committed in plain text"), advice


def _for_local_registry(entry: NpmrcEntry, registry: str | None) -> bool:
    """A credential scoped to a local test registry, or unscoped in a file whose registry is one."""
    from npm_auth_lint.analysis.registry_urls import is_local_registry

    if entry.scope and entry.scope.startswith("//"):
        return is_local_registry(entry.scope)
    return registry is not None and is_local_registry(registry)


class HardcodedNpmToken(Rule):
    __doc__ = __doc__
    id = "hardcoded-npm-token"
    severity = Severity.ERROR
    tags = ("secrets", "credentials")
    # One finding per line: a token reached as an npmrc entry, an env value and plain text alike.
    repeats = Repeats.SAME_LINE
    security_severity = 9.1

    def check(self, ctx: Context) -> Iterator[Finding]:
        # In this order: where a line is reached twice, the first finding is the one kept.
        yield from self._npmrc_entries(ctx)
        yield from self._ci_env_values(ctx)
        yield from self._publish_credentials(ctx)
        yield from self._npmrc_writes(ctx)
        yield from self._plain_text(ctx)

    def _npmrc_entries(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.credential_sources import is_literal_credential

        for npmrc in ctx.project.npmrcs:
            secret_keys = YARNRC_YML_SECRET_KEYS if npmrc.kind is NpmrcKind.YARNRC_YML else NPMRC_SECRET_KEYS
            registry = next((e.value for e in npmrc.entries if e.key in ("registry", "npmRegistryServer") and not e.scope), None)
            for entry in npmrc.entries:
                if _for_local_registry(entry, registry):
                    continue  # a token for a local test registry (Verdaccio) is test data
                if entry.key in secret_keys and is_literal_credential(entry.value):
                    message, short, advice = _npmrc_message(entry, npmrc.kind)
                    yield self.finding(entry.value_location, message, secrets=(entry.value,), title=short, help=advice)

    def _ci_env_values(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.credential_sources import is_credential_name, is_literal_credential, looks_like_token

        # A job that publishes only to a local test registry (Verdaccio) holds test data.
        local_only = {id(j.job) for j in ctx.facts.jobs if j.local_publishes and not j.publishes}
        for _pipeline, job in ctx.project.jobs():
            if id(job) in local_only:
                continue
            for env in (*job.env, *(e for step in job.steps for e in step.env)):
                if env.source.kind is not ValueSourceKind.LITERAL:
                    continue
                if (is_credential_name(env.name) and is_literal_credential(env.value)) or looks_like_token(env.value):
                    yield self.finding(
                        env.location,
                        f"{env.name} is set to a literal credential in the CI configuration; revoke it on "
                        f"npmjs.com and pass it from the CI provider's secret store instead",
                        secrets=(env.value,),
                        title=title(f"{env.name} is set to a literal credential in the CI configuration", "literal credential in the CI configuration"),
                        help=_FROM_SECRET_STORE,
                    )

    def _publish_credentials(self, ctx: Context) -> Iterator[Finding]:
        """A literal token given to a publish as an action input or on its command line."""
        from npm_auth_lint.analysis.facts import CredentialChannel
        from npm_auth_lint.credential_sources import is_literal_credential

        for publish in ctx.facts.publishes:
            credential = publish.credential
            if credential is None or credential.source.kind is not ValueSourceKind.LITERAL:
                continue
            value = next((text.value for text in publish.step.inputs.values() if text.location == credential.location), None)
            if value is not None and is_literal_credential(value):
                yield self.finding(
                    credential.location,
                    f"`{publish.display}` gets a literal credential as an input in the CI configuration; revoke it on "
                    "npmjs.com and pass it from the CI provider's secret store instead (or publish with trusted publishing)",
                    secrets=(value,),
                    title=title(f"`{publish.display}` gets a literal credential as an input in the CI configuration", "literal credential given to a publish"),
                    help=f"{_FROM_SECRET_STORE} (or publish with trusted publishing)",
                )
            elif value is None and credential.channel is CredentialChannel.CLI_FLAG:
                # `npm publish --//registry.npmjs.org/:_authToken=<literal>`: a token on the command line.
                yield self.finding(
                    credential.location,
                    f"`{publish.display}` passes a literal credential on the command line ({credential.via}); revoke it "
                    "on npmjs.com and pass it from the CI provider's secret store instead (or publish with trusted publishing)",
                    title=title(f"`{publish.display}` passes a literal credential on the command line ({credential.via})", "literal credential on the publish command line"),
                    help=f"{_FROM_SECRET_STORE} (or publish with trusted publishing)",
                )

    def _npmrc_writes(self, ctx: Context) -> Iterator[Finding]:
        for job_facts in ctx.facts.jobs:
            for write in job_facts.npmrc_writes:
                credential = write.credential
                if credential is not None and credential.source.kind is ValueSourceKind.LITERAL:
                    yield self.finding(
                        write.location,
                        f"`{write.display}` writes a literal credential into {write.target}; revoke it on npmjs.com and "
                        "pass it from the CI provider's secret store instead",
                        title=title(f"`{write.display}` writes a literal credential into {write.target}", "literal credential written into an npmrc"),
                        help=_FROM_SECRET_STORE,
                    )

    def _plain_text(self, ctx: Context) -> Iterator[Finding]:
        """An npm token anywhere in a file the tool read (a rule that scans text by nature)."""
        from npm_auth_lint.model import Location
        from npm_auth_lint.redact import NPM_TOKEN

        for path, text in sorted(ctx.project.files.items()):
            if "npm_" not in text:
                continue  # the common case: skip the regex over every line
            for match in NPM_TOKEN.finditer(text):
                start = match.start()
                line_start = text.rfind("\n", 0, start) + 1
                location = Location(path, text.count("\n", 0, start) + 1, start - line_start + 1)
                yield self.finding(
                    location,
                    "npm access token committed in plain text; revoke it on npmjs.com and keep "
                    "credentials in the CI provider's secret store",
                    secrets=(match.group(0),),
                    title="npm access token committed in plain text",
                    help="revoke it on npmjs.com and keep credentials in the CI provider's secret store",
                )
