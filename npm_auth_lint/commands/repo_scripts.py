"""Commands that run a file of the repository: shell scripts (``./x.sh``, ``bash x``, ``sh x``,
``source x``, ``. x``), Makefile targets (``make T``, ``make -C dir T``, ``make -f file T``) and
JavaScript/TypeScript scripts (``node x.mjs``, ``tsx``, ``ts-node``, ``zx``, ``bun x.ts``).

Each yields a :class:`RunsScript` (plus :class:`RunsCode`: the file is repository code) that the
job walker follows into the parsed file (spec: "Publish step", repository scripts). These handlers
only say which file runs with which arguments; they never read it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping

from npm_auth_lint.commands.dispatch import PATH_PROGRAM, Context, Handler
from npm_auth_lint.commands.nested import classify_inner_shell
from npm_auth_lint.commands.package_managers import classify_bun
from npm_auth_lint.commands.results import Classified, RunsCode, RunsScript, ScriptKind
from npm_auth_lint.commands.words import ASSIGNMENT_WORD
from npm_auth_lint.model import Command

JS_EXTENSIONS = frozenset({".js", ".cjs", ".mjs", ".jsx", ".ts", ".cts", ".mts", ".tsx"})
SHELL_EXTENSIONS = frozenset({".sh", ".bash", ".zsh", ""})
# Shell options that take the next word (`bash -o pipefail x.sh`, `bash -O extglob x.sh`).
_SHELL_VALUE_OPTIONS = frozenset({"-o", "+o", "-O", "+O", "--rcfile", "--init-file"})
# Node/tsx/ts-node options that take the next word; `-e`/`-p` run inline code, not a file.
_NODE_VALUE_OPTIONS = frozenset(
    {"-r", "--require", "--import", "--loader", "--experimental-loader", "-C", "--conditions", "--title", "--env-file", "-P", "--project", "-O", "--compiler-options", "--tsconfig"}
)
_NODE_INLINE = frozenset({"-e", "--eval", "-p", "--print", "-i", "--interactive", "--test", "-v", "--version", "-h", "--help"})
_MAKE_VALUE_OPTIONS = frozenset({"-C", "--directory", "-f", "--file", "--makefile", "-I", "--include-dir", "-o", "--old-file", "-W", "--what-if", "-l", "--load-average"})


def _script_results(command: Command, kind: ScriptKind, runner: str, path: str | None, **fields: object) -> list[Classified]:
    what = runner if path is None or runner == path else f"{runner} {path}"
    return [
        RunsCode(command=command, what=what),
        RunsScript(command=command, kind=kind, runner=runner, path=path, **fields),  # type: ignore[arg-type]
    ]


def classify_shell(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``bash x.sh args`` (a file) or ``bash -c 'script'`` (an inner shell)."""
    i = 0
    while i < len(args) and args[i].startswith(("-", "+")) and args[i] != "-":
        option = args[i]
        if option == "--":
            i += 1
            break
        if not option.startswith("--") and "c" in option[1:]:
            return classify_inner_shell(name, args, env, command, ctx)
        if not option.startswith("--") and "s" in option[1:]:
            return []  # the script comes from stdin
        # `-o pipefail`, `-eo pipefail`: a short option ending in o/O takes the next word.
        takes_value = option in _SHELL_VALUE_OPTIONS or (not option.startswith("--") and option[-1] in "oO")
        i += 2 if takes_value else 1
    if i >= len(args) or args[i] == "-":
        return []
    return _script_results(command, ScriptKind.SHELL, name, args[i], args=tuple(args[i + 1 :]))


