"""The strategy report: which path each publishing pipeline is on, and what to change.

For every publishing pipeline (entry CI file + job) it says whether it uses trusted publishing
(working or broken) or a long-lived token (OIDC viable — migrate — or not viable, with the
blockers), lists the changes in the order to make them, and gives the exact trusted-publisher
settings to enter on npmjs.com with the matching ``npm trust`` command. Values the tool cannot
know are shown as placeholders, never guessed.
"""

from __future__ import annotations

import enum
import shlex
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from npm_auth_lint.analysis import Analysis
from npm_auth_lint.analysis.advice import id_token_fix
from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.model import GitRemote, Provider


class PublishingPath(str, enum.Enum):
    TRUSTED_WORKING = "trusted-publishing"
    TRUSTED_BROKEN = "trusted-publishing-broken"
    TRUSTED_WITH_FALLBACK = "trusted-publishing-with-token-fallback"
    TOKEN_MIGRATE = "token-oidc-viable"
    TOKEN_NOT_VIABLE = "token-oidc-not-viable"
    OTHER_REGISTRY = "other-registry"

    @property
    def title(self) -> str:
        return {
            "trusted-publishing": "trusted publishing (OIDC) — set up",
            "trusted-publishing-broken": "trusted publishing (OIDC) — broken",
            "trusted-publishing-with-token-fallback": "trusted publishing (OIDC) with a long-lived token as fallback",
            "token-oidc-viable": "long-lived token — trusted publishing is viable: migrate",
            "token-oidc-not-viable": "long-lived token — trusted publishing is not viable here",
            "other-registry": "another registry (trusted publishing does not apply)",
        }[self.value]


@dataclass(frozen=True)
class PublisherSettings:
    """What to enter on npmjs.com for the packages of one pipeline, and the `npm trust` command.

    The settings are the same for every package a pipeline publishes; ``command`` names the one
    package, or holds ``<package>`` when there are several (``commands`` then lists each for up
    to :data:`MAX_COMMANDS` packages).
    """

    packages: tuple[str, ...]
    provider: str
    fields: dict[str, str]
    command: str
    commands: tuple[str, ...] = ()


MAX_COMMANDS = 10


@dataclass(frozen=True)
class PipelineStrategy:
    file: str  # the entry CI file npm binds to
    job: str
    provider: str
    packages: tuple[str, ...]
    path: str
    path_title: str
    publish: str  # the publish command
    location: str  # path:line of the publish
    blockers: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    trusted_publishers: tuple[PublisherSettings, ...] = field(default=())


def _placeholder(name: str) -> str:
    return f"<{name}>"


def _settings(publish: PublishFact, packages: tuple[str, ...], remote: GitRemote | None) -> PublisherSettings:
    one = _settings_for(publish, packages[0] if len(packages) == 1 else "<package>", remote)
    if len(packages) == 1:
        return PublisherSettings(packages, one.provider, one.fields, one.command)
    commands = tuple(
        _settings_for(publish, name, remote).command for name in packages[:MAX_COMMANDS]
    ) if len(packages) <= MAX_COMMANDS else ()
    return PublisherSettings(packages, one.provider, one.fields, one.command, commands)


def _settings_for(publish: PublishFact, package: str, remote: GitRemote | None) -> PublisherSettings:
    pipeline = publish.pipeline
    environment = publish.job.environment.value if publish.job.environment is not None else ""
    quoted = package if package == "<package>" else shlex.quote(package)
    if publish.provider is Provider.GITHUB:
        owner = remote.owner if remote and remote.host == "github.com" and remote.owner else _placeholder("owner")
        repo = remote.repo if remote and remote.host == "github.com" and remote.repo else _placeholder("repository")
        workflow = pipeline.entry_file.rpartition("/")[2]
        file_arg, workflow_field = shlex.quote(workflow), workflow
        if pipeline.reusable_only:
            # No workflow here calls it: npm checks the calling run's repository and workflow
            # filename (the ID token's `repository` and `workflow_ref`), not this file's.
            owner, repo = _placeholder("caller-owner"), _placeholder("caller-repository")
            file_arg = _placeholder("calling-workflow.yml")
            workflow_field = f"{file_arg} (the workflow that calls {workflow})"
        fields = {
            "Organization or user": owner,
            "Repository": repo,
            "Workflow filename": workflow_field,
            "Environment name": environment or "(leave empty)",
        }
        command = f"npm trust github {quoted} --file {file_arg} --repo {owner}/{repo}"
        if environment:
            command += f" --env {shlex.quote(environment)}"
        return PublisherSettings((package,), "github", fields, command)
    if publish.provider is Provider.GITLAB:
        gitlab = remote is not None and remote.host == "gitlab.com"
        namespace = remote.owner if gitlab and remote and remote.owner else _placeholder("namespace")
        project = remote.repo if gitlab and remote and remote.repo else _placeholder("project")
        fields = {
            "Namespace": namespace,
            "Project name": project,
            "Top-level CI file path": pipeline.entry_file,
            "Environment name": environment or "(leave empty)",
        }
        command = f"npm trust gitlab {quoted} --file {shlex.quote(pipeline.entry_file)} --project {namespace}/{project}"
        if environment:
            command += f" --env {shlex.quote(environment)}"
        return PublisherSettings((package,), "gitlab", fields, command)
    origin = (
        f"{remote.host}/{remote.owner}/{remote.repo}"
        if remote and remote.host and remote.owner and remote.repo
        else _placeholder("vcs-origin, e.g. github.com/owner/repo")
    )
    fields = {
        "Organization ID": _placeholder("CircleCI organization ID (Organization Settings)"),
        "Project ID": _placeholder("CircleCI project ID (Project Settings)"),
        "Pipeline definition ID": _placeholder("pipeline definition ID (Project Settings → Pipelines)"),
        "VCS origin": origin,
        "Context IDs": "(optional)",
    }
    command = (
        f"npm trust circleci {quoted} --org-id <ORG_ID> --project-id <PROJECT_ID> "
        f"--pipeline-definition-id <PIPELINE_DEFINITION_ID> --vcs-origin {origin}"
    )
    return PublisherSettings((package,), "circleci", fields, command)


