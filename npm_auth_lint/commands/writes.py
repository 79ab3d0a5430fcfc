"""What a command writes into files: :func:`write_results` reads the file a command writes and the
text when it can be read (``echo``/``printf``/``cat``/``tee`` with redirects and heredocs, the
PowerShell ``Add-Content`` family) and reports writes into npmrc-like files (``.npmrc``,
``.yarnrc``, ``.yarnrc.yml``) as :class:`NpmrcWrite` and writes into ``$GITHUB_ENV``/``$BASH_ENV``
as exports; :func:`config_set` reads ``npm``/``pnpm``/``yarn config set``."""

from __future__ import annotations

import re
from dataclasses import replace

from npm_auth_lint import lazy_regex
from npm_auth_lint.commands.exports import env_file_exports
from npm_auth_lint.commands.results import Classified, NpmrcWrite
from npm_auth_lint.commands.words import basename, is_global, option_value, positional_args
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Command, Location, NpmrcEntry, NpmrcKind


def write_results(command: Command, words: list[str]) -> list[Classified]:
    """The npmrc writes and the ``$GITHUB_ENV``/``$BASH_ENV`` exports of ``command``
    (``words``: its words without wrappers)."""
    results: list[Classified] = []
    for write in _written(command, words):
        kind = _npmrc_kind(write.target)
        if kind is not None:
            results.append(_npmrc_write(command, write, kind))
        else:
            results += env_file_exports(command, write.target, write.content)
    return results


# What a command writes to which file.

_STDOUT_OPS = frozenset({">", ">>", ">|", "1>", "1>>", "&>", "&>>"})
_ESCAPES = lazy_regex.compile(r"\\(.)", re.S)
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


_PRINTF_DIRECTIVE = lazy_regex.compile(r"%(%|[-+ #0]*\d*(?:\.\d+)?[sbdiqcxXoufgeE])")


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
    name = basename(words[0]).lower()
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


@frozen_dataclass
class _Write:
    """A shell redirection or tee that writes text into a file."""

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
    name = basename(words[0]).lower() if words else ""
    writes: list[_Write] = []
    content: str | None = None
    content_line, content_heredoc = line, False
    if name in ("echo", "write-output"):
        content = _echo_text(words[1:])
    elif name == "printf":
        content = _printf_text(words[1:])
    elif (name == "cat" and not positional_args(words[1:], frozenset())) or not words:
        content, content_line, content_heredoc = _stdin_text(command), stdin_line, from_heredoc
    elif name == "tee":
        text = _stdin_text(command)
        append = "-a" in words or "--append" in words
        for target in positional_args(words[1:], frozenset()):
            writes.append(_Write(target, text, append, stdin_line, from_heredoc))
    elif name in ("add-content", "ac", "set-content", "sc", "out-file"):
        named, positionals, switches = _pwsh_params(words[1:])
        path = named.get("path") or named.get("filepath") or named.get("literalpath")
        if path is None and positionals:
            path, positionals = positionals[0], positionals[1:]
        value = named.get("value") or named.get("inputobject") or (" ".join(positionals) if positionals else None)
        text = value + "\n" if value is not None else _stdin_text(command)
        if path is not None:
            append = name in ("add-content", "ac") or "append" in switches
            writes.append(_Write(path, text, append, line, False))
    for op, target in command.redirects:
        if op in _STDOUT_OPS:
            writes.append(_Write(target, content, op.endswith(">>"), content_line, content_heredoc))
    return writes


# Writes into npmrc-like files.

_AUTH_KEYS = ("_authToken", "_auth", "_password", "username", "email", "always-auth", "npmAuthToken", "npmAuthIdent", "npmAlwaysAuth")
_SECRET_KEYS = frozenset({"_authToken", "_auth", "_password", "npmAuthToken", "npmAuthIdent"})
# ${VAR} (also ${VAR:-x}), $VAR, PowerShell $env:VAR, cmd %VAR%; not GitHub's ${{ }}.
_ENV_REFERENCE = lazy_regex.compile(
    r"\$env:([A-Za-z_][A-Za-z0-9_]*)|\$(?!\{\{)\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|\$([A-Za-z_][A-Za-z0-9_]*)|%([A-Za-z_][A-Za-z0-9_]*)%",
    re.I,
)
_EXPRESSION = lazy_regex.compile(r"\$\{\{.*?\}\}", re.S)
_BERRY_KEY = lazy_regex.compile(r"""^npm(?:Registries|Scopes)(?:\[["']?([^"'\]]+)["']?\]|\.([^.]+))\.(\w+)$""")


def _npmrc_kind(target: str) -> NpmrcKind | None:
    if re.fullmatch(r"\$\{?npm_config_userconfig\}?|\$env:npm_config_userconfig|%npm_config_userconfig%", target, re.I):
        return NpmrcKind.NPMRC
    base = basename(target).lower()
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


_QUOTED_HEREDOC = lazy_regex.compile(r"""<<-?\s*(?:'|"|\\)""")
_DOLLAR_NAME = lazy_regex.compile(r"\$(?:env:|\{)?([A-Za-z_][A-Za-z0-9_]*)", re.I)


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
    from npm_auth_lint.credential_sources import is_literal_credential

    return "$" not in value and "%" not in value and is_literal_credential(value)


def _yarnrc_yml_entries(path: str, content: str) -> tuple[NpmrcEntry, ...]:
    from npm_auth_lint.model import ParseError
    from npm_auth_lint.parsers import yarnrc_yml

    parsed = yarnrc_yml.parse(path, content)
    return () if isinstance(parsed, ParseError) else parsed.entries


def config_set(manager: str, args: list[str], before: list[str], command: Command) -> list[Classified]:
    """``npm config set k v``, ``npm set k=v``, ``pnpm config set``, ``yarn config set``."""
    all_args = before + args
    pairs: list[tuple[str, str]] = []
    positionals = positional_args(args, frozenset({"--location", "--userconfig", "--globalconfig", "-L"}))
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
    location = option_value(all_args, "--location", "-L")
    userconfig = option_value(all_args, "--userconfig")
    if userconfig:
        target = userconfig
    elif location == "project":
        target = ".npmrc"
    elif is_global(all_args):
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
