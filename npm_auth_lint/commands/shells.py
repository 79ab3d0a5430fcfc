"""Inner shells: ``bash -c 'script'`` (and sh/zsh/dash) and ``eval``, classified at the outer line."""

from __future__ import annotations

from dataclasses import replace

from npm_auth_lint.commands.context import _MAX_DEPTH, _Context
from npm_auth_lint.commands.dispatch import _classify
from npm_auth_lint.commands.results import Classified
from npm_auth_lint.model import Command
from npm_auth_lint.shell import split_script


def _shell_c(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    """``bash -c 'script'`` and ``eval 'script'``: classify the inner script at this line."""
    if name == "eval":
        script = " ".join(args)
    else:
        script = None
        for i, arg in enumerate(args):
            if arg.startswith("-") and "c" in arg[1:] and not arg.startswith("--") and i + 1 < len(args):
                script = args[i + 1]
                break
        if script is None:
            return []
    if ctx.depth >= _MAX_DEPTH:
        return []
    inner_ctx = _Context(ctx.scripts, ctx.visited, ctx.depth + 1)
    results: list[Classified] = []
    for inner in split_script(script, path=command.location.path, first_line=command.location.line, column=command.location.column):
        for result in _classify(inner, inner_ctx):
            results.append(replace(result, command=command, script_command=result.script_command or inner))
    return results
