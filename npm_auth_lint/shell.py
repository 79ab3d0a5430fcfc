"""Split CI shell scripts into simple commands, each with the exact line where it is written.

Every CI parser (GitHub ``run:``, GitLab ``script:``, CircleCI ``command:``) calls
:func:`split_script`; the classifiers in :mod:`npm_auth_lint.commands` read the result.

The POSIX parser is hand-written rather than built on ``bashlex``: bashlex raises on constructs
that are everyday CI shell (``[[ ]]``, ``case``, arrays, ``$(( ))``, ``<<-'EOF'``) and decodes
``$'..'`` wrongly, so a fallback tokenizer would be needed for a large share of real scripts
anyway. This parser is lenient instead: it never raises, keeps going after syntax errors, and only
tracks as much grammar as finding commands needs (compound commands, pipelines, redirects,
heredocs, substitutions). It makes one pass over the text; command substitutions are parsed in
place, recursively, up to a nesting limit. tree-sitter-bash was evaluated against it on ~2,400
real CI blocks and kept out: no better on correctness or positions, slower once its tree is turned
into commands, and a start-up cost (``docs/shell-parser.md``, ``scripts/compare_shell_parsers.py``).

The grammar lives in :class:`_ListReader` (one handler per construct: ``[[ ]]``, for/case
headers and patterns, reserved words, assignments, redirects, operators, subshells and function
definitions); the lexer in :class:`_PosixParser` reads words, quotes and expansions.

Conventions of the result:

- Commands come in execution order: the commands of a ``$(...)``/backtick substitution come
  before the command whose word contains it (they run first), and a substitution's text stays in
  the outer word as written.
- Word values have quotes removed (``'..'``, ``".."``, ``$'..'``, backslashes) but expansions
  (``$VAR``, ``${VAR}``, ``$(..)``, backticks, GitHub ``${{ .. }}``) are kept as written.
- ``redirects`` are ``(operator, target)`` pairs; the operator keeps an fd prefix as written
  (``2>`` / ``2>&`` with target ``1``); a heredoc's target is its body (``<<`` or ``<<-``, tabs
  already stripped for ``<<-``); a here-string is ``("<<<", word)``. A redirect written after a
  compound command (``{ ...; } > .npmrc``, ``done < file``) is given to every command inside it.
- ``piped_from`` lists the words of every earlier member of the pipeline (nearest last, at most
  16), so ``echo $PW | base64 -d | npm login`` shows both feeders.
"""

from __future__ import annotations

import bisect
import functools
import re
from dataclasses import dataclass, field

from npm_auth_lint import lazy_regex
from npm_auth_lint.model import Command, Location

__all__ = ["Dialect", "in_substitution", "shell_dialect", "split_script"]

Dialect = str  # "posix" | "pwsh" | "cmd" | "none"

_MAX_DEPTH = 40  # substitution nesting parsed recursively; deeper text is skipped as opaque
_MAX_FEEDERS = 16
_MAX_EXPRESSION = 4096  # longest GitHub `${{ }}` expression looked for, so scanning stays linear

# Interpreters that GitHub's `shell:` accepts but whose scripts are not shell commands.
_NOT_SHELL = frozenset({"python", "python3", "python2", "node", "ruby", "perl", "deno", "php", "pypy3"})


def shell_dialect(shell: str | None) -> Dialect:
    """How a script run by ``shell`` (GitHub ``shell:`` value, ``None`` for the default) is split.

    ``None`` means POSIX; callers pass ``"pwsh"`` for GitHub Windows runners without ``shell:``
    (their default shell is PowerShell).
    """
    if not shell or not shell.strip():
        return "posix"
    first = shell.strip().split()[0]
    name = re.split(r"[\\/]", first)[-1].lower()
    name = name.removesuffix(".exe")
    if name in ("pwsh", "powershell"):
        return "pwsh"
    if name == "cmd":
        return "cmd"
    if name in _NOT_SHELL:
        return "none"
    return "posix"


def split_script(
    script: str, *, path: str, first_line: int, column: int = 1, shell: str | None = None
) -> tuple[Command, ...]:
    """The simple commands of ``script`` with their file locations; never raises."""
    if not isinstance(script, str) or not script:
        return ()
    return _split_script(script, path, first_line, column, shell)


# The same text at the same place is split again and again when scripts are followed: each
# `make` target reached expands its prerequisites' recipes (esbuild's Makefile: 6,408 splits of
# 709 texts, 0.7 s). The result is immutable (tuples of frozen commands), so it is shared.
@functools.lru_cache(maxsize=4096)
def _split_script(script: str, path: str, first_line: int, column: int, shell: str | None) -> tuple[Command, ...]:
    dialect = shell_dialect(shell)
    if dialect == "none":
        return ()
    try:
        if dialect == "pwsh":
            builders = _SimpleParser(script, pwsh=True).parse()
        elif dialect == "cmd":
            builders = _SimpleParser(script, pwsh=False).parse()
        else:
            builders = _PosixParser(script).parse()
    except Exception:
        builders = _fallback(script)
    return _to_commands(script, builders, path=path, first_line=first_line, column=column)


def in_substitution(commands: tuple[Command, ...]) -> tuple[bool, ...]:
    """For each command of one :func:`split_script` result, whether it runs inside a ``$(...)``
    or backticks of a later command: its ``cd`` moves only that subshell
    (``SCRIPT_DIR="$(cd "$(dirname "$0")"; pwd)"`` leaves the script where it was).

    Substitutions come before the command that holds them, and that command starts before them
    in the text: a command is inside one when a later command with a substitution starts earlier
    in the same file (commands joined from several places, such as a GitLab template's
    ``before_script`` written below the job, are not taken for substitutions)."""
    flags = [False] * len(commands)
    earliest: tuple[str, int, int] | None = None
    for index in range(len(commands) - 1, -1, -1):
        command = commands[index]
        here = (command.location.path, command.location.line, command.location.column)
        if earliest is not None and earliest[0] == here[0] and earliest[1:] < here[1:]:
            flags[index] = True
        holds = "$(" in command.text or "`" in command.text
        if holds and (earliest is None or earliest[0] != here[0] or here[1:] < earliest[1:]):
            earliest = here
    return tuple(flags)


