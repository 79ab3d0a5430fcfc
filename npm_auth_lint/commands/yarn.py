"""The ``yarn`` command, Yarn 1 and Berry: install, ``yarn publish`` / ``yarn npm publish``, login,
run, dlx/exec, ``workspaces foreach``, config set, and ``yarn X`` as a script or binary."""

from __future__ import annotations

from dataclasses import replace

from npm_auth_lint.commands.binaries import _binary, _exec_like, _script_or_binary
from npm_auth_lint.commands.builders import _global_installs, _publish
from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.logins import _login
from npm_auth_lint.commands.npmrc_writes import _config_set
from npm_auth_lint.commands.results import Classified, Install, Publish, RunsCode, Tool
from npm_auth_lint.commands.scripts import _run_script
from npm_auth_lint.commands.words import _is_dry_run, _positionals, _subcommand
from npm_auth_lint.model import Command


_YARN_VALUE_FLAGS = frozenset(
    {"--cwd", "--registry", "--tag", "--access", "--otp", "--new-version", "--network-timeout", "--mutex",
     "--cache-folder", "--modules-folder", "--global-folder", "--link-folder", "--use-yarnrc", "--preid"}
)  # fmt: skip
_YARN_BUILTINS = frozenset(
    """add audit autoclean bin cache check config create dedupe dlx exec explain generate-lock-entry global help
    import info init install licenses link list login logout node npm outdated owner pack patch patch-commit
    plugin policies publish rebuild remove run search set stage tag team test unlink unplug up upgrade
    upgrade-interactive version versions why workspace workspaces constraints sdks start""".split()
)
_YARN_FOREACH_VALUE_FLAGS = frozenset({"--from", "--include", "--exclude", "-j", "--jobs", "--since"})


def _yarn(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, before = _subcommand(args, _YARN_VALUE_FLAGS)
    if sub is None:
        if any(arg in ("--version", "-v", "--help", "-h") for arg in args):
            return []
        return [Install(command=command, tool="yarn"), RunsCode(command=command, what="yarn install")]
    all_args = before + rest
    if sub in ("install", "add"):
        return [Install(command=command, tool="yarn"), RunsCode(command=command, what=f"yarn {sub}")]
    if sub == "global":
        if rest[:1] == ["add"]:
            return _global_installs("yarn", "yarn-global", _positionals(rest[1:], _YARN_VALUE_FLAGS), command)
        return []
    if sub == "publish":
        return [] if _is_dry_run(all_args, env) else [_publish(Tool.YARN_CLASSIC, command, all_args, env, value_flags=_YARN_VALUE_FLAGS)]
    if sub == "npm":
        npm_sub, npm_rest, npm_before = _subcommand(rest, _YARN_VALUE_FLAGS)
        npm_args = before + npm_before + npm_rest
        if npm_sub == "publish":
            return [] if _is_dry_run(npm_args, env) else [_publish(Tool.YARN_BERRY, command, npm_args, env)]
        if npm_sub == "login":
            return [_login("yarn-berry", command, npm_args)]
        return []
    if sub == "login":
        return [_login("yarn", command, all_args)]
    if sub == "run":
        positionals = _positionals(rest, _YARN_VALUE_FLAGS)
        if not positionals:
            return []
        index = rest.index(positionals[0])
        return [RunsCode(command=command, what=f"yarn run {positionals[0]}")] + _script_or_binary(rest[index:], env, command, ctx
        )
    if sub in ("test", "start"):
        return [RunsCode(command=command, what=f"yarn {sub}")] + (_run_script(sub, command, ctx) or [])
    if sub in ("dlx",):
        return [RunsCode(command=command, what="yarn dlx")] + _exec_like(rest, [], env, command, ctx, "yarn")
    if sub == "exec":
        return [RunsCode(command=command, what="yarn exec")] + _binary(rest, env, command, ctx, packages=())
    if sub in ("node", "create"):
        return [RunsCode(command=command, what=f"yarn {sub}")]
    if sub == "workspaces" and rest[:1] == ["foreach"]:
        inner_sub, inner_rest, _ = _subcommand(rest[1:], _YARN_FOREACH_VALUE_FLAGS)
        if inner_sub is None:
            return []
        found = _yarn(name, [inner_sub, *inner_rest], env, command, ctx)
        return [replace(r, recursive=True) if isinstance(r, Publish) else r for r in found]
    if sub == "workspaces" and rest[:1] == ["run"]:
        return [RunsCode(command=command, what="yarn workspaces run")] + (
            _run_script(rest[1], command, ctx) or [] if len(rest) > 1 else []
        )
    if sub == "workspace":
        return _yarn(name, rest[1:], env, command, ctx) if len(rest) > 1 else []
    if sub == "config" and rest[:1] == ["set"]:
        return _config_set("yarn", rest[1:], before, command)
    if sub in _YARN_BUILTINS:
        return []
    return [RunsCode(command=command, what=f"yarn {sub}")] + _script_or_binary([sub, *rest], env, command, ctx)