def _path(analysis: Analysis, publish: PublishFact) -> tuple[PublishingPath, list[str], list[str]]:
    blockers = analysis.blockers(publish)
    platform = [b.reason for b in blockers if b.platform]
    changes = [f"{b.fix[0].upper()}{b.fix[1:]} ({b.reason})" for b in blockers if not b.platform]
    if publish.is_npmjs and not platform:
        changes += analysis.toolchain_changes(publish)
    token = publish.id_token
    granted = token is not None and token.granted
    if not publish.is_npmjs:
        return PublishingPath.OTHER_REGISTRY, platform, []
    if publish.credential is not None:
        credential = publish.credential
        if platform:
            return PublishingPath.TOKEN_NOT_VIABLE, platform, [
                f"Keep a granular access token (write, bypass 2FA, only these packages, shortest expiry) for "
                f"{credential.source_phrase()} and set it on the publish step only",
                "Use a separate read-only token for installing private dependencies",
            ]
        steps = list(changes)
        if not granted:
            steps.append(f"Wire the ID token: {id_token_fix(publish.job)}")
        steps.append("Add the trusted publisher on npmjs.com (settings below)")
        steps.append(f"Remove {credential.source_phrase()} from the publish job, then revoke the token on npmjs.com")
        path = PublishingPath.TRUSTED_WITH_FALLBACK if granted else PublishingPath.TOKEN_MIGRATE
        return path, platform, steps
    broken = bool(platform or changes or not granted)
    steps = list(changes)
    if platform:
        steps.insert(0, "Trusted publishing cannot work here: move the publish to a supported runner, or use a granular token")
    if not granted:
        steps.append(f"Wire the ID token: {id_token_fix(publish.job)}")
    steps.append("Make sure the trusted publisher on npmjs.com matches (settings below)")
    return (PublishingPath.TRUSTED_BROKEN if broken else PublishingPath.TRUSTED_WORKING), platform, steps


# When one job has several publishes, the pipeline is on the most troubled path among them.
_PATH_ORDER = [
    PublishingPath.TOKEN_NOT_VIABLE,
    PublishingPath.TRUSTED_BROKEN,
    PublishingPath.TOKEN_MIGRATE,
    PublishingPath.TRUSTED_WITH_FALLBACK,
    PublishingPath.TRUSTED_WORKING,
    PublishingPath.OTHER_REGISTRY,
]


def _unique(items: Sequence[Any]) -> tuple[Any, ...]:
    return tuple(dict.fromkeys(items))


def strategy(analysis: Analysis) -> list[PipelineStrategy]:
    """One entry per publishing pipeline (entry CI file + job), in file and line order, from the
    analysis the engine computed for the project (``LintResult.analyses``)."""
    groups: dict[tuple[str, str], list[PublishFact]] = {}
    for publish in sorted(analysis.publishes, key=lambda p: p.location):
        groups.setdefault((publish.pipeline.entry_file, publish.job.id), []).append(publish)
    out: list[PipelineStrategy] = []
    for (entry, job_id), publishes in groups.items():
        judged = [(p, *_path(analysis, p)) for p in publishes]
        path = min((j[1] for j in judged), key=_PATH_ORDER.index)
        first = publishes[0]
        names = _unique([pkg.name.value for p in publishes for pkg in p.packages if pkg.name is not None])
        npmjs = [p for p in publishes if p.is_npmjs]
        settings: tuple[PublisherSettings, ...] = ()
        if npmjs and path is not PublishingPath.TOKEN_NOT_VIABLE:
            # No package.json found (a tarball, a folder from a variable): still show the values,
            # with the package as a placeholder rather than a guess.
            settings = (_settings(npmjs[0], names or ("<package>",), analysis.project.remote),)
        out.append(
            PipelineStrategy(
                file=entry,
                job=job_id,
                provider=first.provider.value,
                packages=names,
                path=path.value,
                path_title=path.title,
                publish="; ".join(_unique([p.display for p in publishes])),
                location=", ".join(_unique([f"{p.location.path}:{p.location.line}" for p in publishes])),
                blockers=_unique([b for j in judged for b in j[2]]),
                checklist=_unique([step for j in judged for step in j[3]]),
                trusted_publishers=settings,
            )
        )
    return out
