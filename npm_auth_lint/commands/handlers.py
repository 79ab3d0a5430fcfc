"""The handler table — which tool family classifies which program name — and the entry points
:func:`classify` / :func:`classify_script` that classify with it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from npm_auth_lint.commands.dispatch import Context, Handler, ScriptLookup, classify_command
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
    classify_lerna,
    classify_np,
    classify_nx,
    classify_release_it,
    classify_semantic_release,
)
from npm_auth_lint.commands.repo_scripts import SCRIPT_HANDLERS
from npm_auth_lint.commands.results import Classified, EnvExport, ExportTarget, IdTokenExport
from npm_auth_lint.commands.version_managers import classify_corepack, classify_volta
from npm_auth_lint.model import Command


# Program name (lowercase, without a Windows extension) -> its classifier.
HANDLERS: Mapping[str, Handler] = {
    "npm": classify_npm,
    "npx": classify_npx,
    "pnpm": classify_pnpm,
    "pnpx": classify_npx,
    "yarn": classify_yarn,
    "yarnpkg": classify_yarn,
    "bun": classify_bun,
    "bunx": classify_npx,
    "corepack": classify_corepack,
    "volta": classify_volta,
    "lerna": classify_lerna,
    "lerna-lite": classify_lerna,
    "changeset": classify_changeset,
    "changesets": classify_changeset,
    "semantic-release": classify_semantic_release,
    "np": classify_np,
    "release-it": classify_release_it,
    "nx": classify_nx,
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


def classify(command: Command, scripts: ScriptLookup | None = None) -> tuple[Classified, ...]:
    """Everything ``command`` does that matters for npm auth; never raises."""
    try:
        return tuple(classify_command(command, Context(HANDLERS, scripts)))
    except Exception:  # noqa: BLE001 - one odd command must not stop the scan
        return ()


def classify_script(commands: Iterable[Command], scripts: ScriptLookup | None = None) -> tuple[Classified, ...]:
    """:func:`classify` over the commands of one shell, in order, plus cross-command exports.

    ``NPM_ID_TOKEN=$(circleci run oidc get ...)`` followed by ``export NPM_ID_TOKEN`` yields an
    :class:`IdTokenExport` with target ``SHELL`` at the ``export`` command.
    """
    results: list[Classified] = []
    assigned: dict[str, IdTokenExport] = {}
    for command in commands:
        for result in classify(command, scripts):
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