def classify_source(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``source x args`` / ``. x args``: the current shell runs the file."""
    if not args:
        return []
    return _script_results(command, ScriptKind.SOURCE, name, args[0], args=tuple(args[1:]))


def classify_path_program(path: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``./scripts/publish.sh`` or ``bin/release``: a file run by its shebang (a shell script,
    or a JS script: the walker reads the shebang of the parsed file)."""
    extension = posixpath.splitext(path.replace("\\", "/"))[1].lower()
    if extension in JS_EXTENSIONS:
        return _script_results(command, ScriptKind.JS, path, path, args=tuple(args))
    if extension in SHELL_EXTENSIONS:
        return _script_results(command, ScriptKind.SHELL, path, path, args=tuple(args))
    return []  # Python, Ruby, a binary...: not followed


def _node_script(args: list[str]) -> tuple[str, list[str]] | None:
    """The script file ``node``-like runners are given, and its arguments."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg in _NODE_INLINE:
            return None
        if arg == "--":
            i += 1
            break
        if not arg.startswith("-") or arg == "-":
            break
        i += 2 if arg in _NODE_VALUE_OPTIONS else 1
    if i >= len(args) or args[i] in ("-", ".") or args[i].startswith("-"):
        return None
    return args[i], args[i + 1 :]


def classify_node(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``node x.mjs``, ``tsx x.ts``, ``ts-node x.ts``, ``zx x.mjs``: a JS/TS script."""
    if name.lower() == "tsx" and args[:1] == ["watch"]:
        return []
    found = _node_script(args)
    if found is None:
        return []
    path, rest = found
    extension = posixpath.splitext(path)[1].lower()
    if extension not in JS_EXTENSIONS and (extension or "/" not in path):
        return []  # `node dist` (a folder's main) or a binary name: not a file we can name
    return _script_results(command, ScriptKind.JS, name, path, args=tuple(rest))


def classify_bun_script(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``bun x.ts`` / ``bun run x.ts``: a script file; anything else is bun's own command."""
    rest = args[1:] if args[:1] == ["run"] else args
    if rest and posixpath.splitext(rest[0])[1].lower() in JS_EXTENSIONS:
        return _script_results(command, ScriptKind.JS, name, rest[0], args=tuple(rest[1:]))
    return classify_bun(name, args, env, command, ctx)


def classify_make(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``make [-C dir] [-f file] [VAR=value] [targets]``."""
    directory: str | None = None
    makefile: str | None = None
    targets: list[str] = []
    variables: list[tuple[str, str]] = []
    i = 0
    while i < len(args):
        arg = args[i]
        value: str | None = None
        option = arg
        if arg.startswith("--") and "=" in arg:
            option, value = arg.split("=", 1)
        elif arg[:2] in ("-C", "-f") and len(arg) > 2:
            option, value = arg[:2], arg[2:]
        elif arg in _MAKE_VALUE_OPTIONS and i + 1 < len(args):
            value = args[i + 1]
            i += 1
        elif arg == "-j" and i + 1 < len(args) and args[i + 1].isdigit():
            i += 1
        if option in ("-C", "--directory") and value is not None:
            directory = posixpath.join(directory, value) if directory else value
        elif option in ("-f", "--file", "--makefile") and value is not None:
            makefile = value
        elif not arg.startswith("-") and (match := ASSIGNMENT_WORD.match(arg)) is not None:
            variables.append((match.group(1), match.group(2)))
        elif not arg.startswith("-"):
            targets.append(arg)
        i += 1
    return _script_results(
        command, ScriptKind.MAKE, name, makefile, args=tuple(targets), directory=directory, variables=tuple(variables)
    )


SCRIPT_HANDLERS: Mapping[str, Handler] = {
    **{shell: classify_shell for shell in ("bash", "sh", "zsh", "dash")},
    "source": classify_source,
    ".": classify_source,
    "make": classify_make,
    "gmake": classify_make,
    **{runner: classify_node for runner in ("node", "nodejs", "tsx", "ts-node", "ts-node-esm", "zx", "esno", "esrun", "vite-node", "babel-node")},
    "bun": classify_bun_script,
    PATH_PROGRAM: classify_path_program,
}
