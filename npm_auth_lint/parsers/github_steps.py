"""Steps of a GitHub Actions job, with local composite actions flattened in place.

A step ``uses: ./path`` (or GitHub's self-repository ``$/path``) whose ``action.y{a,}ml`` runs
``using: composite`` is replaced by the action's steps (recursively), with ``${{ inputs.X }}``
replaced by the caller's ``with:`` value or the input's default. Each such step keeps the
locations of the action file and records the chain of ``uses:`` steps that brought it in
(``via``, outermost first). As on GitHub, the job's ``defaults.run`` do not reach into composite
actions, and the calling step's ``env`` does.
"""

from __future__ import annotations

import posixpath
from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import EnvScope, EnvVar, Location, Step, Text, frozen_map
from npm_auth_lint.parsers.github_common import (
    MAX_NESTING,
    Source,
    State,
    Substitution,
    env_vars,
    get_text,
    key_location,
    location,
    normalize_directory,
    scalar_text,
    script_column,
    texts,
    value_location,
)
from npm_auth_lint.parsers.uses_comment import uses_comment
from npm_auth_lint.shell import split_script


@frozen_dataclass
class StepContext:
    """Where a list of steps is written and what applies to it."""

    source: Source
    subst: Substitution
    default_shell: str | None = None  # defaults.run.shell (job over workflow); none in actions
    default_directory: str | None = None  # defaults.run.working-directory, normalised
    windows: bool = False  # the runner's default shell is PowerShell
    via: tuple[Location, ...] = ()
    outer_env: tuple[EnvVar, ...] = ()  # the env of the `uses:` step calling a composite action
    chain: tuple[str, ...] = ()  # action files being expanded, to stop cycles


def build_steps(state: State, steps: Any, context: StepContext) -> tuple[Step, ...]:
    """The steps of a ``steps:`` sequence; items that are not mappings are skipped."""
    if not isinstance(steps, yamlio.YSeq):
        return ()
    result: list[Step] = []
    for index, item in enumerate(steps):
        if isinstance(item, yamlio.YMap):
            result.extend(_step(state, item, location(context.source.path, steps.item_pos[index]), context))
    return tuple(result)


def _step(state: State, item: yamlio.YMap, where: Location, context: StepContext) -> tuple[Step, ...]:
    path = context.source.path
    expand = context.subst.expand
    name = get_text(item, "name")
    condition = get_text(item, "if")
    condition = expand(condition) if condition is not None else None
    env = context.outer_env + env_vars(item.get("env"), EnvScope.STEP, path, context.subst)
    uses_text = get_text(item, "uses")
    if uses_text is not None:
        uses = Text(expand(uses_text).strip(), value_location(path, item, "uses"))
        if uses.value.startswith(("./", "$/")):
            # `$/path` is GitHub's self-repository form: this repository at the running commit,
            # without a checkout; its action file is the same one `./path` reads.
            expanded = _composite(state, item, uses, where, env, context)
            if expanded is not None:
                return expanded
        inputs = texts(item.get("with"), path, context.subst)
        return (
            Step(
                where,
                name=expand(name) if name is not None else None,
                uses=uses,
                inputs=frozen_map(inputs),
                env=env,
                working_directory="",  # actions start in the workspace; defaults.run is for `run` only
                via=context.via,
                condition=condition,
                uses_comment=uses_comment(path, context.source.lines, uses),
            ),
        )
    shell = get_text(item, "shell")
    shell = expand(shell) if shell is not None else context.default_shell
    directory = get_text(item, "working-directory")
    if directory is not None:
        directory = normalize_directory(expand(directory))
    elif context.default_directory is not None:
        directory = context.default_directory
    commands: tuple = ()
    run = get_text(item, "run")
    if run is not None:
        line, column = script_column(context.source.lines, item, "run")
        dialect = shell if shell is not None else ("pwsh" if context.windows else None)
        commands = split_script(expand(run), path=path, first_line=line, column=column, shell=dialect)
    return (
        Step(
            where,
            name=expand(name) if name is not None else None,
            commands=commands,
            shell=shell,
            env=env,
            working_directory=directory if directory is not None else "",
            via=context.via,
            condition=condition,
        ),
    )


def local_action_file(state: State, uses: str) -> str | None:
    """The action file a ``uses: ./path`` step runs, or None when there is none."""
    relative = posixpath.normpath(uses[2:]) if uses[2:] else "."
    if relative == ".":
        relative = ""
    if relative.startswith(("..", "/")):
        return None
    if relative.endswith((".yml", ".yaml")):
        candidates = [relative]
    else:
        base = f"{relative}/" if relative else ""
        candidates = [f"{base}action.yml", f"{base}action.yaml"]
    return next((c for c in candidates if state.exists(c)), None)


def _composite(
    state: State, item: yamlio.YMap, uses: Text, where: Location, env: tuple[EnvVar, ...], context: StepContext
) -> tuple[Step, ...] | None:
    """The steps of a local composite action, or None to keep the step as a ``uses`` step."""
    at = key_location(context.source.path, item, "uses")
    action_path = local_action_file(state, uses.value)
    if action_path is None:
        state.refer(at, f"local action {uses.value} not found")
        return None
    if action_path in context.chain:
        state.refer(at, f"local action {uses.value} is part of a cycle of actions using each other; not followed")
        return None
    if len(context.chain) >= MAX_NESTING:
        state.refer(at, f"local action {uses.value} is nested more than {MAX_NESTING} levels deep")
        return None
    if not state.may_expand():
        state.refer(at, f"local action {uses.value} not followed: the workflow expands to too many steps")
        return None
    action = state.load(action_path)
    if isinstance(action, str):
        state.refer(at, f"local action {uses.value} cannot be read: {action}")
        return None
    runs = action.data.get("runs")
    using = get_text(runs, "using")
    if using is None or using.strip().lower() != "composite":
        return None  # a JavaScript or Docker action stays a `uses` step
    inputs = action_inputs(action.data.get("inputs"))
    passed = texts(item.get("with"), context.source.path, context.subst)
    inputs.update({name.lower(): text.value for name, text in passed.items()})
    inner = StepContext(
        source=action,
        subst=Substitution(inputs=inputs),
        windows=context.windows,
        via=context.via + (where,),
        outer_env=env,
        chain=context.chain + (action_path,),
    )
    return build_steps(state, runs.get("steps") if runs is not None else None, inner)


def action_inputs(declared: Any) -> dict[str, str]:
    """Declared inputs and their defaults ('' when none), by lower-cased name."""
    if not isinstance(declared, yamlio.YMap):
        return {}
    result = {}
    for name, spec in declared.items():
        default = spec.get("default") if isinstance(spec, yamlio.YMap) else None
        text = scalar_text(default)
        if default is None:
            kind = get_text(spec, "type")
            text = {"boolean": "false", "number": "0"}.get((kind or "").strip().lower(), "")
        result[str(name).lower()] = text or ""
    return result

