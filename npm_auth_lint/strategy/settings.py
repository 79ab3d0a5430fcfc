"""The trusted-publisher settings to enter on npmjs.com, and the matching `npm trust` command.

Fields follow npm's form per provider (npm-facts §1.4), including the *allowed actions* every
configuration states since 2026-05-20. Values the tool cannot know are placeholders.
"""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.model import GitRemote, Provider
from npm_auth_lint.strategy.model import MAX_COMMANDS, PublisherSettings
from npm_auth_lint.strategy.unknowns import computed, unread_ci_file

PUBLISH = "npm publish"
STAGE_PUBLISH = "npm stage publish"
_ACTION_FLAGS = {PUBLISH: "--allow-publish", STAGE_PUBLISH: "--allow-stage-publish"}


def allowed_action(publish: PublishFact) -> str:
    """The action npm checks for this publish: `npm stage publish` for a staged publish (read from
    the command's words: `npm stage publish`), else `npm publish` (every other publisher uses it)."""
    words = publish.command.words if publish.command is not None else ()
    for index, word in enumerate(words[:-1]):
        if word == "stage" and words[index + 1] == "publish":
            return STAGE_PUBLISH
    return PUBLISH


def allowed_actions(publishes: Sequence[PublishFact]) -> tuple[str, ...]:
    found = {allowed_action(p) for p in publishes}
    return tuple(action for action in (PUBLISH, STAGE_PUBLISH) if action in found)


def _slug(name: str) -> str:
    """A context name as a placeholder word (no spaces or shell characters)."""
    return "".join(c if c.isalnum() or c in "-_." else "-" for c in name)


def _placeholder(name: str) -> str:
    return f"<{name}>"


def settings(
    publish: PublishFact, packages: tuple[str, ...], remote: GitRemote | None, actions: tuple[str, ...], why: str = ""
) -> PublisherSettings:
    one = _settings_for(publish, packages[0] if len(packages) == 1 else "<package>", remote, actions)
    commands: tuple[str, ...] = ()
    if 1 < len(packages) <= MAX_COMMANDS:
        commands = tuple(_settings_for(publish, name, remote, actions).command for name in packages)
    return PublisherSettings(packages, one.provider, one.fields, one.command, commands, actions, why)


def _environment(publish: PublishFact) -> str:
    environment = publish.job.environment.value if publish.job.environment is not None else ""
    return _placeholder("environment") if computed(environment) else environment


def _action_flags(actions: tuple[str, ...]) -> str:
    return "".join(f" {_ACTION_FLAGS[action]}" for action in actions)


def _settings_for(publish: PublishFact, package: str, remote: GitRemote | None, actions: tuple[str, ...]) -> PublisherSettings:
    quoted = package if package.startswith("<") else shlex.quote(package)  # a placeholder stays as written
    if publish.provider is Provider.GITHUB:
        fields, command = _github(publish, quoted, remote)
    elif publish.provider is Provider.GITLAB:
        fields, command = _gitlab(publish, quoted, remote)
    else:
        fields, command = _circleci(publish, quoted, remote)
    fields["Allowed actions"] = ", ".join(actions)
    return PublisherSettings((package,), publish.provider.value, fields, command + _action_flags(actions))


def _env_arg(environment: str) -> str:
    if not environment:
        return ""
    return f" --env {environment if environment.startswith('<') else shlex.quote(environment)}"


def _github(publish: PublishFact, quoted: str, remote: GitRemote | None) -> tuple[dict[str, str], str]:
    pipeline = publish.pipeline
    github = remote is not None and remote.host == "github.com"
    owner = remote.owner if github and remote and remote.owner else _placeholder("owner")
    repo = remote.repo if github and remote and remote.repo else _placeholder("repository")
    workflow = pipeline.entry_file.rpartition("/")[2]
    file_arg, workflow_field = shlex.quote(workflow), workflow
    if pipeline.reusable_only:
        # No workflow here calls it: npm checks the calling run's repository and workflow
        # filename (the ID token's `repository` and `workflow_ref`), not this file's.
        owner, repo = _placeholder("caller-owner"), _placeholder("caller-repository")
        file_arg = _placeholder("calling-workflow.yml")
        workflow_field = f"{file_arg} (the workflow that calls {workflow})"
    elif unread_ci_file(publish) is not None:
        # GitHub does not run it where it is: the filename holds once it is moved to the root's folder.
        workflow_field = f"{workflow} (once it is in `.github/workflows/` at the repository root)"
    environment = _environment(publish)
    fields = {
        "Organization or user": owner,
        "Repository": repo,
        "Workflow filename": workflow_field,
        "Environment name": environment or "(leave empty)",
    }
    return fields, f"npm trust github {quoted} --file {file_arg} --repo {owner}/{repo}{_env_arg(environment)}"


def _gitlab(publish: PublishFact, quoted: str, remote: GitRemote | None) -> tuple[dict[str, str], str]:
    entry = publish.pipeline.entry_file
    gitlab = remote is not None and remote.host == "gitlab.com"
    namespace = remote.owner if gitlab and remote and remote.owner else _placeholder("namespace")
    project = remote.repo if gitlab and remote and remote.repo else _placeholder("project")
    environment = _environment(publish)
    fields = {
        "Namespace": namespace,
        "Project name": project,
        "Top-level CI file path": entry,
        "Environment name": environment or "(leave empty)",
    }
    return fields, f"npm trust gitlab {quoted} --file {shlex.quote(entry)} --project {namespace}/{project}{_env_arg(environment)}"


def _circleci(publish: PublishFact, quoted: str, remote: GitRemote | None) -> tuple[dict[str, str], str]:
    origin = (
        f"{remote.host}/{remote.owner}/{remote.repo}"
        if remote and remote.host and remote.owner and remote.repo
        else _placeholder("vcs-origin, e.g. github.com/owner/repo")
    )
    contexts = publish.job.contexts
    fields = {
        "Organization ID": _placeholder("CircleCI organization ID (Organization Settings)"),
        "Project ID": _placeholder("CircleCI project ID (Project Settings)"),
        "Pipeline definition ID": _placeholder("pipeline definition ID (Project Settings → Pipelines)"),
        "VCS origin": origin,
        # Optional: with context IDs, npm accepts only runs that use those contexts.
        "Context IDs": (
            "(optional) " + ", ".join(f"<ID of context {name}>" for name in contexts) + " (Organization Settings → Contexts; "
            "then only runs with these contexts may publish)"
            if contexts else "(optional)"
        ),
    }
    context_args = "".join(f" --context-id <{_slug(name)}-context-id>" for name in contexts)
    command = (
        f"npm trust circleci {quoted} --org-id <ORG_ID> --project-id <PROJECT_ID> "
        f"--pipeline-definition-id <PIPELINE_DEFINITION_ID> --vcs-origin {origin}{context_args}"
    )
    return fields, command