# --------------------------------------------------------------------------------------------
# Shared building blocks


class _Redirect:
    """A redirect shared by the builders it applies to; heredoc bodies are filled in later."""

    __slots__ = ("op", "target")

    def __init__(self, op: str, target: str) -> None:
        self.op = op
        self.target = target


class _Builder:
    """A simple command while it is being read."""

    __slots__ = ("assignments", "end", "in_prefix", "level", "loops", "piped_from", "redirects", "start", "words")

    def __init__(self, start: int, level: int, loops: tuple[tuple[str, tuple[str, ...]], ...] = ()) -> None:
        self.start = start
        self.end = start
        self.words: list[str] = []
        self.assignments: list[tuple[str, str]] = []
        self.redirects: list[_Redirect] = []
        self.piped_from: list[tuple[str, ...]] = []
        self.level = level
        self.in_prefix = True
        self.loops = loops


def _to_commands(
    script: str, builders: list[_Builder], *, path: str, first_line: int, column: int
) -> tuple[Command, ...]:
    newlines = [i for i, ch in enumerate(script) if ch == "\n"]
    result = []
    for b in builders:
        row = bisect.bisect_left(newlines, b.start)
        line_start = newlines[row - 1] + 1 if row else 0
        location = Location(path, first_line + row, column + (b.start - line_start))
        result.append(
            Command(
                words=tuple(b.words),
                text=script[b.start : max(b.end, b.start)],
                location=location,
                assignments=tuple(b.assignments),
                redirects=tuple((r.op, r.target) for r in b.redirects),
                piped_from=tuple(b.piped_from),
                loops=b.loops,
            )
        )
    return tuple(result)


def _fallback(script: str) -> list[_Builder]:
    """One command per non-empty line, words split on blanks: the last resort, cannot fail."""
    builders = []
    offset = 0
    for line in script.split("\n"):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            b = _Builder(offset + len(line) - len(stripped), 0)
            b.words = stripped.split()
            b.end = offset + len(line.rstrip())
            builders.append(b)
        offset += len(line) + 1
    return builders


# --------------------------------------------------------------------------------------------
# POSIX shell (bash, sh)

_BLANK = " \t\r\f\v"
_META = set(" \t\r\f\v\n|&;()<>")
# A run of characters that need no special handling inside an unquoted word.
_PLAIN = lazy_regex.compile(r"[^\s|&;()<>\\'\"$`]+")
_DQ_PLAIN = lazy_regex.compile(r'[^"\\$`]+')
_REDIRECT = lazy_regex.compile(r"(\d+|\{[A-Za-z_][A-Za-z0-9_]*\})?(<<<|<<-|<<|<>|<&|<|>>|>&|>\||>)|&>>|&>")
_ASSIGNMENT = lazy_regex.compile(r"([A-Za-z_][A-Za-z0-9_]*)(\[[^\]]*\])?\+?=")
_ARRAY_START = lazy_regex.compile(r"[A-Za-z_][A-Za-z0-9_]*\+?=\Z")
_NAME = lazy_regex.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ANSI_ESCAPES = {
    "a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
    "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?",
}  # fmt: skip

_EOF, _WORD, _OP, _REDIR = 0, 1, 2, 3
_SEPARATORS = frozenset({";", "\n", "&", "&&", "||"})
_OPENERS = {"if": "if", "while": "loop", "until": "loop", "{": "brace"}
_CLOSERS = {"fi": "if", "done": "loop", "esac": "case", "}": "brace"}
_MIDDLES = frozenset({"then", "else", "elif", "do"})


@dataclass
class _Frame:
    """An open compound command and the pipeline being read inside it."""

    kind: str
    start: int  # index in the output where its commands begin
    elem_start: int
    feeders: list[tuple[str, ...]]
    expect_pattern: bool = False  # case: the next word is a pattern
    # `for NAME in WORDS; do`: the loop variable and its words (a `cd $NAME` in the body moves
    # as deep as the words name, so the folder after `cd ..` is known again).
    loop_name: str = ""
    loop_words: list[str] = field(default_factory=list)


