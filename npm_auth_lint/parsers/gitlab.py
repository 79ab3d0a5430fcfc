"""GitLab CI/CD: ``.gitlab-ci.yml`` (and ``*.gitlab-ci.yml``) -> one composed :class:`Pipeline`.

:mod:`npm_auth_lint.parsers.gitlab_compose` does what GitLab does before it looks at jobs
(includes, ``extends``, ``!reference``); this module applies ``default:`` and ``inherit:`` per job,
the way ``Entry::Job`` does, and builds the model:

* every top-level key that is not a reserved keyword is a job; hidden jobs (``.name``) are kept,
  composed like the others (``default:`` included), with ``hidden=True`` (``Project.jobs()`` skips
  them) so that templates stay visible, and so are jobs whose every rule is ``when: never``; a
  hidden trigger template starts no child pipeline;
  a trigger job (``trigger:``) has no steps, and a child pipeline it starts from local files
  becomes one more :class:`Pipeline` (``path`` = its first file);
* one :class:`Step` per script section that runs (``before_script`` from the job or ``default:``,
  ``script``, ``after_script``) at the section key's line; every script item is split with
  :func:`shell.split_script` at the item's own file and line, also when it came through an
  include, ``extends``, ``default:`` or ``!reference``;
* ``env``: global ``variables:`` (GLOBAL, filtered by ``inherit: variables``) then the job's
  (JOB); a global variable that the job redefines is left out, the job's value is the one in
  effect. For a child pipeline the trigger job's forwarded variables come first (GLOBAL, at the
  parent's lines) and win over the child's own of the same name, as pipeline variables do;
* ``runner`` from ``tags:``; ``id_token`` from ``id_tokens:``; ``image``; ``environment``;
  ``parallel: matrix:``.

``Step.via`` for GitLab holds the ``extends:`` entries through which a section was inherited
(outermost first), then the ``!reference`` tag when the whole section is one. Script sections
under ``hooks:`` and the experimental ``run:`` steps are not read.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from npm_auth_lint import lazy_regex
from npm_auth_lint.credential_sources import classify_value
from npm_auth_lint.model import (
    Command,
    EnvScope,
    EnvVar,
    Hosting,
    IdToken,
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
)
from npm_auth_lint.parsers import Parsed
from npm_auth_lint.parsers.gitlab_compose import (
    Composed,
    compose,
    compose_includes,
    copy_map,
    extends_names,
    load_config,
    location,
)
from npm_auth_lint.shell import split_script
from npm_auth_lint.workspace import Workspace, split_lines
from npm_auth_lint.yamlio import LoadError, Pos, Tagged, YMap, YSeq

# Top-level keywords that are not jobs (``Entry::Root``); `spec` is the header of a component.
RESERVED = frozenset(
    {
        "default", "include", "before_script", "image", "services", "after_script", "variables",
        "stages", "types", "cache", "workflow", "spec",
    }
)
# Job entries declared with `inherit: true` in `Entry::Job`: what `default:` gives a job that does
# not set it.
DEFAULT_KEYS = (
    "before_script", "after_script", "hooks", "cache", "image", "services", "timeout", "retry",
    "tags", "artifacts", "id_tokens",
)
# Deprecated top-level forms that GitLab moves into `default:` (`Entry::Default` inherit: true).
GLOBAL_DEFAULT_KEYS = ("before_script", "image", "services", "after_script", "cache")
SECTIONS = ("before_script", "script", "after_script")
MAX_SCRIPT_NESTING = 10  # `Entry::Commands`: a string or nested arrays of strings, 10 levels
MAX_CHILD_DEPTH = 2  # parent -> child -> grandchild
MAX_ITEMS = 5000  # items read from one (flattened) list

NPM_ID_TOKEN = "NPM_ID_TOKEN"
NPM_AUDIENCE = "npm:registry.npmjs.org"
SIGSTORE_ID_TOKEN = "SIGSTORE_ID_TOKEN"
SIGSTORE_AUDIENCE = "sigstore"

# GitLab.com hosted-runner tags (docs.gitlab.com/ci/runners/hosted_runners/, 2026):
#   Linux   saas-linux-{small,medium,large,xlarge,2xlarge}-{amd64,arm64}, GPU saas-linux-*-gpu-standard
#   macOS   saas-macos-medium-m1, saas-macos-large-m2pro (saas-macos-*)
#   Windows saas-windows-medium-amd64 (saas-windows-*)
#   gitlab-org, gitlab-org-docker (GitLab.com runners without privileged mode)
# A job whose tags are all in this table runs on GitLab.com's shared runners; one other tag pins
# it to runners someone registered themselves (no hosted runner carries that tag).
HOSTED_TAG = lazy_regex.compile(
    r"^(?:saas-linux-(?:small|medium|large|xlarge|2xlarge)-(?:amd64|arm64)(?:-gpu-[a-z0-9]+)?"
    r"|saas-macos-[a-z0-9-]+|saas-windows-[a-z0-9-]+|gitlab-org|gitlab-org-docker)$"
)


def parse(workspace: Workspace, path: str) -> Parsed:
    """Parse one GitLab CI entry file into its composed pipeline (and local child pipelines)."""
    text = workspace.read(path)
    try:
        data = load_config(text, path)
    except LoadError as exc:
        return Parsed(parse_errors=(ParseError(Location(path, exc.line, exc.column), exc.message),))
    if data is None:
        data = YMap()
    if not isinstance(data, YMap):
        return Parsed(parse_errors=(ParseError(Location(path, 1, 1), "expected a mapping at the top level"),))
    try:
        return _parse_pipelines(workspace, path, data)
    except RecursionError:
        return Parsed(parse_errors=(ParseError(Location(path, 1, 1), "configuration nested too deeply to compose"),))


def _parse_pipelines(workspace: Workspace, path: str, data: YMap) -> Parsed:
    composed = compose(workspace, data, path, RESERVED)
    pipelines: list[Pipeline] = []
    references: list[Reference] = list(composed.references)
    errors: list[ParseError] = list(composed.errors)
    builder = _Builder(workspace, composed)
    pipelines.append(
        Pipeline(Provider.GITLAB, path, builder.jobs(), name=_workflow_name(composed.root), sources=tuple(composed.files))
    )
    references.extend(builder.references)
    _children(workspace, path, path, builder, 1, {(path,)}, pipelines, references, errors)
    return Parsed(pipelines=tuple(pipelines), references=tuple(references), parse_errors=tuple(errors))


def _children(
    workspace: Workspace,
    top: str,
    parent: str,
    builder: _Builder,
    depth: int,
    seen: set[tuple[str, ...]],
    pipelines: list[Pipeline],
    references: list[Reference],
    errors: list[ParseError],
) -> None:
    for trigger in builder.triggers:
        if depth > MAX_CHILD_DEPTH:
            references.append(Reference(location(trigger.pos), "child pipeline nested deeper than 2 levels"))
            continue
        composed = compose_includes(workspace, trigger.include, trigger.pos, RESERVED)
        if composed.files and composed.files in seen:
            continue  # the same child files, already composed for an earlier trigger job
        references.extend(composed.references)
        errors.extend(composed.errors)
        if not composed.files:
            continue
        seen.add(composed.files)
        child = _Builder(workspace, composed, forwarded=trigger.forwarded)
        name = f"child pipeline of {parent} (trigger job {trigger.job})"
        pipelines.append(
            Pipeline(Provider.GITLAB, composed.files[0], child.jobs(), name=name, entry=top, sources=tuple(composed.files))
        )
        references.extend(child.references)
        _children(workspace, top, composed.files[0], child, depth + 1, seen, pipelines, references, errors)


def _workflow_name(root: YMap) -> str | None:
    workflow = root.get("workflow")
    if isinstance(workflow, YMap) and isinstance(workflow.get("name"), str):
        return workflow["name"]
    return None


class _Trigger:
    """A trigger job that starts a child pipeline from ``include:`` entries."""

    __slots__ = ("forwarded", "include", "job", "pos")

    def __init__(self, job: str, include: Any, pos: Pos, forwarded: tuple[EnvVar, ...]) -> None:
        self.job = job
        self.include = include
        self.pos = pos
        self.forwarded = forwarded


class _Builder:
    """Builds the jobs of one composed configuration."""

    def __init__(self, workspace: Workspace, composed: Composed, forwarded: tuple[EnvVar, ...] = ()) -> None:
        self.workspace = workspace
        self.composed = composed
        self.root = composed.root
        self.forwarded = forwarded
        self.default = _defaults(self.root)
        self.references: list[Reference] = []
        self.triggers: list[_Trigger] = []
        self._lines: dict[str, list[str]] = {}

    def jobs(self) -> tuple[Job, ...]:
        jobs = []
        for key, node in self.root.items():
            if key is None or isinstance(key, bool) or str(key) in RESERVED or not isinstance(node, YMap):
                continue
            jobs.append(self.job(str(key), node, self.root.key_pos.get(key, self.root.pos)))
        return tuple(jobs)

    # A job -------------------------------------------------------------------------------

    def job(self, name: str, node: YMap, key_pos: Pos) -> Job:
        effective, from_default = self._apply_default(node)
        job_location = location(key_pos)
        env = self._env(effective)
        if "trigger" in effective:
            if not name.startswith("."):  # a hidden trigger template starts nothing
                self._trigger(name, effective, env)
            return Job(
                provider=Provider.GITLAB,
                id=name,
                location=job_location,
                env=env,
                environment=_environment(effective),
                hidden=name.startswith("."),
            )
        return Job(
            provider=Provider.GITLAB,
            id=name,
            location=job_location,
            steps=tuple(self._steps(name, effective, from_default)),
            env=env,
            runner=_runner(effective),
            image=_expand_image(_image(effective), env),
            id_token=id_token(effective, job_location),
            matrix=_matrix(effective),
            environment=_environment(effective),
            hidden=name.startswith(".") or _never_runs(effective),
            release_trigger=_tag_trigger(effective),
            services=_service_hosts(effective.get("services")),
        )

    def _apply_default(self, node: YMap) -> tuple[YMap, frozenset[str]]:
        """The job with the ``default:`` keys it does not set itself, as ``inherit:`` allows."""
        policy = _inherit_policy(node, "default")
        effective = copy_map(node)
        taken = set()
        for key in DEFAULT_KEYS:
            if node.get(key) is not None or self.default.get(key) is None:
                continue
            if policy is False or (isinstance(policy, frozenset) and key not in policy):
                continue
            effective[key] = self.default[key]
            effective.key_pos[key] = self.default.key_pos.get(key, self.default.pos)
            effective.value_pos[key] = self.default.value_pos.get(key, self.default.pos)
            taken.add(key)
        return effective, frozenset(taken)

    # Steps --------------------------------------------------------------------------------

    def _steps(self, name: str, job: YMap, from_default: frozenset[str]) -> Iterator[Step]:
        for section in SECTIONS:
            if section not in job:
                continue
            value = job[section]
            items = list(_script_items(value, job.value_pos.get(section, job.pos)))
            if not items:
                continue
            commands = tuple(command for text, pos in items for command in self._commands(text, pos))
            via = () if section in from_default else self._inherited_via(name, section, set())
            origin = self.composed.origins.get(id(value))
            if origin is not None:
                via = (*via, location(origin))
            yield Step(
                location=location(job.key_pos.get(section, job.pos)),
                name=section,
                commands=commands,
                via=via,
            )

    def _inherited_via(self, name: str, key: str, visited: set[str]) -> tuple[Location, ...]:
        """The ``extends:`` entries through which ``key`` reached job ``name`` (outermost first)."""
        raw = self.composed.raw.get(name)
        if not isinstance(raw, YMap) or key in raw or name in visited:
            return ()
        visited.add(name)
        for parent, parent_pos in reversed(extends_names(raw)):  # the last parent wins
            extended = self.root.get(parent)
            if isinstance(extended, YMap) and key in extended:
                return (location(parent_pos), *self._inherited_via(parent, key, visited))
        return ()

    def _commands(self, text: str, pos: Pos) -> tuple[Command, ...]:
        lines = self._source_lines(pos.path)
        if pos.style == "|":
            first = pos.line + 1
            return split_script(text, path=pos.path, first_line=first, column=_block_indent(lines, first) + 1)
        if pos.style == ">" or pos.end_line > pos.line:
            # Folded and multi-line flow scalars join lines: the value's lines are not the file's,
            # so each command is found again in the lines the scalar spans.
            commands = split_script(text, path=pos.path, first_line=pos.line)
            return _realign(commands, pos, lines)
        column = pos.column + (1 if pos.style in ('"', "'") else 0)
        return split_script(text, path=pos.path, first_line=pos.line, column=column)

    def _source_lines(self, path: str) -> list[str]:
        if path not in self._lines:
            text = self.workspace.try_read(path) if path else None
            self._lines[path] = split_lines(text) if text is not None else []
        return self._lines[path]

    # Variables ----------------------------------------------------------------------------

    def _env(self, job: YMap) -> tuple[EnvVar, ...]:
        policy = _inherit_policy(job, "variables")
        global_vars = variables(self.root.get("variables"), EnvScope.GLOBAL)
        if policy is False:
            global_vars = ()
        elif isinstance(policy, frozenset):
            global_vars = tuple(v for v in global_vars if v.name in policy)
        job_vars = variables(job.get("variables"), EnvScope.JOB)
        forwarded_names = {v.name for v in self.forwarded}
        job_names = {v.name for v in job_vars}
        return (
            *self.forwarded,
            *(v for v in global_vars if v.name not in job_names and v.name not in forwarded_names),
            *(v for v in job_vars if v.name not in forwarded_names),
        )

    # Trigger jobs -------------------------------------------------------------------------

    def _trigger(self, name: str, job: YMap, env: tuple[EnvVar, ...]) -> None:
        trigger = job["trigger"]
        # A multi-project trigger (`trigger: group/project`, `trigger: {project: ...}`) starts
        # another repository's pipeline, which publishes under that repository's own trusted
        # publisher and is linted there: nothing of this repository's publishing to follow.
        if not isinstance(trigger, YMap) or "project" in trigger:
            return
        if "include" not in trigger:
            return
        # `forward:` defaults: the trigger job's YAML variables (its own and the global ones) go
        # to the child, the variables this pipeline itself received (`pipeline_variables`) do not.
        configured = trigger.get("forward")
        forward: YMap = configured if isinstance(configured, YMap) else YMap()
        own = tuple(v for v in env if v not in self.forwarded)
        forwarded = own if forward.get("yaml_variables", True) is not False else ()
        if forward.get("pipeline_variables") is True:
            names = {v.name for v in forwarded}
            forwarded = (*(v for v in self.forwarded if v.name not in names), *forwarded)
        forwarded = tuple(replace(v, scope=EnvScope.GLOBAL) for v in forwarded)
        include_pos = trigger.value_pos.get("include", trigger.pos)
        self.triggers.append(_Trigger(name, trigger["include"], include_pos, forwarded))


# --------------------------------------------------------------------------------------------
# Pieces of a job


def _defaults(root: YMap) -> YMap:
    """``default:`` plus the deprecated top-level forms it does not set."""
    default = root.get("default")
    result = copy_map(default) if isinstance(default, YMap) else YMap()
    for key in GLOBAL_DEFAULT_KEYS:
        # GitLab rejects a key set both at the top level and in `default:`; `default:` wins here.
        if key in root and key not in result:
            result[key] = root[key]
            result.key_pos[key] = root.key_pos.get(key, root.pos)
            result.value_pos[key] = root.value_pos.get(key, root.pos)
    return result


def _inherit_policy(job: YMap, what: str) -> bool | frozenset[str]:
    """``inherit: <what>:`` — True (inherit all), False (none) or the names listed."""
    inherit = job.get("inherit")
    if not isinstance(inherit, YMap) or what not in inherit:
        return True
    value = inherit[what]
    if value is False:
        return False
    if isinstance(value, YSeq):
        return frozenset(str(v) for v in _flatten(value) if isinstance(v, str))
    return True


def _flatten(value: YSeq) -> Iterator[Any]:
    for item, _ in _flatten_located(value):
        yield item


def _flatten_located(value: YSeq) -> Iterator[tuple[Any, Pos]]:
    """The items of nested lists, 10 levels deep and at most MAX_ITEMS of them (aliases can
    repeat one list many times over: what a real pipeline holds is far below the cap)."""
    return itertools.islice(_walk_located(value, 0), MAX_ITEMS)


def _walk_located(value: YSeq, depth: int) -> Iterator[tuple[Any, Pos]]:
    for item, pos in zip(value, value.item_pos):
        if isinstance(item, YSeq):
            if depth < MAX_SCRIPT_NESTING:
                yield from _walk_located(item, depth + 1)
        else:
            yield item, pos


def _script_items(value: Any, pos: Pos) -> Iterator[tuple[str, Pos]]:
    """The strings of a script section (a string or nested lists of strings), with positions."""
    if isinstance(value, str):
        yield value, pos
    elif isinstance(value, YSeq):
        # A `!reference` to a list inside a list is flattened into it, as GitLab does.
        for item, item_pos in _flatten_located(value):
            if isinstance(item, str):
                yield item, item_pos


def scalar_text(value: Any) -> str | None:
    """A scalar as GitLab turns it into a string (``to_s``); None for lists and mappings."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def variables(value: Any, scope: EnvScope) -> tuple[EnvVar, ...]:
    """The variables of a ``variables:`` mapping; a value may be ``{value:, description:, ...}``."""
    if not isinstance(value, YMap):
        return ()
    result = []
    for name, raw in value.items():
        if name is None or isinstance(raw, Tagged):
            continue
        if isinstance(raw, YMap):
            raw = raw.get("value")
        text = scalar_text(raw)
        if text is None:
            continue
        key = "true" if name is True else "false" if name is False else str(name)
        result.append(
            EnvVar(
                name=key,
                value=text,
                location=location(value.key_pos.get(name, value.pos)),
                scope=scope,
                source=classify_value(text, Provider.GITLAB),
            )
        )
    return tuple(result)


