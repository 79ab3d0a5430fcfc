"""What a shell command does for npm: publish, install, log in, write an npmrc, export env, ...

Pure functions over :class:`~npm_auth_lint.model.Command` (from :mod:`npm_auth_lint.shell`);
no YAML. Every result is a frozen dataclass that carries the CI ``command`` it came from, so a
finding can point at the line where the command is written.

Entry points:

- :func:`classify` — one command; :func:`classify_script` — the commands of one shell in
  order, which also joins ``NPM_ID_TOKEN=$(circleci run oidc get ...)`` with a later
  ``export NPM_ID_TOKEN``.
- :func:`classify_action` / :func:`ref_version` / :func:`version_at_least` — ``uses:`` values.
- :data:`OIDC_PUBLISHER_SUPPORT` — which publisher supports trusted publishing from which version.

Package scripts: ``npm run X`` (and the pnpm/yarn/bun forms, ``npm test``/``start``) follow the
script through a :data:`ScriptLookup` the caller binds to the package.json of the step's working
directory (:func:`script_lookup`), transitively, with ``preX``/``postX``, cycle-safe. A result
found inside a script keeps the CI ``command`` (the ``npm run X`` line) and records the chain in
``via_scripts`` and the package.json command in ``script_command``. Exports made inside a script
live in a child process: only writes to ``$GITHUB_ENV``/``$BASH_ENV`` outlive it, so consumers
should read :class:`EnvExport` / :class:`IdTokenExport` with ``via_scripts`` in mind. Pre/post
scripts are followed for every package manager (Yarn Berry and some pnpm setups skip them), so
detection errs on the side of finding a publish. The words after the script name are appended to
the script's command line, as the package managers do (``pnpm changeset publish`` with
``"changeset": "changeset"``).
"""

from __future__ import annotations

import enum
import json
import re
import shlex
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Union

from npm_auth_lint.model import Command, Location, NpmrcEntry, NpmrcKind, PackageJson
from npm_auth_lint.shell import split_script

ScriptLookup = Callable[[str], "tuple[str, Location] | None"]

__all__ = [
    "ActionKind",
    "ActionRef",
    "Classified",
    "EnvExport",
    "ExportTarget",
    "IdTokenExport",
    "Install",
    "Login",
    "NpmUpgrade",
    "NpmrcWrite",
    "OIDC_PUBLISHER_SUPPORT",
    "OidcSupport",
    "PackageManagerInstall",
    "Publish",
    "RunsCode",
    "ScriptLookup",
    "Tool",
    "classify",
    "classify_action",
    "classify_script",
    "ref_version",
    "refine_tool",
    "script_lookup",
    "version_at_least",
]


# --------------------------------------------------------------------------------------------
# Results


class Tool(str, enum.Enum):
    """A publishing tool; the values are the keys of :data:`OIDC_PUBLISHER_SUPPORT`."""

    NPM = "npm"
    PNPM = "pnpm"
    YARN_BERRY = "yarn-berry"  # `yarn npm publish`
    YARN_CLASSIC = "yarn-classic"  # `yarn publish` (Yarn 1)
    BUN = "bun"
    LERNA = "lerna"
    LERNA_LITE = "lerna-lite"
    CHANGESETS = "changesets"
    SEMANTIC_RELEASE = "semantic-release"
    NP = "np"
    RELEASE_IT = "release-it"
    NX = "nx"


# The npm package whose version decides a tool's trusted-publishing support.
_TOOL_PACKAGE = {
    Tool.NPM: "npm",
    Tool.PNPM: "pnpm",
    Tool.YARN_BERRY: "yarn",
    Tool.YARN_CLASSIC: "yarn",
    Tool.BUN: "bun",
    Tool.LERNA: "lerna",
    Tool.LERNA_LITE: "@lerna-lite/publish",
    Tool.CHANGESETS: "@changesets/cli",
    Tool.SEMANTIC_RELEASE: "@semantic-release/npm",
    Tool.NP: "np",
    Tool.RELEASE_IT: "release-it",
    Tool.NX: "nx",
}


@dataclass(frozen=True, kw_only=True)
class _Result:
    command: Command  # the CI command (for a package script: the `npm run X` command)
    via_scripts: tuple[tuple[str, Location], ...] = ()  # package.json scripts followed, outermost first
    script_command: Command | None = None  # the command inside the package.json script


@dataclass(frozen=True, kw_only=True)
class Publish(_Result):
    """A command that publishes to a registry.

    ``recursive`` means it publishes the packages of a workspace rather than one (``pnpm -r``,
    ``npm --workspaces``, ``yarn workspaces foreach``, lerna, changesets, nx). ``tool_package`` is
    the npm package whose version decides trusted-publishing support. The ``lerna`` binary is also
    lerna-lite's: see :func:`refine_tool`.
    """

    tool: Tool
    registry: str | None = None
    provenance: bool | None = None
    recursive: bool = False
    tool_package: str | None = None
    # What `npm publish <spec>` / `pnpm publish <dir>` / `yarn publish <dir>` names, as written: a
    # folder or tarball instead of the current package (None when no argument is given).
    spec: str | None = None
    # The one workspace package it is pointed at, as written (`npm -w X`, `pnpm --filter X`).
    workspace: str | None = None


@dataclass(frozen=True, kw_only=True)
class Install(_Result):
    """A dependency install (runs lifecycle scripts of the package and its dependencies)."""

    tool: str  # npm | pnpm | yarn | bun


@dataclass(frozen=True, kw_only=True)
class NpmUpgrade(_Result):
    """A command that installs another npm. ``spec`` is the version spec: ``latest`` when none is
    written, except ``""`` for a bare ``npm install -g npm`` (npm's range ``*``).

    ``method`` is one of ``npm-install-global``, ``pnpm-add-global``, ``yarn-global``,
    ``corepack``, ``volta`` and ``npx`` (``npx npm@X ...``: that npm runs only this command).
    """

    spec: str
    method: str


@dataclass(frozen=True, kw_only=True)
class PackageManagerInstall(_Result):
    """pnpm or Yarn installed or activated by a command (corepack, ``npm i -g pnpm@X``, volta)."""

    tool: str  # pnpm | yarn
    spec: str
    method: str


@dataclass(frozen=True, kw_only=True)
class Login(_Result):
    """An interactive or password login; ``stdin`` when input is piped or fed by a heredoc."""

    tool: str  # npm | pnpm | yarn | yarn-berry | npm-cli-login | npm-login-noninteractive
    registry: str | None = None
    stdin: bool = False


