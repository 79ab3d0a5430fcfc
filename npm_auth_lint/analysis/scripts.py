"""Following a command into the repository file it runs (spec: "Publish step", repository scripts).

A step that runs ``./scripts/publish.sh``, ``make publish`` or ``node scripts/release.mjs`` is
judged as if the file's commands were written in the step. This module says, for a
:class:`~npm_auth_lint.commands.RunsScript`:

- which repository file it names (:func:`resolve`), or why that cannot be known (outside the
  repository, a path built at run time);
- which shells the parsed file runs (:func:`shells_of`): a shell script's commands with its
  literal arguments bound to ``$1``...; a Makefile target's recipe lines (prerequisites first,
  exported variables, one shell per line, the target chain as hops); a JS/TS script's
  ``execSync``/``execa``/zx calls as commands.

The job walker (:mod:`npm_auth_lint.analysis.jobs`) runs those shells with the step's state. The
engine calls :func:`discover` before the analysis, to have the parse stage read exactly the files
that the CI steps and package scripts reach (recursively, up to :data:`MAX_HOPS`).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from npm_auth_lint import commands as cmds
from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis.packages import join_dir, normalise_dir, package_for_dir, workspace_packages
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Command, Location, Project, Related, Text
from npm_auth_lint.parsers.repo_scripts import FileKind, ShellScript
from npm_auth_lint.shell import in_substitution, split_script

if TYPE_CHECKING:  # the parsers are imported when a script of their kind is followed (start-up time)
    from npm_auth_lint.parsers.dockerfile import Dockerfile
    from npm_auth_lint.parsers.js_exec import ExecCall, JsExecResult
    from npm_auth_lint.parsers.makefile import MakeCommand, Makefile, SubMake
    from npm_auth_lint.parsers.repo_scripts import RepoScript

MAX_HOPS = 8  # files followed inside each other (a script running a script...)
_MAKEFILES = ("GNUmakefile", "makefile", "Makefile")
# Paths that name the checkout root on each provider (`$GITHUB_WORKSPACE/scripts/x.sh`).
_ROOT_VARIABLE = lazy_regex.compile(r"^\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR|CIRCLE_WORKING_DIRECTORY)\}?(?:/|$)")
_PWD_VARIABLE = lazy_regex.compile(r"^\$\{?PWD\}?(?:/|$)")
# Words that make an unfollowable command worth a note: it may publish. (A file that cannot be
# followed is far more often a tool built or downloaded at run time than a hidden publish.)
PUBLISHISH = lazy_regex.compile(r"publish|release|deploy", re.I)
# System files a script sources (`. /etc/os-release`): never a publish.
_SYSTEM = lazy_regex.compile(r"^[\"']?/(?:etc|usr|proc|sys|lib|bin|sbin)/")
# Output folders and dependencies: files built or installed at run time, not committed.
_BUILT = lazy_regex.compile(r"^(?:node_modules|dist|build|out|lib|target|\.yarn)/|/node_modules/")
_KIND = {
    cmds.ScriptKind.SHELL: FileKind.SHELL,
    cmds.ScriptKind.SOURCE: FileKind.SHELL,
    cmds.ScriptKind.MAKE: FileKind.MAKE,
    cmds.ScriptKind.JS: FileKind.JS,
}


@frozen_dataclass
class Target:
    """The file a :class:`~npm_auth_lint.commands.RunsScript` runs."""

    paths: tuple[str, ...]  # candidate repository paths; the first one present is run
    kind: FileKind
    directory: str  # where it runs (make: its ``-C`` folder)
    problem: str | None = None  # why it cannot be followed (then ``paths`` is empty)
    worth_noting: bool = True  # a missing file of a build output is not worth a note


@frozen_dataclass
class ScriptShell:
    """One shell a followed file runs, in the caller's state."""

    commands: tuple[Command, ...]
    directory: str
    env: tuple[tuple[str, str], ...] = ()  # variables the file sets for it (make `export`, JS `env:`)
    hops: tuple[Related, ...] = ()  # hops inside the file (a Makefile's target chain)
    shared: bool = False  # `source x`: the caller's own shell runs it (its `cd` and exports stay)
    makes_followed: bool = False  # a recipe line's sub-makes are already in the expansion
    computed: str | None = None  # a JS call whose command is partly computed at run time


def display(run: cmds.RunsScript) -> str:
    """How messages name the call: ``bash scripts/publish.sh``, ``make -C pkg publish``."""
    parts = [run.runner]
    if run.directory:
        parts.append(f"-C {run.directory}")
    if run.path is not None and run.path != run.runner:
        parts.append(("-f " if run.kind is cmds.ScriptKind.MAKE else "") + run.path)
    parts.extend(run.args[:3])
    return " ".join(parts)


