"""Something that may change the result cannot be followed locally.

## What it does
Reports, as a note, each use of something outside the repository's files that may change what a
pipeline does: a remote GitLab `include:`, a reusable GitHub workflow in another repository, a
CircleCI orb command, job or executor whose source does not ship with npm-auth-lint, an unknown
`extends:` parent; a command assembled at run time that may publish (`$CMD`, `eval "$RELEASE"`,
`pnpm exec ${{ env.TOOL }}`); and a publish, release or deploy script that cannot be followed: a
repository script that is missing, unreadable, outside the repository or named at run time, a
command a JavaScript release script builds at run time, a Makefile target that cannot be found.
One note per use, at its first line (for a command, the line that runs it); in a followed script,
not for a binary run through a path variable (`${esbuildPath} ${args}`). The `orbs:`
declaration itself is not reported, and well-known actions such as `actions/checkout` are not
references to follow.

## Why is this bad?
It is not wrong in itself; it tells you where the analysis stops. A publish step, an npm upgrade
or a token inside that external configuration is invisible to the tool, so a clean result does
not cover it.

## Example
```yaml
include:
  - remote: https://example.com/ci/npm-release.yml
```

## Use instead
Nothing needs to change. To have the external part checked too, vendor it into the repository
(a local include or a local reusable workflow), write the command out (one step per command a
matrix would choose), or suppress the note once you have reviewed it.

## References
- GitLab CI/CD `include`: https://docs.gitlab.com/ci/yaml/#include
- GitHub, reusing workflows: https://docs.github.com/actions/sharing-automations/reusing-workflows
- CircleCI orbs: https://circleci.com/docs/orb-intro/
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING

from npm_auth_lint.rules._wording import title

from npm_auth_lint import lazy_regex
from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis.facts import JobFacts, UnfollowedCommand
    from npm_auth_lint.model import Finding, Location


def _everyday_run_time_command(hops: Mapping[tuple[str, int], object], location: Location, what: str) -> bool:
    """A command assembled at run time inside a followed repository script that names nothing
    of publishing (see the rule's check)."""
    inside_script = (location.path, location.line) in hops
    return inside_script and "assembled at run time" in what and not _PUBLISHING_WORDS.search(what)


# A program held in a variable: `$CMD`, `${esbuildPath}`, `"$BIOME_BIN"`.
_VARIABLE_PROGRAM = lazy_regex.compile(r"^[\"']?\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?[\"']?$")
# A variable name that says it holds the path of a binary: `esbuildPath`, `BIOME_BIN`, `tscExe`.
_BINARY_PATH = lazy_regex.compile(r"(?:path|bin|exe|binary)$", re.IGNORECASE)
_PUBLISH_VERB = lazy_regex.compile(r"\bpublish\b", re.IGNORECASE)
# CircleCI contexts whose name says they hold a registry credential.
_CREDENTIAL_CONTEXT = lazy_regex.compile(r"npm|registry|publish|release|deploy|token", re.IGNORECASE)


def _holds_publish_credential(job: JobFacts) -> bool:
    """Whether the job publishes or may hold something a publish authenticates with: a publish,
    an npmrc write or login, a credential the analysis found, an OIDC ID token wired up, a secret
    or CI variable in its environment, or a CircleCI context named for a registry credential."""
    from npm_auth_lint.model import ValueSourceKind  # loaded by the analysis already (`rules` stays light)

    model = job.job
    if job.publishes or job.local_publishes or job.npmrc_writes or job.logins or job.job_level_credentials:
        return True
    if model.id_token is not None and model.id_token.granted:
        return True
    env = (*model.env, *(var for step in model.steps for var in step.env))
    if any(var.source.kind in (ValueSourceKind.SECRET, ValueSourceKind.VARIABLE) for var in env):
        return True
    return any(_CREDENTIAL_CONTEXT.search(name) for name in model.contexts)


def _cannot_publish_here(job: JobFacts, command: UnfollowedCommand) -> bool:
    """Spec, "Publish step": what cannot be followed is noted when it "may publish". Inside a
    followed repository script (in the CI file every one is noted) these cannot:

    - a binary whose path a variable holds, named for a tool that is no publisher
      (`${esbuildPath} ${args}`, `$BIOME_BIN lint`), with no `publish` in the command, in any job;
    - in a job that neither publishes nor holds a publish credential, any program held in a
      variable named for nothing of publishing (`$RUNNER test`), and a script of another
      repository run in its folder (`cd ../../website && ./releaseDev.sh`): nothing here gives
      it a credential to publish this repository's packages with."""
    if (command.location.path, command.location.line) not in job.hops:
        return False
    variable = _VARIABLE_PROGRAM.match(command.program)
    named_for_publishing = variable is None or _PUBLISHING_WORDS.search(variable.group(1)) is not None
    if not named_for_publishing and _BINARY_PATH.search(variable.group(1)) and not _PUBLISH_VERB.search(command.what):
        return True
    if _holds_publish_credential(job):
        return False
    return command.elsewhere or not named_for_publishing


_SUPPRESS = "`# npm-auth-lint: ignore[unresolved-reference]`"
_PUBLISHING_WORDS = lazy_regex.compile(r"publish|release|deploy|\bnpm\b|\bpnpm\b|\byarn\b|lerna|changeset|semantic", re.IGNORECASE)


class UnresolvedReference(Rule):
    __doc__ = __doc__
    id = "unresolved-reference"
    severity = Severity.NOTE
    tags = ("coverage",)
    security_severity = 1.0

    def check(self, ctx: Context) -> Iterator[Finding]:
        for reference in ctx.project.references:
            yield self.finding(
                reference.location,
                f"{reference.what}: npm-auth-lint cannot follow it locally, so what it does is not checked",
                title=title(reference.what, "a reference npm-auth-lint cannot follow"),
                help=f"check by hand whether it publishes to npm, then suppress this note ({_SUPPRESS})",
            )
        seen: set[tuple[Location, str]] = set()
        for job in ctx.facts.jobs:
            for command in job.unfollowed:
                if (command.location, command.what) in seen:
                    continue  # one job file reached from two pipelines
                if _everyday_run_time_command(job.hops, command.location, command.what):
                    # Inside a followed repository script, a build or test helper run through a
                    # variable (`${esbuildPath} ${args}`) is everyday shell: only a command that
                    # names publishing (`$PUBLISH_CMD`, `eval "$RELEASE"`) is worth a note. In the CI
                    # file itself every run-time command is noted.
                    continue
                if _cannot_publish_here(job, command):
                    continue
                seen.add((command.location, command.what))
                yield self.finding(
                    command.location,
                    f"{command.what} and may publish: npm-auth-lint cannot follow it, so what it runs is not checked",
                    title=title(f"{command.what} and may publish", "a command npm-auth-lint cannot follow may publish"),
                    help=f"check by hand what it runs, then suppress this note ({_SUPPRESS}), or write the command out",
                )
