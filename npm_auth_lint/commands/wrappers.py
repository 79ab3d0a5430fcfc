"""Wrappers that run a command or package script they are given, classified at the wrapper's
line (spec: "Publish step", revised 2026-12): ``lerna exec``/``lerna run``, ``nx run``/``run-many``/
``affected``, ``turbo run``, ``npm-run-all``/``run-s``/``run-p``, ``concurrently``, ``find -exec``,
``nix-shell --run``/``nix develop -c``, ``docker run``/``docker compose run``/``docker exec``, and
the workspace fan-out the package managers share (``pnpm -r run X``, ``npm run X -ws``,
``yarn workspaces foreach run X``).

A result found through a wrapper keeps the CI ``command`` (where findings point), gets the inner
command as its ``script_command`` (what messages quote) and the wrapper's name in ``through``. A
command run in each workspace package publishes the workspace (``recursive``), or the one package
a literal selector names (``workspace``); a package script run in each package publishes the
packages whose script does. nx targets are read from package.json scripts only: ``project.json``
and package.json ``nx`` targets are not parsed (a target defined only there is not followed).
"""

from __future__ import annotations

import fnmatch
import shlex
from collections.abc import Sequence
from dataclasses import replace

from npm_auth_lint.commands.dispatch import MAX_DEPTH, Context, WorkspaceMember, classify_command
from npm_auth_lint.commands.nested import in_folder, inner_commands, run_script
from npm_auth_lint.commands.publishers import classify_lerna, classify_nx
from npm_auth_lint.commands.results import Classified, Publish, RunsCode, RunsScript
from npm_auth_lint.commands.words import ASSIGNMENT_WORD, option_value, positional_args, subcommand
from npm_auth_lint.model import Command


def _through(results: Sequence[Classified], label: str, command: Command, inner: Command | None) -> list[Classified]:
    """``results`` of an inner command, placed at the wrapper's ``command`` and named through it."""
    return [
        replace(
            r,
            command=command,
            script_command=r.script_command or inner,
            through=(label, *r.through),
            wrapped=inner if r.via_scripts and inner is not None else r.wrapped,
        )
        for r in results
    ]


def run_words(words: Sequence[str], env: list[tuple[str, str]], command: Command, ctx: Context, label: str) -> list[Classified]:
    """What the command ``words`` does when wrapper ``label`` runs it at ``command``'s line."""
    words = list(words)
    if not words or ctx.depth >= MAX_DEPTH:
        return []
    inner = Command(words=tuple(words), text=shlex.join(words), location=command.location, assignments=tuple(env))
    found = [r for r in classify_command(inner, replace(ctx, depth=ctx.depth + 1)) if not isinstance(r, RunsCode)]
    return _through(found, label, command, inner)


def run_text(script: str, command: Command, ctx: Context, label: str) -> list[Classified]:
    """What a shell script given as one word (``nix-shell --run '...'``) does, at ``command``'s line."""
    if ctx.depth >= MAX_DEPTH:
        return []
    inner_ctx = replace(ctx, depth=ctx.depth + 1)
    results: list[Classified] = []
    for folder, inner in inner_commands(script, command):
        found = [in_folder(r, folder) for r in classify_command(inner, inner_ctx) if not isinstance(r, RunsCode)]
        results += _through(found, label, command, inner)
    return results


# Workspace fan-out.

def _selected(member: WorkspaceMember, selectors: Sequence[str]) -> bool:
    """Whether a literal selector (lerna ``--scope``, pnpm/turbo ``--filter``, nx ``-p``) names
    ``member``: a package name or glob, or a folder (``./packages/a``, ``{packages/a}``)."""
    for selector in selectors:
        text = selector.strip().strip("\"'").removeprefix("!")
        folder = text.strip("{}").removeprefix("./").rstrip("/")
        if member.name is not None and (fnmatch.fnmatchcase(member.name, text) or member.name.rpartition("/")[2] == text):
            return True
        if folder and fnmatch.fnmatchcase(member.directory, folder):
            return True
    return False


def _literal(selectors: Sequence[str]) -> list[str]:
    """The selectors known before run time (``--filter $PKG`` selects an unknown package: all)."""
    return [s for s in selectors if "$" not in s and "..." not in s and not s.startswith("!")]


