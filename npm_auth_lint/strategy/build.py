"""Assemble the strategy report: judge each publishing pipeline, give each package one
configuration, number the checklist and link each unknown to the step that resolves it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from functools import cached_property
from itertools import chain
from typing import Any

from npm_auth_lint.analysis import Analysis
from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import PackageJson
from npm_auth_lint.strategy.checklist import Judgement, judge
from npm_auth_lint.strategy.choice import Binding, Candidate, Choice, candidate, choose, how_to_consolidate
from npm_auth_lint.strategy.model import MAX_COMMANDS, PATH_ORDER, Consolidation, PipelineStrategy, PublishingPath, Unknown, UnknownKind
from npm_auth_lint.strategy.settings import allowed_actions, settings
from npm_auth_lint.strategy.unknowns import publishes_several

PLACEHOLDER_PACKAGE = "<package>"
_SAYS_OIDC_WORKS = frozenset({PublishingPath.TRUSTED_WORKING, PublishingPath.TRUSTED_WITH_FALLBACK, PublishingPath.UNVERIFIED})


def _unique(items: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


def placeholder_for(publish: PublishFact) -> str:
    """The placeholder of a package the tool cannot name: where it is published (a job may
    publish several such packages, and npm needs one configuration for each)."""
    each = "each package" if publishes_several(publish) else "package"
    # Where the package became unknown: a package script's `cd dist` is one place, whichever
    # workflow runs the script, so its pipelines share one placeholder (one configuration).
    scripted = [u.location for u in publish.unknowns if u.kind.value == UnknownKind.PACKAGE.value and u.location.path.endswith("package.json")]
    where = scripted[0] if scripted else publish.location
    return f"<{each} at {where.path.rpartition('/')[2]}:{where.line}>"


@frozen_dataclass
class _Group:
    """The publishes of one job of one entry file, judged, with the packages they publish."""

    key: tuple[str, str]  # (entry file, job id)
    publishes: tuple[PublishFact, ...]
    judged: tuple[Judgement, ...]
    path: PublishingPath
    names: tuple[str, ...]
    unnamed: tuple[str, ...] = ()  # placeholders of the packages whose name is unknown

    # Cached: asked for again per package, and a workspace publish names thousands of them.
    @cached_property
    def gets_settings(self) -> bool:
        return any(j.settings for j in self.judged) and self.path is not PublishingPath.TOKEN_NOT_VIABLE

    @cached_property
    def candidate(self) -> Candidate:
        """This pipeline as a keeper of packages (from its first publish to npmjs)."""
        return candidate(self.key, self.npmjs[0])

    @cached_property
    def npmjs(self) -> list[PublishFact]:
        return [p for p, j in zip(self.publishes, self.judged) if j.settings]

    @cached_property
    def configured(self) -> tuple[str, ...]:
        """The packages that need a trusted publisher: the named ones and a placeholder per
        publish to npmjs whose package is unknown (one script line reached from two workflows
        is one placeholder: the same packages, so one configuration)."""
        unnamed = _unique([placeholder_for(p) for p in self.npmjs if not p.package_known])
        # The names themselves when nothing is added: pipelines that publish the same packages
        # then share one tuple, whose per-name look-ups (:class:`_Kept`) are made once.
        return (*self.names, *unnamed) if unnamed else self.names


class _Names:
    """The package names of each tuple of packages, once each and in order, made once per tuple:
    every workspace publish of a monorepo shares the analysis's tuple (thousands of packages)."""

    def __init__(self) -> None:
        self._made: dict[int, tuple[tuple[PackageJson, ...], tuple[str, ...]]] = {}

    def of(self, packages: tuple[PackageJson, ...]) -> tuple[str, ...]:
        slot = self._made.get(id(packages))
        if slot is None or slot[0] is not packages:
            slot = self._made[id(packages)] = (packages, _unique([p.name.value for p in packages if p.name is not None]))
        return slot[1]

    def of_all(self, publishes: Sequence[PublishFact]) -> tuple[str, ...]:
        if len(publishes) == 1:
            return self.of(publishes[0].packages)
        return _unique(list(chain.from_iterable(self.of(p.packages) for p in publishes)))


def _groups(analysis: Analysis) -> list[_Group]:
    by_key: dict[tuple[str, str], list[PublishFact]] = {}
    for publish in sorted((*analysis.publishes, *analysis.remote_publishes), key=lambda p: p.location):
        by_key.setdefault((publish.pipeline.entry_file, publish.job.id), []).append(publish)
    groups = []
    known = _Names()
    for key, publishes in by_key.items():
        judged = tuple(judge(analysis, p) for p in publishes)
        path = min((j.path for j in judged), key=PATH_ORDER.index)
        names = known.of_all(publishes)
        unnamed = _unique([placeholder_for(p) for p in publishes if not p.package_known])
        groups.append(_Group(key, tuple(publishes), judged, path, names, unnamed))
    return groups