def _relative(cwd: str, written: str) -> tuple[str | None, str | None]:
    """A path as written, from ``cwd``: (repository path, None) or (None, why not)."""
    text = written.strip().strip("\"'")
    root = _ROOT_VARIABLE.match(text)
    if root is not None:
        cwd, text = "", text[root.end() :]
    elif (pwd := _PWD_VARIABLE.match(text)) is not None:
        text = text[pwd.end() :]
    if "$" in text or "`" in text:
        return None, f"the path `{written}` is built at run time"
    if text.startswith(("/", "~")):
        return None, f"`{written}` is outside the repository"
    joined = posixpath.normpath(posixpath.join(cwd, text)) if text else normalise_dir(cwd)
    if joined == ".." or joined.startswith("../"):
        return None, f"`{written}` is outside the repository"
    return ("" if joined == "." else joined), None


def resolve(run: cmds.RunsScript, cwd: str) -> Target:
    """The file ``run`` runs when its command runs in ``cwd`` (repository-relative)."""
    kind = _KIND[run.kind]
    if "$" in cwd or cwd == ".." or cwd.startswith("../"):  # after `cd go/$(cat v)` or `cd ../..`
        return Target((), kind, cwd, f"it runs in `{cwd}`, a folder known only at run time or outside the repository")
    directory = cwd
    if run.directory is not None:
        moved, problem = _relative(cwd, run.directory)
        if moved is None:
            return Target((), kind, cwd, problem)
        directory = "" if moved == "." else moved
    if run.path is None:  # make without -f: the Makefile of the folder
        return Target(tuple(posixpath.join(directory, name) for name in _MAKEFILES), kind, directory)
    path, problem = _relative(directory if run.kind is cmds.ScriptKind.MAKE else cwd, run.path)
    if path is None:
        return Target((), kind, directory, problem)
    return Target((path,), kind, directory, worth_noting=_BUILT.search(path) is None)


def script_at(project: Project, target: Target) -> RepoScript | None:
    return next((project.scripts[p] for p in target.paths if p in project.scripts), None)


def worth_a_note(run: cmds.RunsScript, command: Command) -> bool:
    """Whether a file that cannot be followed may publish, by how it is named and run."""
    return not _SYSTEM.match(run.path or "") and PUBLISHISH.search(f"{display(run)} {command.text}") is not None


def missing_reason(project: Project, target: Target) -> str:
    path = target.paths[-1]
    return f"`{path}` cannot be read ({project.script_errors.get(path, 'file not found')})"


# The shells a parsed file runs ---------------------------------------------------------------

_POSITIONAL = lazy_regex.compile(r"\$(?:\{([1-9][0-9]*)\}|([1-9]))")


def bind_args(command: Command, args: tuple[str, ...]) -> Command:
    """``$1``/``${1}``... and ``"$@"``/``$*`` of a script's command replaced by the literal
    arguments it was run with (an argument not given stays as written: known at run time)."""

    def one(match: re.Match[str]) -> str:
        index = int(match.group(1) or match.group(2)) - 1
        return args[index] if index < len(args) else match.group(0)

    words: list[str] = []
    for word in command.words:
        if word in ("$@", "$*", "${@}", "${*}"):
            words.extend(args)
        else:
            words.append(_POSITIONAL.sub(one, word) if "$" in word else word)
    if tuple(words) == command.words:
        return command
    assignments = tuple((name, _POSITIONAL.sub(one, value)) for name, value in command.assignments)
    return replace(command, words=tuple(words), assignments=assignments)


MakefileFinder = Callable[[Target], "Makefile | None"]


# `$(dirname "$0")`, `"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"`, `${BASH_SOURCE%/*}`: the
# folder of the running script, which scripts use to find their neighbours.
_SCRIPT_DIR_VALUE = lazy_regex.compile(  # matched with quotes and blanks removed
    r"^(?:\$\(cd)?\$\(dirname(?:\$\((?:readlink-f|realpath))?(?:\$0|\$\{0\}|\$\{?BASH_SOURCE(?:\[0\])?\}?)\)+"
    r"(?:(?:&&|;)pwd(?:-P)?\))?$|^\$\{(?:BASH_SOURCE|0)%/\*\}$"
)


def _is_script_dir(value: str) -> bool:
    return _SCRIPT_DIR_VALUE.match(re.sub(r"[\s\"']", "", value)) is not None


