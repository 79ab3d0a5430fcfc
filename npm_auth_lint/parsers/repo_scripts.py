"""Read and parse the repository files CI runs: shell scripts, Makefiles, JS/TS scripts.

Which files these are depends on what the CI steps run, so the engine asks for them after it has
parsed the CI and package files (see :mod:`npm_auth_lint.analysis.scripts`). Every read goes
through the workspace's reader, which refuses files outside the repository root and links out of
it; a file that cannot be read is remembered with the reason, for the ``unresolved-reference``
note that says so.
"""

from __future__ import annotations

import enum
import re
from typing import TYPE_CHECKING

from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Command
from npm_auth_lint.shell import split_script
from npm_auth_lint.workspace import FileReadError, Workspace

if TYPE_CHECKING:  # the parsers are imported when a file of their kind is parsed (start-up time)
    from npm_auth_lint.parsers.dockerfile import Dockerfile
    from npm_auth_lint.parsers.js_exec import JsExecResult
    from npm_auth_lint.parsers.makefile import Makefile

__all__ = ["FileKind", "RepoScript", "ShellScript", "load_script"]


class FileKind(str, enum.Enum):
    """How a file is read: the way the command runs it, corrected by the file's shebang."""

    SHELL = "shell"
    MAKE = "make"
    JS = "js"
    DOCKER = "docker"


@frozen_dataclass
class ShellScript:
    """A shell script of the repository: its simple commands, located in the file."""

    path: str
    commands: tuple[Command, ...]


if TYPE_CHECKING:
    RepoScript = ShellScript | Makefile | JsExecResult | Dockerfile


def __getattr__(name: str) -> object:
    """``RepoScript`` at run time, built when first asked for: it names the parsers' types."""
    if name == "RepoScript":
        from npm_auth_lint.parsers.dockerfile import Dockerfile
        from npm_auth_lint.parsers.js_exec import JsExecResult
        from npm_auth_lint.parsers.makefile import Makefile

        return ShellScript | Makefile | JsExecResult | Dockerfile
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# `#!/usr/bin/env node`, `#!/usr/bin/env -S npx tsx`, `#!/usr/bin/env zx`: a JS/TS script.
# Compiled on first use (re's cache): a repository without scripts never needs them.
_JS_SHEBANG = r"^#!.*\b(?:node|nodejs|tsx|ts-node|zx|bun|deno)\b"
_TS_SHEBANG = r"^#!.*\b(?:tsx|ts-node|deno)\b"


def _parse(path: str, text: str, kind: FileKind) -> RepoScript:
    first = text.split("\n", 1)[0]
    if kind is FileKind.SHELL and re.match(_JS_SHEBANG, first):
        kind = FileKind.JS
    if kind is FileKind.MAKE:
        from npm_auth_lint.parsers.makefile import parse_makefile

        return parse_makefile(path, text)
    if kind is FileKind.DOCKER:
        from npm_auth_lint.parsers.dockerfile import parse_dockerfile

        return parse_dockerfile(path, text)
    if kind is FileKind.JS:
        from npm_auth_lint.parsers.js_exec import find_exec_calls, language_for

        language = language_for(path) or ("typescript" if re.match(_TS_SHEBANG, first) else "javascript")
        return find_exec_calls(path, text, language)
    return ShellScript(path, split_script(text, path=path, first_line=1))


def load_script(workspace: Workspace, path: str, kind: FileKind) -> tuple[RepoScript | None, str | None]:
    """The parsed file at ``path`` (repository-relative), or None and why it could not be read
    ("file not found", "file is a link to outside the repository", ...)."""
    try:
        text = workspace.read(path)
    except FileReadError as exc:
        return None, exc.message
    return _parse(path, text, kind), None
