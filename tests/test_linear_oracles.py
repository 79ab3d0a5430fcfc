"""Issue #14: the linear algorithms of the strategy and of two rules against the quadratic ones
they replaced, kept here as oracles, on random repositories (pipelines that share packages,
jobs of one workflow with one environment, workspace and single-package publishes, provenance).

The replaced code went through every package of every publish (a workspace publish names every
package of the monorepo); the new code goes through each distinct tuple of packages once. Their
outputs must be the same, finding for finding and field for field.
"""

from __future__ import annotations

import gc
import json
import posixpath
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from npm_auth_lint.rules.multiple_publishing_pipelines import MultiplePublishingPipelines, _apart, _order, _pipeline_key
from npm_auth_lint.rules.provenance_repository_mismatch import ProvenanceRepositoryMismatch, _automatic
from npm_auth_lint.rules.provenance_repository_mismatch import title as provenance_title

from npm_auth_lint.analysis import Analysis, Unknown, UnknownKind, memo
from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.analysis.jobs import _JobWalker
from npm_auth_lint.config import Config
from npm_auth_lint.engine import _once, lint, with_hops
from npm_auth_lint.model import Finding, Location, NpmrcEntry, NpmrcFile, NpmrcKind, PackageJson, Project, Related, Text
from npm_auth_lint.rule import Context
from npm_auth_lint.strategy import build
from npm_auth_lint.strategy.build import _Group, _unique, placeholder_for
from npm_auth_lint.strategy.choice import Candidate, Choice, candidate, choose, how_to_consolidate
from npm_auth_lint.strategy.model import PATH_ORDER, Consolidation, PipelineStrategy, PublishingPath
from npm_auth_lint.strategy.settings import allowed_actions
from npm_auth_lint.strategy.settings import settings as trusted_settings

# ------------------------------------------------------------------------------------------
# The replaced code (oracles)


def old_groups(analysis: Analysis) -> list[_Group]:
    by_key: dict[tuple[str, str], list[PublishFact]] = {}
    for publish in sorted((*analysis.publishes, *analysis.remote_publishes), key=lambda p: p.location):
        by_key.setdefault((publish.pipeline.entry_file, publish.job.id), []).append(publish)
    groups = []
    for key, publishes in by_key.items():
        judged = tuple(build.judge(analysis, p) for p in publishes)
        path = min((j.path for j in judged), key=PATH_ORDER.index)
        names = _unique([pkg.name.value for p in publishes for pkg in p.packages if pkg.name is not None])
        unnamed = _unique([placeholder_for(p) for p in publishes if not p.package_known])
        groups.append(_Group(key, tuple(publishes), judged, path, names, unnamed))
    return groups


def old_choices(groups: list[_Group]) -> dict[str, Choice]:
    by_package: dict[str, list[Candidate]] = {}
    for group in groups:
        if not group.gets_settings:
            continue
        this = candidate(group.key, group.npmjs[0])
        for name in (*group.names, *_unique([placeholder_for(p) for p in group.npmjs if not p.package_known])):
            by_package.setdefault(name, []).append(this)
    made: dict[tuple[int, ...], Choice] = {}
    choices = {}
    for name, candidates in by_package.items():
        key = tuple(map(id, candidates))
        choice = made.get(key)
        if choice is None:
            choice = made[key] = choose(candidates)
        choices[name] = choice
    return choices


def old_consolidations(group: _Group, handed: list[str], choices: dict[str, Choice]) -> tuple[Consolidation, ...]:
    by_kept: dict[tuple[str, str], list[str]] = {}
    for name in handed:
        by_kept.setdefault(choices[name].kept.key, []).append(name)
    this = candidate(group.key, group.npmjs[0]) if handed else None
    out = []
    for key, names in by_kept.items():
        choice = choices[names[0]]
        how = how_to_consolidate(this, choice.kept)  # type: ignore[arg-type]
        out.append(Consolidation(tuple(names), key[0], key[1], choice.why, f"{how} (npm keeps the trusted publisher of {', '.join(names)} for `{key[0]}` job `{key[1]}`)"))
    return tuple(out)


