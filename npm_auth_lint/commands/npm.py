"""The ``npm`` command: install, ci, publish, login, run/test/start, exec, config set."""

from __future__ import annotations

from dataclasses import replace

from npm_auth_lint.commands.binaries import _exec_like
from npm_auth_lint.commands.builders import _global_installs, _publish
from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.logins import _login
from npm_auth_lint.commands.npmrc_writes import _config_set
from npm_auth_lint.commands.results import Classified, Install, RunsCode, Tool
from npm_auth_lint.commands.scripts import _run_script
from npm_auth_lint.commands.words import _flag, _is_dry_run, _is_global, _option, _positionals, _subcommand
from npm_auth_lint.model import Command


_NPM_VALUE_FLAGS = frozenset(
    {
        "--prefix", "-w", "--workspace", "--registry", "--tag", "--access", "--otp", "--userconfig",
        "--globalconfig", "--cache", "--loglevel", "--location", "--auth-type", "--scope", "--before",
        "--omit", "--include", "--install-strategy", "--script-shell",
    }
)  # fmt: skip
_NPM_INSTALL = frozenset({"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add"})
_NPM_CI = frozenset({"ci", "clean-install", "ic", "install-clean", "isntall-clean"})
_NPM_INSTALL_TEST = frozenset({"install-ci-test", "cit", "clean-install-test", "sit", "install-test", "it"})
_NPM_RUN = frozenset({"run", "run-script", "rum", "urn"})
_NPM_TEST = frozenset({"test", "t", "tst"})
_NPM_LIFECYCLE = {"start": "start", "stop": "stop", "restart": "restart"}
_NPM_LOGIN = frozenset({"login", "adduser", "add-user", "logon"})


def _npm(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, before = _subcommand(args, _NPM_VALUE_FLAGS)
    if sub is None:
        return []
    all_args = before + rest
    if sub in _NPM_INSTALL:
        if _is_global(all_args):
            return _global_installs("npm", "npm-install-global", _positionals(rest, _NPM_VALUE_FLAGS), command)
        return [Install(command=command, tool="npm"), RunsCode(command=command, what="npm install")]
    if sub in _NPM_CI or sub in _NPM_INSTALL_TEST:
        results: list[Classified] = [Install(command=command, tool="npm"), RunsCode(command=command, what=f"npm {sub}")]
        if sub in _NPM_INSTALL_TEST:
            results += _run_script("test", command, ctx) or []
        return results
    if sub == "publish":
        if _is_dry_run(all_args, env):
            return []
        recursive = bool(_flag(all_args, "--workspaces", "-ws", "--ws"))
        publish = _publish(Tool.NPM, command, all_args, env, recursive=recursive, value_flags=_NPM_VALUE_FLAGS)
        return [replace(publish, workspace=_option(all_args, "--workspace", "-w"))]
    if sub in _NPM_LOGIN:
        return [_login("npm", command, all_args)]
    if sub in _NPM_RUN:
        positionals = _positionals(rest, _NPM_VALUE_FLAGS)
        if not positionals:
            return []
        results = [RunsCode(command=command, what=f"npm run {positionals[0]}")]
        return results + (_run_script(positionals[0], command, ctx, positionals[1:]) or [])
    if sub in _NPM_TEST or sub in _NPM_LIFECYCLE:
        script = "test" if sub in _NPM_TEST else sub
        return [RunsCode(command=command, what=f"npm {script}")] + (_run_script(script, command, ctx) or [])
    if sub in ("exec", "x"):
        return [RunsCode(command=command, what="npm exec")] + _exec_like(rest, before, env, command, ctx, "npm")
    if sub in ("init", "create", "innit", "rebuild", "rb"):
        return [RunsCode(command=command, what=f"npm {sub}")]
    if sub in ("config", "c") and rest[:1] == ["set"]:
        return _config_set("npm", rest[1:], before, command)
    if sub == "set":
        return _config_set("npm", rest, before, command)
    return []