def _members(ctx: Context, selectors: Sequence[str]) -> list[WorkspaceMember]:
    members = list(ctx.workspace)
    if not members and ctx.scripts is not None:
        return [WorkspaceMember(None, "", ctx.scripts)]  # not a monorepo: the package itself
    literal = _literal(selectors)
    return [m for m in members if _selected(m, literal)] if literal else members


def scripts_in_packages(
    names: Sequence[str], args: Sequence[str], command: Command, ctx: Context, label: str, selectors: Sequence[str] = ()
) -> list[Classified]:
    """Package scripts ``names`` run in each (selected) workspace package that has them."""
    results: list[Classified] = []
    for member in _members(ctx, selectors):
        member_ctx = replace(ctx, scripts=member.scripts, visited=frozenset())
        for name in names:
            found = run_script(name, command, member_ctx, args) or []
            for result in found:
                if isinstance(result, Publish) and not result.recursive and result.workspace is None and member.name:
                    result = replace(result, workspace=member.name)
                if isinstance(result, RunsScript) and result.package_directory is None:
                    result = replace(result, package_directory=member.directory)
                results.append(replace(result, through=(label, *result.through)))
    return results


def command_in_packages(
    words: Sequence[str], env: list[tuple[str, str]], command: Command, ctx: Context, label: str, selectors: Sequence[str] = ()
) -> list[Classified]:
    """A command run in each (selected) workspace package: it publishes the workspace, or the one
    package a literal selector names."""
    literal = _literal(selectors)
    results = []
    for result in run_words(words, env, command, ctx, label):
        if isinstance(result, Publish) and result.workspace is None:
            result = replace(result, workspace=literal[0]) if len(literal) == 1 and "*" not in literal[0] else replace(result, recursive=True)
        results.append(result)
    return results


def _all_values(args: Sequence[str], *names: str) -> list[str]:
    """Every value of a repeatable option (``--scope a --scope=b``), comma lists split."""
    values: list[str] = []
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                values += args[i + 1].split(",")
            elif name.startswith("--") and arg.startswith(name + "="):
                values += arg[len(name) + 1 :].split(",")
    return [v for v in values if v]


def _from_first_positional(args: Sequence[str], value_flags: frozenset[str]) -> list[str]:
    """The words from the first positional argument on (its own flags included)."""
    i = 0
    while i < len(args) and args[i].startswith("-") and len(args[i]) > 1:
        i += 2 if ("=" not in args[i] and args[i] in value_flags) else 1
    return list(args[i:])


def _after_dashes(args: Sequence[str]) -> tuple[list[str], list[str]]:
    """(the words before ``--``, the words after it)."""
    if "--" in args:
        cut = list(args).index("--")
        return list(args[:cut]), list(args[cut + 1 :])
    return list(args), []


# lerna.

_LERNA_VALUE_FLAGS = frozenset(
    {"--scope", "--ignore", "--concurrency", "--loglevel", "--since", "--stream-prefix", "--profile-location", "--include-dependents"}
)