class _PosixParser:
    def __init__(self, src: str) -> None:
        self.src = src
        self.pos = 0
        self.end = len(src)
        self.out: list[_Builder] = []
        self.heredocs: list[tuple[str, bool, _Redirect]] = []
        self.depth = 0  # nesting of recursive scans; past _MAX_DEPTH, text is skipped flat

    def parse(self) -> list[_Builder]:
        self._parse_list(0, closer=False)
        return self.out

    # ---- lexer ------------------------------------------------------------------------------

    def _skip_blanks(self) -> None:
        src, end = self.src, self.end
        pos = self.pos
        while pos < end:
            ch = src[pos]
            if ch in _BLANK:
                pos += 1
            elif ch == "\\" and pos + 1 < end and src[pos + 1] == "\n":
                pos += 2
            else:
                break
        self.pos = pos

    def _token(self, level: int, test: bool) -> tuple:
        """The next token: (kind, start, end, value, quoted)."""
        src, end = self.src, self.end
        while True:
            self._skip_blanks()
            pos = self.pos
            if pos >= end:
                return (_EOF, pos, pos, "", False)
            ch = src[pos]
            if ch == "#":
                nl = src.find("\n", pos, end)
                self.pos = end if nl == -1 else nl
                continue
            break
        if ch == "\n":
            self.pos = pos + 1
            if self.heredocs:
                self._read_heredocs()
            return (_OP, pos, pos + 1, "\n", False)
        if test and ch in "&|()<>":
            # Inside [[ ]], these are operators of the test, not of the shell. (`!` is no
            # operator character: `!=` is one word, and a lone `!` is a word anyway.)
            two = src[pos : pos + 2]
            size = 2 if two in ("&&", "||") else 1
            self.pos = pos + size
            return (_WORD, pos, pos + size, src[pos : pos + size], False)
        if ch in "<>" and pos + 1 < end and src[pos + 1] == "(":
            return self._word(level)  # process substitution
        if ch in "<>&" or ch.isdigit() or ch == "{":
            match = _REDIRECT.match(src, pos, end)
            if match:
                return self._redirect(match, level)
        if ch in "&|;()":
            for op in ("&&", "||", "|&", ";;&", ";;", ";&"):
                if src.startswith(op, pos):
                    self.pos = pos + len(op)
                    return (_OP, pos, self.pos, op, False)
            self.pos = pos + 1
            return (_OP, pos, pos + 1, ch, False)
        return self._word(level)

    def _redirect(self, match: re.Match, level: int) -> tuple:
        start = match.start()
        op = match.group(0)
        self.pos = match.end()
        # The target may follow after blanks, but not after a newline.
        self._skip_blanks()
        target = ""
        word_end = self.pos
        nxt = self.src[self.pos : self.pos + 2]
        if nxt and (nxt[0] not in _META or nxt in ("<(", ">(")):
            _, _, word_end, target, _ = self._word(level)
        redirect = _Redirect(op, target)
        if op.endswith("<<<"):
            redirect.op = "<<<"
        elif op.endswith(("<<", "<<-")):
            # The body follows the end of the line; it becomes the target then.
            self.heredocs.append((target, op.endswith("-"), redirect))
            redirect.op = "<<-" if op.endswith("-") else "<<"
            redirect.target = ""
        return (_REDIR, start, word_end, redirect, False)

    def _read_heredocs(self) -> None:
        """Read the bodies of the heredocs opened on the line just ended."""
        src, end = self.src, self.end
        pending, self.heredocs = self.heredocs, []
        for delimiter, strip_tabs, redirect in pending:
            lines = []
            pos = self.pos
            while pos < end:
                nl = src.find("\n", pos, end)
                line_end = end if nl == -1 else nl
                line = src[pos:line_end]
                pos = end if nl == -1 else nl + 1
                if strip_tabs:
                    line = line.lstrip("\t")
                if line.rstrip("\r") == delimiter:
                    break
                lines.append(line)
            self.pos = pos
            redirect.target = "".join(line + "\n" for line in lines)

    def _word(self, level: int) -> tuple:
        """Read one word; returns (_WORD, start, end, value, quoted)."""
        src, end = self.src, self.end
        start = pos = self.pos
        parts: list[str] = []
        quoted = False
        while pos < end:
            ch = src[pos]
            if ch in _META:
                if ch in "<>" and pos + 1 < end and src[pos + 1] == "(" and pos == start:
                    parts.append(self._substitution(pos + 1, level))
                    pos = self.pos
                    continue
                if ch == "(" and _ARRAY_START.match(src[start:pos]):
                    close = self._group(pos, level, stop_at_newline=False)
                    parts.append(src[pos:close])
                    pos = close
                    continue
                break
            plain = _PLAIN.match(src, pos, end)
            if plain:
                parts.append(plain.group(0))
                pos = plain.end()
                continue
            pos, piece_quoted = self._word_piece(pos, parts, level)
            quoted = quoted or piece_quoted
        self.pos = pos
        return (_WORD, start, pos, "".join(parts), quoted)

    def _regex_word(self, level: int) -> tuple[int, int, str]:
        """The operand of ``=~`` in ``[[ ]]``: ``(``, ``)`` and ``|`` belong to the regex, and
        backslashes stay (they escape for the regex); quotes are removed. (start, end, value)."""
        self._skip_blanks()
        src, end = self.src, self.end
        start = pos = self.pos
        parts: list[str] = []
        depth = 0
        while pos < end:
            ch = src[pos]
            if ch == "\n" or (ch in _BLANK and depth == 0) or (ch == ")" and depth == 0):
                break
            if ch == "\\":
                parts.append(src[pos : pos + 2])
                pos += 2
                continue
            if ch in "'\"$`":
                pos = self._word_piece(pos, parts, level)[0]
                continue
            depth += 1 if ch == "(" else -1 if ch == ")" else 0
            parts.append(ch)
            pos += 1
        self.pos = pos
        return start, pos, "".join(parts)

    def _word_piece(self, pos: int, parts: list[str], level: int) -> tuple[int, bool]:
        """Read the quoted string, escape or expansion at ``pos``; returns (end, quoted)."""
        src, end = self.src, self.end
        ch = src[pos]
        if ch == "\\":
            if pos + 1 >= end:
                parts.append("\\")
                return pos + 1, False
            if src[pos + 1] == "\n":
                return pos + 2, False  # a line continuation
            parts.append(src[pos + 1])
            return pos + 2, True
        if ch == "'":
            return self._single_quoted(pos + 1, parts), True
        if ch == '"':
            return self._double_quoted(pos + 1, parts, level), True
        if ch == "$":
            nxt = src[pos + 1 : pos + 2]
            if nxt == "'":
                return self._ansi_c(pos + 2, parts), True
            if nxt == '"':
                return self._double_quoted(pos + 2, parts, level), True
            self.pos = pos
            parts.append(self._dollar(level))
            return self.pos, False
        if ch == "`":
            self.pos = pos
            parts.append(self._backtick(level))
            return self.pos, False
        parts.append(ch)  # Unicode blanks that _PLAIN's \s excludes: bash treats them as word text
        return pos + 1, False

    def _single_quoted(self, pos: int, parts: list[str]) -> int:
        src, end = self.src, self.end
        while pos < end:
            close = src.find("'", pos, end)
            expr = src.find("${{", pos, end if close == -1 else close)
            if expr != -1:
                # A GitHub expression is substituted before the shell runs; its quotes are its own.
                expr_end = src.find("}}", expr + 3, min(end, expr + _MAX_EXPRESSION))
                if expr_end != -1:
                    parts.append(src[pos : expr_end + 2])
                    pos = expr_end + 2
                    continue
            if close == -1:
                parts.append(src[pos:end])
                return end
            parts.append(src[pos:close])
            return close + 1
        return pos

    def _double_quoted(self, pos: int, parts: list[str], level: int) -> int:
        src, end = self.src, self.end
        if self.depth >= _MAX_DEPTH:
            close = _closing_quote(src, pos, end)
            parts.append(src[pos:close])
            return min(close + 1, end)
        self.depth += 1
        try:
            return self._double_quoted_body(pos, parts, level)
        finally:
            self.depth -= 1

    def _double_quoted_body(self, pos: int, parts: list[str], level: int) -> int:
        src, end = self.src, self.end
        while pos < end:
            plain = _DQ_PLAIN.match(src, pos, end)
            if plain:
                parts.append(plain.group(0))
                pos = plain.end()
                continue
            ch = src[pos]
            if ch == '"':
                return pos + 1
            if ch == "\\":
                nxt = src[pos + 1 : pos + 2]
                if nxt in ("$", "`", '"', "\\"):
                    parts.append(nxt)
                    pos += 2
                elif nxt == "\n":
                    pos += 2
                else:
                    parts.append("\\")
                    pos += 1
            elif ch == "$":
                self.pos = pos
                parts.append(self._dollar(level))
                pos = self.pos
            else:  # backtick
                self.pos = pos
                parts.append(self._backtick(level))
                pos = self.pos
        return pos

    def _ansi_c(self, pos: int, parts: list[str]) -> int:
        """The body of ``$'...'`` starting at ``pos``, decoded into ``parts``; returns its end."""
        src, end = self.src, self.end
        pieces: list[str | int] = []  # an int is a byte written as `\xHH` or `\ooo`
        while pos < end:
            ch = src[pos]
            if ch == "'":
                pos += 1
                break
            if ch != "\\" or pos + 1 >= end:
                pieces.append(ch)
                pos += 1
                continue
            piece, pos = self._ansi_escape(pos)
            pieces.append(piece)
        parts.append(_join_ansi(pieces))
        return pos

    def _ansi_escape(self, pos: int) -> tuple[str | int, int]:
        """The backslash escape at ``pos`` inside ``$'...'``: (character or byte, end)."""
        src, end = self.src, self.end
        nxt = src[pos + 1]
        if nxt in _ANSI_ESCAPES:
            return _ANSI_ESCAPES[nxt], pos + 2
        if nxt in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[nxt]
            digits = re.match(rf"[0-9A-Fa-f]{{1,{width}}}", src[pos + 2 : pos + 2 + width])
            if not digits:
                return "\\" + nxt, pos + 2
            code = int(digits.group(0), 16)
            stop = pos + 2 + len(digits.group(0))
            if nxt == "x":
                return code, stop
            return (chr(code) if code < 0x110000 else "\ufffd"), stop
        if nxt in "01234567":
            digits = re.match(r"[0-7]{1,3}", src[pos + 1 : pos + 4])
            code = int(digits.group(0), 8)  # type: ignore[union-attr]
            return (code if code < 0x100 else chr(code)), pos + 1 + len(digits.group(0))  # type: ignore[union-attr]
        if nxt == "c" and pos + 2 < end:
            return chr(ord(src[pos + 2]) & 0x1F), pos + 3
        return "\\" + nxt, pos + 2

    def _dollar(self, level: int) -> str:
        """Read an expansion at ``self.pos`` (a ``$``); returns its text as written."""
        src, end = self.src, self.end
        start = self.pos
        nxt = src[start + 1 : start + 2]
        if src.startswith("${{", start):
            close = src.find("}}", start + 3, min(end, start + _MAX_EXPRESSION))
            if close != -1:
                self.pos = close + 2
                return src[start : self.pos]
        if nxt == "{":
            self.pos = self._braced(start + 2, level)
        elif nxt == "(":
            if src[start + 2 : start + 3] == "(":
                self.pos = self._group(start + 1, level, stop_at_newline=False)
            else:
                self.pos = start + 1
                self._substitution(start + 1, level)
        elif nxt == "[":
            close = src.find("]", start + 2, end)
            self.pos = end if close == -1 else close + 1
        elif nxt and (nxt in "@*#?-$!" or nxt.isdigit()):
            self.pos = start + 2
        else:
            name = _NAME.match(src, start + 1, end)
            self.pos = name.end() if name else start + 1
        return src[start : self.pos]

    def _braced(self, pos: int, level: int) -> int:
        """The end of a ``${...}`` whose body starts at ``pos`` (nested braces and quotes)."""
        if self.depth >= _MAX_DEPTH:
            close = self.src.find("}", pos, self.end)
            return self.end if close == -1 else close + 1
        self.depth += 1
        try:
            return self._braced_body(pos, level)
        finally:
            self.depth -= 1

    def _braced_body(self, pos: int, level: int) -> int:
        src, end = self.src, self.end
        depth = 1
        scratch: list[str] = []
        while pos < end:
            ch = src[pos]
            if ch == "}":
                depth -= 1
                pos += 1
                if depth == 0:
                    return pos
            elif ch == "{":
                depth += 1
                pos += 1
            elif ch == "\\":
                pos += 2
            elif ch == "'":
                pos = self._single_quoted(pos + 1, scratch)
            elif ch == '"':
                pos = self._double_quoted(pos + 1, scratch, level)
            elif ch == "$" and src[pos + 1 : pos + 2] in ("{", "("):
                self.pos = pos
                self._dollar(level)
                pos = self.pos
            elif ch == "`":
                self.pos = pos
                self._backtick(level)
                pos = self.pos
            else:
                pos += 1
        return end

    def _group(self, pos: int, level: int, *, stop_at_newline: bool) -> int:
        """The end of the parenthesised group opening at ``pos`` (arithmetic, arrays).

        The group's text is not parsed, but the commands of substitutions inside it are read:
        ``$(( $(date +%s) - 60 ))``, ``TAGS=($(list_tags))``.
        """
        if self.depth >= _MAX_DEPTH:
            return self._balanced(pos, stop_at_newline=stop_at_newline)
        self.depth += 1
        try:
            return self._group_body(pos, level, stop_at_newline=stop_at_newline)
        finally:
            self.depth -= 1

    def _group_body(self, pos: int, level: int, *, stop_at_newline: bool) -> int:
        return self._group_end(pos, level, stop_at_newline=stop_at_newline, read_pieces=True)

    def _group_piece(self, pos: int, scratch: list[str], level: int) -> int:
        """Skip a quoted string or an expansion inside a group, reading its substitutions."""
        src = self.src
        ch = src[pos]
        if ch == "'":
            return self._single_quoted(pos + 1, scratch)
        if ch == '"':
            return self._double_quoted(pos + 1, scratch, level)
        if ch == "$" and src[pos + 1 : pos + 2] not in ("(", "{"):
            return pos + 1
        self.pos = pos
        if ch == "$":
            self._dollar(level)
        else:
            self._backtick(level)
        return self.pos

    def _balanced(self, pos: int, *, stop_at_newline: bool) -> int:
        """The end of the parenthesised group opening at ``pos`` (arithmetic, arrays), no parsing."""
        return self._group_end(pos, 0, stop_at_newline=stop_at_newline, read_pieces=False)

    def _group_end(self, pos: int, level: int, *, stop_at_newline: bool, read_pieces: bool) -> int:
        """Where the group opening at ``pos`` closes. ``read_pieces``: quoted strings and
        expansions inside are read (their substitutions' commands found); else a quoted string
        is skipped to its closing quote, unparsed (past the nesting limit)."""
        src, end = self.src, self.end
        depth = 0
        scratch: list[str] = []
        while pos < end:
            ch = src[pos]
            if ch == "(":
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth == 0:
                    return pos + 1
            elif ch == "\\":
                pos += 1
            elif ch == "\n" and stop_at_newline:
                return pos
            elif read_pieces and ch in "'\"$`":
                pos = self._group_piece(pos, scratch, level)
                continue
            elif not read_pieces and ch in "'\"":
                close = src.find(ch, pos + 1, end)
                pos = end - 1 if close == -1 else close
            pos += 1
        return end

    def _substitution(self, open_pos: int, level: int) -> str:
        """Parse the commands of ``$( ... )``/``<( ... )`` whose ``(`` is at ``open_pos``."""
        start = open_pos - 1
        if self.depth >= _MAX_DEPTH:
            self.pos = self._balanced(open_pos, stop_at_newline=False)
        else:
            self.depth += 1
            self.pos = open_pos + 1
            try:
                self._parse_list(level + 1, closer=True)
            finally:
                self.depth -= 1
        return self.src[start : self.pos]

    def _backtick(self, level: int) -> str:
        src, end = self.src, self.end
        start = self.pos
        i = start + 1
        while i < end:
            if src[i] == "\\":
                i += 2
                continue
            if src[i] == "`":
                break
            i += 1
        close = min(i, end)
        if self.depth < _MAX_DEPTH:
            saved_end, saved_heredocs = self.end, self.heredocs
            self.end, self.pos, self.heredocs = close, start + 1, []
            self.depth += 1
            try:
                self._parse_list(level + 1, closer=False)
            finally:
                self.depth -= 1
                self.end, self.heredocs = saved_end, saved_heredocs
        self.pos = min(close + 1, end)
        return src[start : self.pos]

    # ---- grammar ----------------------------------------------------------------------------

    def _parse_list(self, level: int, *, closer: bool) -> None:
        """Read commands until the end (or, when ``closer``, an unmatched ``)``)."""
        _ListReader(self, level, closer=closer).run()


