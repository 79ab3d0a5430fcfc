"""Running a package binary: from PATH or node_modules/.bin, through ``npx``/``npm exec``/``pnpm dlx``/
``yarn dlx``/``bunx`` (``npm@X`` there is an npm upgrade), or as ``yarn X``/``pnpm X``/``bun run X``
when no package script of that name exists."""

from __future__ import annotations

from dataclasses import replace

from npm_auth_lint.commands.context import _Context
from npm_auth_lint.commands.dispatch import _classify, _tool_results
from npm_auth_lint.commands.publishers import _lerna
from npm_auth_lint.commands.results import Classified, NpmUpgrade, RunsCode
from npm_auth_lint.commands.scripts import _run_script
from npm_auth_lint.commands.words import _basename, _package_name
from npm_auth_lint.model import Command
from npm_auth_lint.shell import split_script


def _script_or_binary(words: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    """``yarn X``/``pnpm X``/``bun run X``: a package script when one exists, else a binary."""
    if not words:
        return []
    followed = _run_script(words[0], command, ctx, words[1:])
    if followed is not None:
        return followed
    return _binary(words, env, command, ctx, packages=())


_SCOPED_BINARIES = {"@changesets/cli": "changeset", "@lerna-lite/cli": "lerna-lite", "@lerna-lite/publish": "lerna-lite"}


def _binary(
    words: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context, *, packages: tuple[str, ...]
) -> list[Classified]:
    """What running binary ``words[0]`` does (from PATH, node_modules/.bin, npx or dlx)."""
    if not words:
        return []
    spec = words[0]
    name, version = _package_name(spec)
    binary = _SCOPED_BINARIES.get(name, _basename(name))
    results: list[Classified] = []
    if binary == "npm" and version is not None:
        results.append(NpmUpgrade(command=command, spec=version or "latest", method="npx"))
    for package in packages:
        package_name, package_version = _package_name(package)
        if package_name == "npm" and binary == "npm":
            results.append(NpmUpgrade(command=command, spec=package_version or "latest", method="npx"))
    if binary == "lerna-lite":
        results += _lerna(binary, words[1:], env, command, ctx, lite=True)
        return results
    results += _tool_results([binary, *words[1:]], env, command, ctx)
    return results


def _exec_like(
    rest: list[str], before: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context, manager: str
) -> list[Classified]:
    """``npm exec``/``npx``: ``--package``/``-p`` packages, ``-c 'script'``, then the command."""
    packages: list[str] = []
    call = None
    i = 0
    words: list[str] = []
    args = before + rest
    while i < len(args):
        arg = args[i]
        if arg == "--":
            words = args[i + 1 :]
            break
        if arg in ("-p", "--package") and i + 1 < len(args):
            packages.append(args[i + 1])
            i += 2
            continue
        if arg.startswith("--package="):
            packages.append(arg.split("=", 1)[1])
            i += 1
            continue
        if arg in ("-c", "--call") and i + 1 < len(args):
            call = args[i + 1]
            i += 2
            continue
        if arg.startswith("--call="):
            call = arg.split("=", 1)[1]
            i += 1
            continue
        if arg.startswith("-") and len(arg) > 1:
            i += 2 if ("=" not in arg and arg in ("--registry", "--userconfig", "--cache", "--loglevel", "-w", "--workspace", "--prefix")) else 1
            continue
        words = args[i:]
        if manager == "npm" and "--" in words:
            # npm's option parser consumes the first `--`, so `npm exec tool -- --dry-run` hands
            # the tool `--dry-run`.
            cut = words.index("--")
            words = words[:cut] + words[cut + 1 :]
        break
    results: list[Classified] = []
    if call is not None:
        for inner in split_script(call, path=command.location.path, first_line=command.location.line, column=command.location.column):
            for result in _classify(inner, ctx):
                if not isinstance(result, RunsCode):
                    results.append(replace(result, command=command, script_command=result.script_command or inner))
        for package in packages:
            package_name, version = _package_name(package)
            if package_name == "npm":
                results.append(NpmUpgrade(command=command, spec=version or "latest", method="npx"))
        return results
    if not words and packages:
        words = [packages[0]]
    return results + _binary(words, env, command, ctx, packages=tuple(packages))


def _npx(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    return [RunsCode(command=command, what=name)] + _exec_like(args, [], env, command, ctx, "npm" if name.lower() == "npx" else name)
