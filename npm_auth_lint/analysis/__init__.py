"""Provider-neutral analysis of the model: publishing jobs, their credentials and blockers.

The engine calls :func:`analyze` once per project and passes the :class:`Analysis` to every
rule as ``ctx.facts``; rules read facts, none of them walks steps.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from npm_auth_lint import commands as cmds
from npm_auth_lint.analysis.facts import JobFacts, PublishFact, ToolPin, Unknown, UnknownKind
from npm_auth_lint.knowledge.publishing import PublisherKind
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Hosting, Job, Location, Project, Provider

if TYPE_CHECKING:
    from npm_auth_lint.analysis.job_toolchain import PublishToolchain

__all__ = ["Analysis", "Blocker", "Unknown", "UnknownKind", "analyze", "not_viable_reason"]

# Public forges: a CI file of one provider in a repository whose origin is on another of these is
# a mirror (where the pipeline runs is unknown); any other origin host is a self-managed forge.
PUBLIC_FORGES = frozenset({"github.com", "gitlab.com", "bitbucket.org", "codeberg.org", "gitea.com", "git.sr.ht"})
_PROVIDER_FORGE = {Provider.GITHUB: "github.com", Provider.GITLAB: "gitlab.com"}


@frozen_dataclass
class Blocker:
    """Why OIDC cannot work for a publish (spec: "Blocker").

    ``platform`` blockers cannot be fixed by editing the CI configuration (a self-managed GitLab,
    GitHub Enterprise Server); the others are required changes (upgrade a publisher, publish from
    a hosted runner instead of a self-hosted one).
    """

    location: Location
    reason: str
    platform: bool
    fix: str = ""


T = TypeVar("T")


def _per_publish(question: Callable[[Analysis, PublishFact], T]) -> Callable[[Analysis, PublishFact], T]:
    """A question about one publish, answered once: the rules and the strategy ask the same
    questions of every publish (its blockers thrice). The answer is kept beside the publish, so
    that an id freed and reused can never answer for another."""
    name = question.__name__

    @functools.wraps(question)
    def answer(self: Analysis, publish: PublishFact) -> T:
        key = (name, id(publish))
        slot = self._answers.get(key)
        if slot is None or slot[0] is not publish:
            slot = self._answers[key] = (publish, question(self, publish))
        return slot[1]  # type: ignore[return-value]

    return answer


@frozen_dataclass
class Analysis:
    """The facts of one project: every job's publishes, installs and credentials, for the rules to read."""

    project: Project
    jobs: tuple[JobFacts, ...]

    @cached_property
    def _answers(self) -> dict[tuple[str, int], tuple[PublishFact, object]]:
        return {}

    @cached_property
    def publishes(self) -> tuple[PublishFact, ...]:
        return tuple(p for job in self.jobs for p in job.publishes)

    @cached_property
    def _facts_index(self) -> dict[int, list[JobFacts]]:
        index: dict[int, list[JobFacts]] = {}
        for facts in self.jobs:
            index.setdefault(id(facts.job), []).append(facts)
        return index

    def facts_of(self, job: Job) -> list[JobFacts]:
        """The facts of ``job`` (``JobFacts.job is job``), in order, without scanning every
        job: asked once per publish, a scan made the strategy quadratic in a file's jobs."""
        return self._facts_index.get(id(job), [])

    @cached_property
    def remote_publishes(self) -> tuple[PublishFact, ...]:
        """Publishes handed to a reusable workflow of another repository (its steps unread): for
        the strategy only, never in :attr:`publishes`, which every rule judges."""
        from npm_auth_lint.analysis.remote_publishes import remote_publishes

        return remote_publishes(self.project)

    @_per_publish
    def blockers(self, publish: PublishFact) -> tuple[Blocker, ...]:
        if publish.remote_workflow is not None:
            return ()  # what blocks it is in the remote workflow's steps, which are not read
        return tuple(_blockers(self.project, publish))

    @_per_publish
    def unknowns(self, publish: PublishFact) -> tuple[Unknown, ...]:
        """What decides ``publish``'s verdict but is computed at run time (spec: "Unknown"), in
        a stable order: what the walk found (package, ID-token audience, registry), then where
        the pipeline runs, then its Node/npm/publisher version. Empty when every fact is known."""
        found: list[Unknown] = [*publish.unknowns]
        if publish.remote_workflow is not None:
            return tuple(found)  # its runner and toolchain are the remote workflow's: one unknown
        runner = _runner_unknown(self.project, publish)
        if runner is not None:
            found.append(runner)
        if publish.is_npmjs:
            found += self._toolchain_unknowns(publish)
        unique: dict[tuple[UnknownKind, str], Unknown] = {}
        for unknown in found:
            unique.setdefault((unknown.kind, unknown.what), unknown)
        return tuple(unique.values())

    def _toolchain_unknowns(self, publish: PublishFact) -> list[Unknown]:
        from npm_auth_lint.analysis.job_toolchain import npm_state

        found: list[Unknown] = []
        for facts, chain in self._toolchains_of(publish):
            if chain.unresolved is not None:
                found.append(Unknown(UnknownKind.NODE_VERSION, publish.location, f"the Node version: {chain.unresolved}"))
            for pin in chain.pins:
                if pin.resolution is None and chain.unresolved is None:
                    why = pin.why or f"`{pin.text}` ({pin.source}) cannot be resolved to a Node release"
                    found.append(Unknown(UnknownKind.NODE_VERSION, pin.location, f"the Node version: {why}"))
                state = npm_state(facts, chain, pin) if publish.kind is PublisherKind.NPM_CLI else None
                if state is not None and state.version is None:
                    found.append(Unknown(UnknownKind.NPM_VERSION, state.location, f"the npm version: {state.explanation}"))
        if publish.publisher == "semantic-release" and publish.tool is None and publish.tool_pin is publish.action_pin:
            found.append(Unknown(
                UnknownKind.PUBLISHER_VERSION, publish.location,
                f"the semantic-release that `{publish.display}` runs (the action's ref does not say; its bundled "
                "@semantic-release/npm decides trusted publishing)",
            ))
        if publish.kind is PublisherKind.OWN_CLIENT and _own_client_version_unknown(publish):
            found.append(Unknown(
                UnknownKind.PUBLISHER_VERSION, publish.location,
                f"the version of `{publish.display}`, which publishes with its own registry client (its version decides trusted publishing)",
            ))
        return found

    @cached_property
    def toolchains(self) -> tuple[tuple[JobFacts, PublishToolchain], ...]:
        """The Node/npm resolution of every publish to npmjs, with its job's facts."""
        from npm_auth_lint.analysis.job_toolchain import resolve

        return tuple(
            (job, resolve(self.project, job, publish)) for job in self.jobs for publish in job.publishes if publish.is_npmjs
        )

    def attempts_oidc(self, publish: PublishFact) -> bool:
        """Whether the publish tries the OIDC exchange: ID token wired, nothing blocking it, and an
        npm new enough to try (an older npm never does, so its token is what publishes).

        Only then is a long-lived token in scope a *fallback*; otherwise (a publisher without
        OIDC support, a self-hosted runner) the token is what publishes.
        """
        token = publish.id_token
        if token is None or not token.granted or self.blockers(publish):
            return False
        return not self.npm_too_old(publish)

    @cached_property
    def _toolchain_index(self) -> dict[int, list[tuple[JobFacts, PublishToolchain]]]:
        index: dict[int, list[tuple[JobFacts, PublishToolchain]]] = {}
        for job, chain in self.toolchains:
            index.setdefault(id(chain.publish), []).append((job, chain))
        return index

    def _toolchains_of(self, publish: PublishFact) -> list[tuple[JobFacts, PublishToolchain]]:
        return self._toolchain_index.get(id(publish), [])

    def toolchain_changes(self, publish: PublishFact) -> list[str]:
        """The Node/npm upgrade trusted publishing needs for ``publish`` (empty when none, and
        for a remote workflow's publish, whose toolchain is not read)."""
        return list(self._toolchain_changes(publish))  # a list of the caller's own

    @_per_publish
    def _toolchain_changes(self, publish: PublishFact) -> tuple[str, ...]:
        return tuple(self._changes(publish))

    def _changes(self, publish: PublishFact) -> list[str]:
        if publish.remote_workflow is not None:
            return []
        from npm_auth_lint import toolchain
        from npm_auth_lint.analysis.advice import node_pin_example
        from npm_auth_lint.analysis.job_toolchain import npm_state

        circleci = publish.provider is Provider.CIRCLECI
        oldest = toolchain.oldest_node_meeting_floors(circleci, publish.stage)
        floor = toolchain.npm_floor(circleci, publish.stage)
        if publish.publisher == "semantic-release":
            return self._semantic_release_node(publish)
        for facts, chain in self._toolchains_of(publish):
            old_node = [p for p in chain.pins if p.resolution is not None and not toolchain.meets_node_floor(p.resolution.version)]
            if old_node:
                pin = old_node[0]
                npm_too = f" and npm >= {floor}" if publish.kind is PublisherKind.NPM_CLI else ""
                return [
                    f"Upgrade Node to {oldest} or newer (e.g. {node_pin_example(publish.provider, pin.source, pin.location.path)}): `{pin.text}` gives Node "
                    f"{pin.resolution.version}; trusted publishing needs Node >= {toolchain.NODE_OIDC_FLOOR}{npm_too}"  # type: ignore[union-attr]
                ]
            if publish.kind is not PublisherKind.NPM_CLI:
                return []
            for pin in chain.pins:
                state = npm_state(facts, chain, pin)
                if state is not None and state.version is not None and not toolchain.meets_npm_floor(state.version, circleci, publish.stage):
                    runs = state.version if state.exact else f"{state.version.split('.')[0]}.x (>= {state.version})"
                    if state.upgrade is not None and state.upgrade.method == "volta":
                        # Volta's npm shim runs the pinned npm, whatever is installed globally.
                        return [f"Pin npm {floor} or newer with Volta (`volta pin npm@{floor.split('.')[0]}`): the job runs npm {runs}"]
                    return [
                        f"Upgrade npm to {floor} or newer before the publish (`npm install -g npm@^{floor}`), or use Node {oldest} "
                        f"or newer: the job runs npm {runs}"
                    ]
        return []

    def _semantic_release_node(self, publish: PublishFact) -> list[str]:
        """semantic-release publishes with its bundled @semantic-release/npm: the Node its engines
        accept decides (``^22.14.0 || >=24.10.0``: Node 24.5-24.9 does not satisfy them)."""
        from npm_auth_lint.analysis.advice import node_pin_example
        from npm_auth_lint.knowledge.publishing import semantic_release_oidc_floor
        from npm_auth_lint.toolchain import ranges

        row = semantic_release_oidc_floor()
        engines = row.node_engines or ""
        for _facts, chain in self._toolchains_of(publish):
            for pin in chain.pins:
                node = pin.resolution
                if node is None or ranges.satisfies(node.version, engines):
                    continue
                example = node_pin_example(publish.provider, pin.source, pin.location.path)
                return [
                    f"Upgrade Node to a version @semantic-release/npm {row.plugin.lstrip('^')}'s engines accept ({engines}; e.g. {example}): "
                    f"`{pin.text}` gives Node {node.version}"
                ]
        return []

    @_per_publish
    def npm_too_old(self, publish: PublishFact) -> bool:
        """An npm on PATH that never tries OIDC (below the npm floor of toolchain.floors) for this publish."""
        from npm_auth_lint.analysis.job_toolchain import npm_state

        if publish.kind is not PublisherKind.NPM_CLI:
            return False
        for job, chain in self._toolchains_of(publish):
            from npm_auth_lint import toolchain

            for pin in chain.pins:
                state = npm_state(job, chain, pin)
                if state is not None and state.version is not None and not toolchain.meets_npm_floor(state.version, chain.circleci, publish.stage):
                    return True
        return False


