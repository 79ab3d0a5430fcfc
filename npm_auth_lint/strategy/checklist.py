"""The path one publish is on, and the ordered changes to make (spec: "Strategy report").

A path says "set up" only when every fact it rests on is known; an unknown that decides the
verdict puts the publish on the path ``unverified``. Self-hosted runners, old toolchains and
publishers without OIDC support are required changes with their exact fix, never blockers.
"""

from __future__ import annotations

from npm_auth_lint.analysis import HOSTED_RUNNER_FIX, Analysis, Blocker
from npm_auth_lint.analysis.advice import id_token_fix
from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Provider
from npm_auth_lint.strategy.model import DECISIVE, PublishingPath, Unknown, UnknownKind
from npm_auth_lint.strategy.unknowns import unknowns_of

# Node that the engines of an upgraded publisher accept (npm-facts §9: semantic-release 25 and
# @semantic-release/npm 13 declare `^22.14.0 || >=24.10.0`), by a word of the package the upgrade
# names ("semantic-release" matches both), for an upgrade advice that does not say it already.
PUBLISHER_ENGINES = {"semantic-release": "^22.14.0 || >=24.10.0"}
# Unknowns that keep "trusted publishing is viable" from being said of a token pipeline: whether
# the job's Node, npm and publisher can do the OIDC exchange (after the checklist's upgrades).
VIABILITY = frozenset({UnknownKind.TOOLCHAIN, UnknownKind.NPM, UnknownKind.PUBLISHER})
HARDENING = (
    'After the first release through trusted publishing, set each package\'s publishing access to "Require two-factor '
    'authentication and disallow tokens" (`npm access set mfa=publish <package>`; trusted publishing is not affected)'
)


@frozen_dataclass
class Judgement:
    """One publish's path, its blockers, and its checklist around the trusted-publisher step."""

    path: PublishingPath
    blockers: tuple[str, ...]
    unknowns: tuple[Unknown, ...]
    before: tuple[str, ...]  # changes before registering the trusted publisher
    after: tuple[str, ...]  # token removal and hardening, after it
    settings: bool  # whether the pipeline gets trusted-publisher settings


def _runner_blocker(blocker: Blocker) -> bool:
    """A self-hosted runner: a required change, told below as a separate hosted publish job."""
    return blocker.fix == HOSTED_RUNNER_FIX


def hosted_runner_step(publish: PublishFact, reason: str) -> str:
    """Move the publish to a hosted runner: a separate publish job that takes the build."""
    job = f"`{publish.job.id}`"
    if publish.provider is Provider.GITHUB:
        how = ("a separate job on a GitHub-hosted runner (`runs-on: ubuntu-latest`) that takes the build as an artifact "
               "(`actions/upload-artifact` in the build job, `actions/download-artifact` in the publish job)")
    elif publish.provider is Provider.GITLAB:
        how = "a separate job without self-managed `tags:` (GitLab.com shared runners) that takes the build as an artifact (`artifacts:` and `needs:`)"
    else:
        how = "a separate job on a CircleCI cloud executor that takes the build from the workspace (`persist_to_workspace` / `attach_workspace`)"
    return f"Publish from a hosted runner: move the publish out of job {job} into {how} ({reason})"


def _publisher_step(blocker: Blocker) -> str:
    step = f"{blocker.fix[0].upper()}{blocker.fix[1:]} ({blocker.reason})"
    for package, engines in PUBLISHER_ENGINES.items():
        if package in blocker.fix and engines not in blocker.fix:
            step += f"; its engines need Node {engines}"
    return step


def _install_token_step(analysis: Analysis, publish: PublishFact) -> list[str]:
    for facts in analysis.facts_of(publish.job):
        for install in facts.installs:
            credential = next((c for c in install.credentials if c.is_long_lived), None)
            if credential is not None:
                return [f"Install private packages with a separate read-only granular token ({credential.source_phrase()} at "
                        f"{install.location.path}:{install.location.line}), never the publish token"]
    return []


def judge(analysis: Analysis, publish: PublishFact) -> Judgement:
    unknowns = tuple(unknowns_of(analysis, publish))
    blockers = analysis.blockers(publish)
    runner = [b for b in blockers if _runner_blocker(b)]
    platform = [b.reason for b in blockers if b.platform]
    resolving = [u.resolve for u in unknowns]
    changes = [hosted_runner_step(publish, b.reason) for b in runner]
    changes += [_publisher_step(b) for b in blockers if not b.platform and b not in runner]
    if publish.is_npmjs and not platform:
        # (The analysis words a Node upgrade in terms of an upgraded publisher's engines.)
        changes += analysis.toolchain_changes(publish)
    granted = publish.id_token is not None and publish.id_token.granted
    decisive = any(u.kind in DECISIVE for u in unknowns)
    if not publish.is_npmjs and not decisive:
        return Judgement(PublishingPath.OTHER_REGISTRY, tuple(platform), (), (), (), False)
    wire = [] if granted else [f"Wire the ID token: {id_token_fix(publish.job)}"]
    credential = publish.credential
    if credential is not None and platform:
        return Judgement(PublishingPath.TOKEN_NOT_VIABLE, tuple(platform), unknowns, (*resolving, *changes), (
            f"Keep a granular access token (write, bypass 2FA, only these packages, shortest expiry) for "
            f"{credential.source_phrase()} and set it on the publish step only",
            "Use a separate read-only token for installing private dependencies",
        ), False)
    after = _install_token_step(analysis, publish)
    if credential is not None:
        path = PublishingPath.TRUSTED_WITH_FALLBACK if granted and not changes else PublishingPath.TOKEN_MIGRATE
        if path is PublishingPath.TRUSTED_WITH_FALLBACK and unknowns:
            path = PublishingPath.UNVERIFIED
        elif path is PublishingPath.TOKEN_MIGRATE and any(u.kind in VIABILITY for u in unknowns):
            # "Viable" rests on the Node, npm and publisher the job runs: unknown, it is not said.
            path = PublishingPath.UNVERIFIED
        after = [f"Remove {credential.source_phrase()} from the publish job", HARDENING,
                 f"Then revoke the token behind {credential.source_phrase()} on npmjs.com", *after]
    else:
        broken = bool(platform or changes or not granted)
        path = PublishingPath.TRUSTED_BROKEN if broken else PublishingPath.TRUSTED_WORKING
        if path is PublishingPath.TRUSTED_WORKING and unknowns:
            path = PublishingPath.UNVERIFIED
        if platform:
            changes.insert(0, "Trusted publishing cannot work here: move the publish to a supported runner, or use a granular token")
        else:
            after = [HARDENING, "Then revoke any npm token left from before the switch", *after]
    if decisive:
        path = PublishingPath.UNVERIFIED
    return Judgement(path, tuple(platform), unknowns, (*resolving, *changes, *wire), tuple(after), True)
