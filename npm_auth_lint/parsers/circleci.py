"""CircleCI: ``.circleci/config.yml`` -> one Pipeline, expanded the way CircleCI compiles it.

What the expansion follows (config 2.0 and 2.1):

* Workflows decide which jobs run: each job invocation becomes one :class:`Job` (``id`` = its
  ``name:`` or the job name); jobs no workflow invokes never run and are left out. Without a
  ``workflows`` section CircleCI runs the job named ``build``. A workflow whose ``when``/``unless``
  is decidable at compile time and false is skipped; ``type: approval`` holds run nothing.
* A ``matrix`` expands to one Job per combination (minus ``exclude``), id ``<name>-<v1>-<v2>``
  (or the invocation's ``name`` with ``<< matrix.x >>`` filled in), so the toolchain rules see every
  Node version; each such Job's ``matrix`` holds the combination's values at their lines.
* Parameters are substituted as CircleCI does at compile time: job parameters from the
  invocation (or their defaults), executor and command parameters from the call, pipeline
  parameters from their defaults. ``<< pipeline.git.branch >>`` and anything else unknown stays as
  written. Conditions (``when``/``unless`` steps) are evaluated when they can be; a condition that
  reads a pipeline parameter (a trigger may set it) or an unknown value keeps its steps.
* Reusable ``commands`` expand in place, recursively (a command that calls itself is cut off):
  their runs keep the lines where they are written under ``commands:`` and ``Step.via`` lists the
  calls that brought them in, outermost first. ``steps``-typed parameters expand where they are
  written.
* Orbs: definitions written in the file (inline orbs) expand like local ones; published orbs the
  tool knows (``npm_auth_lint/data/circleci_orbs.json``) expand from that data, each orb command
  becoming one Step at the line that calls it (``uses`` = the command, ``inputs`` = the
  parameters passed, ``commands`` = what the orb runs, located at the call). Any other orb
  command, executor or job is a :class:`Reference` at the line of the use.
* The executor gives ``Job.image`` (the first docker image is the primary container; at its
  ``image:`` line, or for a known orb executor at the line of the parameter that picks the tag, else
  the executor line), the job environment (executor, primary container, job), and the runner:
  a ``resource_class`` of the form ``namespace/name`` is a self-hosted runner, anything else runs
  in CircleCI cloud. CircleCI has no job-level ID token (``Job.id_token`` is None): the analysis
  reads ``circleci run oidc get`` from the commands.
* Contexts are not modelled: variables they hold are not in the file, so a ``$VAR`` there
  classifies as a CI variable.
"""

from __future__ import annotations

import itertools
import posixpath
from collections.abc import Mapping
from dataclasses import field, replace
from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.credential_sources import classify_value
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import (
    EMPTY_MAP,
    Command,
    EnvScope,
    EnvVar,
    Hosting,
    Job,
    Location,
    MatrixAxis,
    ParseError,
    Pipeline,
    Provider,
    Reference,
    Runner,
    Step,
    Text,
    frozen_map,
)
from npm_auth_lint.parsers import Parsed
from npm_auth_lint.parsers.circleci_expr import (
    Bound,
    Lookup,
    as_text,
    evaluate,
    referenced,
    sole_reference,
    substitute,
    unresolved,
)
from npm_auth_lint.parsers.circleci_orbs import OrbSource, find_source, parse_orb_ref
from npm_auth_lint.parsers.uses_comment import uses_comment
from npm_auth_lint.shell import split_script
from npm_auth_lint.workspace import Workspace, split_lines

MAX_NESTING = 40  # commands within commands, steps parameters, when/unless
MAX_MATRIX_JOBS = 256  # combinations of one matrix; beyond that the jobs say nothing new
# Steps expanded for one file. Commands that call others several times multiply; a file that
# expands beyond this is reported as too large instead of hanging the run.
MAX_EXPANDED_STEPS = 50_000

DEFAULT_WORKING_DIRECTORY = "~/project"
# Steps CircleCI provides (besides `run`, `when`, `unless`).
BUILTIN_STEPS = frozenset(
    {
        "checkout",
        "setup_remote_docker",
        "save_cache",
        "restore_cache",
        "store_artifacts",
        "store_test_results",
        "persist_to_workspace",
        "attach_workspace",
        "add_ssh_keys",
    }
)
# Keys of a workflow job invocation that are not job parameters.
INVOCATION_KEYS = frozenset(
    {
        "requires", "context", "filters", "matrix", "name", "type",
        "pre-steps", "post-steps", "serial-group", "override-with",
    }
)
EXECUTOR_KINDS = ("docker", "machine", "macos")
WINDOWS_SHELL = "powershell.exe -ExecutionPolicy Bypass"
_KIND_NAMES = {"YSeq": "a list", "str": "a string", "Tagged": "a tagged value"}


