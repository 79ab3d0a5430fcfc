"""Writes into npmrc-like files (``.npmrc``, ``.yarnrc``, ``.yarnrc.yml``) as :class:`NpmrcWrite`:
from a file write (``echo ... >> ~/.npmrc``, heredocs) or a ``npm``/``pnpm``/``yarn config set``."""

from __future__ import annotations

import re
from dataclasses import replace

from npm_auth_lint.commands.file_writes import _Write
from npm_auth_lint.commands.results import Classified, NpmrcWrite
from npm_auth_lint.commands.words import _basename, _is_global, _option, _positionals
from npm_auth_lint.model import Command, Location, NpmrcEntry, NpmrcKind


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
    from npm_auth_lint.credential_sources import is_literal_credential

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