def bind_script_dir(commands: tuple[Command, ...], path: str, directory: str) -> tuple[Command, ...]:
    """The script's own folder put in for ``$(dirname "$0")`` and for variables set to it
    (``SCRIPT_DIR=$(cd "$(dirname "$0")" && pwd)``), as a path from the folder the walker is in
    at that command (the script starts in ``directory``; ``cd`` moves it, as in the walker).
    After a ``cd`` to a folder known only at run time, nothing more is bound."""
    folder = posixpath.dirname(path)
    cwd = directory
    names: set[str] = set()
    out: list[Command] = []
    nested = in_substitution(commands)
    for index, command in enumerate(commands):
        if not command.words:
            names.update(name for name, value in command.assignments if _is_script_dir(value))
            out.append(command)
            continue
        here = posixpath.relpath(folder or ".", cwd or ".")
        words = tuple(_script_dir_word(word, names, here) for word in command.words)
        out.append(replace(command, words=words) if words != command.words else command)
        if words[0] == "cd" and len(words) > 1 and not nested[index]:
            moved = join_dir(cwd, words[1])
            if moved is None:
                return (*out, *commands[index + 1 :])
            cwd = moved
    return tuple(out)


def _script_dir_word(word: str, names: set[str], here: str) -> str:
    if _is_script_dir(word):
        return here
    if "$" in word:  # `$(dirname "$0")/../..`
        for cut in (i for i, char in enumerate(word) if char == "/"):
            if _is_script_dir(word[:cut]):
                return posixpath.normpath(here + word[cut:])
    for name in names:
        for written in (f"${name}", f"${{{name}}}"):
            if word == written or word.startswith(written + "/"):
                return posixpath.normpath(here + word[len(written) :])
    return word


def shells_of(
    script: RepoScript,
    run: cmds.RunsScript,
    target: Target,
    find_makefile: MakefileFinder,
    environment: Mapping[str, str] | None = None,
) -> tuple[list[ScriptShell], list[tuple[Location, str]]]:
    """The shells ``script`` runs when ``run`` runs it, and what in it cannot be followed
    (``find_makefile`` gives the Makefile a ``make -C dir``/``-f file`` recipe line runs)."""
    try:
        return _shells_of(script, run, target, find_makefile, environment)
    except Exception as exc:
        return [], [(run.command.location, f"`{display(run)}`: `{script.path}` could not be followed ({type(exc).__name__})")]


def _shells_of(
    script: RepoScript,
    run: cmds.RunsScript,
    target: Target,
    find_makefile: MakefileFinder,
    environment: Mapping[str, str] | None,
) -> tuple[list[ScriptShell], list[tuple[Location, str]]]:
    if isinstance(script, ShellScript):
        commands = bind_script_dir(tuple(bind_args(c, run.args) for c in script.commands), script.path, target.directory)
        return [ScriptShell(commands, target.directory, shared=run.kind is cmds.ScriptKind.SOURCE)], []
    # Any other script was parsed, so its parser's module is loaded: these imports are look-ups.
    from npm_auth_lint.parsers.js_exec import JsExecResult
    from npm_auth_lint.parsers.makefile import Makefile

    if isinstance(script, Makefile):
        return _make_shells(script, run, target, find_makefile, environment or {})
    if isinstance(script, JsExecResult):
        return _js_shells(script, target.directory, run.args), []
    return [], []


def project_makefiles(project: Project) -> MakefileFinder:
    def find(target: Target) -> Makefile | None:
        from npm_auth_lint.parsers.makefile import Makefile

        found = script_at(project, target)
        return found if isinstance(found, Makefile) else None

    return find


def _make_shells(
    makefile: Makefile, run: cmds.RunsScript, target: Target, find_makefile: MakefileFinder, environment: Mapping[str, str]
) -> tuple[list[ScriptShell], list[tuple[Location, str]]]:
    top = target.directory

    def load(sub: SubMake) -> Makefile | None:
        # A sub-make runs in its -C folder, from the folder of the recipe that calls it.
        caller = top if sub.location.path == makefile.path else posixpath.dirname(sub.location.path)
        return find_makefile(resolve(_sub_run(sub), caller))

    goals = run.args or (None,)
    shells: list[ScriptShell] = []
    notes: list[tuple[Location, str]] = []
    for goal in goals:
        expansion = makefile.expand(goal, overrides=dict(run.variables), environment=environment, load=load, max_depth=MAX_HOPS)
        shells.extend(_recipe_shell(command, makefile, top) for command in expansion.commands)
        notes.extend((n.location, n.message) for n in expansion.notes if n.kind.value == "unresolved" and PUBLISHISH.search(n.message))
    return shells, notes


