"""Commands that run other commands, classified at the CI line that runs them: package scripts
(``npm run X``: :func:`script_lookup`, :func:`run_script`, transitively, with ``preX``/``postX``,
cycle-safe), inner shells (``bash -c 'script'``, ``eval``) and package binaries (from PATH or
node_modules/.bin, through ``npx``/``npm exec``/``pnpm dlx``/``yarn dlx``/``bunx``, where
``npm@X`` is an npm upgrade, or as ``yarn X``/``pnpm X``/``bun run X`` when no package script of
that name exists)."""

from __future__ import annotations

import posixpath
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import replace

from npm_auth_lint.commands.dispatch import MAX_DEPTH, Context, ScriptLookup, WorkspaceMember, classify_command, classify_program
from npm_auth_lint.commands.results import Classified, NpmUpgrade, Publish, RunsCode
from npm_auth_lint.commands.words import basename, split_package_spec
from npm_auth_lint.model import Command, Location, PackageJson
from npm_auth_lint.shell import split_script

# Package scripts.

def script_lookup(package: PackageJson | None) -> ScriptLookup:
    """A :data:`ScriptLookup` over a package.json's ``scripts``."""
    scripts = package.scripts if package is not None else {}

    def lookup(name: str) -> tuple[str, Location] | None:
        text = scripts.get(name)
        return (text.value, text.location) if text is not None else None

    return lookup


# id(packages) -> (packages, members): every job of a monorepo asks for the members of the same
# packages (analysis.packages.workspace_packages gives one tuple per project); building them per
# job was jobs x packages (2,000 workflows of a 2,000-package workspace: 14 s).
_MEMBERS: dict[int, tuple[Sequence[PackageJson], tuple[WorkspaceMember, ...]]] = {}


def workspace_members(packages: Sequence[PackageJson]) -> tuple[WorkspaceMember, ...]:
    """The workspace packages as :func:`~npm_auth_lint.commands.classify` takes them."""
    cached = _MEMBERS.get(id(packages))
    if cached is not None and cached[0] is packages:
        return cached[1]
    if len(_MEMBERS) > 64:
        _MEMBERS.clear()
    members = tuple(
        WorkspaceMember(p.name.value if p.name is not None else None, p.directory, script_lookup(p)) for p in packages
    )
    _MEMBERS[id(packages)] = (packages, members)
    return members


def run_script(name: str, command: Command, ctx: Context, args: Sequence[str] = ()) -> list[Classified] | None:
    """Classify what package script ``name`` does; ``None`` when there is no such script.

    ``args`` (the words after the script name) are appended to the script's command line, as
    npm, pnpm and Yarn do: ``pnpm changeset publish`` with ``"changeset": "changeset"`` runs
    ``changeset publish``. Pre/post scripts get no arguments.
    """
    if ctx.scripts is None:
        return None
    try:
        main = ctx.scripts(name)
    except Exception:
        return None
    if main is None:
        return None
    results: list[Classified] = []
    if ctx.depth >= MAX_DEPTH:
        return results
    for script in (f"pre{name}", name, f"post{name}"):
        if script in ctx.visited:
            continue
        found = main if script == name else ctx.scripts(script)
        if found is None:
            continue
        text, location = found
        if script == name and args:
            text = f"{text} {' '.join(shlex.quote(arg) for arg in args)}"
        inner_ctx = replace(ctx, visited=ctx.visited | {script}, depth=ctx.depth + 1)
        for inner in split_script(text, path=location.path, first_line=location.line, column=location.column):
            for result in classify_command(inner, inner_ctx):
                if isinstance(result, RunsCode):
                    continue  # the outer command already runs code
                results.append(
                    replace(
                        result,
                        command=command,
                        via_scripts=((script, location),) + result.via_scripts,
                        script_command=result.script_command or inner,
                    )
                )
    return results


# Inner shells.