def not_viable_reason(analysis: Analysis, publish: PublishFact) -> str:
    """Why trusted publishing cannot work for ``publish`` whatever the job says ('' if it can)."""
    return "; ".join(b.reason for b in analysis.blockers(publish) if b.platform)


def analyze(project: Project) -> Analysis:
    """The facts of ``project``: every job that runs as a pipeline of its own, walked once.

    The engine calls it once per project and hands the result to every rule (``ctx.facts``).
    """
    # The job walker (and the command classifier behind it) loads only when a project is
    # analysed: listing or documenting rules, which import the facts' types, stays light.
    from npm_auth_lint.analysis.jobs import analyze_job

    called = {job.called_file for _, job in project.jobs() if job.called_file}
    included = project.included_files
    jobs = tuple(
        analyze_job(project, pipeline, job)
        for pipeline, job in project.jobs()
        # A reusable workflow that a local workflow calls is analysed through its caller.
        if not (pipeline.reusable_only and pipeline.path in called)
        # A file another pipeline includes runs as part of that pipeline only.
        and not (pipeline.path in included and pipeline.entry is None)
    )
    return Analysis(project, jobs)


# ------------------------------------------------------------------------------------------
# Blockers

def pin_can_reach(pin: str, minimum: str) -> bool | None:
    """Can a dependency range resolve to ``minimum`` or newer? None if unknown (a dist-tag, a
    workspace/file/git dependency, no range)."""
    from npm_auth_lint.toolchain import ranges

    text = pin.strip()
    if text in ("latest", "next", "") or text.startswith(("workspace:", "npm:", "file:", "link:", "git", "http")):
        return None
    return ranges.can_reach(text, minimum)