def _sub_run(sub: SubMake) -> cmds.RunsScript:
    return cmds.RunsScript(
        command=Command(("make",), "make", sub.location), kind=cmds.ScriptKind.MAKE, runner="make",
        path=sub.makefile, args=sub.targets, directory=sub.directory, variables=sub.variables,
    )


def _recipe_shell(command: MakeCommand, makefile: Makefile, top: str) -> ScriptShell:
    location = command.location
    directory = top if location.path == makefile.path else posixpath.dirname(location.path)
    commands = split_script(command.command, path=location.path, first_line=location.line, column=location.column)
    hops = tuple(Related(hop.location, hop.label) for hop in command.chain)
    return ScriptShell(commands, directory, env=command.exported, hops=hops, makes_followed=bool(command.sub_makes))


def _js_shells(result: JsExecResult, directory: str, args: tuple[str, ...] = ()) -> list[ScriptShell]:
    shells = []
    for call in result.calls:
        if call.forwarded:
            continue  # the runner inside a local wrapper: its calls are reported with their commands
        if set(call.unreached_with) & set(args):
            continue  # the script exits before it when given this argument (`--check-only`)
        here = join_dir(directory, call.cwd) if call.cwd else directory
        text = call.shell if call.shell is not None else " ".join(call.argv or ())
        # Only the command itself counts: a wrapper named `ghReleaseExists(tag)` is no publish.
        computed = call.text or text if call.computed and re.search(r"publish", text, re.I) else None
        shells.append(ScriptShell(_call_commands(call), here if here is not None else directory, env=call.env, computed=computed))
    return shells


def _call_commands(call: ExecCall) -> tuple[Command, ...]:
    commands = _call_commands_as_written(call)
    if call.loop is None:
        return commands
    # Run once per item of a JS loop: a loop whose words are known only at run time.
    loop = (call.loop, ())
    return tuple(replace(command, loops=(loop, *command.loops)) for command in commands)


def _call_commands_as_written(call: ExecCall) -> tuple[Command, ...]:
    location = call.location
    if call.shell is not None:
        return split_script(call.shell, path=location.path, first_line=location.line, column=location.column)
    words = call.words
    if not words:
        return ()
    if call.uses_shell:
        return split_script(" ".join(words), path=location.path, first_line=location.line, column=location.column)
    return (Command(tuple(words), " ".join(words), location),)


# Images built from the repository's Dockerfiles ---------------------------------------------

_DOCKER_BUILD_VALUE_OPTIONS = frozenset({
    "-f", "--file", "-t", "--tag", "--target", "--build-arg", "--platform", "--label", "--network", "--secret",
    "--ssh", "--cache-from", "--cache-to", "--output", "-o", "--progress", "--iidfile", "--builder", "--add-host", "--build-context",
})


@frozen_dataclass
class DockerBuild:
    """``docker build [-f F] [-t T]... [--target S] CONTEXT`` (also ``buildx build``, ``image build``)."""

    command: Command
    dockerfile: str | None  # ``-f``, as written
    context: str
    tags: tuple[str, ...]
    stage: str | None = None


def docker_build(command: Command) -> DockerBuild | None:
    words = list(command.words)
    if words[:1] not in (["docker"], ["podman"]):
        return None
    rest = words[1:]
    if rest[:2] in (["buildx", "build"], ["image", "build"]):
        rest = rest[2:]
    elif rest[:1] == ["build"]:
        rest = rest[1:]
    else:
        return None
    options: dict[str, list[str]] = {}
    positional: list[str] = []
    i = 0
    while i < len(rest):
        word = rest[i]
        name, _, value = word.partition("=")
        if word.startswith("-") and name in _DOCKER_BUILD_VALUE_OPTIONS:
            if not value:
                value = rest[i + 1] if i + 1 < len(rest) else ""
                i += 1
            options.setdefault(name.lstrip("-")[:1] if name in ("-f", "--file", "-t", "--tag") else name, []).append(value)
        elif not word.startswith("-"):
            positional.append(word)
        i += 1
    files = options.get("f")
    stage = options.get("--target")
    return DockerBuild(command, files[-1] if files else None, positional[0] if positional else ".", tuple(options.get("t", ())), stage[-1] if stage else None)


def dockerfile_target(build: DockerBuild, cwd: str) -> Target:
    """The Dockerfile a build reads: ``-f`` (from the folder the command runs in), else the
    context's ``Dockerfile``."""
    context, problem = _relative(cwd, build.context)
    if context is None:
        return Target((), FileKind.DOCKER, cwd, problem)
    if build.dockerfile is None:
        return Target((posixpath.join(context, "Dockerfile") if context else "Dockerfile",), FileKind.DOCKER, context)
    path, problem = _relative(cwd, build.dockerfile)
    return Target((path,) if path is not None else (), FileKind.DOCKER, context, problem)


