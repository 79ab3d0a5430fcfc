"""The CircleCI parser: config.yml -> one Pipeline, expanded as CircleCI compiles 2.0/2.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import EnvScope, Hosting, Job, Provider, Step, ValueSourceKind
from npm_auth_lint.parsers import PARSERS, Parsed, circleci
from npm_auth_lint.parsers.circleci_expr import Bound, evaluate, substitute
from npm_auth_lint.parsers.circleci_orbs import OrbRef, find_source, parse_orb_ref, version_in_range
from npm_auth_lint.workspace import Kind, Workspace

from .conftest import FIXTURES

CASES = FIXTURES / "parsers" / "circleci"
CONFIG = ".circleci/config.yml"


def parse_case(case: str) -> Parsed:
    return circleci.parse(Workspace(CASES / case), CONFIG)


def jobs_of(case: str) -> dict[str, Job]:
    result = parse_case(case)
    assert result.parse_errors == ()
    (pipeline,) = result.pipelines
    assert pipeline.provider is Provider.CIRCLECI and pipeline.path == CONFIG
    return {job.id: job for job in pipeline.jobs}


def commands(step: Step) -> list[tuple[tuple[str, ...], int]]:
    return [(c.words, c.location.line) for c in step.commands]


def all_commands(job: Job) -> list[tuple[tuple[str, ...], int]]:
    return [pair for step in job.steps for pair in commands(step)]


def test_registered_for_circleci_kind() -> None:
    result = PARSERS[Kind.CIRCLECI](Workspace(CASES / "oidc-export"), CONFIG)
    assert [job.id for job in result.pipelines[0].jobs] == ["publish"]


# --------------------------------------------------------------------------------------------
# Jobs, executors, environment, runners


def test_docker_job_environment_and_primary_image() -> None:
    jobs = jobs_of("docker-environment")
    assert list(jobs) == ["publish"]  # `unused` is in no workflow: it never runs
    job = jobs["publish"]
    assert job.location.line == 3 and job.id_token is None
    assert (job.image.value, job.image.location.line) == ("cimg/node:22.14", 5)
    assert job.runner.hosting is Hosting.HOSTED and job.runner.location.line == 4
    env = {e.name: e for e in job.env}
    # The primary container's environment applies to steps; the service container's does not.
    assert "POSTGRES_USER" not in env
    assert (env["PRIMARY_ONLY"].value, env["PRIMARY_ONLY"].location.line) == ("yes", 7)
    assert env["NPM_TOKEN"].source.kind is ValueSourceKind.VARIABLE and env["NPM_TOKEN"].source.name == "NPM_TOKEN"
    assert env["NPM_TOKEN"].location.line == 12 and env["NPM_TOKEN"].scope is EnvScope.JOB
    assert env["NODE_AUTH_TOKEN"].source.name == "NPM_PUBLISH_TOKEN"
    assert env["LEAKED"].source.kind is ValueSourceKind.LITERAL and env["LEAKED"].location.line == 14
    assert env["CI_FLAG"].value == "true"
    checkout, install, publish = job.steps
    assert checkout.name == "checkout" and checkout.location.line == 17
    assert commands(install) == [(("npm", "ci"), 18)]
    assert install.commands[0].location.column == 14
    assert publish.name == "Publish" and publish.location.line == 19
    assert commands(publish) == [(("npm", "publish", "--access", "public"), 24)]
    step_env = {e.name: e for e in publish.env}
    assert step_env["STEP_TOKEN"].scope is EnvScope.STEP and step_env["STEP_TOKEN"].location.line == 23
    assert step_env["STEP_TOKEN"].source.name == "OTHER_TOKEN"
    assert step_env["NPM_CONFIG_PROVENANCE"].value == "false"


def test_executor_parameters_defaults_and_values() -> None:
    jobs = jobs_of("executor-parameters")
    default = jobs["default-version"]
    assert (default.image.value, default.image.location.line) == ("cimg/node:20.11", 12)
    assert default.runner.labels == ("medium",) and default.runner.hosting is Hosting.HOSTED
    assert [(e.name, e.location.line) for e in default.env] == [("EXECUTOR_VAR", 16)]
    pinned = jobs["pinned-version"]
    assert pinned.image.value == "cimg/node:22.14"
    assert pinned.runner.labels == ("large",)
    assert [(e.name, e.location.line) for e in pinned.env] == [("EXECUTOR_VAR", 16), ("JOB_VAR", 36)]
    publish = pinned.steps[-1]
    # The executor's working_directory is where checkout puts the repository.
    assert publish.working_directory == "packages/lib"
    assert commands(publish) == [(("npm", "publish"), 41)]


def test_machine_windows_and_macos_executors() -> None:
    jobs = jobs_of("executor-parameters")
    assert jobs["on-machine"].image is None
    assert jobs["on-machine"].runner.hosting is Hosting.HOSTED and jobs["on-machine"].runner.location.line == 18
    windows = jobs["on-windows"]
    assert windows.runner.labels == ("windows.medium",)
    assert windows.steps[0].shell.startswith("powershell.exe")
    macos = jobs["on-macos"]
    assert macos.runner.hosting is Hosting.HOSTED and macos.runner.location.line == 51
    assert all_commands(macos) == [(("npm", "publish"), 54)]


def test_resource_class_self_hosted_runner() -> None:
    jobs = jobs_of("self-hosted-runner")
    runner = jobs["on-runner"].runner
    assert runner.hosting is Hosting.SELF_HOSTED and runner.labels == ("my-org/linux-runner",)
    assert runner.location.line == 5 and "self-hosted" in runner.why
    cloud = jobs["in-cloud"].runner
    assert cloud.hosting is Hosting.HOSTED and cloud.labels == ("large",) and cloud.location.line == 9
    # A parameter given by the workflow picks the runner.
    param = jobs["parameterised"].runner
    assert param.hosting is Hosting.SELF_HOSTED and param.labels == ("other-org/runner",)
    assert param.location.line == 20


def test_config_2_0_without_workflows_runs_build_only() -> None:
    jobs = jobs_of("config-2.0")
    assert list(jobs) == ["build"]
    job = jobs["build"]
    # Config 2.0 has no parameters: `<< ... >>` is text.
    assert job.env[0].value == "<< parameters.kept-as-written >>"
    publish = job.steps[-1]
    assert publish.working_directory == "packages/app"
    assert commands(publish) == [(("npm", "publish"), 14)]


def test_oidc_export_in_block_scalar() -> None:
    job = jobs_of("oidc-export")["publish"]
    step = job.steps[-1]
    assert step.name == "Publish with OIDC" and step.location.line == 8
    assert commands(step) == [
        (("npm", "install", "-g", "npm@11.11.0"), 11),
        (("circleci", "run", "oidc", "get", "--claims", '{"aud": "npm:registry.npmjs.org"}'), 12),
        (("export", "NPM_ID_TOKEN=$(circleci run oidc get --claims '{\"aud\": \"npm:registry.npmjs.org\"}')"), 12),
        (("npm", "publish"), 13),
    ]
    assert step.commands[0].location.column == 13
    assert job.id_token is None


# --------------------------------------------------------------------------------------------
# Reusable commands and conditions


def test_reusable_command_substitutes_caller_values_at_command_lines() -> None:
    job = jobs_of("reusable-command")["release"]
    steps = job.steps
    assert steps[0].name == "checkout"
    called = steps[1]
    assert called.name == "Publish next" and called.location.line == 12
    assert [loc.line for loc in called.via] == [38]
    assert commands(called) == [(("npm", "whoami"), 15), (("npm", "publish", "--tag", "next"), 16)]
    defaults = steps[2]
    assert commands(defaults)[1] == (("npm", "publish", "--tag", "latest"), 16)
    assert [loc.line for loc in defaults.via] == [40]


def test_nested_commands_and_steps_parameters() -> None:
    steps = jobs_of("reusable-command")["release"].steps
    before = steps[3]  # the `before` steps are written in the job and keep their line
    assert commands(before) == [(("npm", "ci"), 44)]
    assert [loc.line for loc in before.via] == [41]
    nested = steps[4]
    assert commands(nested)[1] == (("npm", "publish", "--tag", "beta"), 16)
    assert [loc.line for loc in nested.via] == [41, 26]


def test_recursive_command_is_cut_off_and_undefined_command_noted() -> None:
    result = parse_case("reusable-command")
    steps = result.pipelines[0].jobs[0].steps
    loops = [s for s in steps if commands(s) == [(("echo", "loop"), 30)]]
    assert len(loops) == 1
    assert [(r.location.line, r.what) for r in result.references] == [(46, "command missing-command is not defined")]


def test_when_unless_evaluated_at_compile_time() -> None:
    jobs = jobs_of("when-unless")
    assert list(jobs) == ["build"]  # the `never` workflow has `when: false`
    echoed = [words for words, _ in all_commands(jobs["build"])]
    assert echoed == [
        ("echo", "literal-true"),
        ("echo", "unless-false"),
        ("npm", "publish"),  # equal: [npm, registry] with the default `npm`
        # A pipeline parameter can be set by a trigger, the branch is unknown: both kept.
        ("echo", "pipeline-parameter"),
        ("echo", "on-main"),
    ]
    lines = [line for _, line in all_commands(jobs["build"])]
    assert lines == [21, 29, 34, 50, 55]


# --------------------------------------------------------------------------------------------
# Orbs


def test_node_orb_executor_and_commands() -> None:
    jobs = jobs_of("orb-node")
    publish = jobs["publish"]
    assert (publish.image.value, publish.image.location.line) == ("cimg/node:22.14", 8)
    assert publish.runner.hosting is Hosting.HOSTED and publish.runner.labels == ("large",)
    install = publish.steps[1]
    assert (install.uses.value, install.uses.location.line) == ("node/install", 11)
    assert {k: (v.value, v.location.line) for k, v in install.inputs.items()} == {"node-version": ("24.14", 12)}
    assert commands(install) == [(("nvm", "install", "24.14"), 11)]
    pnpm = publish.steps[2]
    assert pnpm.uses.value == "node/install-packages" and pnpm.location.line == 13
    assert commands(pnpm) == [(("pnpm", "install", "--frozen-lockfile"), 13)]
    assert pnpm.working_directory == "packages/lib"
    npm = publish.steps[3]
    assert commands(npm) == [(("npm", "ci"), 16)] and npm.inputs == {}
    assert commands(publish.steps[4]) == [(("npm", "publish"), 17)]
    default = jobs["default-executor"]
    assert (default.image.value, default.image.location.line) == ("cimg/node:lts", 19)
    assert commands(default.steps[0]) == [(("npm", "install", "--no-audit"), 21)]


def test_node_orb_jobs_expand_at_the_invocation() -> None:
    jobs = jobs_of("orb-node")
    test = jobs["node/test"]
    assert test.location.line == 28
    # The tag comes from the `version:` the workflow passes.
    assert (test.image.value, test.image.location.line) == ("cimg/node:18.20", 29)
    assert all_commands(test) == [(("yarn", "install", "--frozen-lockfile"), 28), (("yarn", "run", "test"), 28)]
    assert test.steps[1].inputs["pkg-manager"].location.line == 30
    run = jobs["release-script"]
    assert run.image.value == "cimg/node:lts"
    assert all_commands(run) == [(("echo", "setup"), 35), (("npm", "ci"), 31), (("npm", "run", "release"), 31)]


def test_unknown_orb_uses_are_references_one_per_use() -> None:
    result = parse_case("unknown-orb")
    assert [(r.location.line, r.what) for r in result.references] == [
        (16, "orb executor node/default (orb circleci/node@4.7.0)"),
        (18, "orb command slack/notify (orb circleci/slack@4.12.5)"),
        (20, "orb command slack/notify (orb circleci/slack@4.12.5)"),
        (25, "orb command node/install-yarn (orb circleci/node@4.7.0)"),
        (26, "orb command ghost/thing (orb ghost is not declared)"),
        (34, "orb job slack/on-hold (orb circleci/slack@4.12.5)"),
    ]
    (job,) = result.pipelines[0].jobs  # the unknown orb job gives no Job; `build` is still checked
    notify = job.steps[0]
    assert notify.uses.value == "slack/notify" and notify.commands == ()
    assert {k: v.value for k, v in notify.inputs.items()} == {"event": "fail"}


def test_node_orb_4x_upgrades_npm_and_inline_orbs_expand() -> None:
    job = parse_case("unknown-orb").pipelines[0].jobs[0]
    by_uses = {s.uses.value: s for s in job.steps if s.uses and s.location.line in (22, 24)}
    assert commands(by_uses["node/install"]) == [
        (("nvm", "install", "16.20"), 22),
        (("npm", "install", "-g", "npm@latest"), 22),
    ]
    assert commands(by_uses["node/install-packages"]) == [(("npm", "ci"), 24)]
    inline = next(s for s in job.steps if s.via)
    assert commands(inline) == [(("echo", "hello", "you"), 13)]
    assert [loc.line for loc in inline.via] == [27]
    assert all_commands(job)[-1] == (("npm", "publish"), 29)


# --------------------------------------------------------------------------------------------
# Workflows


def test_matrix_expands_to_one_job_per_combination() -> None:
    jobs = jobs_of("workflow-matrix")
    assert list(jobs) == [
        "test-18.20-linux",
        "test-22.14-linux",
        "test-22.14-alpine",
        "test-24.14-linux",
        "test-24.14-alpine",
        "test-20.19-named",
        "publish-next",
    ]
    job = jobs["test-22.14-alpine"]
    assert job.location.line == 7
    assert (job.image.value, job.image.location.line) == ("cimg/node:22.14", 18)
    assert [(a.name, [(t.value, t.location.line) for t in a.values]) for a in job.matrix] == [
        ("node", [("22.14", 35)]),
        ("os", [("alpine", 36)]),
    ]
    # `tag` defaults to a pipeline parameter's default.
    assert all_commands(job) == [(("echo", "alpine", "latest"), 20)]


def test_workflow_parameters_pre_and_post_steps_and_approval() -> None:
    job = jobs_of("workflow-matrix")["publish-next"]
    assert job.location.line == 21
    assert all_commands(job) == [
        (("echo", "pre", "latest"), 53),
        (("npm", "publish", "--tag", "next"), 28),
        (("echo", "post"), 55),
    ]


# --------------------------------------------------------------------------------------------
# Parse errors


@pytest.mark.parametrize(
    ("case", "line", "column", "message"),
    [
        ("parse-error-syntax", 8, 1, "quoted scalar"),
        ("parse-error-duplicate-key", 8, 3, "duplicate key 'build'"),
        ("parse-error-not-mapping", 1, 1, "expected a mapping at the top level, found a list"),
    ],
)
def test_parse_errors(case: str, line: int, column: int, message: str) -> None:
    result = parse_case(case)
    assert result.pipelines == ()
    (error,) = result.parse_errors
    assert (error.location.path, error.location.line, error.location.column) == (CONFIG, line, column)
    assert message in error.message


def test_empty_and_scalar_documents() -> None:
    assert "empty file" in circleci.parse_text(CONFIG, "").parse_errors[0].message
    assert "a string" in circleci.parse_text(CONFIG, "hello").parse_errors[0].message


# --------------------------------------------------------------------------------------------
# Expressions and orb data


def _lookup(values: dict[str, object]):
    def find(kind: str, name: str):
        return Bound(values[name]) if kind == "parameters" and name in values else None

    return find


def test_substitution_keeps_types_and_unknowns() -> None:
    look = _lookup({"flag": True, "tag": "next", "n": 3})
    assert substitute("<< parameters.flag >>", look) is True
    text = "npm publish --tag << parameters.tag >> -x<< parameters.n >>"
    assert substitute(text, look) == "npm publish --tag next -x3"
    unknown = "<< pipeline.git.branch >>-<<parameters.missing>>"
    assert substitute(unknown, look) == unknown
    sections = "a<<# parameters.flag >> b<</ parameters.flag >><<^parameters.flag>> c<</parameters.flag>>"
    assert substitute(sections, look) == "a b"


def test_conditions_three_valued() -> None:
    look = _lookup({"pm": "npm", "on": False})
    assert evaluate({"equal": ["npm", "<< parameters.pm >>"]}, look) is True
    assert evaluate({"or": [{"equal": ["yarn", "<< parameters.pm >>"]}, "<< parameters.on >>"]}, look) is False
    assert evaluate({"and": ["<< pipeline.git.tag >>", False]}, look) is False
    assert evaluate({"and": ["<< pipeline.git.tag >>", True]}, look) is None
    assert evaluate({"not": {"matches": {"pattern": "^v\\d+$", "value": "v1"}}}, look) is False
    assert evaluate({"matches": {"pattern": "(", "value": "x"}}, look) is None
    assert evaluate({"unknown-operator": 1}, look) is None
    assert evaluate("", look) is False and evaluate(0, look) is False and evaluate("x", look) is True


def test_orb_refs_and_version_ranges() -> None:
    assert parse_orb_ref("circleci/node@5.2.0") == OrbRef("circleci/node", "5.2.0")
    assert parse_orb_ref("circleci/node") == OrbRef("circleci/node", "")
    assert parse_orb_ref("not an orb") is None and parse_orb_ref(5) is None
    assert version_in_range("5", ">=5.0.0 <8.0.0") and version_in_range("7.1", ">=5.0.0 <8.0.0")
    assert not version_in_range("8.0.0", ">=5.0.0 <8.0.0") and not version_in_range("dev:alpha", ">=5.0.0")
    assert find_source(OrbRef("circleci/node", "volatile")).versions.startswith(">=5")
    assert find_source(OrbRef("circleci/node", "4.7.0")).versions == ">=4.0.0 <5.0.0"
    assert find_source(OrbRef("circleci/node", "3.0.0")) is None
    assert find_source(OrbRef("circleci/node", "")) is None
    assert find_source(OrbRef("circleci/slack", "4.1.0")) is None


def test_orb_data_ships_as_package_data() -> None:
    data = json.loads(Path(circleci.__file__).parent.parent.joinpath("data", "circleci_orbs.json").read_text())
    for variants in data["orbs"].values():
        for variant in variants:
            assert variant["versions"] and variant["source"].startswith("https://github.com/")


# --------------------------------------------------------------------------------------------
# Never raises

_KEYS = st.sampled_from(
    [
        "version", "jobs", "workflows", "commands", "executors", "orbs", "parameters", "steps", "run",
        "command", "environment", "docker", "image", "machine", "macos", "executor", "name", "when",
        "unless", "condition", "equal", "and", "or", "not", "matches", "pattern", "value", "matrix",
        "exclude", "alias", "default", "type", "resource_class", "working_directory", "checkout",
        "path", "pre-steps", "post-steps", "shell", "build", "x", "node/install", "node/default",
        "node/test", "node", "tag", "pkg-manager", "requires",
    ]
)
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.sampled_from(
        [
            "2.1", "2", "build", "x", "npm publish", "<< parameters.x >>", "<< parameters.tag >>",
            "<< pipeline.parameters.x >>", "<< matrix.x >>", "circleci/node@7.0.0", "circleci/node@4",
            "node/default", "my/runner", "~/project", "a=b", "<<# parameters.x >>y<</ parameters.x >>",
        ]
    ),
    st.text(max_size=8),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=4)),
    max_leaves=40,
)


_BODIES = st.dictionaries(_KEYS, _VALUES, max_size=5)
# Configurations shaped like real ones, so that the random parts reach the expansion code.
_CONFIGS = st.fixed_dictionaries(
    {
        "version": st.sampled_from([2, 2.1, "2.1", None]),
        "orbs": st.one_of(_VALUES, st.fixed_dictionaries({"node": _VALUES, "x": _VALUES})),
        "parameters": st.dictionaries(st.sampled_from(["x", "tag"]), _VALUES, max_size=2),
        "executors": st.dictionaries(st.sampled_from(["x", "default"]), _BODIES, max_size=2),
        "commands": st.dictionaries(st.sampled_from(["x", "build", "a"]), _BODIES, max_size=3),
        "jobs": st.dictionaries(st.sampled_from(["build", "x"]), _BODIES, max_size=2),
        "workflows": st.one_of(
            _VALUES,
            st.fixed_dictionaries({"w": st.fixed_dictionaries({"jobs": st.lists(_VALUES, max_size=4)})}),
        ),
    }
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.dictionaries(_KEYS, _VALUES, max_size=6), _CONFIGS))
def test_arbitrary_mappings_never_raise(document: dict) -> None:
    result = circleci.parse_text(CONFIG, json.dumps(document))
    assert isinstance(result, Parsed)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    assert isinstance(circleci.parse_text(CONFIG, text), Parsed)


def test_self_referencing_parameters_and_executors_terminate() -> None:
    text = """
version: 2.1
executors:
  loop:
    executor: loop
commands:
  a:
    parameters:
      s: {type: steps, default: [b]}
    steps:
      - steps: << parameters.s >>
  b:
    steps:
      - a
jobs:
  build:
    executor: loop
    parameters:
      p: {type: string, default: << parameters.p >>}
    steps:
      - a
      - run: echo << parameters.p >>
"""
    result = circleci.parse_text(CONFIG, text)
    (job,) = result.pipelines[0].jobs
    assert job.id == "build" and job.image is None


def test_exponential_expansion_is_reported_not_hung() -> None:
    chain = "\n".join(f"  c{i}:\n    steps:\n      - c{i + 1}\n      - c{i + 1}" for i in range(30))
    text = f"version: 2.1\ncommands:\n{chain}\n  c30:\n    steps:\n      - run: npm publish\n"
    text += "jobs:\n  build:\n    docker: [{image: cimg/node:24.14}]\n    steps: [c0]\n"
    result = circleci.parse_text(CONFIG, text)
    assert result.pipelines == ()
    assert "expands to more than" in result.parse_errors[0].message