@dataclass(frozen=True, kw_only=True)
class NpmrcWrite(_Result):
    """A command that writes settings into an npmrc-like file.

    ``entries`` are the settings written, located at the CI line that writes them (a heredoc's
    lines are exact); ``auth_keys`` the credential keys among them; ``env_references`` the
    ``$VAR``/``${VAR}`` names in credential values; ``expressions`` the GitHub ``${{ }}``
    expressions in them; ``literal_credential`` a credential value written out (never print it).
    ``content`` is ``""`` when the command writes text the tool cannot see (``envsubst < t``).
    Heredoc entries have their exact CI line; their column assumes the body is indented like the
    command that opens it (the script's own indentation is not known here).
    """

    target: str
    kind: NpmrcKind
    content: str
    entries: tuple[NpmrcEntry, ...] = ()
    auth_keys: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()  # registry scopes of the credential keys (`//host/`, `@scope`)
    env_references: tuple[str, ...] = ()
    expressions: tuple[str, ...] = ()
    literal_credential: str | None = None
    append: bool = False
    # References the shell leaves as written (`'${NPM_TOKEN}'`, `\${NPM_TOKEN}`, a quoted heredoc
    # delimiter): the file gets the reference, which npm expands when it reads the file.
    kept_references: tuple[str, ...] = ()


class ExportTarget(str, enum.Enum):
    """Where an environment variable is put, and so which later commands see it."""

    SHELL = "shell"  # `export X=..`: later commands of this shell only
    COMMAND = "command"  # `X=.. cmd`: that command only
    UNEXPORTED = "unexported"  # `X=..`: a shell variable, not in the environment until exported
    GITHUB_ENV = "github-env"  # `>> $GITHUB_ENV`: later steps of the job
    BASH_ENV = "bash-env"  # `>> $BASH_ENV` (CircleCI): later steps' shells

    @property
    def persists(self) -> bool:
        """True when later steps see it."""
        return self in (ExportTarget.GITHUB_ENV, ExportTarget.BASH_ENV)


@dataclass(frozen=True, kw_only=True)
class EnvExport(_Result):
    """An environment variable set at run time; ``value`` is ``None`` for ``export NAME``."""

    name: str
    value: str | None
    target: ExportTarget


@dataclass(frozen=True, kw_only=True)
class IdTokenExport(_Result):
    """A variable set from ``circleci run oidc get`` (CircleCI's OIDC token for npm).

    ``audience`` is the ``aud`` claim requested with ``--claims`` (``None`` without claims or
    when they cannot be read: the default token's audience is not npm's).
    """

    name: str
    audience: str | None
    target: ExportTarget


@dataclass(frozen=True, kw_only=True)
class RunsCode(_Result):
    """A command that runs repository or dependency code (scripts, binaries, lifecycle scripts)."""

    what: str  # e.g. "npm run build", "npx", "install"


Classified = Union[Publish, Install, NpmUpgrade, PackageManagerInstall, Login, NpmrcWrite, EnvExport, IdTokenExport, RunsCode]


# --------------------------------------------------------------------------------------------
# Public functions


def script_lookup(package: PackageJson | None) -> ScriptLookup:
    """A :data:`ScriptLookup` over a package.json's ``scripts``."""
    scripts = package.scripts if package is not None else {}

    def lookup(name: str) -> tuple[str, Location] | None:
        text = scripts.get(name)
        return (text.value, text.location) if text is not None else None

    return lookup


def classify(command: Command, scripts: ScriptLookup | None = None) -> tuple[Classified, ...]:
    """Everything ``command`` does that matters for npm auth; never raises."""
    try:
        return tuple(_classify(command, _Context(scripts, frozenset(), 0)))
    except Exception:  # noqa: BLE001 - one odd command must not stop the scan
        return ()


def classify_script(commands: Iterable[Command], scripts: ScriptLookup | None = None) -> tuple[Classified, ...]:
    """:func:`classify` over the commands of one shell, in order, plus cross-command exports.

    ``NPM_ID_TOKEN=$(circleci run oidc get ...)`` followed by ``export NPM_ID_TOKEN`` yields an
    :class:`IdTokenExport` with target ``SHELL`` at the ``export`` command.
    """
    results: list[Classified] = []
    assigned: dict[str, IdTokenExport] = {}
    for command in commands:
        for result in classify(command, scripts):
            results.append(result)
            if isinstance(result, IdTokenExport) and result.target is ExportTarget.UNEXPORTED:
                assigned[result.name] = result
            elif (
                isinstance(result, EnvExport)
                and result.value is None
                and result.target is ExportTarget.SHELL
                and result.name in assigned
                and not result.via_scripts
            ):
                token = assigned[result.name]
                results.append(replace(token, command=command, target=ExportTarget.SHELL))
    return tuple(results)


def refine_tool(publish: Publish, dependencies: Mapping[str, object]) -> Publish:
    """Tell lerna-lite from lerna (both install a ``lerna`` binary) by the package's dependencies."""
    lite = any(name.startswith("@lerna-lite/") for name in dependencies)
    if publish.tool is Tool.LERNA and "lerna" not in dependencies and lite:
        return replace(publish, tool=Tool.LERNA_LITE, tool_package=_TOOL_PACKAGE[Tool.LERNA_LITE])
    return publish


# --------------------------------------------------------------------------------------------
# Classification


@dataclass(frozen=True)
class _Context:
    scripts: ScriptLookup | None
    visited: frozenset[str]
    depth: int


_MAX_DEPTH = 12
_WORKSPACE_TOOLS = frozenset({Tool.LERNA, Tool.LERNA_LITE, Tool.CHANGESETS, Tool.NX})


def _classify(command: Command, ctx: _Context) -> list[Classified]:
    words, env = _strip_wrappers(list(command.words), list(command.assignments))
    results: list[Classified] = []
    results += _assignment_results(command)
    results += _write_results(command, words)
    if words:
        results += _tool_results(words, env, command, ctx)
    return results


def _basename(word: str) -> str:
    name = re.split(r"[\\/]", word)[-1]
    lowered = name.lower()
    for ext in (".cmd", ".exe", ".ps1", ".bat"):
        if lowered.endswith(ext):
            return name[: -len(ext)]
    return name


_ASSIGNMENT_WORD = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


# GNU/BSD xargs options that take the next word as their value (`-i`, `-l`, `-e` only attach it).
_XARGS_VALUE_OPTIONS = frozenset({"-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a", "-J", "-R", "-S"})


