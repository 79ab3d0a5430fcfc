"""Something that may change the result cannot be followed locally.

## What it does
Reports, as a note, each use of configuration that lives outside the repository and may change
what a pipeline does: a remote GitLab `include:` (`remote:`, `project:`, `template:`,
`component:`), a reusable GitHub workflow in another repository, a CircleCI orb command, job or
executor whose source does not ship with npm-auth-lint, an unknown `extends:` parent. One note per
use, at its first line. Also what a job runs that may publish but cannot be followed into: a
repository script that is missing or cannot be read, a script outside the repository or whose path
is built at run time (when its command mentions publish/release/deploy), a command a JavaScript
release script assembles at run time, a Makefile target or sub-make that cannot be found; at the
line that runs it. The `orbs:` declaration itself is not reported, and well-known actions such
as `actions/checkout` are not references to follow.

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
(a local include or a local reusable workflow), or suppress the note once you have reviewed it.

## References
- GitLab CI/CD `include`: https://docs.gitlab.com/ci/yaml/#include
- GitHub, reusing workflows: https://docs.github.com/actions/sharing-automations/reusing-workflows
- CircleCI orbs: https://circleci.com/docs/orb-intro/
"""

from __future__ import annotations

from collections.abc import Iterator

from npm_auth_lint.model import Finding, Severity
from npm_auth_lint.rule import Context, Rule


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
            )
        for job in ctx.facts.jobs:
            for unfollowed in job.unfollowed:
                yield self.finding(
                    unfollowed.location,
                    f"{unfollowed.what}: npm-auth-lint cannot follow it, so a publish in it is not checked",
                )