HOSTED_RUNNER_FIX = "publish from a hosted runner, e.g. a separate publish job on a hosted runner that takes the build as an artifact"


def _runner_blocker(publish: PublishFact) -> Blocker | None:
    """A self-hosted runner: a required change (move the publish job), not a blocker."""
    job = publish.job
    runner = job.runner
    if runner is None or runner.hosting is not Hosting.SELF_HOSTED:
        return None
    where = runner.location or job.location
    if job.provider is Provider.GITHUB:
        reason = f"job `{job.id}` runs on a self-hosted runner ({runner.why or ', '.join(runner.labels)}); npm supports GitHub-hosted runners only"
    elif job.provider is Provider.GITLAB:
        reason = f"job `{job.id}` is pinned by tags ({', '.join(runner.labels)}) to self-managed runners; npm supports GitLab.com shared runners only"
    else:
        reason = f"job `{job.id}` runs on a self-hosted runner ({runner.why or ', '.join(runner.labels)}); npm supports CircleCI cloud only"
    return Blocker(where, reason, False, HOSTED_RUNNER_FIX)


def _forge(host: str | None) -> str | None:
    """The origin's forge host without the aliases forges serve SSH on (``ssh.github.com``)."""
    if not host:
        return None
    for prefix in ("www.", "ssh.", "altssh."):
        if host.startswith(prefix) and host[len(prefix):] in PUBLIC_FORGES:
            return host[len(prefix):]
    return host