def _strip_wrappers(words: list[str], env: list[tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Drop ``sudo``/``env``/``time``/``cross-env``... in front of the real command."""
    for _ in range(16):
        if not words:
            break
        name = _basename(words[0])
        if name == "sudo":
            i = 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in ("-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U") else 1
            words = words[i:]
        elif name == "env":
            i = 1
            while i < len(words):
                word = words[i]
                if word in ("-u", "--unset", "-C", "--chdir", "-S"):
                    i += 2
                elif word.startswith("-"):
                    i += 1
                elif (match := _ASSIGNMENT_WORD.match(word)) is not None:
                    env.append((match.group(1), match.group(2)))
                    i += 1
                else:
                    break
            words = words[i:]
        elif name in ("cross-env", "cross-env-shell"):
            i = 1
            while i < len(words) and (match := _ASSIGNMENT_WORD.match(words[i])) is not None:
                env.append((match.group(1), match.group(2)))
                i += 1
            words = words[i:]
        elif name in ("time", "nohup", "command", "exec", "builtin", "call", "stdbuf", "unbuffer"):
            i = 1
            while i < len(words) and words[i].startswith("-"):
                i += 1
            words = words[i:]
        elif name == "xargs":
            i = 1
            while i < len(words) and words[i].startswith("-") and words[i] != "-":
                if words[i] == "--":
                    i += 1
                    break
                # Options whose value is the next word when it is not attached (`-I {}` / `-I{}`).
                i += 2 if words[i] in _XARGS_VALUE_OPTIONS else 1
            words = words[i:]
        elif name == "nice":
            i = 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] == "-n" else 1
            words = words[i:]
        elif name == "timeout":
            i = 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in ("-s", "-k", "--signal", "--kill-after") else 1
            words = words[i + 1 :]  # the duration
        elif name == "xvfb-run":
            i = 1
            while i < len(words) and words[i].startswith("-"):
                i += 2 if words[i] in ("-s", "--server-args", "-n", "--server-num", "-e", "--error-file", "-f", "--auth-file", "-p", "--xauth-protocol", "-w", "--wait") else 1
            words = words[i:]
        elif name in ("dotenv", "dotenv-cli", "env-cmd"):
            if "--" in words:
                words = words[words.index("--") + 1 :]
            else:
                i = 1
                while i < len(words) and words[i].startswith("-"):
                    i += 2 if words[i] in ("-e", "-f", "-v", "-c", "-r", "--file", "--environments") else 1
                words = words[i:]
        elif name == "corepack" and len(words) > 1 and _basename(words[1]) in ("npm", "pnpm", "yarn", "npx", "pnpx"):
            words = words[1:]
        else:
            break
    return words, env


def _tool_results(words: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    name = _basename(words[0])
    args = words[1:]
    handler = _HANDLERS.get(name)
    if handler is not None:
        return handler(name, args, env, command, ctx)
    if name.lower() in _PWSH_NAMES:
        return _HANDLERS[_PWSH_NAMES[name.lower()]](name, args, env, command, ctx)
    return []


# ---- option helpers ------------------------------------------------------------------------


def _option(args: list[str], *names: str) -> str | None:
    """The value of ``--name value`` / ``--name=value`` (last one wins)."""
    value = None
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith(name + "=") and name.startswith("--"):
                value = arg[len(name) + 1 :]
    return value


def _runtime_value(value: str) -> bool:
    """A value only known when the job runs (``${{ inputs.dry }}``, ``$DRY_RUN``)."""
    return "$" in value


def _flag(args: list[str], *names: str) -> bool | None:
    """``True``/``False`` for ``--x``, ``--x=true|false``, ``--no-x``; ``None`` when absent.

    ``--x=${{ ... }}`` / ``--x=$VAR`` is decided at run time: it reads as ``None`` (unknown), so
    ``--dry-run=${{ inputs.dry_run }}`` still counts as a publish that real runs make.
    """
    state = None
    for arg in args:
        if arg == "--":
            break
        for name in names:
            if arg == name:
                state = True
            elif name.startswith("--") and arg.startswith(name + "="):
                value = arg[len(name) + 1 :]
                state = None if _runtime_value(value) else value.lower() not in ("false", "0", "no", "")
            elif name.startswith("--") and arg == "--no-" + name[2:]:
                state = False
    return state


def _env_flag(env: list[tuple[str, str]], name: str) -> bool | None:
    for key, value in reversed(env):
        if key.lower() == name.lower():
            if _runtime_value(value):
                return None
            return value.strip().lower() not in ("false", "0", "", "no")
    return None


def _env_value(env: list[tuple[str, str]], name: str) -> str | None:
    for key, value in reversed(env):
        if key.lower() == name.lower():
            return value
    return None


def _subcommand(args: list[str], value_flags: frozenset[str]) -> tuple[str | None, list[str], list[str]]:
    """(first positional, the words after it, the flags before it)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return (args[i + 1] if i + 1 < len(args) else None), args[i + 2 :], args[:i]
        if arg.startswith("-") and len(arg) > 1:
            i += 2 if ("=" not in arg and arg in value_flags) else 1
            continue
        return arg, args[i + 1 :], args[:i]
    return None, [], args


def _positionals(args: list[str], value_flags: frozenset[str]) -> list[str]:
    out = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out.extend(args[i + 1 :])
            break
        if arg.startswith("-") and len(arg) > 1:
            i += 2 if ("=" not in arg and arg in value_flags) else 1
            continue
        out.append(arg)
        i += 1
    return out


def _package_name(spec: str) -> tuple[str, str | None]:
    """``@scope/name@1.2`` -> (``@scope/name``, ``1.2``); no version -> (name, None)."""
    if spec.startswith("@"):
        head, sep, version = spec[1:].partition("@")
        return "@" + head, (version if sep else None)
    name, sep, version = spec.partition("@")
    return name, (version if sep else None)


def _is_dry_run(args: list[str], env: list[tuple[str, str]], short: bool = False) -> bool:
    flag = _flag(args, "--dry-run")
    if flag is None and short and "-d" in args:
        flag = True
    if flag is None:
        flag = _env_flag(env, "npm_config_dry_run")
    return bool(flag)


def _provenance(args: list[str], env: list[tuple[str, str]]) -> bool | None:
    flag = _flag(args, "--provenance")
    return flag if flag is not None else _env_flag(env, "npm_config_provenance")


def _registry(args: list[str], env: list[tuple[str, str]]) -> str | None:
    return _option(args, "--registry") or _env_value(env, "npm_config_registry")


def _publish(
    tool: Tool,
    command: Command,
    args: list[str],
    env: list[tuple[str, str]],
    *,
    recursive: bool = False,
    value_flags: frozenset[str] | None = None,
) -> Publish:
    """A :class:`Publish`; with ``value_flags`` the first positional argument is its ``spec``."""
    spec = None
    if value_flags is not None:
        positionals = _positionals(args, value_flags)
        spec = positionals[0] if positionals else None
    return Publish(
        command=command,
        tool=tool,
        registry=_registry(args, env),
        provenance=_provenance(args, env),
        recursive=recursive or tool in _WORKSPACE_TOOLS,
        tool_package=_TOOL_PACKAGE[tool],
        spec=spec,
    )


def _login(tool: str, command: Command, args: list[str]) -> Login:
    fed = bool(command.piped_from) or any(op in ("<<", "<<-", "<<<", "<") for op, _ in command.redirects)
    return Login(command=command, tool=tool, registry=_option(args, "--registry"), stdin=fed)


# ---- package scripts -------------------------------------------------------------------------


def _run_script(name: str, command: Command, ctx: _Context, args: Sequence[str] = ()) -> list[Classified] | None:
    """Classify what package script ``name`` does; ``None`` when there is no such script.

    ``args`` (the words after the script name) are appended to the script's command line, as
    npm, pnpm and Yarn do: ``pnpm changeset publish`` with ``"changeset": "changeset"`` runs
    ``changeset publish``. Pre/post scripts get no arguments.
    """
    if ctx.scripts is None:
        return None
    try:
        main = ctx.scripts(name)
    except Exception:  # noqa: BLE001 - the caller's lookup must not stop the scan
        return None
    if main is None:
        return None
    results: list[Classified] = []
    if ctx.depth >= _MAX_DEPTH:
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
        inner_ctx = _Context(ctx.scripts, ctx.visited | {script}, ctx.depth + 1)
        for inner in split_script(text, path=location.path, first_line=location.line, column=location.column):
            for result in _classify(inner, inner_ctx):
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


def _script_or_binary(words: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    """``yarn X``/``pnpm X``/``bun run X``: a package script when one exists, else a binary."""
    if not words:
        return []
    followed = _run_script(words[0], command, ctx, words[1:])
    if followed is not None:
        return followed
    return _binary(words, env, command, ctx, packages=())


# ---- binaries (also reached through npx / exec / dlx) ----------------------------------------

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


# ---- npm ------------------------------------------------------------------------------------

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


def _is_global(args: list[str]) -> bool:
    if "-g" in args or _flag(args, "--global"):
        return True
    return _option(args, "--location") == "global"


def _global_installs(
    manager: str, method: str, specs: list[str], command: Command
) -> list[Classified]:
    results: list[Classified] = []
    runs_other = False
    for spec in specs:
        name, version = _package_name(spec)
        if name == "npm":
            # npm reads a bare `npm` as the range `*` and picks by engines (a Node 20 gets npm 11,
            # not the `latest` npm 12 it would refuse); pnpm and Yarn take the `latest` tag.
            bare = "" if method == "npm-install-global" else "latest"
            results.append(NpmUpgrade(command=command, spec=version or bare, method=method))
        elif name in ("pnpm", "yarn", "@pnpm/exe"):
            tool = "yarn" if name == "yarn" else "pnpm"
            results.append(PackageManagerInstall(command=command, tool=tool, spec=version or "latest", method=method))
        else:
            runs_other = True
    if runs_other:
        results.append(RunsCode(command=command, what=f"{manager} global install"))
    return results


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


# ---- pnpm -----------------------------------------------------------------------------------

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


# ---- yarn -----------------------------------------------------------------------------------

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


# ---- bun ------------------------------------------------------------------------------------

_BUN_VALUE_FLAGS = frozenset({"--cwd", "--filter", "-F", "-c", "--config", "--tag", "--access", "--otp", "--auth-type", "--registry"})
_BUN_BUILTINS = frozenset(
    "run test x repl exec install i add a remove rm update outdated link unlink pm build init create c upgrade publish patch audit info why".split()
)


def _bun(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    sub, rest, before = _subcommand(args, _BUN_VALUE_FLAGS)
    if sub is None:
        return []
    all_args = before + rest
    if sub in ("install", "i", "add", "a"):
        if _is_global(all_args):
            return _global_installs("bun", "bun-add-global", _positionals(rest, _BUN_VALUE_FLAGS), command)
        return [Install(command=command, tool="bun"), RunsCode(command=command, what=f"bun {sub}")]
    if sub == "publish":
        return [] if _is_dry_run(all_args, env) else [_publish(Tool.BUN, command, all_args, env)]
    if sub == "run":
        positionals = _positionals(rest, _BUN_VALUE_FLAGS)
        if not positionals:
            return []
        index = rest.index(positionals[0])
        return [RunsCode(command=command, what=f"bun run {positionals[0]}")] + _script_or_binary(rest[index:], env, command, ctx
        )
    if sub in ("test", "create", "c", "exec", "build"):
        return [RunsCode(command=command, what=f"bun {sub}")]
    if sub == "x":
        return [RunsCode(command=command, what="bunx")] + _exec_like(rest, [], env, command, ctx, "bun")
    if sub in _BUN_BUILTINS:
        return []
    return [RunsCode(command=command, what=f"bun {sub}")] + _script_or_binary([sub, *rest], env, command, ctx)


# ---- corepack, volta -------------------------------------------------------------------------


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


# ---- publishing tools -----------------------------------------------------------------------


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


def _login_tool(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    return [_login(name, command, args)]


def _shell_c(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: _Context) -> list[Classified]:
    """``bash -c 'script'`` and ``eval 'script'``: classify the inner script at this line."""
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
    if ctx.depth >= _MAX_DEPTH:
        return []
    inner_ctx = _Context(ctx.scripts, ctx.visited, ctx.depth + 1)
    results: list[Classified] = []
    for inner in split_script(script, path=command.location.path, first_line=command.location.line, column=command.location.column):
        for result in _classify(inner, inner_ctx):
            results.append(replace(result, command=command, script_command=result.script_command or inner))
    return results


# ---- npmrc writes ----------------------------------------------------------------------------

_AUTH_KEYS = ("_authToken", "_auth", "_password", "username", "email", "always-auth", "npmAuthToken", "npmAuthIdent", "npmAlwaysAuth")
_SECRET_KEYS = frozenset({"_authToken", "_auth", "_password", "npmAuthToken", "npmAuthIdent"})
# ${VAR} (also ${VAR:-x}), $VAR, PowerShell $env:VAR, cmd %VAR%; not GitHub's ${{ }}.
_ENV_REFERENCE = re.compile(
    r"\$env:([A-Za-z_][A-Za-z0-9_]*)|\$(?!\{\{)\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%",
    re.I,
)
_EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)
_BERRY_KEY = re.compile(r"""^npm(?:Registries|Scopes)(?:\[["']?([^"'\]]+)["']?\]|\.([^.]+))\.(\w+)$""")


def _npmrc_kind(target: str) -> NpmrcKind | None:
    if re.fullmatch(r"\$\{?npm_config_userconfig\}?|\$env:npm_config_userconfig|%npm_config_userconfig%", target, re.I):
        return NpmrcKind.NPMRC
    base = _basename(target).lower()
    if base == ".yarnrc.yml":
        return NpmrcKind.YARNRC_YML
    if base == ".yarnrc":
        return NpmrcKind.YARNRC
    if base in (".npmrc", "npmrc") or base.endswith(".npmrc"):
        return NpmrcKind.NPMRC
    return None


def _npmrc_write(command: Command, write: _Write, kind: NpmrcKind) -> NpmrcWrite:
    from npm_auth_lint.parsers.npmrc import parse_npmrc

    content = write.content or ""
    path = command.location.path
    if kind is NpmrcKind.YARNRC_YML:
        entries = _yarnrc_yml_entries(path, content)
    else:
        entries = parse_npmrc(path, content, kind).entries
    if write.heredoc:
        # Body lines are lines of the CI file, indented like the command that opens the heredoc.
        shift, indent = write.first_line - 1, command.location.column - 1
        entries = tuple(
            replace(
                e,
                location=Location(path, e.location.line + shift, e.location.column + indent),
                value_location=Location(path, e.value_location.line + shift, e.value_location.column + indent),
            )
            for e in entries
        )
    else:
        entries = tuple(replace(e, location=command.location, value_location=command.location) for e in entries)
    kept = _kept_references(command.text, heredoc=write.heredoc)
    return _npmrc_result(command, write.target, kind, content, entries, append=write.append, kept=kept)


def _npmrc_result(
    command: Command,
    target: str,
    kind: NpmrcKind,
    content: str,
    entries: tuple[NpmrcEntry, ...],
    *,
    append: bool,
    kept: frozenset[str] | None = None,
) -> NpmrcWrite:
    auth = [e for e in entries if e.key in _AUTH_KEYS]
    values = [e.value for e in auth if e.key in _SECRET_KEYS]
    kept_set = kept if kept is not None else _kept_references(command.text)
    references: list[str] = []
    for value in values:
        for match in _ENV_REFERENCE.finditer(value):
            name = next(g for g in match.groups() if g)
            if name not in references:
                references.append(name)
    return NpmrcWrite(
        command=command,
        target=target,
        kind=kind,
        content=content,
        entries=entries,
        auth_keys=tuple(dict.fromkeys(e.key for e in auth)),
        scopes=tuple(dict.fromkeys(e.scope for e in auth if e.scope)),
        env_references=tuple(references),
        expressions=tuple(m.group(0) for value in values for m in _EXPRESSION.finditer(value)),
        literal_credential=next((v for v in values if _is_literal(v)), None),
        append=append,
        kept_references=tuple(name for name in references if name in kept_set or "*" in kept_set),
    )


_QUOTED_HEREDOC = re.compile(r"""<<-?\s*(?:'|"|\\)""")
_DOLLAR_NAME = re.compile(r"\$(?:env:|\{)?([A-Za-z_][A-Za-z0-9_]*)", re.I)


def _kept_references(text: str, *, heredoc: bool = False) -> frozenset[str]:
    """Variables whose every ``$`` in the command as written is quoted or escaped from the shell.

    A heredoc with a quoted delimiter (``<<'EOF'``) keeps its whole body as written; the body is
    not part of ``text``, so every reference in it is kept.
    """
    if heredoc:
        return frozenset({"*"}) if _QUOTED_HEREDOC.search(text) else frozenset()
    kept: set[str] = set()
    expanded: set[str] = set()
    state = ""  # "", "'" or '"'
    i = 0
    while i < len(text):
        ch = text[i]
        if state == "'":
            if ch == "'":
                state = ""
            elif (m := _DOLLAR_NAME.match(text, i)) is not None:
                kept.add(m.group(1))
        elif ch == "\\" and i + 1 < len(text):
            if (m := _DOLLAR_NAME.match(text, i + 1)) is not None:
                kept.add(m.group(1))
            i += 2
            continue
        elif ch == "'" and state == "":
            state = "'"
        elif ch == '"':
            state = "" if state == '"' else '"'
        elif (m := _DOLLAR_NAME.match(text, i)) is not None:
            expanded.add(m.group(1))
        i += 1
    return frozenset(kept - expanded)


def _is_literal(value: str) -> bool:
    from npm_auth_lint.credentials import is_literal_credential

    return "$" not in value and "%" not in value and is_literal_credential(value)


def _yarnrc_yml_entries(path: str, content: str) -> tuple[NpmrcEntry, ...]:
    from npm_auth_lint.model import ParseError
    from npm_auth_lint.parsers import yarnrc_yml

    parsed = yarnrc_yml.parse(path, content)
    return () if isinstance(parsed, ParseError) else parsed.entries


def _config_set(manager: str, args: list[str], before: list[str], command: Command) -> list[Classified]:
    """``npm config set k v``, ``npm set k=v``, ``pnpm config set``, ``yarn config set``."""
    all_args = before + args
    pairs: list[tuple[str, str]] = []
    positionals = _positionals(args, frozenset({"--location", "--userconfig", "--globalconfig", "-L"}))
    i = 0
    while i < len(positionals):
        word = positionals[i]
        if "=" in word and not word.startswith("npmRegistries[") and manager != "yarn":
            key, _, value = word.partition("=")
            pairs.append((key, value))
            i += 1
        else:
            pairs.append((word, positionals[i + 1] if i + 1 < len(positionals) else ""))
            i += 2
    if not pairs:
        return []
    if manager == "yarn":
        return _yarn_config_set(pairs, all_args, command)
    location = _option(all_args, "--location", "-L")
    userconfig = _option(all_args, "--userconfig")
    if userconfig:
        target = userconfig
    elif location == "project":
        target = ".npmrc"
    elif _is_global(all_args):
        target = "$PREFIX/etc/npmrc" if manager == "npm" else "~/.config/pnpm/rc"
    else:
        target = "~/.npmrc" if manager == "npm" else "~/.config/pnpm/rc"
    content = "".join(f"{key}={value}\n" for key, value in pairs)
    from npm_auth_lint.parsers.npmrc import split_scope

    entries = []
    for key, value in pairs:
        bare, scope = split_scope(key)
        entries.append(NpmrcEntry(key=bare, value=value, location=command.location, value_location=command.location, raw_key=key, scope=scope))
    return [_npmrc_result(command, target, NpmrcKind.NPMRC, content, tuple(entries), append=True)]


def _yarn_config_set(pairs: list[tuple[str, str]], args: list[str], command: Command) -> list[Classified]:
    entries = []
    berry = False
    for key, value in pairs:
        match = _BERRY_KEY.match(key)
        if match:
            berry = True
            scope = match.group(1) or match.group(2)
            if key.startswith("npmScopes") and not scope.startswith("@"):
                scope = "@" + scope
            entries.append(NpmrcEntry(key=match.group(3), value=value, location=command.location, value_location=command.location, raw_key=key, scope=scope))
        else:
            if key.startswith("npm") and key[3:4].isupper():
                berry = True
            from npm_auth_lint.parsers.npmrc import split_scope

            bare, scope = split_scope(key)
            entries.append(NpmrcEntry(key=bare, value=value, location=command.location, value_location=command.location, raw_key=key, scope=scope))
    if berry:
        home = "-H" in args or "--home" in args
        target, kind = ("~/.yarnrc.yml" if home else ".yarnrc.yml"), NpmrcKind.YARNRC_YML
        content = "".join(f"{key}: {value}\n" for key, value in pairs)
    else:
        target, kind = "~/.yarnrc", NpmrcKind.YARNRC
        content = "".join(f'{key} "{value}"\n' for key, value in pairs)
    return [_npmrc_result(command, target, kind, content, tuple(entries), append=True)]


# ---- what a command writes (echo/printf/cat/tee/pwsh cmdlets) ------------------------------

_STDOUT_OPS = frozenset({">", ">>", ">|", "1>", "1>>", "&>", "&>>"})
_ESCAPES = re.compile(r"\\(.)", re.S)
_ESCAPE_MAP = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v", "e": "\x1b"}


def _unescape(text: str) -> str:
    return _ESCAPES.sub(lambda m: _ESCAPE_MAP.get(m.group(1), "\\" + m.group(1)), text)


def _echo_text(args: list[str]) -> str:
    newline = True
    i = 0
    while i < len(args) and re.fullmatch(r"-[neE]+", args[i]):
        newline = newline and "n" not in args[i]
        i += 1
    # bash's echo keeps `\n` unless -e, dash's expands it: expanding finds every line either way.
    return _unescape(" ".join(args[i:])) + ("\n" if newline else "")


def _printf_text(args: list[str]) -> str | None:
    if args[:1] == ["--"]:
        args = args[1:]
    if not args or args[0] == "-v":
        return None
    fmt, values = _unescape(args[0]), args[1:]
    out = []
    # printf reuses the format while arguments remain.
    for _ in range(64):
        text, used = _printf_once(fmt, values)
        out.append(text)
        values = values[used:]
        if not values or used == 0:
            break
    return "".join(out)


_PRINTF_DIRECTIVE = re.compile(r"%(%|[-+ #0]*\d*(?:\.\d+)?[sbdiqcxXoufgeE])")


def _printf_once(fmt: str, values: list[str]) -> tuple[str, int]:
    parts = []
    used = 0
    last = 0
    for match in _PRINTF_DIRECTIVE.finditer(fmt):
        parts.append(fmt[last : match.start()])
        last = match.end()
        if match.group(1) == "%":
            parts.append("%")
            continue
        value = values[used] if used < len(values) else ""
        used += 1
        parts.append(_unescape(value) if match.group(1).endswith("b") else value)
    parts.append(fmt[last:])
    return "".join(parts), used


def _words_text(words: tuple[str, ...]) -> str | None:
    """The text a feeding command writes to its stdout, when it is echo/printf-like."""
    if not words:
        return None
    name = _basename(words[0]).lower()
    if name in ("echo", "write-output", "write-host"):
        return _echo_text(list(words[1:]))
    if name == "printf":
        return _printf_text(list(words[1:]))
    if len(words) == 1 and not name.startswith("-"):
        return words[0] + "\n"  # a PowerShell string expression piped on
    return None


def _stdin_text(command: Command) -> str | None:
    for op, target in reversed(command.redirects):
        if op in ("<<", "<<-"):
            return target
        if op == "<<<":
            return target + "\n"
    if command.piped_from:
        return _words_text(command.piped_from[-1])
    return None


@dataclass(frozen=True)
class _Write:
    target: str
    content: str | None  # None: the command writes text the tool cannot see
    append: bool
    first_line: int  # the file line of the content's first line
    heredoc: bool  # content lines are lines of the CI file (a heredoc body)


def _pwsh_params(words: list[str]) -> tuple[dict[str, str], list[str], set[str]]:
    """PowerShell cmdlet arguments: ({-name: value}, positionals, switches), names lowercased."""
    named: dict[str, str] = {}
    positionals: list[str] = []
    switches: set[str] = set()
    i = 0
    while i < len(words):
        word = words[i]
        if word.startswith("-") and len(word) > 1 and not word[1].isdigit():
            key = word[1:].rstrip(":").lower()
            if key in ("append", "force", "nonewline", "noclobber", "passthru", "whatif") or i + 1 >= len(words):
                switches.add(key)
                i += 1
            else:
                named[key] = words[i + 1]
                i += 2
        else:
            positionals.append(word)
            i += 1
    return named, positionals, switches


def _written(command: Command, words: list[str]) -> list[_Write]:
    """Every file ``command`` writes to, with the text it writes when that can be read."""
    line = command.location.line
    from_heredoc = any(op in ("<<", "<<-") for op, _ in command.redirects)
    stdin_line = line + command.text.count("\n") + 1 if from_heredoc else line
    name = _basename(words[0]).lower() if words else ""
    writes: list[_Write] = []
    content: str | None = None
    content_line, content_heredoc = line, False
    if name in ("echo", "write-output"):
        content = _echo_text(words[1:])
    elif name == "printf":
        content = _printf_text(words[1:])
    elif (name == "cat" and not _positionals(words[1:], frozenset())) or not words:
        content, content_line, content_heredoc = _stdin_text(command), stdin_line, from_heredoc
    elif name == "tee":
        text = _stdin_text(command)
        append = "-a" in words or "--append" in words
        for target in _positionals(words[1:], frozenset()):
            writes.append(_Write(target, text, append, stdin_line, from_heredoc))
    elif name in ("add-content", "ac", "set-content", "sc", "out-file"):
        named, positionals, switches = _pwsh_params(words[1:])
        target = named.get("path") or named.get("filepath") or named.get("literalpath")
        if target is None and positionals:
            target, positionals = positionals[0], positionals[1:]
        value = named.get("value") or named.get("inputobject") or (" ".join(positionals) if positionals else None)
        text = value + "\n" if value is not None else _stdin_text(command)
        if target is not None:
            append = name in ("add-content", "ac") or "append" in switches
            writes.append(_Write(target, text, append, line, False))
    for op, target in command.redirects:
        if op in _STDOUT_OPS:
            writes.append(_Write(target, content, op.endswith(">>"), content_line, content_heredoc))
    return writes


_GITHUB_ENV = re.compile(r"^(?:\$\{?GITHUB_ENV\}?|\$env:GITHUB_ENV|%GITHUB_ENV%)$", re.I)
_BASH_ENV = re.compile(r"^\$\{?BASH_ENV\}?$")
_ENV_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*)|<<(.+))$")


def _write_results(command: Command, words: list[str]) -> list[Classified]:
    results: list[Classified] = []
    for write in _written(command, words):
        kind = _npmrc_kind(write.target)
        if kind is not None:
            results.append(_npmrc_write(command, write, kind))
        elif _GITHUB_ENV.match(write.target) and write.content:
            results += _github_env(command, write.content)
        elif _BASH_ENV.match(write.target) and write.content:
            results += _bash_env(command, write.content)
    return results


def _github_env(command: Command, content: str) -> list[Classified]:
    results: list[Classified] = []
    lines = content.split("\n")
    i = 0
    while i < len(lines):
        match = _ENV_LINE.match(lines[i].strip("\r"))
        i += 1
        if not match:
            continue
        name, value, delimiter = match.groups()
        if delimiter is not None:
            body = []
            while i < len(lines) and lines[i].strip("\r") != delimiter:
                body.append(lines[i])
                i += 1
            i += 1
            value = "\n".join(body)
        results.append(EnvExport(command=command, name=name, value=value, target=ExportTarget.GITHUB_ENV))
    return results


def _bash_env(command: Command, content: str) -> list[Classified]:
    results: list[Classified] = []
    for inner in split_script(content, path=command.location.path, first_line=command.location.line, column=command.location.column):
        for result in _export_results(inner, ExportTarget.BASH_ENV):
            results.append(replace(result, command=command, script_command=inner))
    return results


# ---- exports and ID tokens --------------------------------------------------------------------


def _export_results(command: Command, target: ExportTarget) -> list[Classified]:
    words = list(command.words)
    if not words or words[0] not in ("export", "declare", "typeset"):
        return []
    if words[0] != "export" and not any(re.fullmatch(r"-[a-zA-Z]*x[a-zA-Z]*", w) for w in words[1:]):
        return []
    results: list[Classified] = []
    for word in words[1:]:
        if word.startswith("-"):
            continue
        match = _ASSIGNMENT_WORD.match(word)
        if match:
            name, value = match.group(1), match.group(2)
            results.append(EnvExport(command=command, name=name, value=value, target=target))
            audience = _oidc_audience(value, command)
            if audience is not None:
                results.append(IdTokenExport(command=command, name=name, audience=audience[0], target=target))
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word):
            results.append(EnvExport(command=command, name=word, value=None, target=target))
    return results


def _assignment_results(command: Command) -> list[Classified]:
    results = _export_results(command, ExportTarget.SHELL)
    words = command.words
    if len(words) >= 3 and words[1] == "=" and words[0].lower().startswith("$env:"):
        # PowerShell: `$env:NAME = "value"` sets it for the rest of the script.
        results.append(EnvExport(command=command, name=words[0][5:], value=" ".join(words[2:]), target=ExportTarget.SHELL))
    elif len(words) == 2 and words[0].lower() == "set" and (match := _ASSIGNMENT_WORD.match(words[1])):
        results.append(EnvExport(command=command, name=match.group(1), value=match.group(2), target=ExportTarget.SHELL))  # cmd
    target = ExportTarget.COMMAND if command.words else ExportTarget.UNEXPORTED
    for name, value in command.assignments:
        audience = _oidc_audience(value, command)
        if audience is not None:
            results.append(IdTokenExport(command=command, name=name, audience=audience[0], target=target))
    return results


def _oidc_audience(value: str, command: Command) -> tuple[str | None] | None:
    """``(aud,)`` when ``value`` runs ``circleci run oidc get``; ``None`` when it does not."""
    if "oidc" not in value:
        return None
    for inner in split_script(value, path=command.location.path, first_line=command.location.line):
        words = list(inner.words)
        if words[:4] != ["circleci", "run", "oidc", "get"]:
            continue
        claims = _option(words[4:], "--claims")
        if claims is None:
            return (None,)
        try:
            data = json.loads(claims)
        except ValueError:
            return (None,)
        aud = data.get("aud") if isinstance(data, dict) else None
        if isinstance(aud, list) and len(aud) == 1:
            aud = aud[0]
        return (aud if isinstance(aud, str) else None,)
    return None


_HANDLERS: dict[str, Callable[[str, list[str], list[tuple[str, str]], Command, _Context], list[Classified]]] = {
    "npm": _npm,
    "npx": _npx,
    "pnpm": _pnpm,
    "pnpx": _npx,
    "yarn": _yarn,
    "yarnpkg": _yarn,
    "bun": _bun,
    "bunx": _npx,
    "corepack": _corepack,
    "volta": _volta,
    "lerna": _lerna,
    "lerna-lite": _lerna,
    "changeset": _changeset,
    "changesets": _changeset,
    "semantic-release": _semantic_release,
    "np": _np,
    "release-it": _release_it,
    "nx": _nx,
    "npm-cli-login": _login_tool,
    "npm-login-noninteractive": _login_tool,
    "bash": _shell_c,
    "sh": _shell_c,
    "zsh": _shell_c,
    "dash": _shell_c,
    "eval": _shell_c,
}
# Windows: npm.cmd, npx.cmd ... (the extension is already dropped) in other letter cases.
_PWSH_NAMES = {name.lower(): name for name in _HANDLERS}


# --------------------------------------------------------------------------------------------
# Actions


class ActionKind(str, enum.Enum):
    SETUP_NODE = "setup-node"
    SETUP_VOLTA = "setup-volta"  # volta-cli/action: Node from `node-version` or package.json `volta`
    PUBLISH = "publish"  # publishes (changesets/action only with a `publish` input)
    INSTALL = "install"  # installs dependencies (pnpm/action-setup only with `run_install`)
    LOCAL = "local"  # ./path
    DOCKER = "docker"  # docker://image
    OTHER = "other"


_ACTIONS = {
    "actions/setup-node": (ActionKind.SETUP_NODE, None),
    "volta-cli/action": (ActionKind.SETUP_VOLTA, None),
    "js-devtools/npm-publish": (ActionKind.PUBLISH, "JS-DevTools/npm-publish"),
    "changesets/action": (ActionKind.PUBLISH, "changesets/action"),
    "cycjimmy/semantic-release-action": (ActionKind.PUBLISH, "semantic-release"),
    "codfish/semantic-release-action": (ActionKind.PUBLISH, "semantic-release"),
    "bahmutov/npm-install": (ActionKind.INSTALL, None),
    "pnpm/action-setup": (ActionKind.INSTALL, None),
}


@dataclass(frozen=True)
class ActionRef:
    """A parsed ``uses:`` value.

    ``publisher`` is the key of :data:`OIDC_PUBLISHER_SUPPORT` for a publishing action.
    ``condition`` says when the kind applies only with an input (``publish``, ``run_install``).
    """

    raw: str
    kind: ActionKind
    owner: str | None = None
    repo: str | None = None
    path: str | None = None
    ref: str | None = None
    publisher: str | None = None
    condition: str | None = None

    @property
    def name(self) -> str | None:
        """``owner/repo`` as written, without path and ref."""
        return f"{self.owner}/{self.repo}" if self.owner and self.repo else None

    def version(self, comment: str | None = None) -> tuple[int, ...] | None:
        """The version of the ref (see :func:`ref_version`)."""
        return ref_version(self.ref or "", comment)


def classify_action(uses: str) -> ActionRef:
    """Parse ``owner/repo[/path]@ref``, ``./local`` or ``docker://image``; never raises."""
    raw = uses if isinstance(uses, str) else ""
    text = raw.strip()
    if text.startswith(("./", "../", "$/")) or text == ".":
        return ActionRef(raw=raw, kind=ActionKind.LOCAL, path=text)
    if text.startswith("docker://"):
        return ActionRef(raw=raw, kind=ActionKind.DOCKER, path=text[len("docker://") :])
    name, _, ref = text.partition("@")
    parts = name.split("/")
    if len(parts) < 2 or not parts[0] or not parts[1]:
        return ActionRef(raw=raw, kind=ActionKind.OTHER, ref=ref or None)
    owner, repo = parts[0], parts[1]
    path = "/".join(parts[2:]) or None
    kind, publisher = _ACTIONS.get(f"{owner}/{repo}".lower(), (ActionKind.OTHER, None))
    condition = None
    if (owner + "/" + repo).lower() == "changesets/action":
        condition = "publish"
        if path:  # changesets/action/version, /select-mode ... only the /publish sub-action publishes
            kind, publisher, condition = (ActionKind.PUBLISH, publisher, None) if path == "publish" else (ActionKind.OTHER, None, None)
    elif (owner + "/" + repo).lower() == "pnpm/action-setup":
        condition = "run_install"
    return ActionRef(raw=raw, kind=kind, owner=owner, repo=repo, path=path, ref=ref or None, publisher=publisher, condition=condition)


_SHA = re.compile(r"^[0-9a-fA-F]{40}$")
_VERSION = re.compile(r"(?:^|[^0-9A-Za-z.])v?(\d+(?:\.\d+){0,2})(?![\d])")


def ref_version(ref: str, comment: str | None = None) -> tuple[int, ...] | None:
    """``v1`` -> (1,), ``v1.7.0`` -> (1, 7, 0), ``v4.1`` -> (4, 1); a SHA pin reads ``comment``.

    ``comment`` is a trailing YAML comment such as ``# v1.7.0`` or ``# tag=v1.7.0`` after a SHA
    pin. Branches and unknown refs give ``None``.
    """
    if not isinstance(ref, str):
        return None
    text = ref.strip()
    from_comment = False
    if _SHA.match(text):
        if not comment:
            return None
        text, from_comment = comment.strip().lstrip("#").strip(), True
    match = re.fullmatch(r"(?:[A-Za-z_-]*[/@=])?v?(\d+(?:\.\d+){0,2})(?:[-+][0-9A-Za-z.-]*)?", text)
    if match is None and from_comment:
        match = _VERSION.search(text)
    if match is None:
        return None
    return tuple(int(part) for part in match.group(1).split("."))


def version_at_least(version: tuple[int, ...] | None, minimum: str) -> bool | None:
    """Whether ``version`` is at least ``minimum``; ``None`` when unknown.

    A partial version is a floating tag (``v1`` = the newest 1.x): it counts as at least the
    minimum when some release it can resolve to is, i.e. missing parts are taken as unbounded.
    """
    if version is None:
        return None
    wanted = tuple(int(p) for p in minimum.split("."))
    for have, need in zip(version, wanted):
        if have != need:
            return have > need
    return True


# --------------------------------------------------------------------------------------------
# Trusted-publishing support of publishers (reference/npm-facts.md §4)


@dataclass(frozen=True)
class OidcSupport:
    """From which version a publisher does npm's OIDC exchange itself.

    ``minimum`` ``None`` with ``never`` means no version does. ``uses_npm_cli`` means the
    publisher runs the ``npm`` on PATH to publish (always, or below ``minimum``), so the npm
    version decides. ``circleci_minimum`` is set where CircleCI needs more.
    """

    key: str
    package: str  # npm package or action whose version is compared
    minimum: str | None
    never: bool = False
    uses_npm_cli: bool = False
    circleci_minimum: str | None = None
    source: str = ""
    note: str = ""


OIDC_PUBLISHER_SUPPORT: Mapping[str, OidcSupport] = {
    s.key: s
    for s in (
        OidcSupport("npm", "npm", "11.5.1", circleci_minimum="11.11.0", source="npm-facts.md §1, §4"),
        OidcSupport(
            "pnpm", "pnpm", "11.0.0", uses_npm_cli=True, source="npm-facts.md §4 (pnpm/pnpm publish.ts)",
            note="pnpm 10 runs `npm publish`: needs npm >= 11.5.1 on PATH; pnpm 11 does the exchange itself",
        ),
        OidcSupport(
            "yarn-berry", "yarn", "4.10.0", source="npm-facts.md §4 (yarnpkg/berry#6898, #6911)",
            note="GitHub Actions and GitLab; CircleCI support released in a version not confirmed",
        ),
        OidcSupport("yarn-classic", "yarn", None, never=True, source="npm-facts.md §4", note="Yarn 1 has no OIDC"),
        OidcSupport("bun", "bun", None, never=True, source="npm-facts.md §4 (oven-sh/bun#22423)", note="workaround: `bun pm pack` then `npm publish`"),
        OidcSupport("lerna", "lerna", "9.0.0", source="npm-facts.md §4 (lerna/lerna#4219)", note="CircleCI added in lerna PR #4383"),
        OidcSupport("lerna-lite", "@lerna-lite/publish", "4.9.0", source="npm-facts.md §4 (lerna-lite PR #1150)"),
        OidcSupport(
            "semantic-release", "@semantic-release/npm", "13.1.0", source="npm-facts.md §4 (semantic-release/npm c80ecb0)",
            note="bundles its own npm; OIDC only for the official registry",
        ),
        OidcSupport("changesets/action", "changesets/action", "1.7.0", source="npm-facts.md §4 (changesets/action PR #545)", note="<= 1.6 writes `_authToken=undefined` to ~/.npmrc"),
        OidcSupport("JS-DevTools/npm-publish", "JS-DevTools/npm-publish", "4.1.0", uses_npm_cli=True, source="npm-facts.md §4 (PR #247)", note="also needs npm >= 11.5.1"),
        OidcSupport("changesets", "@changesets/cli", None, uses_npm_cli=True, source="npm-facts.md §4", note="`changeset publish` runs the package manager's publish"),
        OidcSupport("np", "np", None, uses_npm_cli=True, source="npm-facts.md §4 (sindresorhus/np#771)", note="its `npm whoami` check failed under OIDC until fixes of 2026-01 (release unconfirmed)"),
        OidcSupport("release-it", "release-it", None, uses_npm_cli=True, source="npm-facts.md §4", note="needs `npm.skipChecks: true` under OIDC"),
        OidcSupport("nx", "nx", None, uses_npm_cli=True, source="npm-facts.md §4", note="`nx release publish` runs the package manager's publish"),
    )
}