def built_image(dockerfile: Dockerfile, stage: str | None) -> Text | None:
    """The outside image a build's result runs on, at its ``FROM`` line (``node:20``)."""
    start = dockerfile.stage(stage) if stage else dockerfile.final
    line = dockerfile.base_of(start) if start is not None else None
    return Text(line.image, line.location) if line is not None else None


def image_name(tag: str) -> str:
    """A tag as ``docker run`` names it: ``acme/app:latest`` and ``acme/app`` are one image."""
    return tag[: -len(":latest")] if tag.endswith(":latest") else tag


# Discovery -----------------------------------------------------------------------------------

Loader = Callable[[str, FileKind], "RepoScript | None"]
# Stands for a `docker build` in discovery: its Dockerfile is read, nothing in it is run.
_DOCKER_RUN = cmds.RunsScript(command=Command(("docker",), "docker", Location("")), kind=cmds.ScriptKind.SHELL, runner="docker", path=None)


@frozen_dataclass
class _Pending:
    """Commands still to follow into scripts, with the folder they run in and how deep the chain is."""

    commands: tuple[Command, ...]
    directory: str
    depth: int
    makes_followed: bool = False


def discover(project: Project, load: Loader) -> None:
    """Ask ``load`` for every repository file the CI steps and package scripts of ``project``
    run, and for the files those run, up to :data:`MAX_HOPS` deep. ``load`` parses a file (and
    remembers it); what it returns is followed in turn."""

    def find_makefile(target: Target) -> Makefile | None:
        from npm_auth_lint.parsers.makefile import Makefile

        found = next((s for p in target.paths if (s := load(p, FileKind.MAKE)) is not None), None)
        return found if isinstance(found, Makefile) else None

    pending = list(_roots(project))
    seen: set[tuple[str, str, tuple[str, ...]]] = set()
    root = project.package_at("")
    # The fan-out wrappers (`pnpm -r run release`) run each workspace package's script, as in the walk.
    members = cmds.workspace_members(workspace_packages(project, root)) if root is not None else ()
    while pending:
        item = pending.pop()
        for run, cwd, known in _runs(project, item, members):
            target = known or resolve(run, cwd)
            key = (",".join(target.paths), target.directory, run.args)
            if not target.paths or key in seen or item.depth >= MAX_HOPS:
                continue
            seen.add(key)
            script = next((s for p in target.paths if (s := load(p, target.kind)) is not None), None)
            if script is None:
                continue
            shells, _ = shells_of(script, run, target, find_makefile)
            pending.extend(_Pending(s.commands, s.directory, item.depth + 1, s.makes_followed) for s in shells)


def script_path(script: RepoScript) -> str:
    return script.path


def _roots(project: Project) -> Iterator[_Pending]:
    for _, job in project.jobs():
        default = normalise_dir(job.default_working_directory or "")
        for step in job.steps:
            if step.commands:
                directory = normalise_dir(step.working_directory) if step.working_directory is not None else default
                yield _Pending(step.commands, directory, 0)


def _runs(
    project: Project, item: _Pending, members: tuple[cmds.WorkspaceMember, ...] = ()
) -> Iterator[tuple[cmds.RunsScript, str, Target | None]]:
    """The files a shell's commands run, each with the folder it is named from."""
    directory = item.directory
    for command, nested in zip(item.commands, in_substitution(item.commands)):
        if command.words[:1] == ("cd",) and len(command.words) >= 2:
            if nested:
                continue  # `$(cd x; pwd)`: only the substitution's subshell moves
            moved = join_dir(directory, command.words[1])
            directory = directory if moved is None else moved  # ('' is the root)
            continue
        build = docker_build(command)
        if build is not None:
            yield _DOCKER_RUN, directory, dockerfile_target(build, directory)
            continue
        package = package_for_dir(project, directory)
        for result in cmds.classify(command, cmds.script_lookup(package), members):
            if not isinstance(result, cmds.RunsScript):
                continue
            if item.makes_followed and result.kind is cmds.ScriptKind.MAKE:
                continue
            yield result, run_directory(result, directory, package), None


def run_directory(run: cmds.RunsScript, directory: str, package: object) -> str:
    """Where a script-running command runs: a package script's in its package's folder (the
    workspace package's, when a fan-out wrapper such as `pnpm -r run X` ran the script)."""
    if run.package_directory is not None:
        return run.package_directory
    if run.via_scripts and package is not None:
        return getattr(package, "directory", directory)
    return directory
