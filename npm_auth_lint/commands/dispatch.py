"""Classifying one command against a handler table: :class:`Context` is what classification
carries down (the table, the script lookup, the scripts followed, the depth);
:func:`classify_command` strips wrappers, reads assignments and file writes, and hands the program
to its handler through :func:`classify_program`.

The table itself is :data:`npm_auth_lint.commands.handlers.HANDLERS`. It travels in the context
rather than being imported here because the handlers classify inner commands (package scripts,
``bash -c``, ``npx``) through this module: passing the table down keeps the imports acyclic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from npm_auth_lint import lazy_regex
from npm_auth_lint.commands.exports import assignment_results
from npm_auth_lint.commands.results import Classified, Unfollowed
from npm_auth_lint.commands.words import basename, strip_wrappers
from npm_auth_lint.commands.writes import write_results
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Command, Location

ScriptLookup = Callable[[str], "tuple[str, Location] | None"]

# The handler-table key of a program named by a path (`./x.sh`): no program name has a space.
PATH_PROGRAM = "<path> "


@frozen_dataclass
class WorkspaceMember:
    """A workspace package as the fan-out wrappers see it (``lerna run X``, ``pnpm -r exec``)."""

    name: str | None
    directory: str  # repository-relative
    scripts: ScriptLookup


# How deep classification follows package scripts and inner shells.
MAX_DEPTH = 12


@frozen_dataclass
class Context:
    """What classification carries down into package scripts and inner shells."""

    handlers: Mapping[str, Handler]  # program name -> handler; names are lowercase
    scripts: ScriptLookup | None
    visited: frozenset[str] = frozenset()  # package scripts already followed
    depth: int = 0
    # The workspace packages (name, their scripts), for wrappers that run a script or command in
    # each package (`lerna run X`, `pnpm -r exec`, `turbo run X`); empty outside a monorepo.
    workspace: tuple[WorkspaceMember, ...] = ()


# A tool family's classifier: (program name as written, its arguments, the environment given on
# the command line, the command, the context) -> what the command does.
Handler = Callable[[str, list[str], list[tuple[str, str]], Command, Context], list[Classified]]


def classify_command(command: Command, ctx: Context) -> list[Classified]:
    """Everything ``command`` does; may raise on odd input (the public entry points catch it)."""
    words, env = strip_wrappers(list(command.words), list(command.assignments))
    results: list[Classified] = []
    results += assignment_results(command)
    results += write_results(command, words)
    if words:
        results += classify_program(words, env, command, ctx)
    return results


# A word that is one variable or expression as a whole (`$CMD`, `${CMD}`, `${{ env.CMD }}`): a
# command named by it is only known at run time. Command substitutions (`eval "$(ssh-agent -s)"`,
# `eval $(opam env)`) set up a shell and are left alone.
_RUNTIME_WORD = lazy_regex.compile(r"^\$(?:[A-Za-z_][A-Za-z0-9_]*|\{[A-Za-z_][A-Za-z0-9_]*\}|\{\{[^}]*\}\})$")


def runtime_word(word: str) -> bool:
    """Whether ``word`` is a variable or expression as a whole, known only at run time."""
    return _RUNTIME_WORD.match(word.strip()) is not None


def classify_program(words: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """What program ``words[0]`` does with its arguments, by the handler of its name; a program
    named by a variable may publish and cannot be followed (:class:`Unfollowed`)."""
    if runtime_word(words[0]):
        return [Unfollowed(command=command, what=f"the command `{' '.join(words[:3])}` is assembled at run time")]
    name = basename(words[0])
    # Windows also finds NPM.cmd, Npx.exe ...: the table's names are lowercase.
    handler = ctx.handlers.get(name) or ctx.handlers.get(name.lower())
    if handler is None and ("/" in words[0] or "\\" in words[0]):
        # `./scripts/publish.sh`, `bin/release`: a file of the repository (the handler of
        # PATH_PROGRAM gets the path as written).
        path_handler = ctx.handlers.get(PATH_PROGRAM)
        return path_handler(words[0], words[1:], env, command, ctx) if path_handler is not None else []
    if handler is None:
        return []
    return handler(name, words[1:], env, command, ctx)
