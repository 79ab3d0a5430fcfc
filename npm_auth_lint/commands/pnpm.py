"""The ``pnpm`` command: install, publish (``-r``/``recursive``), login, run, exec/dlx, config set,
and ``pnpm X`` as a script or binary."""

from __future__ import annotations

from dataclasses import replace

from npm_auth_lint.commands.binaries import _binary, _exec_like, _script_or_binary
from npm_auth_lint.commands.builders import _global_installs, _publish
from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.logins import _login
from npm_auth_lint.commands.npmrc_writes import _config_set
from npm_auth_lint.commands.results import Classified, Install, Publish, RunsCode, Tool
from npm_auth_lint.commands.scripts import _run_script
from npm_auth_lint.commands.words import _flag, _is_dry_run, _is_global, _option, _positionals, _subcommand
from npm_auth_lint.model import Command


_PNPM_VALUE_FLAGS = frozenset(
    {"-C", "--dir", "--filter", "-F", "--filter-prod", "--reporter", "--loglevel", "--registry", "--tag",
     "--access", "--otp", "--publish-branch", "--workspace-concurrency", "--package", "--test-pattern",
     "--changed-files-ignore-pattern", "--report-summary-path"}
)  # fmt: skip
_PNPM_BUILTINS = frozenset(
    """install i add update up upgrade remove rm uninstall un link ln unlink import rebuild rb prune fetch
    install-test it patch patch-commit patch-remove audit list ls outdated why licenses run run-script test t
    exec dlx create start publish pack recursive m multi server store root bin setup init deploy doctor config
    c get set env self-update cat-file cat-index find-hash approve-builds ignored-builds login logout whoami
    version view info dist-tag owner search star stars unpublish deprecate docs bugs repo ping team token
    access adduser help completion sbom runtime stop restart""".split()
)


def _pnpm(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, before = _subcommand(args, _PNPM_VALUE_FLAGS)
    recursive = bool(_flag(before, "--recursive", "-r"))
    while sub in ("recursive", "m", "multi"):
        recursive = True
        sub, rest, more = _subcommand(rest, _PNPM_VALUE_FLAGS)
        before = before + more
    if sub is None:
        return []  # bare `pnpm` prints help
    all_args = before + rest
    if sub in ("install", "i", "install-test", "it", "add"):
        if sub == "add" and _is_global(all_args):
            return _global_installs("pnpm", "pnpm-add-global", _positionals(rest, _PNPM_VALUE_FLAGS), command)
        results: list[Classified] = [Install(command=command, tool="pnpm"), RunsCode(command=command, what=f"pnpm {sub}")]
        if sub in ("install-test", "it"):
            results += _run_script("test", command, ctx) or []
        return results
    if sub == "publish":
        if _is_dry_run(all_args, env):
            return []
        recursive = recursive or bool(_flag(rest, "--recursive", "-r"))
        publish = _publish(Tool.PNPM, command, all_args, env, recursive=recursive, value_flags=_PNPM_VALUE_FLAGS)
        return [replace(publish, workspace=_option(all_args, "--filter", "-F"))]
    if sub in ("login", "adduser"):
        return [_login("pnpm", command, all_args)]
    if sub in ("run", "run-script"):
        positionals = _positionals(rest, _PNPM_VALUE_FLAGS)
        if not positionals:
            return []
        after = rest[rest.index(positionals[0]) + 1 :] if positionals[0] in rest else []
        return [RunsCode(command=command, what=f"pnpm run {positionals[0]}")] + (
            _run_script(positionals[0], command, ctx, after) or []
        )
    if sub in ("test", "t", "start", "stop", "restart"):
        script = "test" if sub in ("test", "t") else sub
        return [RunsCode(command=command, what=f"pnpm {script}")] + (_run_script(script, command, ctx) or [])
    if sub == "exec":
        return [RunsCode(command=command, what="pnpm exec")] + _binary(rest, env, command, ctx, packages=())
    if sub == "dlx":
        return [RunsCode(command=command, what="pnpm dlx")] + _exec_like(rest, [], env, command, ctx, "pnpm")
    if sub in ("create", "rebuild", "rb"):
        return [RunsCode(command=command, what=f"pnpm {sub}")]
    if sub in ("config", "c") and rest[:1] == ["set"]:
        return _config_set("pnpm", rest[1:], before, command)
    if sub == "set":
        return _config_set("pnpm", rest, before, command)
    if sub in _PNPM_BUILTINS:
        return []
    results = [RunsCode(command=command, what=f"pnpm {sub}")]
    found = _script_or_binary([sub, *rest], env, command, ctx)
    if recursive:
        found = [replace(r, recursive=True) if isinstance(r, Publish) else r for r in found]
    return results + found
