"""The handler table — which tool family classifies which program name — and the entry points
:func:`classify` / :func:`classify_script` that classify with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace

from npm_auth_lint.commands.dispatch import Context, Handler, ScriptLookup, WorkspaceMember, classify_command
from npm_auth_lint.commands.nested import classify_inner_shell, classify_npx
from npm_auth_lint.commands.package_managers import (
    classify_bun,
    classify_login_tool,
    classify_npm,
    classify_pnpm,
    classify_yarn,
)
from npm_auth_lint.commands.publishers import (
    classify_changeset,
    classify_np,
    classify_release_it,
    classify_semantic_release,
)
from npm_auth_lint.commands.repo_scripts import SCRIPT_HANDLERS
from npm_auth_lint.commands.results import Classified, EnvExport, ExportTarget, IdTokenExport
from npm_auth_lint.commands.version_managers import classify_corepack, classify_volta
from npm_auth_lint.commands.wrappers import (
    classify_concurrently,
    classify_docker,
    classify_find,
    classify_lerna_command,
    classify_nix,
    classify_nx_command,
    classify_run_all,
    classify_turbo,
)
from npm_auth_lint.model import Command

# Program name (lowercase, without a Windows extension) -> its classifier.
HANDLERS: Mapping[str, Handler] = {
    "npm": classify_npm,
    "npx": classify_npx,
    "pnpm": classify_pnpm,
    "pnpx": classify_npx,
    "pn": classify_pnpm,  # pnpm 11's short aliases
    "pnx": classify_npx,
    "yarn": classify_yarn,
    "yarnpkg": classify_yarn,
    "bun": classify_bun,
    "bunx": classify_npx,
    "corepack": classify_corepack,
    "volta": classify_volta,
    "lerna": classify_lerna_command,
    "lerna-lite": classify_lerna_command,
    "changeset": classify_changeset,
    "changesets": classify_changeset,
    "semantic-release": classify_semantic_release,
    "np": classify_np,
    "release-it": classify_release_it,
    "nx": classify_nx_command,
    "turbo": classify_turbo,
    "npm-run-all": classify_run_all,
    "npm-run-all2": classify_run_all,
    "run-s": classify_run_all,
    "run-p": classify_run_all,
    "concurrently": classify_concurrently,
    "find": classify_find,
    "nix-shell": classify_nix,
    "nix": classify_nix,
    "docker": classify_docker,
    "podman": classify_docker,
    "docker-compose": classify_docker,
    "podman-compose": classify_docker,
    "npm-cli-login": classify_login_tool,
    "npm-login-noninteractive": classify_login_tool,
    "bash": classify_inner_shell,
    "sh": classify_inner_shell,
    "zsh": classify_inner_shell,
    "dash": classify_inner_shell,
    "eval": classify_inner_shell,
    # Repository files (`./x.sh`, `bash x`, `make T`, `node x.mjs`); `bash -c` stays an inner shell.
    **SCRIPT_HANDLERS,
}


def classify(
    command: Command, scripts: ScriptLookup | None = None, workspace: Sequence[WorkspaceMember] = ()
) -> tuple[Classified, ...]:
    """Everything ``command`` does that matters for npm auth; never raises. ``workspace`` lists the
    monorepo's packages for wrappers that run a script or command in each (``lerna run X``)."""
    try:
        return tuple(classify_command(command, Context(HANDLERS, scripts, workspace=tuple(workspace))))
    except Exception:
        return ()


def classify_script(
    commands: Iterable[Command], scripts: ScriptLookup | None = None, workspace: Sequence[WorkspaceMember] = ()
) -> tuple[Classified, ...]:
    """:func:`classify` over the commands of one shell, in order, plus cross-command exports.

    ``NPM_ID_TOKEN=$(circleci run oidc get ...)`` followed by ``export NPM_ID_TOKEN`` yields an
    :class:`IdTokenExport` with target ``SHELL`` at the ``export`` command.
    """
    results: list[Classified] = []
    assigned: dict[str, IdTokenExport] = {}
    for command in commands:
        for result in classify(command, scripts, workspace):
            results.append(result)
            if isinstance(result, IdTokenExport) and result.target is ExportTarget.UNEXPORTED:
                assigned[result.name] = result
            elif (
                isinstance(result, EnvExport)
                and result.value is None
                and result.target is ExportTarget.SHELL
                and result.name in assigned
                and not result.via_scripts
            ):
                token = assigned[result.name]
                results.append(replace(token, command=command, target=ExportTarget.SHELL))
    return tuple(results)