def _never_runs(job: YMap) -> bool:
    """Whether every one of the job's ``rules`` says ``when: never`` (GitLab never adds it).

    The first matching rule decides; when each rule, matching or not, ends in ``never``, no
    pipeline can hold the job. Anything the tool cannot read (a ``!reference``) may let it run.
    """
    rules = job.get("rules")
    if not isinstance(rules, YSeq) or len(rules) == 0:
        return False
    return all(isinstance(rule, YMap) and rule.get("when") == "never" for rule in rules)


def _tag_trigger(job: YMap) -> str | None:
    """Whether the job runs for tags: ``only: [tags]`` (or ``only: refs: [tags]``), or a rule
    whose ``if:`` tests ``$CI_COMMIT_TAG`` (words), else None."""
    only = job.get("only")
    refs = only.get("refs") if isinstance(only, YMap) else only
    if isinstance(refs, YSeq) and "tags" in [scalar_text(v) for v in refs]:
        return "only: tags"
    rules = job.get("rules")
    if isinstance(rules, YSeq):
        for rule in rules:
            condition = rule.get("if") if isinstance(rule, YMap) else None
            if isinstance(condition, str) and "CI_COMMIT_TAG" in condition and rule.get("when") != "never":
                return "rules: $CI_COMMIT_TAG"
    return None


