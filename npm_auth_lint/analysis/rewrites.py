"""Commands that may rename a package at run time, before it is published.

vuetify's nightly composite runs ``node -e "fs.writeFileSync('./package.json',
JSON.stringify({ ...require('./package.json'), name: '@vuetify/nightly' }))"`` in
``packages/vuetify`` and then publishes that folder: the committed name (``vuetify``) is not what
is published, so the package is unknown (spec: "Unknown values are shown as placeholders, never
guessed"). Kept narrow: only writes that name the ``name`` field count, so the common version
bumps (``npm version``, ``lerna version``, a script setting ``pkg.version``) keep the package known.

Recognised: ``node -e/--eval/-p`` code that writes a ``package.json`` and mentions ``name``;
``npm pkg set name=...`` (also ``pnpm pkg set``); a redirect into a ``package.json`` or a
``sed -i``/``mv``/``cp`` onto one by a command that mentions ``name``.
"""

from __future__ import annotations

import posixpath

from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis.packages import join_dir
from npm_auth_lint.model import Command

__all__ = ["renamed_package_folders"]

_NODE_EVAL = frozenset({"-e", "--eval", "-p", "--print"})
_WRITES_FILE = lazy_regex.compile(r"\bwrite(?:File|FileSync|Json|JsonSync|JSONSync|JSON)\b|\boutputJson(?:Sync)?\b")
_PACKAGE_PATH = lazy_regex.compile(r"""["'`]([^"'`\n]*package\.json)["'`]""")
_NAMES_NAME = lazy_regex.compile(r"""(?:["']name["']|\bname)\s*[:=]|\.name\s*=|\[["']name["']\]\s*=""")
_SETS_NAME = lazy_regex.compile(r"^name(?:=|$)")
_PKG_TOOLS = frozenset({"npm", "pnpm"})


def _folder(directory: str, path: str) -> str | None:
    """The folder of ``path`` (a package.json named from ``directory``), or None if computed."""
    if "$" in path or "`" in path:
        return None
    folder = posixpath.dirname(path.strip())
    return join_dir(directory, folder) if folder else directory


def _node_eval(words: tuple[str, ...], directory: str) -> tuple[str, ...]:
    code = next((words[i + 1] for i in range(1, len(words) - 1) if words[i] in _NODE_EVAL), None)
    if code is None or not _WRITES_FILE.search(code) or not _NAMES_NAME.search(code):
        return ()
    folders = (_folder(directory, path) for path in _PACKAGE_PATH.findall(code))
    return tuple(dict.fromkeys(f for f in folders if f is not None))


def _pkg_set(words: tuple[str, ...], directory: str) -> tuple[str, ...]:
    if len(words) >= 4 and words[0] in _PKG_TOOLS and words[1:3] == ("pkg", "set") and any(_SETS_NAME.match(w) for w in words[3:]):
        return (directory,)
    return ()


def _file_targets(command: Command, directory: str) -> tuple[str, ...]:
    """A ``package.json`` a command writes whole (redirect, ``mv``/``cp`` onto it, ``sed -i``)
    while its text mentions ``name``."""
    if "name" not in command.text:
        return ()
    words = command.words
    targets = [t for op, t in command.redirects if op.lstrip("0123456789&") in (">", ">>", ">|")]
    if words[:1] in (("mv",), ("cp",)) and len(words) >= 3:
        targets.append(words[-1])
    if words[:1] == ("sed",) and any(w == "-i" or w.startswith("-i") for w in words[1:]):
        targets.extend(w for w in words[1:] if w.endswith("package.json"))
    found = [_folder(directory, t) for t in targets if posixpath.basename(t.strip().strip("\"'")) == "package.json"]
    return tuple(f for f in found if f is not None)


def renamed_package_folders(command: Command, directory: str) -> tuple[str, ...]:
    """The folders (repository-relative) whose package.json ``command``, run in ``directory``,
    may give another name."""
    words = command.words
    if not words:
        return ()
    if posixpath.basename(words[0]) in ("node", "nodejs"):
        return _node_eval(words, directory)
    return _pkg_set(words, directory) or _file_targets(command, directory)