def classify_lerna_command(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``lerna exec [opts] -- cmd`` / ``lerna run X [opts] [-- args]``; else :func:`classify_lerna`."""
    sub, rest, before = subcommand(args, _LERNA_VALUE_FLAGS)
    if sub not in ("exec", "run"):
        return classify_lerna(name, args, env, command, ctx)
    options, after = _after_dashes(rest)
    scopes = _all_values(before + options, "--scope")
    label = f"{name} {sub}"
    results: list[Classified] = [RunsCode(command=command, what=label)]
    if sub == "exec":
        # Without `--` the command starts at the first word that is not one of lerna's options.
        words = after or _from_first_positional(options, _LERNA_VALUE_FLAGS)
        return results + command_in_packages(words, env, command, ctx, label, scopes)
    scripts = positional_args(options, _LERNA_VALUE_FLAGS)[:1]
    return results + scripts_in_packages(scripts, after, command, ctx, label, scopes)


# nx.

_NX_VALUE_FLAGS = frozenset({"-t", "--target", "--targets", "-p", "--projects", "--exclude", "-c", "--configuration", "--base", "--head", "--parallel"})


def _nx_targets(args: Sequence[str]) -> list[str]:
    """``-t a b``, ``-t a,b``, ``--targets=a,b``, ``--target a``."""
    targets = _all_values(args, "--target", "--targets")
    for i, arg in enumerate(args):
        if arg == "-t":
            for word in args[i + 1 :]:
                if word.startswith("-"):
                    break
                targets += [t for t in word.split(",") if t]
    return targets


def classify_nx_command(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``nx run project:target``, ``nx run-many -t X``, ``nx affected -t X`` (targets from package
    scripts), else :func:`classify_nx` (``nx release``)."""
    sub, rest, _ = subcommand(args, frozenset())
    options, after = _after_dashes(rest)
    if sub == "run":
        spec = positional_args(options, _NX_VALUE_FLAGS)[:1]
        project, _, target = spec[0].partition(":") if spec else ("", "", "")
        if not target:
            return [RunsCode(command=command, what="nx run")]
        return [RunsCode(command=command, what="nx run")] + scripts_in_packages(
            [target.partition(":")[0]], after, command, ctx, "nx run", [project]
        )
    if sub in ("run-many", "affected"):
        projects = _all_values(options, "-p", "--projects")
        label = f"nx {sub}"
        return [RunsCode(command=command, what=label)] + scripts_in_packages(_nx_targets(options), after, command, ctx, label, projects)
    return classify_nx(name, args, env, command, ctx)


# turbo.

_TURBO_VALUE_FLAGS = frozenset({"--filter", "-F", "--concurrency", "--cache-dir", "--log-order", "--output-logs", "--env-mode", "--cwd", "--graph", "--summarize", "--cache"})
_TURBO_BUILTINS = frozenset(["login", "logout", "link", "unlink", "prune", "gen", "generate", "daemon", "telemetry", "info", "ls", "query", "scan", "watch", "bin", "boundaries", "devtools"])


def classify_turbo(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``turbo run X [Y] [--filter F] [-- args]`` and turbo 2's ``turbo X``."""
    options, after = _after_dashes(args)
    tasks = positional_args(options, _TURBO_VALUE_FLAGS)
    if tasks[:1] == ["run"]:
        tasks = tasks[1:]
    elif not tasks or tasks[0] in _TURBO_BUILTINS:
        return []
    filters = _all_values(options, "--filter", "-F")
    label = "turbo run"
    # `pkg#task` runs one package's task.
    results: list[Classified] = [RunsCode(command=command, what=label)]
    for task in tasks:
        package, mark, script = task.rpartition("#")
        selectors = [package] if mark and package and package != "//" else filters
        results += scripts_in_packages([script], after, command, ctx, label, selectors)
    return results


# npm-run-all, run-s, run-p, concurrently.

_RUN_ALL_VALUE_FLAGS = frozenset({"--npm-path", "--max-parallel"})


def classify_run_all(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``npm-run-all a b``, ``run-s a b``, ``run-p a b``: package scripts of the current package
    (glob patterns such as ``release:*`` cannot be listed through a script lookup: not followed)."""
    options, after = _after_dashes(args)
    names = [n for n in positional_args(options, _RUN_ALL_VALUE_FLAGS) if "*" not in n]
    results: list[Classified] = [RunsCode(command=command, what=name)]
    for script in names:
        script_name, *script_args = shlex.split(script) if " " in script else [script]
        found = run_script(script_name, command, ctx, [*script_args, *after]) or []
        results += [replace(r, through=(name, *r.through)) for r in found]
    return results


_CONCURRENTLY_VALUE_FLAGS = frozenset(
    {"-n", "--names", "-c", "--prefix-colors", "-p", "--prefix", "-l", "--prefix-length", "-t", "--timestamp-format",
     "-m", "--max-processes", "-s", "--success", "--restart-tries", "--restart-after", "--default-input-target",
     "--name-separator", "--handle-input", "--pad-prefix", "--teardown"}
)  # fmt: skip


def classify_concurrently(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``concurrently "cmd1" "cmd2"``; ``npm:X``/``pnpm:X``/``yarn:X`` run package script X."""
    results: list[Classified] = [RunsCode(command=command, what=name)]
    for text in positional_args(args, _CONCURRENTLY_VALUE_FLAGS):
        manager, colon, script = text.partition(":")
        if colon and manager in ("npm", "pnpm", "yarn", "bun") and " " not in manager:
            text = f"{manager} run {script}"
        results += run_text(text, command, ctx, name)
    return results


# find -exec, nix-shell, docker.

# What a publish run by ``find -exec`` publishes: each file or folder find matches (``{}``), known
# only at run time -- not the workspace's packages (``find out -name '*.tgz' -exec npm publish {}``
# publishes tarballs, whatever the workspace holds). See analysis.packages.spec_attribution.
FIND_MATCH = "{}"


def classify_find(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``find ... -exec cmd {} \\;`` (also ``-execdir``, ``-ok``, ``-okdir``, ``+``): each match.
    A publish among them publishes what find matches (``-execdir``: in the match's folder)."""
    results: list[Classified] = []
    for i, arg in enumerate(args):
        if arg not in ("-exec", "-execdir", "-ok", "-okdir"):
            continue
        words: list[str] = []
        for word in args[i + 1 :]:
            if word in (";", "\\;", "+"):
                break
            words.append(word)
        for result in run_words(words, env, command, ctx, f"find {arg}"):
            named = result.spec if isinstance(result, Publish) else None
            if isinstance(result, Publish) and result.workspace is None and not result.recursive and (named is None or FIND_MATCH in named):
                result = replace(result, spec=FIND_MATCH)
            results.append(result)
    return results


def classify_nix(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``nix-shell [...] --run 'script'`` / ``--command``; ``nix develop [...] -c cmd ...``."""
    if name == "nix-shell":
        script = option_value(args, "--run", "--command")
        return run_text(script, command, ctx, "nix-shell --run") if script else []
    if args[:1] in (["develop"], ["shell"]):
        for i, arg in enumerate(args):
            if arg in ("-c", "--command"):
                return run_words(args[i + 1 :], env, command, ctx, f"nix {args[0]}")
    return []


_DOCKER_VALUE_FLAGS = frozenset(
    {"-v", "--volume", "-e", "--env", "--env-file", "-w", "--workdir", "-u", "--user", "--name", "--network", "--net",
     "-p", "--publish", "--entrypoint", "--platform", "--mount", "-l", "--label", "--cpus", "-m", "--memory", "--add-host",
     "--dns", "-h", "--hostname", "--ipc", "--pid", "--restart", "--runtime", "--shm-size", "--ulimit", "--device",
     "--cap-add", "--cap-drop", "--security-opt", "--log-driver", "--log-opt", "--gpus", "--tmpfs", "--volumes-from",
     "--link", "--expose", "--group-add", "--stop-signal", "--pull", "--cidfile", "--label-file", "--memory-swap",
     "-f", "--file", "--project-name", "--profile", "--env-from-file", "--project-directory", "-a", "--attach", "--detach-keys"}
)  # fmt: skip


def _container_env(options: Sequence[str]) -> list[tuple[str, str]]:
    """``-e NAME=value`` inside the container (``-e NAME`` passes the host's value through)."""
    env = []
    for value in _all_values(options, "-e", "--env"):
        match = ASSIGNMENT_WORD.match(value)
        if match is not None:
            env.append((match.group(1), match.group(2)))
    return env


def _split_container_command(args: Sequence[str]) -> tuple[list[str], str | None, list[str]]:
    """(options, the image or service, the command) of ``docker run``/``compose run``/``exec``."""
    i = 0
    while i < len(args) and args[i].startswith("-") and args[i] != "--":
        i += 2 if args[i] in _DOCKER_VALUE_FLAGS else 1
    if i >= len(args):
        return list(args), None, []
    return list(args[:i]), args[i], list(args[i + 1 :])


def classify_docker(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``docker run IMAGE cmd``, ``docker compose run SERVICE cmd``, ``docker-compose run``,
    ``docker exec CONTAINER cmd`` (podman alike): the command runs in the image, with its Node."""
    sub, rest, before = subcommand(args, _DOCKER_VALUE_FLAGS)
    compose = name == "docker-compose" or sub == "compose"
    if sub == "compose":
        sub, rest, more = subcommand(rest, _DOCKER_VALUE_FLAGS)
        before = before + more
    if sub == "container" and rest[:1] in (["run"], ["exec"]):
        sub, rest = rest[0], rest[1:]
    if sub not in ("run", "exec"):
        return []
    options, where, words = _split_container_command(rest)
    if where is None or not words:
        return []
    label = f"{name} {'compose ' if compose and name != 'docker-compose' else ''}{sub}"
    image = where if sub == "run" and not compose else f"{label} {where}"
    inner_env = [*env, *_container_env(options)]
    found = run_words(words, inner_env, command, ctx, label)
    return [replace(r, image=r.image or image) if isinstance(r, Publish) else r for r in found]

