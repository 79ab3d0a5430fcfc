"""corepack and volta: the npm, pnpm or Yarn they install or activate, and ``volta run``."""

from __future__ import annotations

from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.dispatch import _tool_results
from npm_auth_lint.commands.results import Classified, NpmUpgrade, PackageManagerInstall
from npm_auth_lint.commands.words import _package_name, _positionals, _subcommand
from npm_auth_lint.model import Command


def _corepack(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, _ = _subcommand(args, frozenset())
    if sub not in ("prepare", "use", "install", "up"):
        return []
    results: list[Classified] = []
    for spec in _positionals(rest, frozenset()):
        tool, version = _package_name(spec)
        if tool == "npm":
            results.append(NpmUpgrade(command=command, spec=version or "latest", method="corepack"))
        elif tool in ("pnpm", "yarn"):
            results.append(PackageManagerInstall(command=command, tool=tool, spec=version or "latest", method="corepack"))
    return results


def _volta(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, _ = _subcommand(args, frozenset())
    if sub in ("install", "pin"):
        results: list[Classified] = []
        for spec in _positionals(rest, frozenset()):
            tool, version = _package_name(spec)
            if tool == "npm":
                results.append(NpmUpgrade(command=command, spec=version or "latest", method="volta"))
            elif tool in ("pnpm", "yarn"):
                results.append(PackageManagerInstall(command=command, tool=tool, spec=version or "latest", method="volta"))
        return results
    if sub == "run":
        run_sub, run_rest, _ = _subcommand(rest, frozenset({"--node", "--npm", "--pnpm", "--yarn", "--env"}))
        return _tool_results([run_sub, *run_rest], env, command, ctx) if run_sub else []
    return []
