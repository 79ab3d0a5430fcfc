"""Logins: the :class:`Login` of ``npm login``/``pnpm login``/``yarn login`` and of the
non-interactive login tools (``npm-cli-login``, ``npm-login-noninteractive``)."""

from __future__ import annotations

from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.results import Classified, Login
from npm_auth_lint.commands.words import _option
from npm_auth_lint.model import Command


def _login(tool: str, command: Command, args: list[str]) -> Login:
    fed = bool(command.piped_from) or any(op in ("<<", "<<-", "<<<", "<") for op, _ in command.redirects)
    return Login(command=command, tool=tool, registry=_option(args, "--registry"), stdin=fed)


def _login_tool(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    return [_login(name, command, args)]