def parse(workspace: Workspace, path: str) -> Parsed:
    """Parse a CircleCI configuration file of the workspace into one Pipeline."""
    return parse_text(path, workspace.read(path))


def parse_text(path: str, text: str) -> Parsed:
    """Parse CircleCI configuration text; never raises."""
    try:
        data = yamlio.load(text, path=path)
    except yamlio.LoadError as exc:
        return Parsed(parse_errors=(ParseError(Location(path, exc.line, exc.column), exc.message),))
    if not isinstance(data, dict):
        pos = getattr(data, "pos", None)
        where = Location(path, pos.line, pos.column) if pos else Location(path, 1, 1)
        found = "an empty file" if data is None else _KIND_NAMES.get(type(data).__name__, "a scalar")
        return Parsed(parse_errors=(ParseError(where, f"expected a mapping at the top level, found {found}"),))
    expander = _Expander(path, text, data)
    jobs = expander.pipeline_jobs()
    if expander.budget < 0:
        message = f"the configuration expands to more than {MAX_EXPANDED_STEPS} steps"
        return Parsed(parse_errors=(ParseError(Location(path, 1, 1), message),))
    pipeline = Pipeline(provider=Provider.CIRCLECI, path=path, jobs=tuple(jobs))
    return Parsed(pipelines=(pipeline,), references=expander.references())


# --------------------------------------------------------------------------------------------
# Expansion state


@frozen_dataclass
class _Ctx:
    """Where a piece of configuration is being expanded."""

    params: Mapping[str, Bound] = field(default_factory=dict)
    matrix: Mapping[str, Bound] = field(default_factory=dict)
    # Set inside a published orb's source: every location becomes the line that uses the orb.
    pin: Location | None = None
    # The orb whose names unqualified references resolve in (None: the configuration's own).
    orb: str | None = None
    via: tuple[Location, ...] = ()
    active: frozenset[tuple[str, str | None, str]] = frozenset()
    depth: int = 0


@frozen_dataclass
class _Orb:
    alias: str
    text: str  # the reference as written, for messages
    inline: Mapping[str, Any] | None = None  # an orb defined in the file
    source: OrbSource | None = None  # a published orb the tool knows


@frozen_dataclass
class _Found:
    """A definition (job, executor, command) and how to expand it."""

    body: Any
    namespace: str | None  # orb alias its own names resolve in
    published: bool  # from shipped data: located at the use
    key_pos: yamlio.Pos | None = None  # where it is defined in the file


@frozen_dataclass
class _Executor:
    image: Text | None = None
    kind: str | None = None
    kind_location: Location | None = None
    resource_class: Text | None = None
    env: tuple[EnvVar, ...] = ()
    shell: str | None = None
    working_directory: str | None = None


def _value_pos(container: Any, key: Any) -> yamlio.Pos | None:
    return container.value_pos.get(key) if isinstance(container, yamlio.YMap) else None


def _key_pos(container: Any, key: Any) -> yamlio.Pos | None:
    return container.key_pos.get(key) if isinstance(container, yamlio.YMap) else None


def _item_pos(container: Any, index: int) -> yamlio.Pos | None:
    positions = getattr(container, "item_pos", None)
    if positions is not None and index < len(positions):
        return positions[index]
    return None


def _single_key(item: Any) -> tuple[str, Any] | None:
    """A `- name` / `- name: {args}` list item as (name, args)."""
    if isinstance(item, str):
        return item.strip(), None
    if isinstance(item, dict) and len(item) == 1:
        key, value = next(iter(item.items()))
        if isinstance(key, str):
            return key.strip(), value
    return None


def _tag_filter(filters: Any) -> str | None:
    """``filters: tags: only: ...``: the job runs on tag pushes (words), else None."""
    tags = filters.get("tags") if isinstance(filters, dict) else None
    if isinstance(tags, dict) and tags.get("only") is not None:
        return "filters: tags"
    return None