def _choices(groups: list[_Group]) -> dict[str, Choice]:
    """For each package name: the pipeline that keeps its one trusted publisher, chosen among the
    pipelines that configure the name, in the groups' order.

    Pipelines that configure one tuple of names (workspace publishes) are gone through once per
    tuple, and names configured by the same pipelines get one choice, made once."""
    tuples: dict[int, tuple[tuple[str, ...], list[tuple[int, Candidate]]]] = {}
    for position, group in enumerate(groups):
        if not group.gets_settings:
            continue
        # One candidate per pipeline, shared by its packages (a workspace publish names thousands).
        this = group.candidate
        tuples.setdefault(id(group.configured), (group.configured, []))[1].append((position, this))
    holders: dict[str, list[int]] = {}  # name -> the tuples that hold it
    for key, (names, _) in tuples.items():
        for name in names:
            holders.setdefault(name, []).append(key)
    made: dict[tuple[int, ...], Choice] = {}
    choices = {}
    for name, keys in holders.items():
        signature = tuple(keys)
        choice = made.get(signature)
        if choice is None:
            merged = sorted((c for key in keys for c in tuples[key][1]), key=lambda item: item[0])
            choice = made[signature] = choose([c for _, c in merged])
        choices[name] = choice
    return choices


class _Kept:
    """Which pipeline keeps each name (:func:`_choices`), answered per tuple of names: the names
    of a tuple are sorted by the pipeline that keeps them once, and each pipeline that configures
    the tuple (every workspace publish of a monorepo) takes or hands over whole parts of it."""

    def __init__(self, choices: dict[str, Choice]) -> None:
        self.choices = choices
        # Equal bindings as one object, so that bindings are compared by identity.
        self._canonical: dict[Binding, Binding] = {}
        self._binding: dict[tuple[str, str], Binding] = {}  # keeper's key -> its binding
        for choice in {id(c): c for c in choices.values()}.values():
            kept = choice.kept
            self._binding.setdefault(kept.key, self._canonical.setdefault(kept.binding, kept.binding))
        self._parts: dict[int, tuple[tuple[str, ...], dict[tuple[str, str], list[str]]]] = {}

    def _by_keeper(self, names: tuple[str, ...]) -> dict[tuple[str, str], list[str]]:
        """``names`` by the key of the pipeline that keeps them, in order (keys in the order of
        their first name); made once per tuple."""
        slot = self._parts.get(id(names))
        if slot is None or slot[0] is not names:
            parts: dict[tuple[str, str], list[str]] = {}
            for name in names:
                parts.setdefault(self.choices[name].kept.key, []).append(name)
            slot = self._parts[id(names)] = (names, parts)
        return slot[1]

    def split(self, names: tuple[str, ...], binding: Binding | None) -> tuple[list[str], dict[tuple[str, str], list[str]]]:
        """The ``names`` a pipeline of ``binding`` keeps (in order), and the others by the key of
        the pipeline that keeps them (each in order; keys in the order of their first name)."""
        canonical = self._canonical.get(binding) if binding is not None else None
        parts = self._by_keeper(names)
        mine = [key for key in parts if self._binding[key] is canonical]
        # (The lists are the index's own, shared by every pipeline of the tuple: read, never changed.)
        handed = {key: found for key, found in parts.items() if self._binding[key] is not canonical}
        if not mine:
            return [], handed
        if len(mine) == 1:
            return parts[mine[0]], handed
        return [n for n in names if self._binding[self.choices[n].kept.key] is canonical], handed


def _numbered(before: Sequence[str], middle: Sequence[str], after: Sequence[str], unknowns: Sequence[Unknown]) -> tuple[tuple[str, ...], tuple[Unknown, ...]]:
    checklist = _unique([*before, *middle, *after])
    linked = tuple(replace(u, step=checklist.index(u.resolve) + 1 if u.resolve in checklist else 0) for u in unknowns)
    return checklist, linked


def _name_packages(step: str, packages: Sequence[str]) -> str:
    """The hardening command with the package it is for (or the list of them)."""
    command = "`npm access set mfa=publish <package>`"
    if command not in step or not packages:
        return step
    if len(packages) == 1:
        return step.replace("<package>", packages[0])
    shown = ", ".join(packages[:MAX_COMMANDS]) + (", ..." if len(packages) > MAX_COMMANDS else "")
    return step.replace(command, f"{command} for each of {shown}")


def _actions_by_binding(groups: list[_Group]) -> dict[Binding, tuple[str, ...]]:
    """The allowed actions of each trusted publisher: every command of every pipeline that binds
    to it (two jobs of one workflow and environment share one configuration)."""
    found: dict[Binding, list[PublishFact]] = {}
    for group in groups:
        if group.gets_settings:
            found.setdefault(group.candidate.binding, []).extend(group.npmjs)
    return {binding: allowed_actions(publishes) for binding, publishes in found.items()}