def _runner(job: YMap) -> Runner:
    tags = job.get("tags")
    labels: list[str] = []
    if isinstance(tags, YSeq):
        labels = [t for t in (scalar_text(v) for v in _flatten(tags)) if t]
    elif isinstance(tags, str) and tags:
        labels = [tags]
    if not labels:
        return Runner((), Hosting.HOSTED, None)
    where = location(job.key_pos.get("tags", job.pos))
    if any("$" in label for label in labels):
        return Runner(tuple(labels), Hosting.UNKNOWN, where, "tags use CI/CD variables")
    foreign = [label for label in labels if not HOSTED_TAG.match(label)]
    if not foreign:
        return Runner(tuple(labels), Hosting.HOSTED, where)
    why = f"tags {', '.join(foreign)} are not GitLab.com hosted-runner tags"
    if len(foreign) == 1:
        why = f"tag {foreign[0]} is not a GitLab.com hosted-runner tag"
    return Runner(tuple(labels), Hosting.SELF_HOSTED, where, why)


def _named_text(job: YMap, key: str) -> Text | None:
    """A string value, or the ``name:`` of a mapping value (``image:``, ``environment:``)."""
    value = job.get(key)
    if isinstance(value, str):
        return Text(value, location(job.value_pos.get(key, job.pos)))
    if isinstance(value, YMap) and isinstance(value.get("name"), str):
        return Text(value["name"], location(value.value_pos.get("name", value.pos)))
    return None