def _forge_blocker(project: Project, publish: PublishFact) -> Blocker | None:
    """A self-managed GitLab or GitHub Enterprise Server: the origin is on a forge host that is
    not one of the public forges (a public one other than the provider's is a mirror: unknown)."""
    expected = _PROVIDER_FORGE.get(publish.provider)
    host = _forge(project.remote.host if project.remote is not None else None)
    if expected is None or host is None or host in PUBLIC_FORGES:
        return None
    if publish.provider is Provider.GITLAB:
        reason = f"the repository is hosted on {host}, a self-managed GitLab, not gitlab.com; npm supports GitLab.com only"
    else:
        reason = f"the repository is hosted on {host}, not github.com (GitHub Enterprise Server); npm supports github.com only"
    return Blocker(publish.location, reason, True, "keep a granular access token scoped to the publish job")


def _runner_unknown(project: Project, publish: PublishFact) -> Unknown | None:
    """A CI file of one provider in a repository whose origin is on another public forge (a
    `.gitlab-ci.yml` in a github.com repository: a mirror): where the pipeline runs is unknown."""
    expected = _PROVIDER_FORGE.get(publish.provider)
    host = _forge(project.remote.host if project.remote is not None else None)
    if expected is None or host is None or host == expected or host not in PUBLIC_FORGES:
        return None
    provider = "GitLab" if publish.provider is Provider.GITLAB else "GitHub"
    return Unknown(
        UnknownKind.RUNNER, publish.job.location,
        f"where the {provider} pipeline runs: the repository's origin is on {host}, so {expected} holds a mirror "
        f"whose namespace and project are not known here",
    )