def old_pipeline(analysis: Analysis, group: _Group, choices: dict[str, Choice], by_binding: dict) -> PipelineStrategy:
    first = group.publishes[0]
    actions = allowed_actions(group.npmjs) if group.gets_settings else ()
    binding = candidate(group.key, group.npmjs[0]).binding if group.gets_settings else None
    configured = (*group.names, *_unique([placeholder_for(p) for p in group.npmjs if not p.package_known])) if group.gets_settings else ()
    kept = [n for n in configured if choices[n].kept.binding == binding]
    handed = [n for n in configured if n not in set(kept)]
    trusted: tuple = ()
    middle: list[str] = []
    if group.gets_settings and (kept or not configured):
        names = tuple(kept) or (build.PLACEHOLDER_PACKAGE,)
        why = "; ".join(_unique([choices[n].why for n in kept if choices[n].why]))
        shared = by_binding[binding]
        trusted = (trusted_settings(group.npmjs[0], names, analysis.project.remote, shared, why),)
        verb = "Make sure the trusted publisher on npmjs.com matches" if first.credential is None else "Add the trusted publisher on npmjs.com"
        middle.append(f"{verb} (settings below, allowed actions: {', '.join(shared)})")
    consolidate = old_consolidations(group, handed, choices)
    middle += [c.how for c in consolidate]
    before = [s for j in group.judged for s in j.before]
    after = [s for j in group.judged for s in j.after] if trusted else [s for j in group.judged for s in j.after if not j.settings]
    after = sorted((build._name_packages(step, kept) for step in after), key=lambda step: not step.startswith("Remove "))
    unknowns = build._distinct([u for j in group.judged for u in j.unknowns])
    checklist, linked = build._numbered(before, middle, after, unknowns)
    path = group.path
    relies_on_oidc = path is not PublishingPath.UNVERIFIED or all(p.credential is None for p in group.npmjs)
    if handed and path in build._SAYS_OIDC_WORKS and relies_on_oidc:
        path = PublishingPath.TRUSTED_BROKEN
    return PipelineStrategy(
        file=group.key[0], job=group.key[1], provider=first.provider.value, packages=(*group.names, *group.unnamed),
        path=path.value, path_title=path.title,
        publish="; ".join(_unique([p.display for p in group.publishes])),
        location=", ".join(_unique([f"{p.location.path}:{p.location.line}" for p in group.publishes])),
        blockers=_unique([b for j in group.judged for b in j.blockers]),
        checklist=checklist, trusted_publishers=trusted, unknowns=linked, allowed_actions=actions, consolidate=consolidate,
    )


def old_strategy(analysis: Analysis) -> list[PipelineStrategy]:
    groups = old_groups(analysis)
    choices = old_choices(groups)
    by_binding = build._actions_by_binding(groups)
    return [old_pipeline(analysis, group, choices, by_binding) for group in groups]


def old_multiple_pipelines(ctx: Context) -> Iterator[Finding]:
    rule = MultiplePublishingPipelines()
    by_package: dict[str, list[PublishFact]] = defaultdict(list)
    for publish in ctx.facts.publishes:
        if not publish.is_npmjs:
            continue
        for package in publish.packages:
            if package.name is not None:
                by_package[package.name.value].append(publish)
    shared: dict[int, tuple[PublishFact, dict[str, PublishFact]]] = {}
    keys = {id(p): _pipeline_key(p) for publishes in by_package.values() for p in publishes}
    for name, publishes in sorted(by_package.items()):
        ordered = sorted(publishes, key=_order)
        first = ordered[0]
        for publish in ordered[1:]:
            if keys[id(publish)] != keys[id(first)]:
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
        yield rule.finding(
            here,
            f"{what} {verb} also published by {where}); npm accepts one trusted "
            f"publisher per package, so all but one pipeline will fail under OIDC: {advice}",
            related=[Related(there, f"first publish of `{names[0]}`")],
            title=f"{what} {verb} published by more than one pipeline",
            help=advice,
        )