class _ListReader:
    """The grammar of one command list: compound commands, pipelines, headers and patterns.

    One reader runs for the whole script and one for each command substitution inside it (at
    ``level + 1``). Tokens come from the parser's lexer; each kind of token goes to one handler,
    and each handler deals with one construct. Handlers return ``True`` when the list ends.
    """

    def __init__(self, parser: _PosixParser, level: int, *, closer: bool) -> None:
        self.parser = parser
        self.out = parser.out
        self.level = level
        self.closer = closer  # a substitution's list: an unmatched `)` ends it
        self.frames = [_Frame("top", len(self.out), len(self.out), [])]
        self.cur: _Builder | None = None
        self.skip: str | None = None  # "do" / "in": a for/case header; ")": a case pattern
        self.header_words = 0
        self.after_separator = False
        self.function_name = False  # after `function`: the next word is a name
        self.after_function = False  # after a function name: `()` may follow
        self.test = False  # inside [[ ]]
        self.closed_at: int | None = None  # a compound just closed: redirects after it apply to it
        self.continued = False  # after `|`, `&&`, `||`: newlines do not end the list

    def run(self) -> None:
        parser = self.parser
        while True:
            kind, start, stop, value, quoted = parser._token(self.level, self.test)
            if kind == _EOF:
                break
            previous_closed, self.closed_at = self.closed_at, None
            was_continued, self.continued = self.continued, False
            if kind == _WORD:
                self._word(start, stop, value, quoted)
            elif kind == _REDIR:
                self._redirect(start, stop, value, previous_closed)
            elif self._operator(value, start, was_continued):
                break
        self._finish()
        for frame in reversed(self.frames):
            self._end_pipeline(frame)

    # ---- pipelines and compound commands ---------------------------------------------------

    def _finish(self) -> None:
        if self.cur is not None:
            self.out.append(self.cur)
            self.cur = None

    def _members(self, frame: _Frame) -> list[_Builder]:
        """The commands of the pipeline element just read (not those of nested substitutions)."""
        return [b for b in self.out[frame.elem_start :] if b.level == self.level]

    def _end_pipeline(self, frame: _Frame) -> None:
        if frame.feeders:
            for b in self._members(frame):
                b.piped_from[:0] = frame.feeders  # outer feeders first: the nearest stays last
            frame.feeders = []
        frame.elem_start = len(self.out)

    def _pipe(self, frame: _Frame) -> None:
        members = self._members(frame)
        if frame.feeders:
            for b in members:
                b.piped_from[:0] = frame.feeders  # outer feeders first: the nearest stays last
        frame.feeders = (frame.feeders + [tuple(b.words) for b in members])[-_MAX_FEEDERS:]
        frame.elem_start = len(self.out)

    def _open(self, kind: str) -> _Frame:
        frame = _Frame(kind, len(self.out), len(self.out), [])
        self.frames.append(frame)
        return frame

    def _close(self, kind: str) -> int | None:
        """Close the innermost open ``kind`` (and all inside it); where its commands begin."""
        frames = self.frames
        for i in range(len(frames) - 1, 0, -1):
            if frames[i].kind == kind:
                for frame in reversed(frames[i:]):
                    self._end_pipeline(frame)
                start = frames[i].start
                del frames[i:]
                return start
        return None

    # ---- words -----------------------------------------------------------------------------

    def _word(self, start: int, stop: int, value: str, quoted: bool) -> None:
        if self.test:
            self._test_word(stop, value, quoted)
        elif self.skip == "do":
            self._for_header_word(value, quoted)
        elif self.skip == "in":
            self._case_header_word(value, quoted)
        elif self.skip == ")":
            pass  # a case pattern
        elif self.frames[-1].expect_pattern and self.cur is None:
            self._case_pattern_start(value, quoted)
        elif self.function_name:
            self.function_name, self.after_function = False, True
        else:
            self.after_function = False
            if self.cur is None and not quoted and self._reserved_word(value):
                return
            self._command_word(start, stop, value)

    def _test_word(self, stop: int, value: str, quoted: bool) -> None:
        """A word inside ``[[ ]]``: the test is one command, ``]]`` ends it."""
        assert self.cur is not None
        self.cur.words.append(value)
        self.cur.end = stop
        if value == "]]" and not quoted:
            self.test = False
        elif value == "=~" and not quoted:
            start, stop, regex = self.parser._regex_word(self.level)
            if stop > start:
                self.cur.words.append(regex)
                self.cur.end = stop

    def _for_header_word(self, value: str, quoted: bool) -> None:
        """``for NAME [in WORDS]; do``: ``do`` ends the header after a separator or right after NAME."""
        self.header_words += 1
        frame = self.frames[-1]
        if value == "do" and not quoted and (self.after_separator or self.header_words == 2):
            self.skip = None
        elif self.header_words == 1:
            frame.loop_name = value
        elif self.header_words > 2 or value != "in":
            frame.loop_words.append(value)
        self.after_separator = False

    def _case_header_word(self, value: str, quoted: bool) -> None:
        """``case WORD in``: the patterns follow."""
        self.header_words += 1
        if value == "in" and not quoted and self.header_words >= 2:
            self.skip = None
            self.frames[-1].expect_pattern = True

    def _case_pattern_start(self, value: str, quoted: bool) -> None:
        """Where a case pattern may start: ``esac`` closes the case, any other word is a pattern."""
        if value == "esac" and not quoted:
            self.closed_at = self._close("case")
        else:
            self.skip = ")"

    def _reserved_word(self, value: str) -> bool:
        """Handle a reserved word in command position; ``False`` when ``value`` is a command word."""
        if value in _OPENERS:
            self._open(_OPENERS[value])
        elif value in _CLOSERS:
            self.closed_at = self._close(_CLOSERS[value])
        elif value in _MIDDLES:
            self._end_pipeline(self.frames[-1])
        elif value in ("for", "select"):
            self._open("loop")
            self.skip, self.header_words, self.after_separator = "do", 0, False
        elif value == "case":
            self._open("case")
            self.skip, self.header_words = "in", 0
        elif value == "function":
            self.function_name = True
        elif value in ("!", "coproc"):
            pass
        else:
            if value == "[[":
                self.test = True  # `[[` itself is the test command's first word
            return False
        return True

    def _command_word(self, start: int, stop: int, value: str) -> None:
        """A word of a simple command: an assignment while in its prefix, else an argument."""
        if self.cur is None:
            loops = tuple((f.loop_name, tuple(f.loop_words)) for f in self.frames if f.loop_name)
            self.cur = _Builder(start, self.level, loops)
        cur = self.cur
        raw = self.parser.src[start:stop]
        if cur.in_prefix and (match := _ASSIGNMENT.match(raw)):
            cur.assignments.append((match.group(1), _assignment_value(value)))
        else:
            cur.in_prefix = False
            cur.words.append(value)
        cur.end = stop

    # ---- redirects -------------------------------------------------------------------------

    def _redirect(self, start: int, stop: int, redirect: _Redirect, previous_closed: int | None) -> None:
        if self.skip is not None:
            return
        if self.cur is None and previous_closed is not None:
            # `{ ...; } > f`, `done < f`: the redirect applies to every command of the compound.
            for b in self.out[previous_closed:]:
                if b.level == self.level:
                    b.redirects.append(redirect)
            self.closed_at = previous_closed
            return
        if self.cur is None:
            self.cur = _Builder(start, self.level)
        self.cur.redirects.append(redirect)
        self.cur.end = stop

    # ---- operators -------------------------------------------------------------------------

    def _operator(self, op: str, start: int, was_continued: bool) -> bool:
        """Handle a control operator; ``True`` when it ends this list (a substitution's ``)``)."""
        self.test = False
        if op == "\n" and was_continued:
            self.continued = True
            return False
        self.continued = op in ("|", "|&", "&&", "||")
        if self.skip in ("do", "in"):
            return self._header_operator(op)
        if self.skip == ")":
            if op == ")":
                self.skip = None
                self.frames[-1].expect_pattern = False
            return False
        if self.frames[-1].expect_pattern and self.cur is None and op in ("\n", ";", "("):
            return False  # blank lines and the optional `(` before a case pattern
        if op in _SEPARATORS:
            self._finish()
            self._end_pipeline(self.frames[-1])
        elif op in ("|", "|&"):
            self._finish()
            self._pipe(self.frames[-1])
        elif op in (";;", ";&", ";;&"):
            self._case_terminator()
        elif op == "(":
            self._open_paren(start)
        elif op == ")":
            return self._close_paren()
        return False

    def _header_operator(self, op: str) -> bool:
        """An operator inside a for/case header."""
        if op in (";", "\n", ")"):
            self.after_separator = True
        return op == ")" and self.closer and self.skip == "in"  # unbalanced: the substitution ends

    def _case_terminator(self) -> None:
        """``;;`` (or ``;&``, ``;;&``) ends a case item: close what is open inside it."""
        self._finish()
        frames = self.frames
        for i in range(len(frames) - 1, 0, -1):
            if frames[i].kind == "case":
                for frame in reversed(frames[i:]):
                    self._end_pipeline(frame)
                del frames[i + 1 :]
                frames[i].expect_pattern = True
                break

    def _open_paren(self, start: int) -> None:
        """``(``: a function definition's ``()``, an arithmetic ``(( ))`` or a subshell."""
        parser, cur = self.parser, self.cur
        if self.after_function or (
            cur is not None and len(cur.words) == 1 and not cur.assignments and not cur.redirects
        ):
            parser._skip_blanks()
            if parser.src[parser.pos : parser.pos + 1] == ")":
                parser.pos += 1  # a function definition: `name()` / `function name()`
                self.cur = None
                self.after_function = False
                return
        self.after_function = False
        if cur is None and parser.src[parser.pos : parser.pos + 1] == "(":
            parser.pos = parser._group(start, self.level, stop_at_newline=True)  # (( arithmetic ))
            return
        self._finish()
        self._open("subshell")

    def _close_paren(self) -> bool:
        """``)``: closes a subshell, or ends this substitution's list when none is open."""
        self._finish()
        closed = self._close("subshell")
        if closed is not None:
            self.closed_at = closed
            return False
        return self.closer


