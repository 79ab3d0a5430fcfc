"""What one command does: :func:`classify` / :func:`classify_script` strip wrappers, read
assignments and file writes, and hand the program to its tool family through the handler table."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace

from npm_auth_lint.commands.context import ScriptLookup, _Context
from npm_auth_lint.commands.exports import _BASH_ENV, _GITHUB_ENV, _assignment_results, _bash_env, _github_env
from npm_auth_lint.commands.file_writes import _written
from npm_auth_lint.commands.npmrc_writes import _npmrc_kind, _npmrc_write
from npm_auth_lint.commands.results import Classified, EnvExport, ExportTarget, IdTokenExport
from npm_auth_lint.commands.words import _basename, _strip_wrappers
from npm_auth_lint.model import Command


_Handler = Callable[[str, list[str], list[tuple[str, str]], Command, _Context], list[Classified]]

# The classifier of each program name (`npm`, `pnpm`, `lerna`, `bash`...). The tool modules
# classify inner commands through this module, so the table is filled by
# :mod:`npm_auth_lint.commands.handlers` (which the package imports) rather than imported here:
# that keeps the imports free of cycles.
_HANDLERS: dict[str, _Handler] = {}
# Windows: npm.cmd, npx.cmd ... (the extension is already dropped) in other letter cases.
_PWSH_NAMES: dict[str, str] = {}


def classify(command: Command, scripts: ScriptLookup | None = None) -> tuple[Classified, ...]:
    """Everything ``command`` does that matters for npm auth; never raises."""
    try:
        return tuple(_classify(command, _Context(scripts, frozenset(), 0)))
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


def _classify(command: Command, ctx: _Context) -> list[Classified]:
    words, env = _strip_wrappers(list(command.words), list(command.assignments))
    results: list[Classified] = []
    results += _assignment_results(command)
    results += _write_results(command, words)
    if words:
        results += _tool_results(words, env, command, ctx)
    return results


def _tool_results(words: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    name = _basename(words[0])
    args = words[1:]
    handler = _HANDLERS.get(name)
    if handler is not None:
        return handler(name, args, env, command, ctx)
    if name.lower() in _PWSH_NAMES:
        return _HANDLERS[_PWSH_NAMES[name.lower()]](name, args, env, command, ctx)
    return []


def _write_results(command: Command, words: list[str]) -> list[Classified]:
    results: list[Classified] = []
    for write in _written(command, words):
        kind = _npmrc_kind(write.target)
        if kind is not None:
            results.append(_npmrc_write(command, write, kind))
        elif _GITHUB_ENV.match(write.target) and write.content:
            results += _github_env(command, write.content)
        elif _BASH_ENV.match(write.target) and write.content:
            results += _bash_env(command, write.content)
    return results
