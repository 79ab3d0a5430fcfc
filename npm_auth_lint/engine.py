"""Run the rules over a repository and decide what is reported.

``lint(targets, config)`` discovers and parses files into a :class:`Project`, runs every enabled
rule, turns unparseable files into ``parse-error`` findings, then applies policy in one place:
configured levels, per-rule and global ignore globs, and inline suppressions. Reporters get a
final, sorted list.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis import Analysis, analyze
from npm_auth_lint.analysis.packages import read_parse_errors
from npm_auth_lint.analysis.scripts import discover
from npm_auth_lint.config import Config
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Edit, Finding, Fix, Location, NodeVersionFile, ParseError, Pipeline, Project, Reference, Related, included_files
from npm_auth_lint.parsers import AUX_PARSERS, PARSERS, Parsed, version_files
from npm_auth_lint.parsers.git_config import read_origin
from npm_auth_lint.parsers.repo_scripts import FileKind, load_script
from npm_auth_lint.plugins import all_rules
from npm_auth_lint.rule import Context, Repeats, Rule
from npm_auth_lint.workspace import FileReadError, Workspace, classify, find_root, matches_glob, split_lines

if TYPE_CHECKING:  # names the script parsers' types, which load only when a script is read
    from npm_auth_lint.parsers.repo_scripts import RepoScript

PARSE_ERROR = "parse-error"
UNUSED_SUPPRESSION = "unused-suppression"
# Rules whose findings the engine itself produces.
ENGINE_RULES = frozenset({PARSE_ERROR, UNUSED_SUPPRESSION})

# `# npm-auth-lint: ignore[rule-a,rule-b] optional reason` (`;` starts comments in npmrc files).
SUPPRESSION = lazy_regex.compile(r"(?:#|;|//)\s*npm-auth-lint:\s*ignore\[(?P<ids>[^\]]*)\](?P<reason>[^\n]*)")


@frozen_dataclass
class Suppression:
    """An `# npm-auth-lint: ignore[...]` comment: where it is, the rules it names, and why."""

    location: Location
    rule_ids: tuple[str, ...]
    reason: str


@frozen_dataclass
class LintResult:
    """Everything one run produced: the findings, the rules that ran, the projects and their facts."""

    findings: tuple[Finding, ...]
    rules: tuple[type[Rule], ...]  # the enabled rules
    root: Path
    files_scanned: int
    projects: tuple[Project, ...]
    analyses: tuple[Analysis, ...]  # the facts of each project, in the order of ``projects``
    internal_errors: tuple[str, ...] = ()
    suppressions: tuple[Suppression, ...] = ()
    unlintable: tuple[str, ...] = ()  # files named on the command line that the tool does not read
    fixed: bool = False  # --fix/--diff: a fix changed a file (this is the lint of the fixed files)


ProgressCallback = Callable[[str, int, int], None]


def build_project(workspace: Workspace, files: Sequence[str], progress: ProgressCallback | None = None) -> Project:
    """Parse every file into one :class:`Project`; unreadable files become parse errors."""
    parts: list[Parsed] = []
    parsed_from: list[str] = []
    for done, rel in enumerate(files):
        if progress is not None:
            progress("parsing", done, len(files))
        kind = classify(rel)
        if kind is None:
            continue
        try:
            parts.append(PARSERS[kind](workspace, rel))
        except FileReadError as exc:
            parts.append(Parsed(parse_errors=(ParseError(Location(rel, exc.line, exc.column), exc.message),)))
        parsed_from.append(rel)
    # Files that matter only when something refers to them; one that cannot be read is absent.
    aux = {rel: text for rel in workspace.aux_files() if (text := workspace.try_read(rel)) is not None}
    aux_parts = [AUX_PARSERS[PurePosixPath(rel).name](workspace, rel) for rel in aux]
    pipelines = tuple(p for part in parts for p in part.pipelines)
    project = Project(
        root=str(workspace.root),
        pipelines=pipelines,
        npmrcs=tuple(n for part in parts for n in part.npmrcs),
        packages=tuple(p for part in parts for p in part.packages),
        references=_references(parts, parsed_from),
        parse_errors=_unique_errors([*(e for part in parts for e in part.parse_errors), *_walk_problems(workspace)]),
        workspace_patterns=tuple(w for part in parts for w in part.workspace_patterns),
        remote=read_origin(workspace.root),
        files={**aux, **workspace.texts},
        version_files=_version_files(workspace, pipelines, [v for part in (*parts, *aux_parts) for v in part.version_files]),
        release_configs=tuple(c for part in (*parts, *aux_parts) for c in part.release_configs),
    )
    return _with_scripts(workspace, project)


def _with_scripts(workspace: Workspace, project: Project) -> Project:
    """The project with the repository files its CI runs (scripts, Makefiles, JS/TS scripts)
    read and parsed: which ones depends on the parsed CI, so they are read in a second pass."""
    scripts: dict[str, RepoScript] = {}
    errors: dict[str, str] = {}

    def load(rel: str, kind: FileKind) -> RepoScript | None:
        if rel in scripts or rel in errors:
            return scripts.get(rel)
        script, error = load_script(workspace, rel, kind)
        if script is None:
            errors[rel] = error or "cannot be read"
        else:
            scripts[rel] = script
        return script

    discover(project, load)
    if not scripts and not errors:
        return project
    files = {**project.files, **{rel: text for rel in scripts if (text := workspace.try_read(rel)) is not None}}
    return dataclasses.replace(project, scripts=scripts, script_errors=errors, files=files)


def _version_files(workspace: Workspace, pipelines: Sequence[Pipeline], parsed: list[NodeVersionFile]) -> tuple[NodeVersionFile, ...]:
    """The parsed version files, and setup-node's reading of any other file read that a step's
    `node-version-file` (or a `volta.extends`) names: setup-node reads whatever file it is given."""
    texts = workspace.texts
    found: dict[str, NodeVersionFile] = {}
    for version_file in parsed:
        found.setdefault(version_file.path, version_file)
    pending = version_files.named_paths(pipelines, parsed)
    while pending:
        rel = pending.pop()
        if rel in found or rel not in texts:
            continue  # a file never read is not in the repository as scanned
        found[rel] = version_files.parse(rel, texts[rel])
        pending.extend(version_files.named_paths((), (found[rel],)))
    return tuple(found.values())


def _walk_problems(workspace: Workspace) -> list[ParseError]:
    # Links out of the root, special files, unreadable folders, invalid .gitignore patterns.
    return [ParseError(Location(p.path, p.line, p.column), p.message) for p in workspace.problems.values()]


def _references(parts: Sequence[Parsed], parsed_from: Sequence[str]) -> tuple[Reference, ...]:
    """Every part's references, once each, leaving out those of a GitLab file that another
    pipeline includes: parsed on its own it lacks what its includer defines (an `extends:`
    target, for one), and the includer already reports what the file refers to."""
    included = included_files(p for part in parts for p in part.pipelines)
    seen: dict[tuple[Location, str], Reference] = {}
    for part, rel in zip(parts, parsed_from):
        if rel in included:
            continue
        for reference in part.references:
            seen.setdefault((reference.location, reference.what), reference)
    return tuple(seen.values())


def _unique_errors(errors: Iterable[ParseError]) -> tuple[ParseError, ...]:
    # A file included by two pipelines is parsed twice; report its error once.
    seen: dict[str, ParseError] = {}
    for error in errors:
        seen.setdefault(error.location.path, error)
    return tuple(sorted(seen.values(), key=lambda e: e.location))


def run_rules(ctx: Context, rules: Iterable[type[Rule]]) -> tuple[list[Finding], list[str]]:
    """Every finding of every rule over one analysed project, each reported once; a rule that
    crashes is reported, not fatal."""
    from npm_auth_lint.fixes.yaml_edits import shared_sources  # loaded with the rules' fix offers

    findings: list[Finding] = []
    errors: list[str] = []
    with shared_sources():  # each file's lines are indexed once for every fix offered on it
        for rule_class in rules:
            if rule_class.id in ENGINE_RULES:
                continue
            try:
                found = list(rule_class().check(ctx))
            except Exception as exc:  # a bug in one rule must not lose the rest of the run
                import logging  # only here: importing it costs a lint's start-up a few ms

                logging.getLogger(__name__).debug("rule %s crashed", rule_class.id, exc_info=True)
                errors.append(f"internal error in rule {rule_class.id}: {type(exc).__name__}: {exc}")
                continue
            findings.extend(_once(found, rule_class.repeats))
    return findings, errors


def with_hops(findings: Iterable[Finding], facts: Analysis) -> list[Finding]:
    """Findings at a line of a repository script, with the way CI reaches that line (the CI
    line that runs the script, and each hop between) as related locations, in every format."""
    # A script several jobs run: the way from each, once. A set beside each line's list: a
    # script run by every workflow has as many ways to it, and a scan per way was quadratic.
    hops: dict[tuple[str, int], tuple[list[Related], set[Related]]] = {}
    for job in facts.jobs:
        for line, chain in job.hops.items():
            known, seen = hops.setdefault(line, ([], set()))
            new = [r for r in chain if r not in seen]
            known.extend(new)
            seen.update(new)
    if not hops:
        return list(findings)
    out = []
    for finding in findings:
        ways = hops.get((finding.location.path, finding.location.line))
        if ways is None:
            out.append(finding)
            continue
        if any(r in ways[1] for r in finding.related):
            present = set(finding.related)
            extra = tuple(r for r in ways[0] if r not in present)
        else:  # the common case: every way is new to the finding, taken whole
            extra = tuple(ways[0])
        out.append(dataclasses.replace(finding, related=(*finding.related, *extra)) if extra else finding)
    return out


def _once(findings: Iterable[Finding], repeats: Repeats) -> list[Finding]:
    """One rule's findings without repeats (see :class:`~npm_auth_lint.rule.Repeats`), the first
    one kept: a line reached through two jobs is reported once."""
    kept: dict[tuple[object, ...], Finding] = {}
    for finding in findings:
        where = finding.location
        if repeats is Repeats.SAME_LINE:
            key: tuple[object, ...] = (where.path, where.line)
        elif repeats is Repeats.SAME_LOCATION:
            key = (where,)
        elif repeats is Repeats.SAME_SUBJECT:
            key = finding.subject or (where, finding.message)
        else:
            key = (where, finding.message)
        kept.setdefault(key, finding)
    return list(kept.values())


def parse_error_findings(project: Project, rule: type[Rule]) -> list[Finding]:
    """After the analysis and the rules: only the files the tool read (a package.json that is no
    package of the repository, such as a test fixture, is not read)."""
    return [rule().finding(error.location, error.message) for error in read_parse_errors(project)]


def find_suppressions(path: str, text: str) -> list[Suppression]:
    found = []
    for lineno, line in enumerate(split_lines(text), start=1):
        for match in SUPPRESSION.finditer(line):
            ids = tuple(i.strip() for i in match.group("ids").split(",") if i.strip())
            found.append(Suppression(Location(path, lineno, match.start() + 1), ids, match.group("reason").strip()))
    return found


def apply_policy(
    findings: Iterable[Finding], project: Project, config: Config
) -> tuple[list[Finding], list[Suppression], set[tuple[str, int, str]]]:
    """Levels, ignore globs and inline suppressions; returns kept findings and suppression use."""
    broken_files = {e.location.path for e in project.parse_errors}
    suppressions: dict[tuple[str, int], list[Suppression]] = defaultdict(list)
    all_suppressions: list[Suppression] = []
    for path, text in project.files.items():
        if "npm-auth-lint" not in text:
            continue  # no suppression comment: the file need not be read line by line
        for suppression in find_suppressions(path, text):
            suppressions[(path, suppression.location.line)].append(suppression)
            all_suppressions.append(suppression)
    used: set[tuple[str, int, str]] = set()
    kept: list[Finding] = []
    for finding in findings:
        path = finding.location.path
        if finding.rule_id != PARSE_ERROR and path in broken_files:
            continue  # a file that cannot be parsed yields no other finding
        if matches_glob(path, config.ignore):
            continue
        rule_config = config.rule(finding.rule_id)
        if matches_glob(path, rule_config.ignore):
            continue
        matched = [s for s in suppressions.get((path, finding.location.line), ()) if finding.rule_id in s.rule_ids]
        if matched:
            used.update((path, s.location.line, finding.rule_id) for s in matched)
            continue
        if rule_config.level is not None:
            finding = dataclasses.replace(finding, severity=rule_config.level)
        kept.append(finding)
    return kept, all_suppressions, used


def unused_suppression_findings(
    suppressions: Iterable[Suppression],
    used: set[tuple[str, int, str]],
    project: Project,
    config: Config,
    rule: type[Rule],
    known: set[str],
) -> list[Finding]:
    """Suppressions that matched nothing, or that name a rule that does not exist."""
    broken = {e.location.path for e in project.parse_errors}
    out = []
    for suppression in suppressions:
        path = suppression.location.path
        if path in broken or matches_glob(path, config.ignore) or matches_glob(path, config.rule(rule.id).ignore):
            continue
        for rule_id in suppression.rule_ids:
            if rule_id not in known:
                out.append(rule().finding(suppression.location, f'the suppression names an unknown rule "{rule_id}" (see `npm-auth-lint rules`)'))
            elif config.is_enabled(rule_id) and (path, suppression.location.line, rule_id) not in used:
                out.append(rule().finding(suppression.location, f"the suppression of `{rule_id}` matches no finding on this line; remove it"))
    return out


def group_by_root(targets: Sequence[Path]) -> dict[Path, list[Path]]:
    groups: dict[Path, list[Path]] = {}
    for target in targets:
        groups.setdefault(find_root(target), []).append(target)
    return groups


def lint(
    targets: Sequence[Path], config: Config, progress: ProgressCallback | None = None, overlay: dict[str, str] | None = None
) -> LintResult:
    """Lint ``targets`` (files or folders) with ``config``; ``progress(phase, done, total)`` is
    called as files are parsed and rules run, for a progress indicator. ``overlay`` gives the
    text of files (repository paths) to read instead of what is on disk (fixed, not written)."""
    rules = tuple(r for r in all_rules() if config.is_enabled(r.id))
    by_id = {r.id: r for r in all_rules()}
    parse_rule = by_id.get(PARSE_ERROR)
    unused_rule = by_id.get(UNUSED_SUPPRESSION)
    findings: list[Finding] = []
    projects: list[Project] = []
    analyses: list[Analysis] = []
    internal: list[str] = []
    suppressions: list[Suppression] = []
    unlintable: list[str] = []
    files_scanned = 0
    groups = group_by_root(targets)
    for root, group in groups.items():
        workspace = Workspace(root)
        workspace.override(overlay or {})
        files = [rel for rel in workspace.discover(group) if not matches_glob(rel, config.exclude)]
        files_scanned += len(files)
        unlintable.extend(workspace.unlintable)
        project = build_project(workspace, files, progress)
        projects.append(project)
        if progress is not None:
            progress("checking", len(files), len(files))
        facts = analyze(project)  # once per project: every rule reads the same facts
        analyses.append(facts)
        raw, errors = run_rules(Context(project, facts), rules)
        raw = with_hops(raw, facts)
        internal.extend(errors)
        if parse_rule is not None and config.is_enabled(PARSE_ERROR):
            raw.extend(parse_error_findings(project, parse_rule))
        kept, found, used_here = apply_policy(raw, project, config)
        findings.extend(kept)
        if unused_rule is not None and config.is_enabled(UNUSED_SUPPRESSION):
            findings.extend(unused_suppression_findings(found, used_here, project, config, unused_rule, set(by_id)))
        suppressions.extend(found)
    root = next(iter(groups), Path.cwd())
    return LintResult(
        findings=tuple(sorted(findings)),
        rules=rules,
        root=root,
        files_scanned=files_scanned,
        projects=tuple(projects),
        analyses=tuple(analyses),
        internal_errors=tuple(internal),
        suppressions=tuple(suppressions),
        unlintable=tuple(unlintable),
    )



@frozen_dataclass
class FixOutcome:
    """What ``--fix``/``--diff`` did: the files' texts before and after, how many fixes were
    applied, and the lint of the fixed texts (what is left)."""

    before: dict[str, str]
    after: dict[str, str]
    applied: int
    result: LintResult


MAX_FIX_ROUNDS = 5


def lint_and_fix(targets: Sequence[Path], config: Config, *, unsafe: bool = False, progress: ProgressCallback | None = None) -> FixOutcome:
    """Lint, apply the offered fixes (safe ones, and unsafe ones when ``unsafe``), and lint the
    fixed text again until no fix applies (at most :data:`MAX_FIX_ROUNDS` rounds): a fix can
    enable another (the ID token granted, a token becomes a removable fallback). Nothing is
    written; the caller writes ``after`` (``--fix``) or prints the difference (``--diff``)."""
    from npm_auth_lint.fixes import apply_fixes
    from npm_auth_lint.model import Applicability

    allowed = {Applicability.SAFE, Applicability.UNSAFE} if unsafe else {Applicability.SAFE}
    current: dict[str, str] = {}
    before: dict[str, str] = {}
    applied = 0
    # A fix offered again after it was applied did not resolve its finding: applying it again
    # would insert the same lines twice, so a fix applies once per rule, place (the finding's
    # line, followed through the edits) and edit text.
    tried: set[tuple[object, ...]] = set()
    result = lint(targets, config, progress)
    for _ in range(MAX_FIX_ROUNDS):
        texts = {path: text for project in result.projects for path, text in project.files.items()}
        offered = [(f, f.fix) for f in result.findings if f.fix is not None and f.fix.applicability in allowed]
        done = apply_fixes(texts, [fix for f, fix in offered if _fix_key(f, fix, f.location.line) not in tried])
        if not done.texts:
            break
        edits = [edit for fix in done.fixes for edit in fix.edits]
        tried.update(_fix_key(f, fix, _moved_line(texts, edits, f.location)) for f, fix in offered if fix in done.fixes)
        for path in done.texts:
            before.setdefault(path, texts[path])
        current.update(done.texts)
        applied += len(done.fixes)
        result = lint(targets, config, progress, overlay=current)
    after = {path: text for path, text in current.items() if text != before[path]}
    return FixOutcome({path: before[path] for path in after}, after, applied, result)


def _fix_key(finding: Finding, fix: Fix, line: int) -> tuple[object, ...]:
    return (finding.rule_id, finding.location.path, line, fix.description, tuple((e.path, e.replacement) for e in fix.edits))


def _moved_line(texts: dict[str, str], edits: Sequence[Edit], location: Location) -> int:
    """Where ``location``'s line is once ``edits`` are applied (lines inserted or deleted above)."""
    text = texts.get(location.path, "")
    offset = sum(len(line) + 1 for line in text.split("\n")[: location.line - 1])
    delta = sum(
        edit.replacement.count("\n") - text.count("\n", edit.start, edit.end)
        for edit in edits
        if edit.path == location.path and edit.end <= offset and edit.start < offset
    )
    return location.line + delta