def _closing_quote(src: str, pos: int, end: int) -> int:
    """The index of the ``"`` closing a double-quoted string that starts at ``pos`` (or ``end``)."""
    while pos < end:
        ch = src[pos]
        if ch == '"':
            return pos
        pos += 2 if ch == "\\" else 1
    return end


def _join_ansi(pieces: list[str | int]) -> str:
    """Join decoded ``$'...'`` pieces: runs of bytes are read as UTF-8, as a terminal would
    (``$'\\xef\\xbb\\xbf'`` is the BOM), or byte by byte when they are not UTF-8."""
    out: list[str] = []
    run = bytearray()
    for piece in [*pieces, ""]:
        if isinstance(piece, int):
            run.append(piece)
            continue
        if run:
            try:
                out.append(run.decode("utf-8"))
            except UnicodeDecodeError:
                out.append(run.decode("latin-1"))
            run = bytearray()
        out.append(piece)
    return "".join(out)


def _assignment_value(word: str) -> str:
    """The value part of an assignment word (quotes already removed)."""
    match = _ASSIGNMENT.match(word)
    return word[match.end() :] if match else word.partition("=")[2]


# --------------------------------------------------------------------------------------------
# PowerShell and cmd.exe: enough to find command words, redirects and pipelines


_PWSH_REDIRECT = lazy_regex.compile(r"(\d|\*)?(>>|>&|>|<)")
_CMD_REDIRECT = lazy_regex.compile(r"(\d)?(>>|>&|>|<)")
_PWSH_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}


