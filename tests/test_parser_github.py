"""The GitHub Actions parser: fixture repositories -> the located model."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import EnvScope, Hosting, Job, Location, Pipeline, Reference, ValueSourceKind
from npm_auth_lint.parsers import PARSERS, Parsed, github
from npm_auth_lint.workspace import Kind, Workspace

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "parsers" / "github"


def parse(case: str, workflow: str) -> Parsed:
    return github.parse(Workspace(FIXTURES / case), f".github/workflows/{workflow}")


def pipeline(case: str, workflow: str = "ci.yml") -> Pipeline:
    parsed = parse(case, workflow)
    assert parsed.parse_errors == ()
    (only,) = parsed.pipelines
    return only


def job(p: Pipeline, job_id: str) -> Job:
    matches = [j for j in p.jobs if j.id == job_id]
    assert len(matches) == 1, [j.id for j in p.jobs]
    return matches[0]


def at(path: str, line: int) -> tuple[str, int]:
    return (path, line)


def where(location: Location) -> tuple[str, int]:
    return (location.path, location.line)


def commands(j: Job) -> list[tuple[tuple[str, ...], str, int]]:
    return [(c.words, c.location.path, c.location.line) for s in j.steps for c in s.commands]


def env_of(items) -> dict[str, tuple[str, EnvScope, int, ValueSourceKind, str | None]]:
    return {e.name: (e.value, e.scope, e.location.line, e.source.kind, e.source.name) for e in items}


W = ".github/workflows/"


# --------------------------------------------------------------------------------------------
# simple publish


def test_registered_for_workflows() -> None:
    parsed = PARSERS[Kind.GITHUB_WORKFLOW](Workspace(FIXTURES / "simple_publish"), W + "release.yml")
    assert [j.id for p in parsed.pipelines for j in p.jobs] == ["publish", "test"]


def test_simple_publish_pipeline() -> None:
    p = pipeline("simple_publish", "release.yml")
    assert (p.path, p.name, p.triggers, p.reusable_only) == (W + "release.yml", "Release", ("push", "workflow_dispatch"), False)
    assert [j.id for j in p.jobs] == ["publish", "test"]
    publish = job(p, "publish")
    assert where(publish.location) == at(W + "release.yml", 12)
    assert publish.environment is not None and (publish.environment.value, publish.environment.location.line) == ("npm", 14)
    assert publish.runner is not None
    assert (publish.runner.labels, publish.runner.hosting, publish.runner.location.line) == (("ubuntu-latest",), Hosting.HOSTED, 13)
    assert publish.permissions_location == Location(W + "release.yml", 15, 5)
    assert env_of(publish.env) == {
        "CI": ("true", EnvScope.GLOBAL, 9, ValueSourceKind.LITERAL, None),
        "NPM_CONFIG_LOGLEVEL": ("verbose", EnvScope.GLOBAL, 10, ValueSourceKind.LITERAL, None),
        "NODE_AUTH_TOKEN": ("${{ secrets.NPM_TOKEN }}", EnvScope.JOB, 19, ValueSourceKind.SECRET, "NPM_TOKEN"),
    }
    assert [e.scope for e in publish.env] == [EnvScope.GLOBAL, EnvScope.GLOBAL, EnvScope.JOB]


def test_simple_publish_steps() -> None:
    publish = job(pipeline("simple_publish", "release.yml"), "publish")
    checkout, setup, ci, release = publish.steps
    assert checkout.location == Location(W + "release.yml", 21, 9)
    assert checkout.uses is not None and checkout.uses.value == "actions/checkout@v5"
    assert setup.name == "Setup Node" and setup.location.line == 22
    assert setup.uses is not None and (setup.uses.value, setup.uses.location.line) == ("actions/setup-node@v6", 23)
    assert {k: (v.value, v.location.line) for k, v in setup.inputs.items()} == {
        "node-version": ("24", 25),
        "registry-url": ("https://registry.npmjs.org", 26),
    }
    assert [(c.words, c.location) for c in ci.commands] == [(("npm", "ci"), Location(W + "release.yml", 27, 14))]
    assert release.name == "Publish" and release.uses is None and release.working_directory == ""
    # The blank line inside the block is kept: publish is on the file's line 32.
    assert [(c.words, c.location) for c in release.commands] == [
        (("npm", "run", "build"), Location(W + "release.yml", 30, 11)),
        (("npm", "publish", "--provenance"), Location(W + "release.yml", 32, 11)),
    ]
    assert env_of(release.env) == {"NPM_CONFIG_PROVENANCE": ("true", EnvScope.STEP, 34, ValueSourceKind.LITERAL, None)}
    assert all(s.via == () for s in publish.steps)


def test_id_token_job_and_workflow_permissions() -> None:
    p = pipeline("simple_publish", "release.yml")
    granted = job(p, "publish").id_token
    assert granted is not None and granted.granted and granted.sigstore
    assert granted.anchor == Location(W + "release.yml", 15, 5)
    denied = job(p, "test").id_token
    assert denied is not None and not denied.granted and not denied.sigstore
    # A workflow-level `permissions:` is never the anchor: the job's name line is.
    assert denied.anchor == Location(W + "release.yml", 35, 3)
    assert "workflow-level permissions do not grant `id-token: write`" in denied.problem
    # A job-level block replaces the workflow's, so the fix keeps the workflow's scopes.
    assert denied.fix.startswith("add `permissions:` to job `test`")
    assert "`id-token: write` and the workflow's `contents: read`" in denied.fix


# --------------------------------------------------------------------------------------------
# matrix


def axes(j: Job) -> dict[str, list[tuple[str, int]]]:
    return {a.name: [(t.value, t.location.line) for t in a.values] for a in j.matrix}


def test_matrix_include_and_exclude() -> None:
    test = job(pipeline("matrix"), "test")
    # node 20 is excluded everywhere; node 18 survives on ubuntu; include adds macos-14/24 as a
    # new combination and `experimental` to the ubuntu/22 one.
    assert axes(test) == {
        "os": [("ubuntu-latest", 7), ("windows-latest", 7), ("macos-14", 17)],
        "node": [("18", 8), ("22", 8), ("24", 18)],
        "experimental": [("true", 16)],
    }
    assert test.runner is not None and test.runner.hosting is Hosting.HOSTED
    assert test.runner.labels == ("${{ matrix.os }}",)


def test_matrix_object_values_become_dotted_axes() -> None:
    build = job(pipeline("matrix"), "build")
    # 22.10 is the number 22.1 to GitHub, as to every YAML 1.2 reader.
    assert axes(build) == {"config.name": [("old", 28), ("new", 30)], "config.node": [("20.x", 29), ("22.1", 31)]}


def test_matrix_expression_axis_kept_with_include() -> None:
    dynamic = job(pipeline("matrix"), "dynamic")
    assert axes(dynamic) == {"node": [("${{ fromJSON(needs.setup.outputs.versions) }}", 38), ("24", 40)]}


def test_triggers_list() -> None:
    assert pipeline("matrix").triggers == ("push", "pull_request")


# --------------------------------------------------------------------------------------------
# composite actions


def test_composite_actions_are_flattened_with_inputs() -> None:
    parsed = parse("composite", "release.yml")
    (p,) = parsed.pipelines
    release = job(p, "release")
    caller = Location(W + "release.yml", 13, 9)
    publish_call = Location(".github/actions/publish/action.yml", 13, 7)
    steps = release.steps
    assert [(where(s.location), s.via) for s in steps] == [
        (at(W + "release.yml", 12), ()),
        (at(".github/actions/setup/action.yaml", 7), (caller, publish_call)),
        (at(".github/actions/setup/action.yaml", 11), (caller, publish_call)),
        (at(".github/actions/publish/action.yml", 16), (caller,)),
        (at(W + "release.yml", 19), ()),
        (at(W + "release.yml", 22), ()),
        (at(".github/actions/loop/action.yml", 4), (Location(W + "release.yml", 23, 9),)),
        (at(".github/actions/loop/action.yml", 6), (Location(W + "release.yml", 23, 9),)),
    ]
    setup_node = steps[1]
    # The nested action's input comes from the outer action's `with:`, not its own default.
    assert setup_node.inputs["node-version"].value == "24"
    assert setup_node.inputs["node-version"].location == Location(".github/actions/setup/action.yaml", 9, 23)
    assert commands(release) == [
        (("npm", "install", "-g", "npm@latest"), ".github/actions/setup/action.yaml", 11),
        (("echo", "publishing"), ".github/actions/publish/action.yml", 21),
        (("npm", "publish", "--tag", "latest"), ".github/actions/publish/action.yml", 22),
        (("echo", "loop"), ".github/actions/loop/action.yml", 4),
    ]


def test_composite_env_shell_and_directory() -> None:
    release = job(pipeline("composite", "release.yml"), "release")
    install, publish = release.steps[2], release.steps[3]
    # Job defaults do not reach into composite actions; their own settings do.
    assert (install.shell, install.working_directory) == ("bash", "")
    assert (publish.shell, publish.working_directory, publish.name) == ("bash", "", "Publish to npm")
    assert env_of(publish.env) == {
        "CALLER_VAR": ("from-caller", EnvScope.STEP, 16, ValueSourceKind.LITERAL, None),
        "NODE_AUTH_TOKEN": ("${{ secrets.NPM_TOKEN }}", EnvScope.STEP, 19, ValueSourceKind.SECRET, "NPM_TOKEN"),
    }
    assert [e.location.path for e in publish.env] == [W + "release.yml", ".github/actions/publish/action.yml"]
    assert release.default_working_directory == "packages/a"


def test_non_composite_missing_and_cyclic_local_actions() -> None:
    parsed = parse("composite", "release.yml")
    release = job(parsed.pipelines[0], "release")
    node_action = release.steps[4]
    assert node_action.uses is not None and node_action.uses.value == "./.github/actions/node-action"
    assert node_action.inputs["who"].value == "world"
    missing = release.steps[5]
    assert missing.uses is not None and missing.uses.value == "./.github/actions/missing"
    assert parsed.references == (
        Reference(Location(W + "release.yml", 22, 9), "local action ./.github/actions/missing not found"),
        Reference(
            Location(".github/actions/loop/action.yml", 6, 7),
            "local action ./.github/actions/loop is part of a cycle of actions using each other; not followed",
        ),
    )


# --------------------------------------------------------------------------------------------
# reusable workflows


def test_reusable_workflow_jobs_flattened() -> None:
    p = pipeline("reusable", "release.yml")
    assert (p.name, p.reusable_only) == ("Release", False)
    assert [j.id for j in p.jobs] == [
        "release/publish",
        "release/notify",
        "release/nested/leaf",
        "inherit-call/publish",
        "inherit-call/notify",
        "inherit-call/nested/leaf",
    ]
    publish = job(p, "release/publish")
    assert where(publish.location) == at(W + "publish.yml", 17)
    assert publish.caller == Location(W + "release.yml", 8, 3)
    assert publish.called_file == W + "publish.yml"
    assert publish.default_working_directory == "packages/lib"
    assert env_of(publish.env) == {"REGISTRY": ("https://registry.npmjs.org", EnvScope.GLOBAL, 15, ValueSourceKind.LITERAL, None)}
    setup, run = publish.steps
    assert (setup.inputs["node-version"].value, setup.inputs["node-version"].location.line) == ("20", 28)
    assert run.working_directory == "packages/lib"
    assert commands(publish) == [(("npm", "publish", "--tag", "node20"), W + "publish.yml", 29)]
    assert env_of(run.env) == {
        "NODE_AUTH_TOKEN": ("${{ secrets.NPM_PUBLISH_TOKEN }}", EnvScope.STEP, 31, ValueSourceKind.SECRET, "NPM_PUBLISH_TOKEN"),
        "GH": ("${{ secrets.GITHUB_TOKEN }}", EnvScope.STEP, 32, ValueSourceKind.JOB_TOKEN, "GITHUB_TOKEN"),
    }
    leaf = job(p, "release/nested/leaf")
    assert leaf.caller == Location(W + "release.yml", 8, 3) and leaf.called_file == W + "deep.yml"
    assert commands(leaf) == [(("echo", "20"), W + "deep.yml", 6)]


def test_reusable_secrets_inherit_and_input_defaults() -> None:
    publish = job(pipeline("reusable", "release.yml"), "inherit-call/publish")
    run = publish.steps[1]
    assert env_of(run.env)["NODE_AUTH_TOKEN"] == ("${{ secrets.token }}", EnvScope.STEP, 31, ValueSourceKind.SECRET, "token")
    assert publish.steps[0].inputs["node-version"].value == "22"
    assert publish.default_working_directory == "" and run.working_directory == ""


def test_reusable_id_token_caller_caps_callee() -> None:
    p = pipeline("reusable", "release.yml")
    both = job(p, "release/publish").id_token
    assert both is not None and both.granted and both.anchor == Location(W + "publish.yml", 19, 5)
    callee_lacks = job(p, "release/notify").id_token
    assert callee_lacks is not None and not callee_lacks.granted
    assert callee_lacks.anchor == Location(W + "publish.yml", 35, 5)
    assert "the called job `notify`" in callee_lacks.problem and "both the calling job `release`" in callee_lacks.problem
    caller_lacks = job(p, "inherit-call/publish").id_token
    assert caller_lacks is not None and not caller_lacks.granted
    # The calling job has no permissions of its own: its name line, not the workflow's key.
    assert caller_lacks.anchor == Location(W + "release.yml", 18, 3)
    assert "the calling job `inherit-call`" in caller_lacks.problem
    assert "job `inherit-call`" in caller_lacks.fix
    # A called workflow without any permissions inherits the caller's.
    leaf = job(p, "release/nested/leaf").id_token
    assert leaf is not None and leaf.granted


def test_reusable_only_workflow_is_its_own_pipeline() -> None:
    p = pipeline("reusable", "publish.yml")
    assert (p.name, p.triggers, p.reusable_only) == ("Publish (reusable)", ("workflow_call",), True)
    publish = job(p, "publish")
    assert publish.caller is None and publish.called_file is None
    # Read on its own, the workflow's inputs take their declared defaults (what runs for a
    # caller that passes nothing); secrets stay as written.
    assert publish.steps[0].inputs["node-version"].value == "22"
    assert commands(publish) == [(("npm", "publish", "--tag", "node22"), W + "publish.yml", 29)]
    assert env_of(publish.steps[1].env)["NODE_AUTH_TOKEN"][3] is ValueSourceKind.SECRET


def test_reusable_references_missing_and_cycle() -> None:
    parsed = parse("reusable", "release.yml")
    assert set(parsed.references) == {
        Reference(Location(W + "release.yml", 22, 5), "reusable workflow ./.github/workflows/nope.yml not found"),
        Reference(
            Location(W + "deep.yml", 8, 5),
            "reusable workflow ./.github/workflows/publish.yml is part of a cycle of workflows calling each other; not followed",
        ),
    }


def test_unpassed_secret_is_empty_in_called_workflow() -> None:
    # deep.yml's `back` job calls publish.yml without `secrets:`.
    p = pipeline("reusable", "deep.yml")
    run = job(p, "back/publish").steps[1]
    assert env_of(run.env)["NODE_AUTH_TOKEN"][0::3] == ("", ValueSourceKind.EMPTY)


def test_remote_reusable_workflows_are_references() -> None:
    parsed = parse("remote_reusable", "release.yml")
    assert [j.id for j in parsed.pipelines[0].jobs] == ["build"]
    assert parsed.references == (
        Reference(Location(W + "release.yml", 4, 5), "reusable workflow octo-org/shared/.github/workflows/publish.yml@v1"),
        Reference(
            Location(W + "release.yml", 7, 5),
            "reusable workflow octo-org/shared/.github/workflows/publish.yml@0123456789abcdef0123456789abcdef01234567",
        ),
    )
    assert parsed.pipelines[0].triggers == ("release",)


# --------------------------------------------------------------------------------------------
# runners, containers, defaults, shells


@pytest.mark.parametrize(
    ("job_id", "hosting", "line", "why"),
    [
        ("plain", Hosting.SELF_HOSTED, 4, "runs-on includes the 'self-hosted' label"),
        ("labels", Hosting.SELF_HOSTED, 6, "runs-on includes the 'self-hosted' label"),
        ("custom", Hosting.SELF_HOSTED, 8, "label 'my-custom-runner' is not a GitHub-hosted runner"),
        ("expression", Hosting.UNKNOWN, 10, "runs-on is an expression (${{ inputs.runner }}) that cannot be resolved"),
        ("group", Hosting.UNKNOWN, 12, "runs-on names the runner group 'big-runners' (larger runners may be GitHub-hosted)"),
        ("large", Hosting.HOSTED, 16, ""),
        ("extra", Hosting.SELF_HOSTED, 18, "label 'gpu' is not a GitHub-hosted runner"),
        ("from-matrix", Hosting.SELF_HOSTED, 23, "label 'my-box' is not a GitHub-hosted runner (from ${{ matrix.os }})"),
        ("hosted-matrix", Hosting.HOSTED, 28, ""),
    ],
)
def test_runners(job_id: str, hosting: Hosting, line: int, why: str) -> None:
    runner = job(pipeline("runners"), job_id).runner
    assert runner is not None
    assert (runner.hosting, runner.location, runner.why) == (hosting, Location(W + "ci.yml", line, 5), why)


def test_runner_labels_and_missing_runs_on() -> None:
    p = pipeline("runners")
    assert job(p, "labels").runner.labels == ("self-hosted", "linux", "x64")  # type: ignore[union-attr]
    assert job(p, "group").runner.labels == ("ubuntu-latest-8core",)  # type: ignore[union-attr]
    assert job(p, "none").runner is None


def test_container_image_and_environment() -> None:
    p = pipeline("containers")
    string_form, mapping_form, no_image = (job(p, i) for i in ("string-form", "mapping-form", "no-image"))
    assert (string_form.image.value, string_form.image.location.line) == ("node:18-alpine", 5)  # type: ignore[union-attr]
    assert (mapping_form.image.value, mapping_form.image.location.line) == ("node:22.14.0", 14)  # type: ignore[union-attr]
    assert no_image.image is None
    assert (string_form.environment.value, string_form.environment.location.line) == ("production", 7)  # type: ignore[union-attr]
    assert (mapping_form.environment.value, mapping_form.environment.location.line) == ("staging", 16)  # type: ignore[union-attr]


def test_defaults_working_directory_and_shell() -> None:
    p = pipeline("defaults")
    workflow_level = job(p, "workflow-defaults")
    assert workflow_level.default_working_directory == "packages"
    (step,) = workflow_level.steps
    assert (step.shell, step.working_directory) == ("bash -eo pipefail {0}", "packages")
    job_level = job(p, "job-defaults")
    assert job_level.default_working_directory == "packages/app"
    assert [(s.working_directory, s.shell) for s in job_level.steps] == [
        ("", None),  # an action: defaults.run applies to `run` steps only
        ("packages/app", "bash -eo pipefail {0}"),
        ("scripts", "sh"),
        ("${{ matrix.dir }}", "bash -eo pipefail {0}"),
        ("", "bash -eo pipefail {0}"),
    ]
    assert [c[0] for c in commands(job_level)] == [("npm", "ci"), ("npm", "test"), ("npm", "pack"), ("ls",)]


def test_pwsh_scripts() -> None:
    p = pipeline("pwsh")
    windows = job(p, "windows")
    # Windows runners run PowerShell by default.
    assert windows.steps[0].shell is None
    assert commands(windows) == [
        (("$env:NODE_AUTH_TOKEN", "=", "${{ secrets.NPM_TOKEN }}"), W + "ci.yml", 7),
        (("npm", "publish", "--access", "public"), W + "ci.yml", 8),
    ]
    explicit = job(p, "explicit")
    pwsh, python = explicit.steps
    assert pwsh.shell == "pwsh"
    assert [(c.words, c.location) for c in pwsh.commands] == [
        (("Write-Host", "hi"), Location(W + "ci.yml", 14, 11)),
        (("npm", "publish"), Location(W + "ci.yml", 14, 28)),
    ]
    assert (python.shell, python.commands) == ("python", ())


# --------------------------------------------------------------------------------------------
# parse errors and malformed shapes


def test_duplicate_key() -> None:
    parsed = parse("duplicate_key", "ci.yml")
    assert parsed.pipelines == ()
    assert [(e.location, e.message) for e in parsed.parse_errors] == [(Location(W + "ci.yml", 7, 3), "duplicate key 'build'")]


def test_top_level_list() -> None:
    parsed = parse("top_level_list", "ci.yml")
    assert parsed.pipelines == ()
    assert [e.location for e in parsed.parse_errors] == [Location(W + "ci.yml", 1, 1)]
    assert "mapping" in parsed.parse_errors[0].message


def parse_text(tmp_path: Path, text: str, files: dict[str, str] | None = None) -> Parsed:
    for rel, content in {W + "ci.yml": text, **(files or {})}.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
    return github.parse(Workspace(tmp_path), W + "ci.yml")


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("on: push\njobs:\n  a: [unclosed\n", 4, 1, None),
        ("on: push\nname: x\n", 1, 1, "the workflow has no `jobs`"),
        ("on: push\njobs:\n  - a\n", 2, 1, "`jobs` must be a mapping of job ids to jobs"),
        ("", 1, 1, "expected a mapping at the top level of a workflow"),
        ("just text\n", 1, 1, "expected a mapping at the top level of a workflow"),
    ],
)
def test_parse_errors(tmp_path: Path, text: str, line: int, column: int, message: str | None) -> None:
    parsed = parse_text(tmp_path, text)
    assert parsed.pipelines == ()
    (error,) = parsed.parse_errors
    assert (error.location.line, error.location.column) == (line, column)
    if message is not None:
        assert error.message == message


def test_bad_shapes_are_skipped(tmp_path: Path) -> None:
    parsed = parse_text(
        tmp_path,
        "on: {push: {}}\n"
        "env: [A, B]\n"
        "permissions: 3\n"
        "jobs:\n"
        "  str-job: hello\n"
        "  odd:\n"
        "    runs-on: {labels: 5}\n"
        "    env: [X]\n"
        "    strategy: {matrix: {include: 3, exclude: [1], os: {a: 1}}}\n"
        "    container: [a]\n"
        "    steps:\n"
        "      - just a string\n"
        "      - [a, list]\n"
        "      - run: [not, a, script]\n"
        "        env: a string\n"
        "        with: 3\n"
        "      - uses: {a: b}\n"
        "      - run: npm publish\n"
        "        working-directory: 5\n"
        "  steps-not-list:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps: {a: b}\n",
    )
    (p,) = parsed.pipelines
    assert [j.id for j in p.jobs] == ["odd", "steps-not-list"]
    odd = p.jobs[0]
    assert odd.env == () and odd.matrix == () and odd.image is None
    assert odd.runner is not None and (odd.runner.labels, odd.runner.hosting) == (("5",), Hosting.SELF_HOSTED)
    assert [(c.words, c.location.line) for c in odd.steps[-1].commands] == [(("npm", "publish"), 18)]
    assert odd.steps[-1].working_directory == "5"
    assert p.jobs[1].steps == ()
    assert odd.id_token is not None and not odd.id_token.granted


def test_permission_forms(tmp_path: Path) -> None:
    parsed = parse_text(
        tmp_path,
        "on: push\n"
        "permissions: write-all\n"
        "jobs:\n"
        "  inherits:\n"
        "    runs-on: ubuntu-latest\n"
        "  read-all:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: read-all\n"
        "  empty:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions: {}\n"
        "  scoped:\n"
        "    runs-on: ubuntu-latest\n"
        "    permissions:\n"
        "      id-token: read\n",
    )
    tokens = {j.id: j.id_token for j in parsed.pipelines[0].jobs}
    assert tokens["inherits"] is not None and tokens["inherits"].granted
    assert tokens["inherits"].anchor == Location(W + "ci.yml", 4, 3)
    for job_id, line in (("read-all", 8), ("empty", 11), ("scoped", 14)):
        token = tokens[job_id]
        assert token is not None and not token.granted and token.anchor == Location(W + "ci.yml", line, 5)
        assert token.problem.startswith("job permissions")
    assert "`read-all`" in tokens["read-all"].problem  # type: ignore[union-attr]
    assert tokens["scoped"].fix == "add `id-token: write` to the `permissions` of job `scoped` (.github/workflows/ci.yml)"  # type: ignore[union-attr]


def test_local_action_by_file_path_and_unparseable_action(tmp_path: Path) -> None:
    parsed = parse_text(
        tmp_path,
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: ./tools/release.yml\n"
        "      - uses: ./broken\n"
        "      - uses: ./../outside\n",
        {
            "tools/release.yml": "runs:\n  using: composite\n  steps:\n    - run: npm publish\n      shell: bash\n",
            "broken/action.yml": "runs: [\n",
        },
    )
    (a,) = parsed.pipelines[0].jobs
    assert [(c.words, c.location) for c in a.steps[0].commands] == [(("npm", "publish"), Location("tools/release.yml", 4, 12))]
    assert [(r.location.line, r.what.partition(":")[0]) for r in parsed.references] == [
        (7, "local action ./broken cannot be read"),
        (8, "local action ./../outside not found"),
    ]
    assert parsed.references[0].what.endswith("(line 2)")  # where in action.yml the YAML breaks
    # An unreadable or missing action stays a `uses` step.
    assert [s.uses.value for s in a.steps[1:]] == ["./broken", "./../outside"]  # type: ignore[union-attr]


def test_quoted_and_folded_run_columns(tmp_path: Path) -> None:
    parsed = parse_text(
        tmp_path,
        "on: push\n"
        "jobs:\n"
        "  a:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - run: \"npm publish\"\n"
        "      - run: |-\n"
        "            npm ci\n"
        "              npm test\n",
    )
    (a,) = parsed.pipelines[0].jobs
    assert [(c.words, c.location) for c in a.steps[0].commands + a.steps[1].commands] == [
        (("npm", "publish"), Location(W + "ci.yml", 6, 15)),
        (("npm", "ci"), Location(W + "ci.yml", 8, 13)),
        (("npm", "test"), Location(W + "ci.yml", 9, 15)),
    ]


# --------------------------------------------------------------------------------------------
# never raises

_KEYS = st.sampled_from(
    [
        "on", "jobs", "env", "permissions", "defaults", "run", "shell", "working-directory", "runs-on",
        "steps", "uses", "with", "secrets", "strategy", "matrix", "include", "exclude", "container",
        "image", "environment", "name", "id-token", "group", "labels", "workflow_call", "inputs",
        "default", "runs", "using", "a", "b",
    ]
)  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.sampled_from(
        [
            "write-all", "read-all", "write", "inherit", "composite", "self-hosted", "ubuntu-latest",
            "./a", "./.github/workflows/ci.yml", "./.github/workflows/other.yml", "x/y/.github/workflows/z.yml@v1",
            "${{ inputs.a }}", "${{ secrets.a }}", "${{ matrix.a }}", "npm publish", "", "bash", "pwsh",
        ]
    ),
    st.text(max_size=8),
)  # fmt: skip
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEYS, inner, max_size=5)),
    max_leaves=30,
)


def _dump(value) -> str:
    import json

    return json.dumps(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflow=st.dictionaries(_KEYS, _VALUES, max_size=6), other=_VALUES, action=_VALUES)
def test_arbitrary_mappings_never_raise(workflow, other, action) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = {
            W + "ci.yml": _dump(workflow),
            W + "other.yml": _dump(other),
            "a/action.yml": _dump(action),
        }
        for rel, content in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(content, encoding="utf-8")
        parsed = github.parse(Workspace(root), W + "ci.yml")
        assert len(parsed.pipelines) + len(parsed.parse_errors) == 1


@settings(max_examples=150, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("abjo:- \n[]{}&*!|>'\"#$.{}")), max_size=120))
def test_arbitrary_text_never_raises(text: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / ".github/workflows").mkdir(parents=True)
        (root / ".github/workflows/ci.yml").write_text(text, encoding="utf-8")
        parsed = github.parse(Workspace(root), W + "ci.yml")
        assert len(parsed.pipelines) + len(parsed.parse_errors) == 1


_STEP_USES = st.sampled_from(["./a", "./a/action.yml", "./", "./missing", "actions/setup-node@v6", "${{ inputs.a }}"])
_STEP = st.fixed_dictionaries(
    {},
    optional={
        "run": _SCALARS,
        "uses": _STEP_USES,
        "with": _VALUES,
        "env": _VALUES,
        "shell": _SCALARS,
        "working-directory": _SCALARS,
        "name": _VALUES,
    },
)
_JOB = st.fixed_dictionaries(
    {},
    optional={
        "runs-on": _VALUES,
        "uses": st.sampled_from(["./.github/workflows/other.yml", "./.github/workflows/ci.yml", "o/r/.github/workflows/x.yml@v1"]),
        "with": _VALUES,
        "secrets": st.one_of(st.just("inherit"), _VALUES),
        "permissions": _VALUES,
        "strategy": st.fixed_dictionaries({"matrix": _VALUES}),
        "steps": st.lists(st.one_of(_STEP, _SCALARS), max_size=4),
        "env": _VALUES,
        "defaults": st.fixed_dictionaries({"run": _VALUES}),
        "container": _VALUES,
        "environment": _VALUES,
    },
)
_WORKFLOW = st.fixed_dictionaries(
    {"jobs": st.dictionaries(st.text(min_size=1, max_size=3), _JOB, max_size=3)},
    optional={"on": _VALUES, "env": _VALUES, "permissions": _VALUES, "defaults": _VALUES, "name": _VALUES},
)
_ACTION = st.fixed_dictionaries(
    {"runs": st.fixed_dictionaries({"using": st.sampled_from(["composite", "node20"]), "steps": st.lists(_STEP, max_size=3)})},
    optional={"inputs": _VALUES},
)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(workflow=_WORKFLOW, other=_WORKFLOW, action=_ACTION, root_action=_ACTION)
def test_workflow_shaped_input_never_raises(workflow, other, action, root_action) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        files = {W + "ci.yml": workflow, W + "other.yml": other, "a/action.yml": action, "action.yml": root_action}
        for rel, content in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_text(_dump(content), encoding="utf-8")
        parsed = github.parse(Workspace(root), W + "ci.yml")
        assert len(parsed.pipelines) + len(parsed.parse_errors) == 1
        for p in parsed.pipelines:
            for j in p.jobs:
                assert j.id_token is not None
                assert all(s.location.line >= 1 for s in j.steps)


# --------------------------------------------------------------------------------------------
# one workspace, many workflows: what is loaded once is shared


def _workflows(case: Path) -> list[str]:
    return sorted(p.relative_to(case).as_posix() for p in (case / ".github" / "workflows").glob("*.y*ml"))


@pytest.mark.parametrize("case", sorted(p.name for p in FIXTURES.iterdir() if (p / ".github" / "workflows").is_dir()))
def test_workflows_read_in_one_workspace_parse_as_alone(case: str) -> None:
    # Composite actions and called workflows are loaded once per workspace and shared: every
    # workflow, in either order, parses exactly as it does in a workspace of its own.
    root = FIXTURES / case
    alone = {path: github.parse(Workspace(root), path) for path in _workflows(root)}
    for order in (_workflows(root), _workflows(root)[::-1]):
        shared = Workspace(root)
        assert {path: github.parse(shared, path) for path in order} == alone


def test_an_action_used_by_many_workflows_is_loaded_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".github" / "actions" / "publish").mkdir(parents=True)
    (tmp_path / ".github" / "actions" / "publish" / "action.yml").write_text(
        "runs:\n  using: composite\n  steps:\n    - run: npm publish\n      shell: bash\n"
    )
    (tmp_path / W).mkdir(parents=True)
    for name in ("a.yml", "b.yml"):
        (tmp_path / W / name).write_text("on: push\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/publish\n")
    loaded: list[str] = []
    real_load = github.yamlio.load
    monkeypatch.setattr(github.yamlio, "load", lambda text, path="": loaded.append(path) or real_load(text, path))
    workspace = Workspace(tmp_path)
    for name in ("a.yml", "b.yml"):
        (publish,) = github.parse(workspace, W + name).pipelines[0].jobs
        assert [c.words for s in publish.steps for c in s.commands] == [("npm", "publish")]
    assert sorted(loaded) == [".github/actions/publish/action.yml", W + "a.yml", W + "b.yml"]
