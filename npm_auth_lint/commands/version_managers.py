"""corepack and volta: the npm, pnpm or Yarn they install or activate, and ``volta run``."""

from __future__ import annotations

from npm_auth_lint.commands.dispatch import Context, classify_program
from npm_auth_lint.commands.results import Classified, NpmUpgrade, PackageManagerInstall
from npm_auth_lint.commands.words import positional_args, split_package_spec, subcommand
from npm_auth_lint.model import Command


def _version_installs(specs: list[str], command: Command, method: str) -> list[Classified]:
    """`npm@X` / `pnpm@X` / `yarn@X` specs that corepack or volta installs or activates."""
    results: list[Classified] = []
    for spec in specs:
        tool, version = split_package_spec(spec)
        if tool == "npm":
            results.append(NpmUpgrade(command=command, spec=version or "latest", method=method))
        elif tool in ("pnpm", "yarn"):
            results.append(PackageManagerInstall(command=command, tool=tool, spec=version or "latest", method=method))
    return results


def classify_corepack(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``corepack prepare/use/install/up``: the npm, pnpm or Yarn it activates."""
    sub, rest, _ = subcommand(args, frozenset())
    if sub not in ("prepare", "use", "install", "up"):
        return []
    return _version_installs(positional_args(rest, frozenset()), command, "corepack")


def classify_volta(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``volta install/pin`` (npm, pnpm, Yarn) and ``volta run``."""
    sub, rest, _ = subcommand(args, frozenset())
    if sub in ("install", "pin"):
        return _version_installs(positional_args(rest, frozenset()), command, "volta")
    if sub == "run":
        run_sub, run_rest, _ = subcommand(rest, frozenset({"--node", "--npm", "--pnpm", "--yarn", "--env"}))
        return classify_program([run_sub, *run_rest], env, command, ctx) if run_sub else []
    return []
