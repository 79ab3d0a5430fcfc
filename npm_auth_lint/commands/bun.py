"""The ``bun`` command: install/add, publish, run, ``bun x``, and ``bun X`` as a script or binary."""

from __future__ import annotations

from npm_auth_lint.commands.binaries import _exec_like, _script_or_binary
from npm_auth_lint.commands.builders import _global_installs, _publish
from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.results import Classified, Install, RunsCode, Tool
from npm_auth_lint.commands.words import _is_dry_run, _is_global, _positionals, _subcommand
from npm_auth_lint.model import Command


_BUN_VALUE_FLAGS = frozenset({"--cwd", "--filter", "-F", "-c", "--config", "--tag", "--access", "--otp", "--auth-type", "--registry"})
_BUN_BUILTINS = frozenset(
    "run test x repl exec install i add a remove rm update outdated link unlink pm build init create c upgrade publish patch audit info why".split()
)


def _bun(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, before = _subcommand(args, _BUN_VALUE_FLAGS)
    if sub is None:
        return []
    all_args = before + rest
    if sub in ("install", "i", "add", "a"):
        if _is_global(all_args):
            return _global_installs("bun", "bun-add-global", _positionals(rest, _BUN_VALUE_FLAGS), command)
        return [Install(command=command, tool="bun"), RunsCode(command=command, what=f"bun {sub}")]
    if sub == "publish":
        return [] if _is_dry_run(all_args, env) else [_publish(Tool.BUN, command, all_args, env)]
    if sub == "run":
        positionals = _positionals(rest, _BUN_VALUE_FLAGS)
        if not positionals:
            return []
        index = rest.index(positionals[0])
        return [RunsCode(command=command, what=f"bun run {positionals[0]}")] + _script_or_binary(rest[index:], env, command, ctx
        )
    if sub in ("test", "create", "c", "exec", "build"):
        return [RunsCode(command=command, what=f"bun {sub}")]
    if sub == "x":
        return [RunsCode(command=command, what="bunx")] + _exec_like(rest, [], env, command, ctx, "bun")
    if sub in _BUN_BUILTINS:
        return []
    return [RunsCode(command=command, what=f"bun {sub}")] + _script_or_binary([sub, *rest], env, command, ctx)
