"""corepack and volta: the npm, pnpm or Yarn they install or activate, and ``volta run``."""

from __future__ import annotations

from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.dispatch import _tool_results
from npm_auth_lint.commands.results import Classified, NpmUpgrade, PackageManagerInstall
from npm_auth_lint.commands.words import _package_name, _positionals, _subcommand
from npm_auth_lint.model import Command


def _version_installs(specs: list[str], command: Command, method: str) -> list[Classified]:
    """`npm@X` / `pnpm@X` / `yarn@X` specs that corepack or volta installs or activates."""
    results: list[Classified] = []
    for spec in specs:
        tool, version = _package_name(spec)
        if tool == "npm":
            results.append(NpmUpgrade(command=command, spec=version or "latest", method=method))
        elif tool in ("pnpm", "yarn"):
            results.append(PackageManagerInstall(command=command, tool=tool, spec=version or "latest", method=method))
    return results


def _corepack(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, _ = _subcommand(args, frozenset())
    if sub not in ("prepare", "use", "install", "up"):
        return []
    return _version_installs(_positionals(rest, frozenset()), command, "corepack")


def _volta(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, _ = _subcommand(args, frozenset())
    if sub in ("install", "pin"):
        return _version_installs(_positionals(rest, frozenset()), command, "volta")
    if sub == "run":
        run_sub, run_rest, _ = _subcommand(rest, frozenset({"--node", "--npm", "--pnpm", "--yarn", "--env"}))
        return _tool_results([run_sub, *run_rest], env, command, ctx) if run_sub else []
    return []
