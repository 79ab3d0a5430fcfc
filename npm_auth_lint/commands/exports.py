"""Environment variables a command sets, as :class:`EnvExport`, and CircleCI OIDC tokens from
``circleci run oidc get``, as :class:`IdTokenExport`: :func:`assignment_results` reads the command
itself (``export``, ``X=.. cmd``, PowerShell ``$env:X``, cmd ``set``), :func:`env_file_exports`
the text it writes into ``$GITHUB_ENV``/``$BASH_ENV``."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from npm_auth_lint import lazy_regex
from npm_auth_lint.commands.results import Classified, EnvExport, ExportTarget, IdTokenExport
from npm_auth_lint.commands.words import ASSIGNMENT_WORD, option_value
from npm_auth_lint.model import Command
from npm_auth_lint.shell import split_script

_GITHUB_ENV = lazy_regex.compile(r"^(?:\$\{?GITHUB_ENV\}?|\$env:GITHUB_ENV|%GITHUB_ENV%)$", re.I)
_BASH_ENV = lazy_regex.compile(r"^\$\{?BASH_ENV\}?$")
_ENV_LINE = lazy_regex.compile(r"^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*)|<<(.+))$")


def env_file_exports(command: Command, target: str, content: str | None) -> list[Classified]:
    """The variables a write of ``content`` into ``target`` exports, when ``target`` is
    ``$GITHUB_ENV`` or ``$BASH_ENV``."""
    if not content:
        return []
    if _GITHUB_ENV.match(target):
        return _github_env(command, content)
    if _BASH_ENV.match(target):
        return _bash_env(command, content)
    return []


def _github_env(command: Command, content: str) -> list[Classified]:
    results: list[Classified] = []
    lines = content.split("\n")
    i = 0
    while i < len(lines):
        match = _ENV_LINE.match(lines[i].strip("\r"))
        i += 1
        if not match:
            continue
        name, value, delimiter = match.groups()
        if delimiter is not None:
            body = []
            while i < len(lines) and lines[i].strip("\r") != delimiter:
                body.append(lines[i])
                i += 1
            i += 1
            value = "\n".join(body)
        results.append(EnvExport(command=command, name=name, value=value, target=ExportTarget.GITHUB_ENV))
    return results


def _bash_env(command: Command, content: str) -> list[Classified]:
    results: list[Classified] = []
    for inner in split_script(content, path=command.location.path, first_line=command.location.line, column=command.location.column):
        for result in _export_results(inner, ExportTarget.BASH_ENV):
            results.append(replace(result, command=command, script_command=inner))
    return results


def _export_results(command: Command, target: ExportTarget) -> list[Classified]:
    words = list(command.words)
    if not words or words[0] not in ("export", "declare", "typeset"):
        return []
    if words[0] != "export" and not any(re.fullmatch(r"-[a-zA-Z]*x[a-zA-Z]*", w) for w in words[1:]):
        return []
    results: list[Classified] = []
    for word in words[1:]:
        if word.startswith("-"):
            continue
        match = ASSIGNMENT_WORD.match(word)
        if match:
            name, value = match.group(1), match.group(2)
            results.append(EnvExport(command=command, name=name, value=value, target=target))
            audience = _oidc_audience(value, command)
            if audience is not None:
                results.append(IdTokenExport(command=command, name=name, audience=audience[0], target=target))
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", word):
            results.append(EnvExport(command=command, name=word, value=None, target=target))
    return results


def assignment_results(command: Command) -> list[Classified]:
    """The variables ``command`` sets or exports itself, and the OIDC tokens among them."""
    results = _export_results(command, ExportTarget.SHELL)
    words = command.words
    if len(words) >= 3 and words[1] == "=" and words[0].lower().startswith("$env:"):
        # PowerShell: `$env:NAME = "value"` sets it for the rest of the script.
        results.append(EnvExport(command=command, name=words[0][5:], value=" ".join(words[2:]), target=ExportTarget.SHELL))
    elif len(words) == 2 and words[0].lower() == "set" and (match := ASSIGNMENT_WORD.match(words[1])):
        results.append(EnvExport(command=command, name=match.group(1), value=match.group(2), target=ExportTarget.SHELL))  # cmd
    target = ExportTarget.COMMAND if command.words else ExportTarget.UNEXPORTED
    for name, value in command.assignments:
        audience = _oidc_audience(value, command)
        if audience is not None:
            results.append(IdTokenExport(command=command, name=name, audience=audience[0], target=target))
    return results


def _oidc_audience(value: str, command: Command) -> tuple[str | None] | None:
    """``(aud,)`` when ``value`` runs ``circleci run oidc get``; ``None`` when it does not."""
    if "oidc" not in value:
        return None
    for inner in split_script(value, path=command.location.path, first_line=command.location.line):
        words = list(inner.words)
        if words[:4] != ["circleci", "run", "oidc", "get"]:
            continue
        claims = option_value(words[4:], "--claims")
        if claims is None:
            return (None,)
        try:
            data = json.loads(claims)
        except ValueError:
            return (None,)
        aud = data.get("aud") if isinstance(data, dict) else None
        if isinstance(aud, list) and len(aud) == 1:
            aud = aud[0]
        return (aud if isinstance(aud, str) else None,)
    return None