def _image(job: YMap) -> Text | None:
    return _named_text(job, "image")


_IMAGE_VARIABLE = lazy_regex.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _expand_image(image: Text | None, env: tuple[EnvVar, ...]) -> Text | None:
    """``image:`` with the job's and global ``variables:`` filled in, as GitLab expands it.

    Only variables set in the file to plain values are filled in (not predefined or project ones).
    When one variable gives the image, its line is where the image is pinned.
    """
    if image is None or "$" not in image.value:
        return image
    values = {v.name: v for v in env if "$" not in v.value}
    used: list[EnvVar] = []

    def fill(match: re.Match[str]) -> str:
        variable = values.get(match.group(1) or match.group(2))
        if variable is None:
            return match.group(0)
        used.append(variable)
        return variable.value

    text = _IMAGE_VARIABLE.sub(fill, image.value)
    if not used:
        return image
    where = used[0].location if len({v.name for v in used}) == 1 else image.location
    return Text(text, where)


def _environment(job: YMap) -> Text | None:
    return _named_text(job, "environment")


def _matrix(job: YMap) -> tuple[MatrixAxis, ...]:
    parallel = job.get("parallel")
    if not isinstance(parallel, YMap) or not isinstance(parallel.get("matrix"), YSeq):
        return ()
    axes: dict[str, list[Text]] = {}
    for entry in parallel["matrix"]:
        if not isinstance(entry, YMap):
            continue
        for name, raw in entry.items():
            if name is None:
                continue
            pos = entry.value_pos.get(name, entry.pos)
            pairs = list(_flatten_located(raw)) if isinstance(raw, YSeq) else [(raw, pos)]
            values = axes.setdefault(str(name), [])
            for value, value_pos in pairs:
                text = scalar_text(value)
                if text is not None and value is not None and all(t.value != text for t in values):
                    values.append(Text(text, location(value_pos)))
    return tuple(MatrixAxis(name, tuple(values)) for name, values in axes.items() if values)


