"""Parse GitHub Actions workflows into :class:`Pipeline` s of flattened jobs.

One workflow file is one pipeline. Its jobs are built as they run: local composite actions are
replaced by their steps (:mod:`.github_steps`), and a job that calls a local reusable workflow
(``uses: ./.github/workflows/x.yml``) becomes the called workflow's jobs (``caller/called``), with
``${{ inputs.X }}`` and ``${{ secrets.X }}`` resolved through the caller's ``with:`` and
``secrets:``. What cannot be followed locally (a reusable workflow in another repository, a
missing local action) becomes a :class:`Reference` at its ``uses:`` line.

A workflow that is only ``workflow_call`` is still its own pipeline (``reusable_only``), so it is
linted on its own too, with its inputs at their declared defaults.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import EnvScope, Job, Location, MatrixAxis, ParseError, Pipeline, Provider, Text
from npm_auth_lint.parsers import Parsed
from npm_auth_lint.parsers.github_common import (
    MAX_NESTING,
    NO_SUBSTITUTION,
    Source,
    State,
    Substitution,
    env_vars,
    get_map,
    get_text,
    key_location,
    normalize_directory,
    scalar_text,
    texts,
    value_location,
)
from npm_auth_lint.parsers.github_matrix import axis_values, matrix_axes, merge_axes
from npm_auth_lint.parsers.github_permissions import Level, id_token, read_permissions
from npm_auth_lint.parsers.github_runner import runs_on
from npm_auth_lint.parsers.github_steps import StepContext, action_inputs, build_steps
from npm_auth_lint.workspace import FileReadError, Workspace, split_lines


def parse(workspace: Workspace, path: str) -> Parsed:
    """The pipeline of one workflow file, the references it makes, or why it cannot be parsed."""
    state = State(workspace)
    source = _source(state, path)
    if isinstance(source, ParseError):
        return Parsed(parse_errors=(source,))
    data = source.data
    triggers = _triggers(data.get("on"))
    reusable_only = triggers == ("workflow_call",)
    release = _release_trigger(data.get("on"))
    call = _standalone_call(data, release) if reusable_only else _Call(release=release)
    jobs = tuple(_workflow_jobs(state, source, call))
    pipeline = Pipeline(
        provider=Provider.GITHUB,
        path=path,
        jobs=jobs,
        name=get_text(data, "name"),
        triggers=triggers,
        reusable_only=reusable_only,
    )
    return Parsed(pipelines=(pipeline,), references=tuple(state.references))


def _source(state: State, path: str) -> Source | ParseError:
    """The workflow as loaded (by an earlier ``parse`` that followed a call to it, or now)."""
    loaded = state.loaded_before(path)
    if isinstance(loaded, Source):
        state.loaded[path] = loaded
        return _shape_error(loaded.data, path) or loaded
    try:
        text = state.workspace.read(path)
    except FileReadError as exc:
        return ParseError(Location(path, exc.line, exc.column), exc.message)
    try:
        data = yamlio.load(text, path=path)
    except yamlio.LoadError as exc:
        return ParseError(Location(path, exc.line, exc.column), exc.message)
    error = _shape_error(data, path)
    if error is not None:
        return error
    source = state.loaded[path] = Source(path, data, tuple(split_lines(text)))
    return source


def _shape_error(data: Any, path: str) -> ParseError | None:
    if not isinstance(data, yamlio.YMap):
        pos = data.pos if isinstance(data, yamlio.YSeq) else yamlio.Pos(1, 1)
        return ParseError(Location(path, pos.line, pos.column), "expected a mapping at the top level of a workflow")
    if "jobs" not in data:
        return ParseError(Location(path, data.pos.line, data.pos.column), "the workflow has no `jobs`")
    if not isinstance(data["jobs"], yamlio.YMap):
        return ParseError(key_location(path, data, "jobs"), "`jobs` must be a mapping of job ids to jobs")
    return None


def _triggers(on: Any) -> tuple[str, ...]:
    if isinstance(on, yamlio.YMap):
        return tuple(str(key) for key in on)
    if isinstance(on, yamlio.YSeq):
        return tuple(text for item in on if (text := scalar_text(item)) and item is not None)
    text = scalar_text(on)
    return (text,) if text and on is not None else ()


def _release_trigger(on: Any) -> str | None:
    """What makes the workflow run on a release: ``on: release`` or a push of tags (words)."""
    if "release" in _triggers(on):
        return "on: release"
    push = on.get("push") if isinstance(on, yamlio.YMap) else None
    if isinstance(push, yamlio.YMap) and push.get("tags") is not None:
        return "on: push of tags"
    return None


@frozen_dataclass
class _Call:
    """How the workflow being read was reached: nothing for the entry workflow."""

    subst: Substitution = NO_SUBSTITUTION
    levels: tuple[Level, ...] = ()  # the calling jobs, outermost first
    id_prefix: str = ""
    caller: Location | None = None  # the outermost calling job
    matrix: tuple[MatrixAxis, ...] = ()  # the calling jobs' matrix axes
    chain: tuple[str, ...] = ()  # workflow files being expanded, to stop cycles
    release: str | None = None  # what makes the entry workflow run on a release


def _standalone_call(data: yamlio.YMap, release: str | None) -> _Call:
    """A reusable-only workflow read on its own: its inputs take their declared defaults.

    That is what runs for a caller that passes nothing, and it lets ``registry-url: ${{
    inputs.registry }}`` resolve; secrets stay as written.
    """
    declared = get_map(get_map(data.get("on"), "workflow_call"), "inputs")
    return _Call(subst=Substitution(inputs=action_inputs(declared)), release=release)


def _workflow_jobs(state: State, source: Source, call: _Call) -> list[Job]:
    jobs = source.data.get("jobs")
    result: list[Job] = []
    if not isinstance(jobs, yamlio.YMap):
        return result
    chain = call.chain + (source.path,)
    workflow = read_permissions(source.data, source.path)
    for key, job in jobs.items():
        if not isinstance(job, yamlio.YMap):
            continue
        where = key_location(source.path, jobs, key)
        level = Level(str(key), where, source.path, read_permissions(job, source.path), workflow)
        if "uses" in job:
            result.extend(_called_jobs(state, source, job, level, call, chain))
        else:
            result.append(_job(state, source, job, level, call))
    return result


def _job(state: State, source: Source, job: yamlio.YMap, level: Level, call: _Call) -> Job:
    path, subst = source.path, call.subst
    defaults = get_map(get_map(job, "defaults"), "run")
    workflow_defaults = get_map(get_map(source.data, "defaults"), "run")
    matrix = merge_axes(matrix_axes(job, path, subst), call.matrix)
    placement = runs_on(job, path, subst, axis_values(matrix))
    directory = _default(defaults, workflow_defaults, "working-directory", subst)
    directory = normalize_directory(directory) if directory is not None else None
    steps = build_steps(
        state,
        job.get("steps"),
        StepContext(
            source=source,
            subst=subst,
            default_shell=_default(defaults, workflow_defaults, "shell", subst),
            default_directory=directory,
            windows=placement.windows,
        ),
    )
    levels = call.levels + (level,)
    return Job(
        provider=Provider.GITHUB,
        id=call.id_prefix + level.job_id,
        location=level.location,
        steps=steps,
        env=env_vars(source.data.get("env"), EnvScope.GLOBAL, path, subst)
        + env_vars(job.get("env"), EnvScope.JOB, path, subst),
        runner=placement.runner,
        image=_named(job, "container", "image", path, subst),
        id_token=id_token(levels),
        matrix=matrix,
        environment=_named(job, "environment", "name", path, subst),
        permissions_location=level.job.location if level.job is not None else None,
        caller=call.caller,
        called_file=path if call.caller is not None else None,
        default_working_directory=directory,
        services=tuple(str(k) for k in services) if isinstance(services := job.get("services"), Mapping) else (),
        release_trigger=call.release,
    )


def _default(
    job_run: yamlio.YMap | None, workflow_run: yamlio.YMap | None, key: str, subst: Substitution
) -> str | None:
    for run in (job_run, workflow_run):
        text = get_text(run, key)
        if text is not None:
            return subst.expand(text)
    return None


def _named(job: yamlio.YMap, key: str, field: str, path: str, subst: Substitution) -> Text | None:
    """``container`` / ``environment``: a string, or a mapping with ``image`` / ``name``."""
    value = job.get(key)
    if isinstance(value, yamlio.YMap):
        text = get_text(value, field)
        return Text(subst.expand(text), value_location(path, value, field)) if text else None
    text = get_text(job, key)
    return Text(subst.expand(text), value_location(path, job, key)) if text else None


def _called_jobs(
    state: State, source: Source, job: yamlio.YMap, level: Level, call: _Call, chain: tuple[str, ...]
) -> list[Job]:
    """The jobs of the reusable workflow a job calls, or a reference when it is not local."""
    at = key_location(source.path, job, "uses")
    uses = call.subst.expand(get_text(job, "uses") or "").strip()
    if not uses.startswith("./"):
        state.refer(at, f"reusable workflow {uses}")
        return []
    called_path = posixpath.normpath(uses[2:])
    if called_path in chain:
        state.refer(at, f"reusable workflow {uses} is part of a cycle of workflows calling each other; not followed")
        return []
    if len(chain) > MAX_NESTING:
        state.refer(at, f"reusable workflow {uses} is nested more than {MAX_NESTING} levels deep")
        return []
    if called_path.startswith(("..", "/")) or not state.exists(called_path):
        state.refer(at, f"reusable workflow {uses} not found")
        return []
    if not state.may_expand():
        state.refer(at, f"reusable workflow {uses} not followed: the workflow expands to too many jobs")
        return []
    called = state.load(called_path)
    if isinstance(called, str):
        state.refer(at, f"reusable workflow {uses} cannot be read: {called}")
        return []
    if not isinstance(called.data.get("jobs"), yamlio.YMap):
        state.refer(at, f"reusable workflow {uses} has no `jobs` mapping")
        return []
    workflow_call = get_map(called.data.get("on"), "workflow_call")
    inputs = action_inputs(get_map(workflow_call, "inputs"))
    passed = texts(job.get("with"), source.path, call.subst)
    inputs.update({name.lower(): text.value for name, text in passed.items()})
    inner = _Call(
        subst=Substitution(inputs=inputs, secrets=_secrets(job, source.path, call.subst)),
        levels=call.levels + (level,),
        id_prefix=f"{call.id_prefix}{level.job_id}/",
        caller=call.caller or level.location,
        matrix=merge_axes(matrix_axes(job, source.path, call.subst), call.matrix),
        chain=chain,
        release=call.release,
    )
    return _workflow_jobs(state, called, inner)


def _secrets(job: yamlio.YMap, path: str, subst: Substitution) -> Mapping[str, str] | None:
    """What the called workflow's ``${{ secrets.X }}`` stand for (None: as written)."""
    value = job.get("secrets")
    if isinstance(value, str) and value.strip() == "inherit":
        return subst.secrets  # whatever the caller itself sees
    return {name.lower(): text.value for name, text in texts(value, path, subst).items()}
