"""An npmrc-like file uses legacy or unscoped authentication settings.

## What it does
Reports settings in `.npmrc`, `.yarnrc` and `.yarnrc.yml` — and in npmrc files that CI scripts
write — that belong to npm's legacy authentication:

- `_auth` (base64 `user:password`), and `username` with `_password` (basic auth);
- `email`, only ever used by the removed legacy login flow;
- `always-auth`, obsolete since npm 7 (npm >= 11.2 warns about it; `actions/setup-node` removed its
  `always-auth` input in v6.1.0);
- `auth-type=legacy`;
- a credential key that is not scoped to a registry (`_authToken=...` instead of
  `//registry.npmjs.org/:_authToken=...`);
- in `.yarnrc.yml`: `npmAlwaysAuth` and `npmAuthIdent` (Yarn's own top-level `npmAuthToken` is
  not legacy);
- `actions/setup-node`'s `always-auth: true` input, which writes `always-auth=true`.

The finding points at the key's line.

## Why is this bad?
npm revoked every classic token on 2025-12-09 and only accepts granular access tokens or trusted
publishing. Basic-auth credentials are rejected by `npm trust` and by the token endpoints, and
an unscoped credential is sent to *every* registry the project talks to, including mirrors and
third-party registries. Obsolete keys such as `always-auth` make npm print warnings (and fail
under `strict-npmrc` in npm 12) while hiding which setting really authenticates.

## Example
```ini
# .npmrc
always-auth=true
_authToken=${NPM_TOKEN}
email=ci@example.com
```

## Use instead
```ini
# .npmrc
//registry.npmjs.org/:_authToken=${NPM_TOKEN}
```
Better still, publish with trusted publishing (OIDC) and keep only a read-only token for
installing private packages.

## References
- npm config, "auth-related configuration" (credentials must be scoped to a registry):
  https://docs.npmjs.com/cli/v11/configuring-npm/npmrc#auth-related-configuration
- npm 7 changelog, removal of `always-auth`: https://docs.npmjs.com/cli/v7/using-npm/changelog
- Yarn settings (`npmAlwaysAuth`, `npmAuthIdent`, `npmAuthToken`):
  https://yarnpkg.com/configuration/yarnrc
- npm-facts.md §3.4, §8 item 12 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import NpmrcKind, Severity
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding, Fix, NpmrcEntry, NpmrcFile

# Keys that must be nerf-darted (`//host/:key`) per npm's config docs.
SCOPED_ONLY = frozenset({"_authToken", "_auth", "_password", "username", "certfile", "keyfile", "email"})


def _is_registry_scope(scope: str | None) -> bool:
    return bool(scope) and scope.startswith("//")


def _local_test_npmrc(npmrc: NpmrcFile) -> bool:
    """An npmrc whose `registry=` is a local test registry (Verdaccio on localhost): its
    credentials are test data (spec: "Publish credential")."""
    from npm_auth_lint.analysis.registry_urls import is_local_registry

    registry = next((e.value for e in npmrc.entries if e.key == "registry" and not e.scope), None)
    return registry is not None and is_local_registry(registry)


@frozen_dataclass
class _Problem:
    """One legacy setting: the message (the problem, then the advice), a short title, the advice."""

    entry: NpmrcEntry
    problem: str
    title: str
    advice: str

    @property
    def message(self) -> str:
        return f"{self.problem}; {self.advice}"


_TOKEN_LINE = "`//registry.npmjs.org/:_authToken=${NPM_TOKEN}`"


def _npmrc_messages(npmrc: NpmrcFile) -> Iterator[_Problem]:
    if _local_test_npmrc(npmrc):
        return
    basic_scopes = {e.scope for e in npmrc.entries if e.key == "username"} & {
        e.scope for e in npmrc.entries if e.key == "_password"
    }
    for entry in npmrc.entries:
        key, scoped = entry.key, _is_registry_scope(entry.scope)
        suffix = "" if scoped or key not in SCOPED_ONLY else "; it is also not scoped to a registry"
        if key == "_auth":
            yield _Problem(
                entry, f"`{entry.raw_key}` is legacy basic auth (base64 user:password){suffix}", "legacy basic auth (`_auth`) in an npmrc",
                f"use a granular access token as {_TOKEN_LINE}, or trusted publishing",
            )
        elif key in ("username", "_password") and entry.scope in basic_scopes:
            yield _Problem(
                entry, f"`{entry.raw_key}` is part of legacy username/password auth{suffix}", "legacy username/password auth in an npmrc",
                f"replace it with a granular access token ({_TOKEN_LINE}) or trusted publishing",
            )
        elif key == "email":
            yield _Problem(entry, f"`{entry.raw_key}` only served npm's removed legacy login", "obsolete `email` setting", "delete it")
        elif key == "always-auth":
            yield _Problem(
                entry, f"`{entry.raw_key}` is obsolete since npm 7 and ignored (npm >= 11.2 warns about it)", "obsolete `always-auth` setting",
                "delete it and scope the token to its registry instead",
            )
        elif key == "auth-type" and entry.value.strip().lower() == "legacy":
            yield _Problem(entry, "`auth-type=legacy` selects npm's legacy login flow", "legacy login flow selected", "delete it (npm uses web login)")
        elif key in SCOPED_ONLY and not scoped:
            yield _Problem(
                entry, f"`{entry.raw_key}` is not scoped to a registry, so npm would send it to every registry", f"`{key}` not scoped to a registry",
                f"write it as `//registry.npmjs.org/:{key}=${{NPM_TOKEN}}` (with the registry it is for)",
            )


def _yarnrc_yml_messages(npmrc: NpmrcFile) -> Iterator[_Problem]:
    for entry in npmrc.entries:
        if entry.key == "npmAlwaysAuth":
            yield _Problem(
                entry, "`npmAlwaysAuth` sends credentials with every request, also to registries that do not need them",
                "`npmAlwaysAuth` sends credentials to every registry", "delete it and set `npmAuthToken` only where authentication is needed",
            )
        elif entry.key == "npmAuthIdent":
            yield _Problem(
                entry, "`npmAuthIdent` is legacy username:password auth", "legacy username:password auth in .yarnrc.yml",
                'use `npmAuthToken` with a granular access token (`npmAuthToken: "${NPM_TOKEN}"`), or trusted publishing',
            )


def _deletable(npmrc: NpmrcFile, entry: NpmrcEntry) -> bool:
    """Settings whose fix is to delete them (obsolete, or only for npm's removed legacy login)."""
    if npmrc.kind is NpmrcKind.YARNRC_YML:
        return entry.key == "npmAlwaysAuth" and entry.scope is None
    legacy_login = entry.key == "auth-type" and entry.value.strip().lower() == "legacy"
    return npmrc.kind is NpmrcKind.NPMRC and (entry.key in ("always-auth", "email") or legacy_login)


def _fix(ctx: Context, npmrc: NpmrcFile, entry: NpmrcEntry) -> Fix | None:
    from npm_auth_lint.fixes import offers

    if npmrc.written_by is None:
        return offers.always_auth(ctx.project.files, entry.location, entry.raw_key)
    return offers.always_auth_write(ctx.project.files, npmrc.written_by) if entry.key == "always-auth" else None


class LegacyNpmrcAuth(Rule):
    __doc__ = __doc__
    id = "legacy-npmrc-auth"
    severity = Severity.WARNING
    tags = ("credentials", "configuration")
    security_severity = 5.3

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.fixes import offers
        from npm_auth_lint.model import NpmrcFile

        jobs = ctx.facts.jobs
        written = [
            NpmrcFile(path=write.location.path, kind=write.kind, entries=write.entries, written_by=write.location)
            for job in jobs
            for write in job.npmrc_writes
        ]
        for job in jobs:
            for setup in job.node_setups:
                flag = setup.always_auth
                if flag is None or flag.value.strip().lower() != "true":
                    continue
                yield self.finding(
                    flag.location,
                    "setup-node's `always-auth` input writes the obsolete `always-auth=true` into the npmrc (npm ignores it "
                    "since npm 7, and setup-node removed the input in v6.1.0); delete it",
                    title="obsolete setup-node input `always-auth`",
                    help="delete it",
                    fix=offers.always_auth(ctx.project.files, flag.location, "always-auth"),
                )
        for npmrc in (*ctx.project.npmrcs, *written):
            messages = _yarnrc_yml_messages(npmrc) if npmrc.kind is NpmrcKind.YARNRC_YML else _npmrc_messages(npmrc)
            for problem in messages:
                entry, message = problem.entry, problem.message
                if npmrc.written_by is not None:
                    message = f"this command writes an npmrc setting: {message}"
                # A committed file's `always-auth` line goes; one a CI command writes is left to the user.
                removable = npmrc.written_by is None and _deletable(npmrc, entry)
                yield self.finding(
                    entry.location,
                    message,
                    secrets=(entry.value,) if entry.key in ("_auth", "_password", "npmAuthIdent") else (),
                    fix=_fix(ctx, npmrc, entry) if removable or npmrc.written_by is not None else None,
                    title=title(problem.problem, problem.title),
                    help=problem.advice,
                )
