"""The same package is published to npmjs by more than one pipeline.

## What it does
Finds packages that two or more publishing pipelines publish to npmjs. A pipeline is what npm's
trusted publisher binds to: the entry workflow file (GitLab: top-level CI file; CircleCI: the
config) together with the job's deployment environment — two jobs of one workflow with the same
environment are one publisher to npm, jobs with different environments are two. It reports every
publish step after the first, in order of repository-relative path (byte order) then line, with
the first as a related location; a publish inside a reusable workflow is reported at the calling
job, and a publish in a repository script that both pipelines run (`./scripts/publish.sh`) at the
CI line that runs it, since that is what tells two pipelines sharing it apart.

## Why is this bad?
npm accepts exactly one trusted publisher per package: one workflow file (or GitLab top-level CI
file, or CircleCI pipeline definition), optionally one environment. Under trusted publishing all
but one of the pipelines fail with `E404`/`ENEEDAUTH`; with tokens, two pipelines racing to
publish the same version fail with `E403 cannot publish over the previously published version`.

## Example
```yaml
# .github/workflows/release.yml        # .github/workflows/manual-publish.yml
- run: npm publish                     - run: npm publish
```

## Use instead
Publish each package from one workflow. Trigger it in several ways instead of copying it
(`on: [release, workflow_dispatch]`), or call one reusable workflow from a single entry
workflow — npm checks the *calling* workflow's filename.

## References
- npm, "Trusted publishing" ("Each package can only have one trusted publisher configured at a
  time"): https://docs.npmjs.com/trusted-publishers
- npm-facts.md §1.4, §1.5 (`shared/reference/npm-facts.md`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import TYPE_CHECKING

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.analysis.facts import PublishFact
    from npm_auth_lint.model import Finding, Location


def _pipeline_key(publish: PublishFact) -> tuple[str, str]:
    """What npm's trusted publisher binds to: the entry CI file and the deployment environment.

    Two jobs of one workflow with the same environment are one trusted publisher to npm.
    """
    environment = publish.job.environment.value if publish.job.environment is not None else ""
    return (publish.pipeline.entry_file, environment)


class MultiplePublishingPipelines(Rule):
    __doc__ = __doc__
    id = "multiple-publishing-pipelines"
    severity = Severity.WARNING
    tags = ("trusted-publishing",)
    security_severity = 3.0

    def check(self, ctx: Context) -> Iterator[Finding]:
        from npm_auth_lint.model import Related

        by_package: dict[str, list[PublishFact]] = defaultdict(list)
        for publish in ctx.facts.publishes:
            if not publish.is_npmjs:
                continue
            for package in publish.packages:
                if package.name is not None:
                    by_package[package.name.value].append(publish)
        # For each later publish step: the packages it shares with an earlier pipeline, and the
        # first publish of each (one finding per step, however many packages it shares).
        # (Facts hold read-only mappings and are not hashable: key them by identity.)
        shared: dict[int, tuple[PublishFact, dict[str, PublishFact]]] = {}
        keys = {id(p): _pipeline_key(p) for publishes in by_package.values() for p in publishes}
        for name, publishes in sorted(by_package.items()):
            ordered = sorted(publishes, key=_order)
            first = ordered[0]
            first_key = keys[id(first)]
            for publish in ordered[1:]:
                if keys[id(publish)] != first_key:
                    shared.setdefault(id(publish), (publish, {}))[1][name] = first
        for publish, packages in sorted(shared.values(), key=lambda item: _order(item[0])):
            names = sorted(packages)
            first = packages[names[0]]
            where = f"{first.pipeline.entry_file} (job `{first.job.id}`"
            if first.pipeline.entry_file == publish.pipeline.entry_file:
                where += f", environment `{_pipeline_key(first)[1] or 'none'}`"
            what = f"package `{names[0]}`" if len(names) == 1 else f"packages `{names[0]}` and {len(names) - 1} more"
            here, there = _apart(publish, first)
            verb = "is" if len(names) == 1 else "are"
            advice = "publish from a single workflow (add triggers instead of copies)"
            yield self.finding(
                here,
                f"{what} {verb} also published by {where}); npm accepts one trusted "
                f"publisher per package, so all but one pipeline will fail under OIDC: {advice}",
                related=[Related(there, f"first publish of `{names[0]}`")],
                title=f"{what} {verb} published by more than one pipeline",
                help=advice,
            )


def _where(publish: PublishFact) -> Location:
    """The publish step; for a reusable workflow shared by two callers, the calling job, since
    that is what tells the two pipelines apart."""
    return publish.job.caller or publish.location


def _apart(publish: PublishFact, first: PublishFact) -> tuple[Location, Location]:
    """Where the later and the first publish are reported: for one repository script that both
    pipelines run (the same line), the CI lines that run it, which tell them apart."""
    here, there = _where(publish), _where(first)
    if here == there and publish.hops:
        here, there = publish.hops[0].location, first.hops[0].location if first.hops else there
    return here, there


def _order(publish: PublishFact) -> tuple[bytes, int, int]:
    location = _where(publish)
    return (location.path.encode(), location.line, location.column)
