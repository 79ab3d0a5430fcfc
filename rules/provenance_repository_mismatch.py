"""A package published with provenance has a missing or wrong `repository` in package.json.

## What it does
For a package published with provenance — explicitly (`--provenance`,
`NPM_CONFIG_PROVENANCE=true`, `publishConfig.provenance: true`, `provenance=true` in `.npmrc`) or
automatically (trusted publishing from GitHub, or from GitLab with `SIGSTORE_ID_TOKEN`, for a
package that is not `private`, unless provenance is turned off) — it compares package.json's
`repository` (the string or `repository.url`) with the repository the pipeline runs in (the
origin remote in `.git/config`), case-sensitively. Without an origin only a missing `repository`
is reported. It is an error when provenance is explicit and a warning when it is only automatic
(the tool cannot see whether the repository and package are public).

It points at package.json's `repository` line, else its `name` line.

## Why is this bad?
npm's registry verifies the provenance statement against package.json and rejects the publish:
`E422 ... Failed to validate repository information: package.json: "repository.url" is "",
expected to match "https://github.com/<owner>/<repo>" from provenance`. A wrong owner case, an
old fork owner or a monorepo package without `repository` all fail the release.

## Example
```json
{ "name": "@acme/widget", "version": "1.0.0" }
```

## Use instead
```json
{
  "name": "@acme/widget",
  "version": "1.0.0",
  "repository": {
    "type": "git",
    "url": "git+https://github.com/acme/widgets.git",
    "directory": "packages/widget"
  }
}
```

## References
- npm, "Generating provenance statements": https://docs.npmjs.com/generating-provenance-statements
- npm, "Trusted publishing" (`repository.url` must match exactly): https://docs.npmjs.com/trusted-publishers
- npm-facts.md §2, §7 item 6 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint import lazy_regex
from npm_auth_lint.kinds import Provider, Severity
from npm_auth_lint.rule import Context, Repeats, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding, GitRemote, Location, PackageJson

_SHORTHAND = lazy_regex.compile(r"^(?:(github|gitlab|bitbucket):)?([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)$")
_URL = lazy_regex.compile(r"^(?:git\+)?(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?[/:](?P<path>.+?)(?:\.git)?/?$")
_HOSTS = {"github": "github.com", "gitlab": "gitlab.com", "bitbucket": "bitbucket.org", None: "github.com"}


def repository_slug(url: str) -> tuple[str, str] | None:
    """``git+https://github.com/Acme/Widget.git`` -> ("github.com", "Acme/Widget").

    Read the way npm's hosted-git-info reads it: a ``#fragment`` is a committish, and on GitHub
    ``/tree/<ref>/<path>`` after owner/repo points into the same repository.
    """
    text = url.strip().partition("#")[0]
    match = _SHORTHAND.match(text)
    if match:
        return _HOSTS[match.group(1)], f"{match.group(2)}/{match.group(3)}"
    match = _URL.match(text)
    if not match:
        return None
    host = match.group("host").lower()
    segments = [part for part in match.group("path").split("/") if part]
    if host == "github.com" and len(segments) > 2 and segments[2] == "tree":
        segments = [segments[0], segments[1].removesuffix(".git")]
    return host, "/".join(segments)


def _remote_slug(remote: GitRemote) -> tuple[str, str] | None:
    if remote.host and remote.owner and remote.repo:
        return remote.host, f"{remote.owner}/{remote.repo}"
    return None


def _automatic(publish: PublishFact) -> bool:
    """npm turns provenance on by itself: OIDC on GitHub, or on GitLab with SIGSTORE_ID_TOKEN."""
    token = publish.id_token
    if not publish.relies_on_oidc or token is None or not token.granted:
        return False
    return publish.provider is Provider.GITHUB or (publish.provider is Provider.GITLAB and token.sigstore)


class ProvenanceRepositoryMismatch(Rule):
    __doc__ = __doc__
    id = "provenance-repository-mismatch"
    severity = Severity.ERROR
    tags = ("provenance", "supply-chain")
    security_severity = 3.5
    # One finding per package.json, however many publishes ship it with provenance.
    repeats = Repeats.SAME_SUBJECT

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.model import Related

        expected = _remote_slug(ctx.project.remote) if ctx.project.remote else None
        problems: dict[str, str | None] = {}  # per package.json: judged once, however many publishes
        # The engine keeps the first finding of each package.json: a tuple of packages an earlier
        # publish went through (every workspace publish shares one) has nothing more to say.
        seen: dict[int, tuple[PackageJson, ...]] = {}
        for publish in ctx.facts.publishes:
            if not publish.is_npmjs or publish.provenance is False or id(publish.packages) in seen:
                continue
            explicit = publish.provenance is True
            if not explicit and not _automatic(publish):
                continue
            seen[id(publish.packages)] = publish.packages  # (kept: the id stays this tuple's)
            for package in publish.packages:
                if package.private or package.path in problems:
                    continue  # judged, and reported if at all, at an earlier publish
                problem = problems[package.path] = self._problem(package, expected)
                if problem is None:
                    continue
                how = f"explicitly ({publish.provenance_via})" if explicit else "automatically (trusted publishing on a public repository)"
                advice = f"set it to \"git+https://{expected[0]}/{expected[1]}.git\"" if expected else ""
                yield self.finding(
                    self._where(package),
                    f"{problem}; `{publish.display}` publishes it with provenance {how} and npm rejects it with E422 "
                    "\"Failed to validate repository information\""
                    + (f": {advice}" if advice else ""),
                    title=title(problem, "package.json `repository` does not match where provenance is signed"),
                    help=advice or "add the repository the pipeline runs in as `repository` in package.json",
                    severity=Severity.ERROR if explicit else Severity.WARNING,
                    related=[Related(publish.location, "the publish with provenance")],
                    subject=(package.path,),
                )

    @staticmethod
    def _where(package: PackageJson) -> Location:
        from npm_auth_lint.model import Location

        if package.repository is not None:
            return package.repository.location
        if package.name is not None:
            return package.name.location
        return Location(package.path, 1, 1)

    @staticmethod
    def _problem(package: PackageJson, expected: tuple[str, str] | None) -> str | None:
        name = package.name.value if package.name else package.path
        if package.repository is None or not package.repository.value.strip():
            return f"package `{name}` has no `repository` in {package.path}"
        if expected is None:
            return None
        found = repository_slug(package.repository.value)
        if found is None:
            return f"the `repository` of `{name}` (\"{package.repository.value}\") is not a repository URL npm can match"
        if found[0] != expected[0] or found[1] != expected[1]:
            return (
                f"the `repository` of `{name}` points at {found[0]}/{found[1]}, but the pipeline runs in "
                f"{expected[0]}/{expected[1]} (npm compares case-sensitively)"
            )
        return None