# --------------------------------------------------------------------------------------------
# ID tokens


def _audiences(token: Any) -> tuple[str, ...] | None:
    """The ``aud`` of an ``id_tokens`` entry (string or list); None when there is none."""
    if not isinstance(token, YMap) or "aud" not in token:
        return None
    aud = token["aud"]
    if isinstance(aud, YSeq):
        return tuple(t for t in (scalar_text(a) for a in _flatten(aud)) if t is not None)
    text = scalar_text(aud)
    return (text,) if text is not None else ()


def _fix(sigstore: bool) -> str:
    lines = ["id_tokens:", f"  {NPM_ID_TOKEN}:", f'    aud: "{NPM_AUDIENCE}"']
    if sigstore:
        lines += [f"  {SIGSTORE_ID_TOKEN}:", f"    aud: {SIGSTORE_AUDIENCE}"]
    return "\n".join(lines)


def id_token(job: YMap, job_location: Location) -> IdToken:
    """Whether the job's ``id_tokens`` give npm its ``NPM_ID_TOKEN`` (aud exactly npmjs)."""
    if "id_tokens" not in job:
        return IdToken(False, job_location, "no id_tokens", False, _fix(False))
    anchor = location(job.key_pos.get("id_tokens", job.pos))
    tokens = job["id_tokens"]
    if tokens is None:
        return IdToken(False, anchor, "id_tokens is empty", False, _fix(False))
    if not isinstance(tokens, YMap):
        return IdToken(False, anchor, "id_tokens is not a mapping of token names", False, _fix(False))
    sigstore_aud = _audiences(tokens.get(SIGSTORE_ID_TOKEN))
    sigstore = sigstore_aud is not None and SIGSTORE_AUDIENCE in sigstore_aud
    fix = _fix(sigstore)
    if NPM_ID_TOKEN in tokens:
        audiences = _audiences(tokens[NPM_ID_TOKEN])
        if audiences is None:
            return IdToken(False, anchor, f"{NPM_ID_TOKEN} has no aud, it must be exactly '{NPM_AUDIENCE}'", sigstore, fix)
        if NPM_AUDIENCE in audiences:
            return IdToken(True, anchor, "", sigstore, "")
        computed = next((a for a in audiences if "$" in a), None)
        if computed is not None:  # a CI/CD variable GitLab expands: unknown here, never an error
            return IdToken(True, anchor, "", sigstore, "", computed_audience=computed)
        shown = f"'{audiences[0]}'" if len(audiences) == 1 else "[" + ", ".join(f"'{a}'" for a in audiences) + "]"
        return IdToken(False, anchor, f"aud is {shown}, must be exactly '{NPM_AUDIENCE}'", sigstore, fix)
    for name, token in tokens.items():
        audiences = _audiences(token) or ()
        if str(name).upper().replace("-", "_") == NPM_ID_TOKEN or NPM_AUDIENCE in audiences or (
            "NPM" in str(name).upper() and name != SIGSTORE_ID_TOKEN
        ):
            return IdToken(False, anchor, f"id token is named {name}, npm reads {NPM_ID_TOKEN}", sigstore, fix)
    return IdToken(False, anchor, f"id_tokens has no {NPM_ID_TOKEN}", sigstore, fix)


