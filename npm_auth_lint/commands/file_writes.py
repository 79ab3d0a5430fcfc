"""What a command writes to which file, and the text when it can be read: ``echo``/``printf``/
``cat``/``tee`` with redirects and heredocs, and the PowerShell ``Add-Content`` family."""

from __future__ import annotations

import re
from dataclasses import dataclass

from npm_auth_lint.commands.words import _basename, _positionals
from npm_auth_lint.model import Command


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
