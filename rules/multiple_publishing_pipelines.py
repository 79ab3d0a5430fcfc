"""The same package is published to npmjs by more than one pipeline.

## What it does
Finds packages that two or more publishing pipelines publish to npmjs. A pipeline is what npm's
trusted publisher binds to: the entry workflow file (GitLab: top-level CI file; CircleCI: the
config) together with the job's deployment environment — two jobs of one workflow with the same
environment are one publisher to npm, jobs with different environments are two. It reports every
publish step after the first, in order of repository-relative path (byte order) then line, with
the first as a related location.

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

from npm_auth_lint.analysis import analyze
from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.model import Finding, Project, Related, Severity
from npm_auth_lint.rule import Rule


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

    def check(self, project: Project) -> Iterator[Finding]:
        by_package: dict[str, list[PublishFact]] = defaultdict(list)
        for publish in analyze(project).publishes:
            if not publish.is_npmjs:
                continue
            for package in publish.packages:
                if package.name is not None:
                    by_package[package.name.value].append(publish)
        reported: set[tuple[str, int, str]] = set()
        for name, publishes in sorted(by_package.items()):
            ordered = sorted(publishes, key=lambda p: (p.location.path.encode(), p.location.line, p.location.column))
            first = ordered[0]
            pipelines = {_pipeline_key(p) for p in ordered}
            if len(pipelines) < 2:
                continue
            for publish in ordered[1:]:
                if _pipeline_key(publish) == _pipeline_key(first):
                    continue
                key = (publish.location.path, publish.location.line, name)
                if key in reported:
                    continue
                reported.add(key)
                others = len(pipelines) - 1
                where = f"{first.pipeline.path} (job `{first.job.id}`"
                if first.pipeline.path == publish.pipeline.path:
                    where += f", environment `{_pipeline_key(first)[1] or 'none'}`"
                yield self.finding(
                    publish.location,
                    f"package `{name}` is also published by {where})"
                    + (f" and {others - 1} more pipeline(s)" if others > 1 else "")
                    + "; npm accepts one trusted publisher per package, so all but one pipeline will fail under OIDC: "
                    "publish it from a single workflow (add triggers instead of copies)",
                    related=[Related(first.location, f"first publish of `{name}`")],
                )
