"""Publishing tools other than the package managers: lerna (and lerna-lite), changesets,
semantic-release, np, release-it and nx release."""

from __future__ import annotations

from npm_auth_lint.commands.builders import _publish
from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.results import Classified, Install, RunsCode, Tool
from npm_auth_lint.commands.words import _flag, _is_dry_run, _subcommand
from npm_auth_lint.model import Command


def _lerna(
    name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context, *, lite: bool = False
) -> list[Classified]:
    sub, rest, before = _subcommand(args, frozenset({"--loglevel", "--concurrency"}))
    tool = Tool.LERNA_LITE if lite or name == "lerna-lite" else Tool.LERNA
    if sub == "publish":
        all_args = before + rest
        if _is_dry_run(all_args, env) or _flag(all_args, "--skip-npm"):
            return []
        return [_publish(tool, command, all_args, env)]
    if sub in ("run", "exec"):
        return [RunsCode(command=command, what=f"lerna {sub}")]
    if sub == "bootstrap":
        return [Install(command=command, tool="lerna"), RunsCode(command=command, what="lerna bootstrap")]
    return []


def _changeset(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, before = _subcommand(args, frozenset({"--otp", "--tag", "--cwd"}))
    if sub == "publish":
        return [_publish(Tool.CHANGESETS, command, before + rest, env)]
    return []


def _semantic_release(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    if _is_dry_run(args, env, short=True):
        return []
    return [_publish(Tool.SEMANTIC_RELEASE, command, args, env)]


def _np(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    if _flag(args, "--publish") is False or "--preview" in args or _is_dry_run(args, env):
        return []
    return [_publish(Tool.NP, command, args, env)]


def _release_it(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    if _is_dry_run(args, env, short=True) or "--no-npm" in args or _flag(args, "--npm.publish") is False:
        return []
    if "--only-version" in args or "--changelog" in args or "--release-version" in args:
        return []
    return [_publish(Tool.RELEASE_IT, command, args, env)]


def _nx(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, _ = _subcommand(args, frozenset())
    if sub != "release":
        return []
    release_sub, release_rest, release_before = _subcommand(
        rest, frozenset({"-g", "--groups", "-p", "--projects", "--preid", "--specifier", "--registry", "--tag", "--access", "--otp"})
    )
    all_args = release_before + release_rest
    if _is_dry_run(all_args, env, short=True):
        return []
    if release_sub == "publish":
        return [_publish(Tool.NX, command, all_args, env)]
    if release_sub in ("version", "changelog", "plan", "plan:check"):
        return []
    if _flag(all_args, "--skip-publish"):
        return []
    return [_publish(Tool.NX, command, all_args, env)]