# --------------------------------------------------------------------------------------------
# Lines of scalars


def _block_indent(lines: list[str], first: int) -> int:
    """The indentation of a block scalar's content, from its first non-blank line."""
    for line in lines[first - 1 :]:
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return 0


def _realign(commands: tuple[Command, ...], pos: Pos, lines: list[str]) -> tuple[Command, ...]:
    """Give each command of a folded scalar the file line (and column) where its text starts."""
    start = pos.line + (1 if pos.style == ">" else 0)
    end = min(max(pos.end_line, start), len(lines))
    if not lines or start > end:
        return commands
    cursor = start
    result = []
    for command in commands:
        # Commands come in order; a substitution's commands come before the command holding it
        # and may start on a later line, hence the second look from the scalar's start.
        found = _find(command.text, lines, cursor, end) or _find(command.text, lines, start, min(end, cursor))
        if found is None:
            result.append(replace(command, location=Location(pos.path, cursor, command.location.column)))
            continue
        line, column = found
        cursor = line
        result.append(replace(command, location=Location(pos.path, line, column)))
    return tuple(result)


def _find(text: str, lines: list[str], start: int, end: int) -> tuple[int, int] | None:
    words = text.strip().split("\n", 1)[0].split()[:12]
    # Folding may have joined the command's words from several lines: try shorter prefixes.
    for count in range(len(words), 0, -1):
        needle = " ".join(words[:count])
        for number in range(start, end + 1):
            index = lines[number - 1].find(needle)
            if index >= 0:
                return number, index + 1
    return None


def _service_hosts(services: object) -> tuple[str, ...]:
    """The host names GitLab gives a job's service containers: each ``alias`` (comma-separated),
    else the image name without its tag, ``/`` as ``__`` and as ``-`` (GitLab docs, "Accessing
    the services")."""
    hosts: list[str] = []
    for service in services if isinstance(services, list) else ():
        image = service.get("name") if isinstance(service, dict) else service
        alias = service.get("alias") if isinstance(service, dict) else None
        if isinstance(alias, str) and alias.strip():
            hosts += [a.strip() for a in alias.split(",") if a.strip()]
        if isinstance(image, str) and image.strip():
            name = image.strip().split("@")[0]
            name = name.rsplit(":", 1)[0] if ":" in name.rsplit("/", 1)[-1] else name
            hosts += [name.replace("/", "__"), name.replace("/", "-")]
    return tuple(dict.fromkeys(hosts))