def _pipeline(analysis: Analysis, group: _Group, keepers: _Kept, by_binding: dict[Binding, tuple[str, ...]]) -> PipelineStrategy:
    first = group.publishes[0]
    choices = keepers.choices
    actions = allowed_actions(group.npmjs) if group.gets_settings else ()
    binding = group.candidate.binding if group.gets_settings else None
    # Pipelines that bind to the same trusted publisher (jobs of one workflow and environment)
    # all keep it: their settings are one and the same.
    configured = group.configured if group.gets_settings else ()
    kept, handed = keepers.split(configured, binding)  # handed: by the key of the pipeline that keeps them
    trusted: tuple = ()
    middle: list[str] = []
    if group.gets_settings and (kept or not configured):
        names = tuple(kept) or (PLACEHOLDER_PACKAGE,)
        why = "; ".join(_unique([choices[n].why for n in kept if choices[n].why]))
        shared = by_binding[binding]  # type: ignore[index]
        trusted = (settings(group.npmjs[0], names, analysis.project.remote, shared, why),)
        verb = "Make sure the trusted publisher on npmjs.com matches" if first.credential is None else "Add the trusted publisher on npmjs.com"
        middle.append(f"{verb} (settings below, allowed actions: {', '.join(shared)})")
    consolidate = _consolidations(group, handed, choices)
    middle += [c.how for c in consolidate]
    before = [s for j in group.judged for s in j.before]
    after = [s for j in group.judged for s in j.after] if trusted else [s for j in group.judged for s in j.after if not j.settings]
    # A token step of the job goes before the hardening and revoking of any publish of the same
    # job (pnpm: OIDC, then token, then OIDC publishes): "disallow tokens" first breaks its release.
    after = sorted((_name_packages(step, kept) for step in after), key=lambda step: not step.startswith("Remove "))
    unknowns = _distinct([u for j in group.judged for u in j.unknowns])
    checklist, linked = _numbered(before, middle, after, unknowns)
    path = group.path
    relies_on_oidc = path is not PublishingPath.UNVERIFIED or all(p.credential is None for p in group.npmjs)
    if handed and path in _SAYS_OIDC_WORKS and relies_on_oidc:
        # (A token pipeline whose verdict is unverified stays so: it is not on trusted publishing.)
        # npm accepts the package only from the kept pipeline: this one's OIDC exchange fails.
        path = PublishingPath.TRUSTED_BROKEN
    return PipelineStrategy(
        file=group.key[0],
        job=group.key[1],
        provider=first.provider.value,
        packages=(*group.names, *group.unnamed) if group.unnamed else group.names,
        path=path.value,
        path_title=path.title,
        publish="; ".join(_unique([p.display for p in group.publishes])),
        location=", ".join(_unique([f"{p.location.path}:{p.location.line}" for p in group.publishes])),
        blockers=_unique([b for j in group.judged for b in j.blockers]),
        checklist=checklist,
        trusted_publishers=trusted,
        unknowns=linked,
        allowed_actions=actions,
        consolidate=consolidate,
    )


def _distinct(unknowns: Sequence[Unknown]) -> tuple[Unknown, ...]:
    """One unknown per value: the job's Node is one unknown however many publishes it runs
    (a package stays one per publish: each names a different folder)."""
    seen: dict[tuple[object, ...], Unknown] = {}
    for unknown in unknowns:
        key: tuple[object, ...] = (unknown.kind, unknown.what)
        if unknown.kind is UnknownKind.PACKAGE:
            key += (unknown.location,)
        seen.setdefault(key, unknown)
    return tuple(seen.values())


def _consolidations(group: _Group, by_kept: dict[tuple[str, str], list[str]], choices: dict[str, Choice]) -> tuple[Consolidation, ...]:
    this = group.candidate if by_kept else None
    out = []
    for key, names in by_kept.items():
        choice = choices[names[0]]
        how = how_to_consolidate(this, choice.kept)  # type: ignore[arg-type]
        out.append(Consolidation(tuple(names), key[0], key[1], choice.why, f"{how} (npm keeps the trusted publisher of {', '.join(names)} for `{key[0]}` job `{key[1]}`)"))
    return tuple(out)


def strategy(analysis: Analysis) -> list[PipelineStrategy]:
    """One entry per publishing pipeline (entry CI file + job), in file and line order, from the
    analysis the engine computed for the project (``LintResult.analyses``)."""
    groups = _groups(analysis)
    keepers = _Kept(_choices(groups))
    by_binding = _actions_by_binding(groups)
    return [_pipeline(analysis, group, keepers, by_binding) for group in groups]
