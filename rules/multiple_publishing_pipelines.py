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

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
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

        for publish, names, count, first in _shared(ctx.facts.publishes):
            where = f"{first.pipeline.entry_file} (job `{first.job.id}`"
            if first.pipeline.entry_file == publish.pipeline.entry_file:
                where += f", environment `{_pipeline_key(first)[1] or 'none'}`"
            what = f"package `{names}`" if count == 1 else f"packages `{names}` and {count - 1} more"
            here, there = _apart(publish, first)
            verb = "is" if count == 1 else "are"
            advice = "publish from a single workflow (add triggers instead of copies)"
            yield self.finding(
                here,
                f"{what} {verb} also published by {where}); npm accepts one trusted "
                f"publisher per package, so all but one pipeline will fail under OIDC: {advice}",
                related=[Related(there, f"first publish of `{names}`")],
                title=f"{what} {verb} published by more than one pipeline",
                help=advice,
            )


@dataclass
class _Group:
    """The publishes that share one tuple of packages (every workspace publish of a monorepo
    shares the analysis's tuple): its names are gone through once, not once per publish."""

    names: tuple[str, ...]  # the packages' names, once each
    publishes: list[tuple[int, PublishFact]] = field(default_factory=list)  # with their place in the facts


def _groups(publishes: Sequence[PublishFact]) -> list[_Group]:
    groups: dict[int, _Group] = {}
    for index, publish in enumerate(publishes):
        if not publish.is_npmjs:
            continue
        group = groups.get(id(publish.packages))
        if group is None:
            names = tuple(dict.fromkeys(p.name.value for p in publish.packages if p.name is not None))
            group = groups[id(publish.packages)] = _Group(names)
        group.publishes.append((index, publish))
    return [g for g in groups.values() if g.names]


def _shared(publishes: Sequence[PublishFact]) -> list[tuple[PublishFact, str, int, PublishFact]]:
    """Each publish step that publishes a package an earlier pipeline publishes first: the first
    such package by name, how many it shares, and the first publish of that package; in order of
    the step (then that name, then the facts' order).

    The first publish of a package is the first by :func:`_order` (then by the facts' order);
    a step shares the packages whose first publish is in another pipeline. Cost: the publishes
    plus the names of each distinct tuple of packages, not the publishes times their packages."""
    groups = _groups(publishes)
    first: dict[str, tuple[tuple[bytes, int, int], int, PublishFact]] = {}
    for group in groups:
        best = min((_order(p), i, p) for i, p in group.publishes)
        for name in group.names:
            known = first.get(name)
            if known is None or best[:2] < known[:2]:
                first[name] = best
    found: list[tuple[tuple[bytes, int, int], str, int, PublishFact, int]] = []
    for group in groups:
        # Per pipeline key: how many of the names have their first publish there, and the least
        # of those names; a step shares every name whose first publish has another key.
        counts: dict[tuple[str, str], int] = {}
        least: dict[tuple[str, str], str] = {}
        for name in group.names:
            key = _pipeline_key(first[name][2])
            counts[key] = counts.get(key, 0) + 1
            if key not in least or name < least[key]:
                least[key] = name
        ordered = sorted((name, key) for key, name in least.items())
        for index, publish in group.publishes:
            key = _pipeline_key(publish)
            count = len(group.names) - counts.get(key, 0)
            if count:
                name = next(n for n, k in ordered if k != key)
                found.append((_order(publish), name, index, publish, count))
    found.sort(key=lambda item: item[:3])
    return [(publish, name, count, first[name][2]) for _, name, _, publish, count in found]


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