def classify_inner_shell(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``bash -c 'script'`` and ``eval 'script'``: classify the inner script at this line."""
    script: str | None
    if name == "eval":
        script = " ".join(args)
    else:
        script = None
        for i, arg in enumerate(args):
            if arg.startswith("-") and "c" in arg[1:] and not arg.startswith("--") and i + 1 < len(args):
                script = args[i + 1]
                break
        if script is None:
            return []
    if ctx.depth >= MAX_DEPTH:
        return []
    inner_ctx = replace(ctx, depth=ctx.depth + 1)
    results: list[Classified] = []
    for folder, inner in inner_commands(script, command):
        for result in classify_command(inner, inner_ctx):
            results.append(in_folder(replace(result, command=command, script_command=result.script_command or inner), folder))
    return results


def inner_commands(script: str, command: Command) -> Iterator[tuple[str | None, Command]]:
    """The commands of a script run by ``command`` (``bash -c '...'``), each with the folder the
    script's own ``cd`` moved to, relative to where it started ('' there; None when unknown)."""
    folder: str | None = ""
    where = command.location
    for inner in split_script(script, path=where.path, first_line=where.line, column=where.column):
        if inner.words[:1] == ("cd",):
            folder = _cd(folder, inner.words[1] if len(inner.words) > 1 else "~")
            continue
        yield folder, inner


def _cd(folder: str | None, target: str) -> str | None:
    target = target.strip().strip("\"'")
    if folder is None or not target or target.startswith(("$", "~", "/", "-")) or "{" in target:
        return None  # a variable, home, an absolute path, `cd -`, find's `{}`: not known here
    joined = posixpath.normpath(posixpath.join(folder, target))
    return None if joined.startswith("..") else ("" if joined == "." else joined)


def in_folder(result: Classified, folder: str | None) -> Classified:
    """A publish after ``cd folder`` inside the script publishes that folder's package (as if it
    were named: ``npm publish folder``)."""
    if not isinstance(result, Publish) or not folder or result.recursive:
        return result
    return replace(result, spec=posixpath.normpath(posixpath.join(folder, result.spec)) if result.spec else folder)


# Package binaries.

def run_script_or_binary(words: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``yarn X``/``pnpm X``/``bun run X``: a package script when one exists, else a binary."""
    if not words:
        return []
    followed = run_script(words[0], command, ctx, words[1:])
    if followed is not None:
        return followed
    return run_binary(words, env, command, ctx, packages=())


_SCOPED_BINARIES = {"@changesets/cli": "changeset", "@lerna-lite/cli": "lerna-lite", "@lerna-lite/publish": "lerna-lite"}


def run_binary(
    words: list[str], env: list[tuple[str, str]], command: Command, ctx: Context, *, packages: tuple[str, ...]
) -> list[Classified]:
    """What running binary ``words[0]`` does (from PATH, node_modules/.bin, npx or dlx)."""
    if not words:
        return []
    spec = words[0]
    name, version = split_package_spec(spec)
    binary = _SCOPED_BINARIES.get(name, basename(name))
    results: list[Classified] = []
    if binary == "npm" and version is not None:
        results.append(NpmUpgrade(command=command, spec=version or "latest", method="npx"))
    for package in packages:
        package_name, package_version = split_package_spec(package)
        if package_name == "npm" and binary == "npm":
            results.append(NpmUpgrade(command=command, spec=package_version or "latest", method="npx"))
    results += classify_program([binary, *words[1:]], env, command, ctx)
    return results


def run_exec(
    rest: list[str], before: list[str], env: list[tuple[str, str]], command: Command, ctx: Context, manager: str
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
            # the tool `--dry-run`. Not so for npx: npm's bin/npx-cli.js puts a `--` of its own
            # before the first positional word (`npx tool a` runs `npm exec -- tool a`), so the
            # tool gets every later `--` (`npx lerna exec $(…) -- pnpm publish` keeps lerna's).
            cut = words.index("--")
            words = words[:cut] + words[cut + 1 :]
        break
    results: list[Classified] = []
    if call is not None:
        for inner in split_script(call, path=command.location.path, first_line=command.location.line, column=command.location.column):
            for result in classify_command(inner, ctx):
                if not isinstance(result, RunsCode):
                    results.append(replace(result, command=command, script_command=result.script_command or inner))
        for package in packages:
            package_name, version = split_package_spec(package)
            if package_name == "npm":
                results.append(NpmUpgrade(command=command, spec=version or "latest", method="npx"))
        return results
    if not words and packages:
        words = [packages[0]]
    return results + run_binary(words, env, command, ctx, packages=tuple(packages))


def classify_npx(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``npx``/``pnpx``/``bunx``: runs a package binary."""
    return [RunsCode(command=command, what=name)] + run_exec(args, [], env, command, ctx, name.lower())
