"""Package scripts: :func:`script_lookup` over a package.json, and following ``npm run X`` into the
script (transitively, with ``preX``/``postX``, cycle-safe) with the script's commands classified."""

from __future__ import annotations

import shlex
from collections.abc import Sequence
from dataclasses import replace

from npm_auth_lint.commands.context import _MAX_DEPTH, ScriptLookup, _Context
from npm_auth_lint.commands.dispatch import _classify
from npm_auth_lint.commands.results import Classified, RunsCode
from npm_auth_lint.model import Command, Location, PackageJson
from npm_auth_lint.shell import split_script


def script_lookup(package: PackageJson | None) -> ScriptLookup:
    """A :data:`ScriptLookup` over a package.json's ``scripts``."""
    scripts = package.scripts if package is not None else {}

    def lookup(name: str) -> tuple[str, Location] | None:
        text = scripts.get(name)
        return (text.value, text.location) if text is not None else None

    return lookup


def _run_script(name: str, command: Command, ctx: _Context, args: Sequence[str] = ()) -> list[Classified] | None:
    """Classify what package script ``name`` does; ``None`` when there is no such script.

    ``args`` (the words after the script name) are appended to the script's command line, as
    npm, pnpm and Yarn do: ``pnpm changeset publish`` with ``"changeset": "changeset"`` runs
    ``changeset publish``. Pre/post scripts get no arguments.
    """
    if ctx.scripts is None:
        return None
    try:
        main = ctx.scripts(name)
    except Exception:  # noqa: BLE001 - the caller's lookup must not stop the scan
        return None
    if main is None:
        return None
    results: list[Classified] = []
    if ctx.depth >= _MAX_DEPTH:
        return results
    for script in (f"pre{name}", name, f"post{name}"):
        if script in ctx.visited:
            continue
        found = main if script == name else ctx.scripts(script)
        if found is None:
            continue
        text, location = found
        if script == name and args:
            text = f"{text} {' '.join(shlex.quote(arg) for arg in args)}"
        inner_ctx = _Context(ctx.scripts, ctx.visited | {script}, ctx.depth + 1)
        for inner in split_script(text, path=location.path, first_line=location.line, column=location.column):
            for result in _classify(inner, inner_ctx):
                if isinstance(result, RunsCode):
                    continue  # the outer command already runs code
                results.append(
                    replace(
                        result,
                        command=command,
                        via_scripts=((script, location),) + result.via_scripts,
                        script_command=result.script_command or inner,
                    )
                )
    return results