def _own_client_version_unknown(publish: PublishFact) -> bool:
    """A publisher with its own registry client whose version does not tell OIDC support."""
    support = cmds.OIDC_PUBLISHER_SUPPORT.get(publish.publisher)
    if support is None or support.never:
        return False
    pin = publish.tool_pin
    if pin is None or support.minimum is None:
        return True
    return pin_can_reach(pin.version, support.minimum) is None


def _blockers(project: Project, publish: PublishFact) -> list[Blocker]:
    found: list[Blocker] = []
    job = publish.job
    runner = _runner_blocker(publish)
    if runner is not None:
        found.append(runner)
    forge = _forge_blocker(project, publish)
    if forge is not None:
        found.append(forge)
    if job.provider is Provider.CIRCLECI and publish.provenance:
        found.append(Blocker(
            publish.location, f"provenance is requested ({publish.provenance_via}) but npm generates no provenance on CircleCI", False,
            "drop the provenance request: trusted publishing from CircleCI publishes without provenance",
        ))
    found.extend(_publisher_blockers(publish))
    return found


def _publisher_blockers(publish: PublishFact) -> list[Blocker]:
    found: list[Blocker] = []
    if publish.action_pin is not None and publish.action_pin.package != "semantic-release":
        # (A semantic-release action's ref says nothing about the semantic-release it runs.)
        found += _pin_blocker(publish, publish.action_pin.package, publish.action_pin, action=True)
    action = publish.tool is None and publish.tool_pin is publish.action_pin
    if not (action and publish.publisher == "semantic-release"):
        found += _pin_blocker(publish, publish.publisher, publish.tool_pin, action=action)
    return found


def _pin_blocker(publish: PublishFact, key: str, pin: ToolPin | None, *, action: bool) -> list[Blocker]:
    support = cmds.OIDC_PUBLISHER_SUPPORT.get(key)
    if support is None:
        return []
    if support.never:
        from npm_auth_lint.toolchain import npm_floor

        return [Blocker(
            publish.location, f"`{publish.display}` does not support trusted publishing ({support.note or 'no OIDC'})", False,
            f"publish with `npm publish` (npm >= {npm_floor(publish.job.provider is Provider.CIRCLECI)}) instead",
        )]
    if pin is not None and pin.package == "semantic-release":
        return _semantic_release_blocker(publish, pin)
    minimum = support.minimum
    if publish.job.provider is Provider.CIRCLECI and support.circleci_minimum:
        minimum = support.circleci_minimum
    if minimum is None or pin is None or key in ("npm", "pnpm"):
        return []  # npm and pnpm versions come from the toolchain analysis
    reachable = _action_ref_reaches(pin.version, minimum) if action else pin_can_reach(pin.version, minimum)
    if reachable is False:
        return [Blocker(
            pin.location, f"{support.package} {pin.version} has no trusted-publishing support; it needs {support.package} >= {minimum}", False,
            f"upgrade {support.package} to {minimum} or newer",
        )]
    return []


def _semantic_release_blocker(publish: PublishFact, pin: ToolPin) -> list[Blocker]:
    """A pinned semantic-release whose bundled @semantic-release/npm has no OIDC (17, 19, 24): a
    required change with the exact upgrade and the Node its engines accept (knowledge table)."""
    from npm_auth_lint.knowledge.publishing import semantic_release_oidc_floor, semantic_release_upgrade_advice

    floor = semantic_release_oidc_floor()
    if pin_can_reach(pin.version, floor.semantic_release) is not False:
        return []
    return [Blocker(
        pin.location,
        f"semantic-release {pin.version} bundles an @semantic-release/npm without trusted-publishing support "
        f"(semantic-release {floor.semantic_release.split('.')[0]} is the first to bundle @semantic-release/npm {floor.plugin.lstrip('^')})",
        False,
        semantic_release_upgrade_advice(),
    )]


def _action_ref_reaches(ref: str, minimum: str) -> bool | None:
    """Whether an action ref (``v1`` floats over 1.x) can be ``minimum`` or newer; None if unknown."""
    from npm_auth_lint.toolchain import ranges

    version = cmds.ref_version(ref)
    return None if version is None else ranges.can_reach(".".join(map(str, version)), minimum)