def old_provenance(ctx: Context) -> Iterator[Finding]:
    from npm_auth_lint.rules.provenance_repository_mismatch import _remote_slug

    rule = ProvenanceRepositoryMismatch()
    expected = _remote_slug(ctx.project.remote) if ctx.project.remote else None
    problems: dict[str, str | None] = {}
    for publish in ctx.facts.publishes:
        if not publish.is_npmjs or publish.provenance is False:
            continue
        explicit = publish.provenance is True
        if not explicit and not _automatic(publish):
            continue
        for package in publish.packages:
            if package.private:
                continue
            if package.path not in problems:
                problems[package.path] = rule._problem(package, expected)
            problem = problems[package.path]
            if problem is None:
                continue
            how = f"explicitly ({publish.provenance_via})" if explicit else "automatically (trusted publishing on a public repository)"
            advice = f"set it to \"git+https://{expected[0]}/{expected[1]}.git\"" if expected else ""
            yield rule.finding(
                rule._where(package),
                f"{problem}; `{publish.display}` publishes it with provenance {how} and npm rejects it with E422 "
                "\"Failed to validate repository information\"" + (f": {advice}" if advice else ""),
                title=provenance_title(problem, "package.json `repository` does not match where provenance is signed"),
                help=advice or "add the repository the pipeline runs in as `repository` in package.json",
                severity=rule.severity if explicit else type(rule.severity).WARNING,
                related=[Related(publish.location, "the publish with provenance")],
                subject=(package.path,),
            )


# ------------------------------------------------------------------------------------------
# Random repositories

PUBLISHES = ("all", "one", "workspace", "two", "here", "none")


@st.composite
def repositories(draw: st.DrawFn) -> dict[str, str]:
    count = draw(st.integers(1, 5))
    files: dict[str, str] = {"package.json": json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]})}
    for index in range(count):
        package: dict[str, object] = {"name": f"@s/p{index}", "version": "1.0.0"}
        repository = draw(st.sampled_from(["github:acme/bench", "github:other/x", None]))
        if repository:
            package["repository"] = repository
        if draw(st.booleans()) and index:
            package["private"] = draw(st.booleans())
        files[f"packages/p{index}/package.json"] = json.dumps(package)
    for workflow in range(draw(st.integers(1, 5))):
        folder = ".github/workflows" if workflow or not draw(st.booleans()) else "examples/.github/workflows"
        trigger = draw(st.sampled_from(["release:\n    types: [published]", "push:\n    branches: [main]"]))
        jobs = [_job(draw, job, count) for job in range(draw(st.integers(1, 3)))]
        files[f"{folder}/wf{workflow}.yml"] = f"on:\n  {trigger}\njobs:\n" + "".join(jobs)
    # A local action that publishes, used by several jobs: their publishes share its lines.
    # (In the folder the caller names: publishes of one line, of different packages.)
    action = "".join(f"    - run: {line}\n      shell: bash\n      working-directory: ${{{{ inputs.dir }}}}\n" for line in _publish_lines(draw, count))
    files[".github/actions/publish/action.yml"] = f"inputs:\n  dir:\n    default: .\nruns:\n  using: composite\n  steps:\n{action}"
    if draw(st.booleans()):
        step = _publish_lines(draw, count)
        files[".gitlab-ci.yml"] = (
            "publish:\n  image: node:24\n  id_tokens:\n    NPM_ID_TOKEN:\n      aud: npm:registry.npmjs.org\n  script:\n"
            + "".join(f"    - {line}\n" for line in step)
        )
    return files


def _publish_lines(draw: st.DrawFn, count: int) -> list[str]:
    kind = draw(st.sampled_from(PUBLISHES))
    provenance = " --provenance" if draw(st.booleans()) else ""
    one = draw(st.integers(0, count - 1))
    if kind == "all":
        return [f"pnpm -r publish{provenance}"]
    if kind == "one":
        return [f"cd packages/p{one} && npm publish{provenance}"]
    if kind == "workspace":
        return [f"npm publish -w @s/p{one}{provenance}"]
    if kind == "here":  # the package of the job's working directory
        return [f"npm publish{provenance}"]
    if kind == "two":
        return [f"npm publish -w @s/p{one}", f"npm publish -w @s/p{draw(st.integers(0, count - 1))}{provenance}"]
    return ["npm test"]