def _normalize_dir(path: str) -> str:
    path = path.strip()
    if path == "/home/circleci" or path.startswith("/home/circleci/"):
        path = "~" + path[len("/home/circleci") :]
    path = posixpath.normpath(path) if path else "."
    return path


class _Expander:
    """Expands one configuration file; collects the references it cannot follow."""

    def __init__(self, path: str, text: str, data: Mapping[str, Any]) -> None:
        self.path = path
        self.lines = split_lines(text)
        self.data = data
        version = str(data.get("version", "2.1")).strip()
        self.v21 = version not in ("2", "2.0")
        self._references: dict[tuple[Location, str], Reference] = {}
        self.pipeline_params = self._pipeline_params()
        self.orbs = self._orbs()
        # The job being built: its working directory, the checkout root and default shell.
        self._job_dir = DEFAULT_WORKING_DIRECTORY
        self._root = DEFAULT_WORKING_DIRECTORY
        self._shell: str | None = None
        self.budget = MAX_EXPANDED_STEPS

    # Small helpers -----------------------------------------------------------------------

    def references(self) -> tuple[Reference, ...]:
        return tuple(self._references.values())

    def reference(self, location: Location, what: str) -> None:
        # One note per use: a job expanded for several matrix combinations or workflows meets
        # the same use again.
        self._references.setdefault((location, what), Reference(location, what))

    def at(self, ctx: _Ctx, pos: yamlio.Pos | None, fallback: Location | None = None) -> Location:
        if ctx.pin is not None:
            return ctx.pin
        if pos is None:
            return fallback if fallback is not None else Location(self.path, 1, 1)
        return Location(pos.path or self.path, pos.line, pos.column)

    def lookup(self, ctx: _Ctx, *, condition: bool = False) -> Lookup:
        def find(kind: str, name: str) -> Bound | None:
            if not self.v21:
                return None
            if kind == "parameters":
                bound = ctx.params.get(name)
            elif kind == "matrix":
                bound = ctx.matrix.get(name)
            else:
                bound = self.pipeline_params.get(name)
            if condition and bound is not None and bound.from_pipeline:
                return None
            return bound

        return find

    def sub(self, value: Any, ctx: _Ctx) -> Any:
        return substitute(value, self.lookup(ctx)) if self.v21 else value

    def text_of(self, value: Any, ctx: _Ctx) -> str | None:
        """A scalar's text after substitution; None when absent or not a scalar."""
        if value is None:
            return None
        return as_text(self.sub(value, ctx))

    def bind_value(self, raw: Any, pos: yamlio.Pos | None, ctx: _Ctx) -> Bound:
        lookup = self.lookup(ctx)
        if self.v21:
            passed = sole_reference(raw, lookup)
            if passed is not None:  # a value handed on keeps where it was written
                return passed
        from_pipeline = self.v21 and any(b.from_pipeline for b in referenced(raw, lookup))
        return Bound(self.sub(raw, ctx), self.at(ctx, pos), ctx, from_pipeline)

    def given(self, args: Any, ctx: _Ctx, skip: frozenset[str] = frozenset()) -> dict[str, Bound]:
        """The parameters a call or invocation passes."""
        given: dict[str, Bound] = {}
        if isinstance(args, dict):
            for key, raw in args.items():
                if isinstance(key, str) and key not in skip:
                    given[key] = self.bind_value(raw, _value_pos(args, key), ctx)
        return given

    def bind(self, declared: Any, given: Mapping[str, Bound], ctx: _Ctx) -> dict[str, Bound]:
        """Parameters of a definition: the values given, else the declared defaults."""
        params: dict[str, Bound] = {}
        if isinstance(declared, dict):
            bare = replace(ctx, params={}, matrix={})
            for name, spec in declared.items():
                if isinstance(name, str) and name not in given and isinstance(spec, dict) and "default" in spec:
                    params[name] = self.bind_value(spec["default"], _value_pos(spec, "default"), bare)
        params.update(given)
        return params

    def inputs(self, args: Any, ctx: _Ctx, skip: frozenset[str] = frozenset()) -> Mapping[str, Text]:
        if not isinstance(args, dict):
            return EMPTY_MAP
        inputs: dict[str, Text] = {}
        for key, raw in args.items():
            text = self.text_of(raw, ctx)
            if isinstance(key, str) and key not in skip and text is not None:
                inputs[key] = Text(text, self.value_location(raw, _value_pos(args, key), ctx))
        return frozen_map(inputs)

    def value_location(self, raw: Any, pos: yamlio.Pos | None, ctx: _Ctx) -> Location:
        """Where a value is written; inside an orb's source, the line that chose it (else the use)."""
        if ctx.pin is not None:
            sources = [b.location for b in referenced(raw, self.lookup(ctx)) if b.location is not None]
            return sources[0] if len(sources) == 1 else ctx.pin
        return self.at(ctx, pos)

    def located_text(self, raw: Any, pos: yamlio.Pos | None, ctx: _Ctx) -> Text | None:
        """A non-empty scalar as Text at :meth:`value_location`."""
        text = self.text_of(raw, ctx)
        return Text(text, self.value_location(raw, pos, ctx)) if text else None

    def env(self, value: Any, ctx: _Ctx, scope: EnvScope) -> tuple[EnvVar, ...]:
        """An ``environment`` mapping or list of ``KEY=value`` strings."""
        found: list[EnvVar] = []
        if isinstance(value, dict):
            for key, raw in value.items():
                if isinstance(raw, (dict, list)):
                    continue
                text = self.text_of(raw, ctx) or ""
                location = self.at(ctx, _key_pos(value, key))
                found.append(EnvVar(str(key), text, location, scope, classify_value(text, Provider.CIRCLECI)))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                pair = self.text_of(item, ctx)
                if not pair or "=" not in pair:
                    continue
                name, _, assigned = pair.partition("=")
                location = self.at(ctx, _item_pos(value, index))
                source = classify_value(assigned, Provider.CIRCLECI)
                found.append(EnvVar(name.strip(), assigned, location, scope, source))
        return tuple(found)

    # Configuration-level definitions -----------------------------------------------------

    def _pipeline_params(self) -> dict[str, Bound]:
        params: dict[str, Bound] = {}
        declared = self.data.get("parameters") if self.v21 else None
        if isinstance(declared, dict):
            for name, spec in declared.items():
                if isinstance(name, str) and isinstance(spec, dict) and "default" in spec:
                    location = self.at(_Ctx(), _value_pos(spec, "default"))
                    params[name] = Bound(spec["default"], location, _Ctx(), from_pipeline=True)
        return params

    def _orbs(self) -> dict[str, _Orb]:
        orbs: dict[str, _Orb] = {}
        declared = self.data.get("orbs") if self.v21 else None
        if not isinstance(declared, dict):
            return orbs
        for alias, spec in declared.items():
            if not isinstance(alias, str):
                continue
            if isinstance(spec, dict):
                orbs[alias] = _Orb(alias, f"inline orb {alias}", inline=spec)
                continue
            text = self.text_of(spec, _Ctx()) or ""
            ref = parse_orb_ref(text)
            orbs[alias] = _Orb(alias, text.strip(), source=find_source(ref) if ref else None)
        return orbs

    def find(self, kind: str, name: str, ctx: _Ctx) -> _Found | str | None:
        """A job, executor or command by name: the definition, a reference note, or None."""
        if "/" in name:
            alias, _, local = name.partition("/")
            orb = self.orbs.get(alias)
            if orb is None:
                return f"orb {kind[:-1]} {name} (orb {alias} is not declared)"
            return self._in_orb(orb, kind, local, name)
        if ctx.orb is not None:
            orb = self.orbs.get(ctx.orb)
            return None if orb is None else self._in_orb(orb, kind, name, f"{ctx.orb}/{name}")
        if kind != "jobs" and not self.v21:
            return None
        definitions = self.data.get(kind)
        if isinstance(definitions, dict) and name in definitions:
            return _Found(definitions[name], None, False, _key_pos(definitions, name))
        return None

    def _in_orb(self, orb: _Orb, kind: str, local: str, full: str) -> _Found | str | None:
        if orb.inline is not None:
            definitions = orb.inline.get(kind)
            if isinstance(definitions, dict) and local in definitions:
                return _Found(definitions[local], orb.alias, False, _key_pos(definitions, local))
            return None
        if orb.source is not None:
            definitions = orb.source.definitions(kind)
            if local in definitions:
                return _Found(definitions[local], orb.alias, True)
        return f"orb {kind[:-1]} {full} (orb {orb.text})"

    # Workflows and jobs ------------------------------------------------------------------

    def pipeline_jobs(self) -> list[Job]:
        jobs: list[Job] = []
        workflows = self.data.get("workflows")
        if not isinstance(workflows, dict):
            # Without workflows CircleCI runs the job named `build`.
            self.invocation("build", None, _Ctx(), jobs)
            return jobs
        for workflow in workflows.values():
            if not isinstance(workflow, dict):  # `version: 2` of 2.0 workflows
                continue
            ctx = _Ctx()
            if self.v21 and self._workflow_skipped(workflow, ctx):
                continue
            invocations = workflow.get("jobs")
            if not isinstance(invocations, list):
                continue
            for index, item in enumerate(invocations):
                self.invocation(item, _item_pos(invocations, index), ctx, jobs)
        return jobs

    def _workflow_skipped(self, workflow: Mapping[str, Any], ctx: _Ctx) -> bool:
        for key in ("when", "unless"):
            if key in workflow:
                result = evaluate(workflow[key], self.lookup(ctx, condition=True))
                if result is not None and result != (key == "when"):
                    return True
        return False

    def invocation(self, item: Any, pos: yamlio.Pos | None, ctx: _Ctx, jobs: list[Job]) -> None:
        """One entry of a workflow's ``jobs:`` list (or the implicit ``build``)."""
        parts = _single_key(item)
        if parts is None:
            return
        name, args = parts
        if not isinstance(args, dict):
            args = {}
        if self.text_of(args.get("type"), ctx) == "approval":
            return
        location = self.at(ctx, pos)
        found = self.find("jobs", name, ctx)
        if isinstance(found, str):
            self.reference(location, found)
            return
        if found is None or not isinstance(found.body, dict):
            return
        if found.published:
            def_location = location
            def_ctx = _Ctx(pin=location, orb=found.namespace)
        else:
            def_location = self.at(ctx, found.key_pos, location)
            def_ctx = _Ctx(orb=found.namespace)
        combos = self.matrix(args.get("matrix"), ctx)
        if not combos:
            job_id = self.text_of(args.get("name"), ctx) or name
            job = self.job(job_id, found, def_location, def_ctx, args, ctx, ())
            if job is not None:
                jobs.append(job)
            return
        for combo in combos:
            matrix_ctx = replace(ctx, matrix=combo)
            axes = tuple(
                MatrixAxis(key, (Text(as_text(bound.value) or "", bound.location or location),))
                for key, bound in combo.items()
            )
            job_id = self.matrix_job_id(name, args, combo, matrix_ctx)
            job = self.job(job_id, found, def_location, def_ctx, args, matrix_ctx, axes, combo)
            if job is not None:
                jobs.append(job)

    def matrix(self, value: Any, ctx: _Ctx) -> list[dict[str, Bound]]:
        """The combinations of a ``matrix`` (after ``exclude``), each as parameter values."""
        if not isinstance(value, dict) or not isinstance(value.get("parameters"), dict):
            return []
        axes: list[list[tuple[str, Bound]]] = []
        for key, values in value["parameters"].items():
            if not isinstance(key, str) or not isinstance(values, list) or not values:
                return []
            axes.append([(key, self.bind_value(v, _item_pos(values, i), ctx)) for i, v in enumerate(values)])
        exclude = value.get("exclude")
        excludes = [e for e in exclude if isinstance(e, dict)] if isinstance(exclude, list) else []
        combos: list[dict[str, Bound]] = []
        for combo in itertools.islice(itertools.product(*axes), MAX_MATRIX_JOBS * 4):
            values = dict(combo)
            if any(self._excluded(values, exclude, ctx) for exclude in excludes):
                continue
            combos.append(values)
            if len(combos) >= MAX_MATRIX_JOBS:
                break
        return combos

    def _excluded(self, combo: Mapping[str, Bound], exclude: Mapping[str, Any], ctx: _Ctx) -> bool:
        return bool(exclude) and all(
            key in combo and as_text(combo[key].value) == self.text_of(raw, ctx) for key, raw in exclude.items()
        )

    def matrix_job_id(self, name: str, args: Mapping[str, Any], combo: Mapping[str, Bound], ctx: _Ctx) -> str:
        written = args.get("name")
        if isinstance(written, str) and "matrix." in written:
            return self.text_of(written, ctx) or name
        base = self.text_of(written, ctx) or name
        return "-".join([base, *(as_text(bound.value) or "" for bound in combo.values())])

    def job(
        self,
        job_id: str,
        found: _Found,
        location: Location,
        def_ctx: _Ctx,
        args: Mapping[str, Any],
        call_ctx: _Ctx,
        axes: tuple[MatrixAxis, ...],
        combo: Mapping[str, Bound] | None = None,
    ) -> Job | None:
        body = found.body
        given = self.given(args, call_ctx, skip=INVOCATION_KEYS)
        given.update(combo or {})
        ctx = replace(def_ctx, params=self.bind(body.get("parameters"), given, def_ctx))
        executor = self.executor_of(body, ctx)
        self._shell = executor.shell
        self._job_dir = _normalize_dir(executor.working_directory or DEFAULT_WORKING_DIRECTORY)
        self._root = self._checkout_root(body.get("steps"), ctx)
        steps: list[Step] = []
        self.steps(args.get("pre-steps"), call_ctx, steps)
        self.steps(body.get("steps"), ctx, steps)
        self.steps(args.get("post-steps"), call_ctx, steps)
        default_dir = self.repo_dir(".")
        return Job(
            provider=Provider.CIRCLECI,
            id=job_id,
            location=location,
            steps=tuple(steps),
            env=executor.env,
            runner=self.runner(executor),
            image=executor.image,
            id_token=None,
            matrix=axes,
            default_working_directory=default_dir or None,
            contexts=self.contexts(args.get("context"), call_ctx),
            release_trigger=_tag_filter(args.get("filters")),
        )

    def contexts(self, value: Any, ctx: _Ctx) -> tuple[str, ...]:
        """The contexts a workflow gives a job (``context: name`` or a list of names)."""
        items = value if isinstance(value, list) else [value]
        return tuple(text for item in items if item is not None and (text := self.text_of(item, ctx)))

    # Executors and runners ---------------------------------------------------------------

    def executor_of(self, body: Mapping[str, Any], ctx: _Ctx) -> _Executor:
        """A job's execution environment: its own keys over the executor it names."""
        own = self.inline_executor(body, ctx)
        if own.kind is not None or "executor" not in body:
            return own
        base = self.executor_ref(body["executor"], _value_pos(body, "executor"), ctx)
        return _Executor(
            image=base.image,
            kind=base.kind,
            kind_location=base.kind_location,
            resource_class=own.resource_class or base.resource_class,
            env=base.env + own.env,
            shell=own.shell or base.shell,
            working_directory=own.working_directory or base.working_directory,
        )

    def executor_ref(self, ref: Any, pos: yamlio.Pos | None, ctx: _Ctx) -> _Executor:
        """An ``executor:`` value: a name or ``{name:, <parameters>}``, maybe via a parameter."""
        location = self.at(ctx, pos)
        ref_ctx = ctx
        passed = sole_reference(ref, self.lookup(ctx)) if self.v21 else None
        if passed is not None:
            ref = passed.value
            if isinstance(passed.context, _Ctx):
                ref_ctx = passed.context
            if passed.location is not None:
                location = passed.location
        if isinstance(ref, str):
            name, args = ref.strip(), None
        elif isinstance(ref, dict):
            name, args = (self.text_of(ref.get("name"), ref_ctx) or "").strip(), ref
        else:
            return _Executor()
        if not name or ref_ctx.depth > MAX_NESTING:
            return _Executor()
        found = self.find("executors", name, ref_ctx)
        if isinstance(found, str):
            self.reference(location, found)
            return _Executor()
        if found is None or not isinstance(found.body, dict):
            return _Executor()
        given = self.given(args, ref_ctx, skip=frozenset({"name"}))
        pin = ref_ctx.pin if ref_ctx.pin is not None else (location if found.published else None)
        inner = _Ctx(pin=pin, orb=found.namespace, via=ref_ctx.via, active=ref_ctx.active, depth=ref_ctx.depth + 1)
        inner = replace(inner, params=self.bind(found.body.get("parameters"), given, inner))
        return self.inline_executor(found.body, inner)

    def inline_executor(self, body: Mapping[str, Any], ctx: _Ctx) -> _Executor:
        """The execution-environment keys written in a job or executor definition."""
        kind = next((k for k in EXECUTOR_KINDS if k in body), None)
        image = None
        env: tuple[EnvVar, ...] = ()
        shell = self.text_of(body.get("shell"), ctx)
        if kind == "docker":
            images = body.get("docker")
            primary = images[0] if isinstance(images, list) and images else None
            if isinstance(primary, dict):
                image = self.located_text(primary.get("image"), _value_pos(primary, "image"), ctx)
                env = self.env(primary.get("environment"), ctx, EnvScope.JOB)
        elif kind == "machine":
            machine = body.get("machine")
            machine_image = self.text_of(machine.get("image"), ctx) if isinstance(machine, dict) else None
            if shell is None and machine_image and machine_image.lower().startswith("windows"):
                shell = WINDOWS_SHELL
        return _Executor(
            image=image,
            kind=kind,
            kind_location=self.at(ctx, _key_pos(body, kind)) if kind else None,
            resource_class=self.located_text(body.get("resource_class"), _value_pos(body, "resource_class"), ctx),
            env=env + self.env(body.get("environment"), ctx, EnvScope.JOB),
            shell=shell,
            working_directory=self.text_of(body.get("working_directory"), ctx),
        )

    def runner(self, executor: _Executor) -> Runner | None:
        resource_class = executor.resource_class
        if resource_class is not None:
            value = resource_class.value.strip()
            if unresolved(value):
                why = "resource_class is not known from the file"
                return Runner((value,), Hosting.UNKNOWN, resource_class.location, why=why)
            if "/" in value:
                why = f"resource_class {value} names a self-hosted runner (namespace/name)"
                return Runner((value,), Hosting.SELF_HOSTED, resource_class.location, why=why)
            return Runner((value,), Hosting.HOSTED, executor.kind_location)
        if executor.kind is None:
            return None
        return Runner((), Hosting.HOSTED, executor.kind_location)

    # Working directories -----------------------------------------------------------------

    def _checkout_root(self, steps: Any, ctx: _Ctx) -> str:
        """Where the job's first ``checkout`` puts the repository (default: the job's directory)."""
        if isinstance(steps, list):
            for item in steps:
                parts = _single_key(item)
                if parts is None or parts[0] != "checkout":
                    continue
                path = self.text_of(parts[1].get("path"), ctx) if isinstance(parts[1], dict) else None
                return self._absolute(path) if path else self._job_dir
        return self._job_dir

    def _absolute(self, path: str) -> str:
        path = path.strip()
        if path.startswith(("/", "~")):
            return _normalize_dir(path)
        return _normalize_dir(posixpath.join(self._job_dir, path))

    def repo_dir(self, path: str | None) -> str | None:
        """A working directory relative to the checked-out repository ('' for its root)."""
        if path is None or unresolved(path):
            return None
        full = self._absolute(path)
        if full == self._root:
            return ""
        if full.startswith(self._root.rstrip("/") + "/"):
            return full[len(self._root.rstrip("/")) + 1 :]
        return None

    # Steps -------------------------------------------------------------------------------

    def steps(self, value: Any, ctx: _Ctx, out: list[Step]) -> None:
        """Expand a ``steps`` list (or a ``steps`` parameter) into ``out``."""
        if value is None or ctx.depth > MAX_NESTING:
            return
        passed = sole_reference(value, self.lookup(ctx)) if self.v21 else None
        if passed is not None:
            # A steps parameter expands where it was written, brought in by the current calls.
            written = passed.context if isinstance(passed.context, _Ctx) else ctx
            inner = replace(written, via=ctx.via, active=ctx.active, depth=ctx.depth + 1)
            self.steps(passed.value, inner, out)
            return
        if isinstance(value, dict):
            value = [value]
        if not isinstance(value, list):
            return
        for index, item in enumerate(value):
            pos = _item_pos(value, index) or getattr(item, "pos", None)
            self.step(item, pos, ctx, out)

    def step(self, item: Any, pos: yamlio.Pos | None, ctx: _Ctx, out: list[Step]) -> None:
        self.budget -= 1
        if self.budget < 0:
            return
        parts = _single_key(item)
        if parts is None:
            return
        key, args = parts
        location = self.at(ctx, pos)
        if key in ("run", "deploy"):
            self.run(item, key, args, location, ctx, out)
        elif key in ("when", "unless"):
            if isinstance(args, dict):
                result = evaluate(args.get("condition"), self.lookup(ctx, condition=True)) if self.v21 else None
                if result is None or result == (key == "when"):
                    self.steps(args.get("steps"), replace(ctx, depth=ctx.depth + 1), out)
        elif key == "steps":
            self.steps(args, replace(ctx, depth=ctx.depth + 1), out)
        elif key in BUILTIN_STEPS:
            out.append(Step(location=location, name=key, inputs=self.inputs(args, ctx), via=ctx.via))
        else:
            self.call(key, args, location, ctx, out)

    def run(self, item: Any, key: str, args: Any, location: Location, ctx: _Ctx, out: list[Step]) -> None:
        name = shell = directory = None
        env: tuple[EnvVar, ...] = ()
        if isinstance(args, dict):
            container, command_key = args, "command"
            name = self.text_of(args.get("name"), ctx)
            env = self.env(args.get("environment"), ctx, EnvScope.STEP)
            shell = self.text_of(args.get("shell"), ctx)
            directory = self.text_of(args.get("working_directory"), ctx)
        else:
            container, command_key = item, key
        raw = container.get(command_key) if isinstance(container, dict) else None
        command = self.text_of(raw, ctx)
        shell = shell or self._shell
        commands = self.split(command, container, command_key, ctx, shell) if command else ()
        out.append(
            Step(
                location=location,
                name=name,
                commands=commands,
                shell=shell,
                env=env,
                working_directory=self.repo_dir(directory),
                via=ctx.via,
            )
        )

    def split(self, command: str, container: Any, key: str, ctx: _Ctx, shell: str | None) -> tuple[Command, ...]:
        if ctx.pin is not None:
            pin = ctx.pin
            found = split_script(command, path=pin.path, first_line=pin.line, column=pin.column, shell=shell)
            return tuple(replace(c, location=pin) for c in found)
        pos = _value_pos(container, key)
        if pos is None:
            return split_script(command, path=self.path, first_line=1, shell=shell)
        first_line = yamlio.content_line(container, key)
        column = self._column(pos, first_line)
        return split_script(command, path=pos.path or self.path, first_line=first_line, column=column, shell=shell)

    def _column(self, pos: yamlio.Pos, first_line: int) -> int:
        """The column where a script's text starts (block scalars: their indentation)."""
        if pos.style in ("|", ">"):
            if 0 < first_line <= len(self.lines):
                line = self.lines[first_line - 1]
                return len(line) - len(line.lstrip(" ")) + 1
            return 1
        if pos.style in ('"', "'"):
            return pos.column + 1
        return pos.column

    def call(self, key: str, args: Any, location: Location, ctx: _Ctx, out: list[Step]) -> None:
        """A step that calls a reusable command (local, inline orb, or published orb)."""
        qualified = key if "/" in key or ctx.orb is None else f"{ctx.orb}/{key}"
        found = self.find("commands", key, ctx)
        if found is None:
            self.reference(location, f"command {key} is not defined")
            return
        if isinstance(found, str):
            self.reference(location, found)
            inputs = self.inputs(args, ctx)
            uses = Text(qualified, location)
            comment = uses_comment(self.path, self.lines, uses)
            out.append(Step(location=location, uses=uses, inputs=inputs, via=ctx.via, uses_comment=comment))
            return
        ident = ("commands", found.namespace, key.rpartition("/")[2])
        if ident in ctx.active or ctx.depth > MAX_NESTING or not isinstance(found.body, dict):
            return  # a command that calls itself never compiles; stop here
        given = self.given(args, ctx)
        active = ctx.active | {ident}
        if not found.published:
            via = (*ctx.via, location)
            inner = _Ctx(pin=ctx.pin, orb=found.namespace, via=via, active=active, depth=ctx.depth + 1)
            inner = replace(inner, params=self.bind(found.body.get("parameters"), given, inner))
            self.steps(found.body.get("steps"), inner, out)
            return
        # A published orb's command is one step at the call: what it runs, located there.
        pin = ctx.pin if ctx.pin is not None else location
        inner = _Ctx(pin=pin, orb=found.namespace, via=ctx.via, active=active, depth=ctx.depth + 1)
        inner = replace(inner, params=self.bind(found.body.get("parameters"), given, inner))
        collected: list[Step] = []
        self.steps(found.body.get("steps"), inner, collected)
        directories = (s.working_directory for s in collected if s.commands and s.working_directory is not None)
        directory = next(directories, None)
        out.append(
            Step(
                location=location,
                commands=tuple(c for s in collected for c in s.commands),
                uses=Text(qualified, location),
                uses_comment=uses_comment(self.path, self.lines, Text(qualified, location)),
                inputs=self.inputs(args, ctx),
                env=tuple(e for s in collected for e in s.env),
                working_directory=directory,
                via=ctx.via,
            )
        )