class _SimpleParser:
    """PowerShell or cmd.exe: commands split at separators and pipes, words unquoted."""

    def __init__(self, src: str, *, pwsh: bool) -> None:
        self.src = src
        self.end = len(src)
        self.pwsh = pwsh
        self.escape = "`" if pwsh else "^"
        self.separators = ";{}" if pwsh else "()"
        self.stops = " \t\r\f\v\n|;{}&<>" if pwsh else " \t\r\f\v\n|&()<>"
        self.redirect = _PWSH_REDIRECT if pwsh else _CMD_REDIRECT
        self.out: list[_Builder] = []
        self.cur: _Builder | None = None
        self.feeders: list[tuple[str, ...]] = []

    def parse(self) -> list[_Builder]:
        src, end = self.src, self.end
        pos = 0
        while pos < end:
            resume = self._control(pos)
            if resume is not None:
                pos = resume
                continue
            match = self.redirect.match(src, pos)
            pos = self._redirect(match, pos) if match else self._command_word(pos)
        self._finish(False)
        return self.out

    def _finish(self, piped: bool) -> None:
        cur = self.cur
        if cur is not None:
            if cur.words or cur.redirects:
                cur.piped_from = list(self.feeders)
                self.out.append(cur)
                if piped:
                    self.feeders = (self.feeders + [tuple(cur.words)])[-_MAX_FEEDERS:]
            self.cur = None
        if not piped:
            self.feeders = []

    def _control(self, pos: int) -> int | None:
        """Blanks, line continuations, separators and comments: where reading resumes after them."""
        src, end, pwsh = self.src, self.end, self.pwsh
        ch = src[pos]
        if ch in _BLANK:
            return pos + 1
        if ch == self.escape and src[pos + 1 : pos + 2] in ("\n", "\r"):
            nl = src.find("\n", pos)
            return end if nl == -1 else nl + 1
        if ch == "\n" or ch in self.separators:
            self._finish(False)
            return pos + 1
        if src.startswith("&&", pos) or src.startswith("||", pos):
            self._finish(False)
            return pos + 2
        if ch in "|&":
            if pwsh and ch == "&" and self.cur is None:
                return pos + 1  # the call operator: `& npm publish`
            self._finish(ch == "|")
            return pos + 1
        if pwsh:
            return self._pwsh_comment(pos)
        if self.cur is None and ch == "@":
            return pos + 1  # `@echo off`: the @ only silences the echo
        return None

    def _pwsh_comment(self, pos: int) -> int | None:
        """The end of a ``# line`` or ``<# block #>`` comment at ``pos``."""
        src, end = self.src, self.end
        if src[pos] == "#":
            nl = src.find("\n", pos)
            return end if nl == -1 else nl
        if src.startswith("<#", pos):
            close = src.find("#>", pos + 2)
            return end if close == -1 else close + 2
        return None

    def _redirect(self, match: re.Match, pos: int) -> int:
        src, end = self.src, self.end
        target_start = match.end()
        while target_start < end and src[target_start] in _BLANK:
            target_start += 1
        target, stop = "", match.end()
        if target_start < end and src[target_start] not in "\n|;&<>":
            target, stop = self._word(target_start)
        if self.cur is None:
            self.cur = _Builder(pos, 0)
        self.cur.redirects.append(_Redirect(match.group(0), target))
        self.cur.end = stop
        return stop

    def _command_word(self, pos: int) -> int:
        value, stop = self._word(pos)
        if self.cur is None:
            if not self.pwsh and (value.lower() == "rem" or value.startswith("::")):
                nl = self.src.find("\n", pos)  # a cmd comment
                return self.end if nl == -1 else nl
            self.cur = _Builder(pos, 0)
        self.cur.words.append(value)
        self.cur.end = stop
        return stop

    def _word(self, pos: int) -> tuple[str, int]:
        src, end, pwsh, stops = self.src, self.end, self.pwsh, self.stops
        parts: list[str] = []
        start = pos
        while pos < end:
            ch = src[pos]
            if ch in stops:
                break
            if ch == self.escape:
                if pos + 1 < end:
                    nxt = src[pos + 1]
                    parts.append(_PWSH_ESCAPES.get(nxt, nxt) if pwsh else nxt)
                pos += 2
            elif pwsh and src.startswith(('@"', "@'"), pos) and src[pos + 2 : pos + 3] in ("\n", "\r"):
                pos = self._here_string(pos, parts)
            elif ch == "'" and pwsh:
                pos = self._quoted(pos + 1, "'", parts)
            elif ch == '"':
                pos = self._quoted(pos + 1, '"', parts)
            elif pwsh and ch in "($":
                pos = self._group(pos, parts)
            else:
                parts.append(ch)
                pos += 1
        return "".join(parts), max(pos, start + 1)

    def _here_string(self, pos: int, parts: list[str]) -> int:
        """A PowerShell here-string ``@"`` / ``@'`` at ``pos``: its body is the text."""
        src, end = self.src, self.end
        quote = src[pos + 1]
        close = src.find("\n" + quote + "@", pos + 2)
        body_end = end if close == -1 else close
        parts.append(src[src.find("\n", pos) + 1 : body_end])
        return end if close == -1 else close + 3

    def _quoted(self, pos: int, quote: str, parts: list[str]) -> int:
        """A quoted string whose body starts at ``pos``; a doubled quote stands for itself."""
        src, end = self.src, self.end
        escapes = self.pwsh and quote == '"'  # backticks escape only in PowerShell's "..."
        while pos < end:
            c = src[pos]
            if c == quote:
                if src[pos + 1 : pos + 2] == quote:
                    parts.append(quote)
                    pos += 2
                    continue
                return pos + 1
            if escapes and c == "`" and pos + 1 < end:
                parts.append(src[pos + 1])
                pos += 2
                continue
            parts.append(c)
            pos += 1
        return pos

    def _group(self, pos: int, parts: list[str]) -> int:
        """``(expr)`` and ``$(subexpression)`` stay one word, as written."""
        src, end = self.src, self.end
        ch = src[pos]
        open_pos = pos + 1 if ch == "$" and src[pos + 1 : pos + 2] == "(" else pos
        if src[open_pos : open_pos + 1] != "(":
            parts.append(ch)
            return pos + 1
        depth, i = 0, open_pos
        while i < end:
            if src[i] == "(":
                depth += 1
            elif src[i] == ")":
                depth -= 1
                if depth == 0:
                    break
            i += 1
        parts.append(src[pos : i + 1])
        return i + 1