def _job(draw: st.DrawFn, index: int, count: int) -> str:
    environment = draw(st.sampled_from([None, "prod", "staging"]))
    oidc = draw(st.booleans())
    lines = [f"  j{index}:\n    runs-on: ubuntu-latest\n"]
    if environment:
        lines.append(f"    environment: {environment}\n")
    if draw(st.booleans()):
        lines.append(f"    defaults:\n      run:\n        working-directory: packages/p{draw(st.integers(0, count - 1))}\n")
    if oidc:
        lines.append("    permissions:\n      id-token: write\n")
    lines.append("    steps:\n      - uses: actions/setup-node@v6\n        with:\n          node-version: 24\n")
    if draw(st.booleans()):
        lines.append(f"      - uses: ./.github/actions/publish\n        with:\n          dir: packages/p{draw(st.integers(0, count - 1))}\n")
    for line in _publish_lines(draw, count):
        lines.append(f"      - run: {line}\n")
        if not oidc:
            lines.append("        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n")
    return "".join(lines)


def _shown(findings: list[Finding]) -> list[tuple[object, ...]]:
    return [(f.location, f.message, f.related, f.title, f.help, f.severity, f.subject) for f in findings]


def _one_action_line() -> dict[str, str]:
    """Four workflows whose publishes are one line of a local action, in alternating folders:
    findings at one place, ordered by the package they name first, then by the facts' order."""
    files = {"package.json": json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]})}
    for index in range(2):
        files[f"packages/p{index}/package.json"] = json.dumps({"name": f"@s/p{index}", "version": "1.0.0"})
    files[".github/actions/publish/action.yml"] = (
        "inputs:\n  dir:\n    default: .\nruns:\n  using: composite\n  steps:\n"
        "    - run: npm publish\n      shell: bash\n      working-directory: ${{ inputs.dir }}\n"
    )
    for workflow in range(4):
        files[f".github/workflows/wf{workflow}.yml"] = (
            "on:\n  release:\n    types: [published]\njobs:\n  j0:\n    runs-on: ubuntu-latest\n    steps:\n"
            f"      - uses: ./.github/actions/publish\n        with:\n          dir: packages/p{(workflow + 1) % 2}\n"
        )
    return files


def _workflows(*jobs: tuple[str, str]) -> dict[str, str]:
    """Two workspace packages (the first without `repository`) and a workflow per (trigger,
    steps) of ``jobs``."""
    files = {
        "package.json": json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"]}),
        "packages/p0/package.json": json.dumps({"name": "@s/p0", "version": "1.0.0"}),
        "packages/p1/package.json": json.dumps({"name": "@s/p1", "version": "1.0.0", "repository": "github:acme/bench"}),
        ".github/actions/publish/action.yml": "runs:\n  using: composite\n  steps:\n    - run: pnpm -r publish\n      shell: bash\n",
    }
    for index, (trigger, steps) in enumerate(jobs):
        files[f".github/workflows/wf{index}.yml"] = (
            f"on:\n  {trigger}:\n    branches: [main]\njobs:\n  j0:\n    runs-on: ubuntu-latest\n"
            f"    permissions:\n      id-token: write\n    steps:\n{steps}"
        )
    return files


_ACTION = "      - uses: ./.github/actions/publish\n"
_TOKEN = "      - run: pnpm -r publish\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(repositories())
@example(_one_action_line())
# Three pipelines whose first publish is one line: the one on a push is not kept, and the first
# of the others in the order of the groups is (the candidates of a name keep that order).
@example(_workflows(("push", _ACTION), ("release", _ACTION + "      - run: npm publish -w @s/p0\n"), ("release", _ACTION)))
# A token publish of the workspace, then one with provenance: the second is judged.
@example(_workflows(("push", _TOKEN), ("push", "      - run: pnpm -r publish\n")))
def test_linear_strategy_and_rules_match_the_replaced_code(files: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".git").mkdir()
        (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/bench.git\n')
        for rel, text in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(text)
        result = lint([root], Config())
        (analysis,) = result.analyses
        ctx = Context(analysis.project, analysis)
        assert build.strategy(analysis) == old_strategy(analysis)
        new = list(MultiplePublishingPipelines().check(ctx))
        assert _shown(new) == _shown(list(old_multiple_pipelines(ctx)))
        repeats = ProvenanceRepositoryMismatch.repeats
        assert _shown(_once(ProvenanceRepositoryMismatch().check(ctx), repeats)) == _shown(_once(old_provenance(ctx), repeats))


# ------------------------------------------------------------------------------------------
# The job walker's renamed-package look-up, and the per-project indexes


def old_renamed_package(renamed: dict[str, Location], directory: str | None, packages: tuple[PackageJson, ...]) -> Unknown | None:
    for folder in (directory, *(p.directory for p in packages)):
        where = renamed.get(folder) if folder is not None else None
        if where is not None:
            path = posixpath.join(folder or "", "package.json")
            return Unknown(UnknownKind.PACKAGE, where, f"which package it publishes: a command gives {path} another name at run time")
    return None


FOLDERS = st.sampled_from(["", "a", "b", "packages/a", "packages/b", "packages/c", "dist"])


@settings(max_examples=300, deadline=None)
@given(
    st.dictionaries(FOLDERS, st.integers(1, 50), max_size=4),
    st.none() | FOLDERS,
    st.lists(st.lists(FOLDERS, max_size=8), min_size=1, max_size=3),
)
def test_renamed_package_matches_the_scan(renamed_lines: dict[str, int], directory: str | None, tuples: list[list[str]]) -> None:
    walker = _JobWalker.__new__(_JobWalker)  # only the state the look-up reads
    walker._renamed = {folder: Location("ci.yml", line, 1) for folder, line in renamed_lines.items()}
    walker._package_positions = {}
    shared = [tuple(PackageJson(posixpath.join(f, "package.json") if f else "package.json") for f in folders) for folders in tuples]
    for packages in (*shared, *shared):  # again: the second time from the index of the tuple
        assert walker._renamed_package(directory, packages) == old_renamed_package(walker._renamed, directory, packages)


def test_project_indexes_answer_as_the_scans_did_and_go_with_the_project() -> None:
    entry = NpmrcEntry("provenance", "true", Location("a/.npmrc", 2, 1), Location("a/.npmrc", 2, 12), "provenance")
    npmrcs = (
        NpmrcFile("b/.npmrc", NpmrcKind.NPMRC, (replace(entry, key="registry", raw_key="registry", location=Location("b/.npmrc", 1, 1)),)),
        NpmrcFile("a/.npmrc", NpmrcKind.NPMRC, (entry, replace(entry, value="false"))),
    )
    project = Project(root="/r", npmrcs=npmrcs, packages=(PackageJson("p/package.json", name=Text("x", Location("p/package.json", 1, 1))),))
    assert memo.first_provenance(project) == (npmrcs[1], entry)
    assert memo.package_named(project, "x") is project.packages[0] and memo.package_named(project, "y") is None
    assert id(project) in memo._INDEXES
    key = id(project)
    del project
    gc.collect()
    assert key not in memo._INDEXES


def old_with_hops(findings: list[Finding], facts: Any) -> list[Finding]:
    hops: dict[tuple[str, int], tuple[Related, ...]] = {}
    for job in facts.jobs:
        for line, chain in job.hops.items():
            known = hops.get(line, ())
            hops[line] = (*known, *(r for r in chain if r not in known))
    if not hops:
        return list(findings)
    out = []
    for finding in findings:
        chain = hops.get((finding.location.path, finding.location.line), ())
        extra = tuple(r for r in chain if r not in finding.related)
        out.append(replace(finding, related=(*finding.related, *extra)) if extra else finding)
    return out


WAYS = st.builds(Related, st.builds(Location, st.sampled_from(["ci.yml", "b.yml"]), st.integers(1, 4), st.just(1)), st.sampled_from(["runs", "script"]))
LINES = st.tuples(st.sampled_from(["s.sh", "t.sh"]), st.integers(1, 3))


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.dictionaries(LINES, st.lists(WAYS, max_size=4).map(tuple), max_size=3), max_size=4),
    st.lists(st.tuples(LINES, st.lists(WAYS, max_size=3).map(tuple)), max_size=6),
)
def test_with_hops_matches_the_scan(jobs: list[dict], placed: list[tuple[tuple[str, int], tuple[Related, ...]]]) -> None:
    facts = SimpleNamespace(jobs=[SimpleNamespace(hops=hops) for hops in jobs])
    findings = [MultiplePublishingPipelines().finding(Location(path, line, 1), "m", related=related) for (path, line), related in placed]
    expected = [(f.location, f.related) for f in old_with_hops(findings, facts)]
    assert [(f.location, f.related) for f in with_hops(findings, facts)] == expected
