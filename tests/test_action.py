"""The composite GitHub Action (``action.yml``), run the way the runner runs it.

Each ``run:`` step's script is executed with ``bash --noprofile --norc -eo pipefail`` (what
``shell: bash`` means on a runner) in a temporary workspace, with the environment GitHub gives a
composite step: ``GITHUB_ACTION_PATH``, ``RUNNER_TEMP``, a ``GITHUB_OUTPUT`` file per step and the
step's ``env:`` with ``${{ }}`` expressions substituted. The ``uses:`` step (upload-sarif) cannot
run here: the test records whether it would run and with what. Only the expressions the action
needs are understood; any other one fails the test, so the runner here cannot silently differ.

The install step pip-installs the project into a fresh venv: those tests are ``external``. The
others give the install step's output (the Python to run) as this test run's own interpreter.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import sys
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from npm_auth_lint import __version__

from .conftest import FIXTURES, PROJECT_ROOT, materialize
from .tooling import clean_env, copy_working_tree, describe, run

ACTION_FILE = PROJECT_ROOT / "action.yml"
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BAD_RULES = {"use-trusted-publishing", "legacy-npmrc-auth"}


def load_action() -> dict[str, Any]:
    return YAML(typ="safe").load(ACTION_FILE.read_text(encoding="utf-8"))


# A small runner for composite actions ----------------------------------------------------


@dataclass(frozen=True)
class StepResult:
    id: str
    name: str
    ran: bool
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    outputs: Mapping[str, str] = field(default_factory=dict)
    uses_with: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ActionRun:
    steps: tuple[StepResult, ...]
    outputs: Mapping[str, str]

    @property
    def failed(self) -> bool:
        return any(step.ran and step.returncode != 0 for step in self.steps)

    def step(self, step_id: str) -> StepResult:
        return next(step for step in self.steps if step.id == step_id)

    @property
    def log(self) -> str:
        return "\n".join(f"--- step {s.id}: {'ran, exit ' + str(s.returncode) if s.ran else 'skipped'}\n{s.stdout}{s.stderr}" for s in self.steps)


@dataclass
class Context:
    inputs: dict[str, str]
    steps: dict[str, dict[str, str]]
    action_path: str

    def evaluate(self, expression: str) -> str:
        if m := re.fullmatch(r"inputs\.([\w-]+)", expression):
            assert m[1] in self.inputs, f"action.yml uses undeclared input {m[1]!r}"
            return self.inputs[m[1]]
        if m := re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", expression):
            return self.steps.get(m[1], {}).get(m[2], "")
        if expression == "github.action_path":
            return self.action_path
        raise AssertionError(f"the test runner does not understand the expression {expression!r}")

    def substitute(self, text: str) -> str:
        return EXPRESSION.sub(lambda m: self.evaluate(m[1]), str(text))

    def condition(self, expression: str) -> bool:
        m = re.fullmatch(r"(\S+)\s*(==|!=)\s*'([^']*)'", expression.strip())
        assert m, f"the test runner does not understand the condition {expression!r}"
        value = self.evaluate(m[1])
        return (value == m[3]) if m[2] == "==" else (value != m[3])


def parse_github_output(text: str) -> dict[str, str]:
    """``name=value`` lines and ``name<<DELIMITER`` blocks, as the runner reads them."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            outputs[name] = "\n".join(iter(lambda: next(lines), delimiter))
        elif "=" in line:
            name, value = line.split("=", 1)
            outputs[name] = value
    return outputs


def run_action(inputs: Mapping[str, str], workspace: Path, runner_temp: Path, action_path: Path, *, given: Mapping[str, Mapping[str, str]] | None = None, path: str | None = None) -> ActionRun:
    """Run action.yml's steps in order; a step in ``given`` is not run, its outputs are taken as given."""
    action = load_action()
    declared = action["inputs"]
    unknown = set(inputs) - set(declared)
    assert not unknown, f"inputs not declared in action.yml: {unknown}"
    context = Context(
        inputs={name: str(inputs.get(name, spec.get("default", ""))) for name, spec in declared.items()},
        steps={step_id: dict(outputs) for step_id, outputs in (given or {}).items()},
        action_path=str(action_path),
    )
    base_env = {k: v for k, v in clean_env().items() if not k.startswith(("GITHUB_", "RUNNER_", "NAL_"))}
    base_env.update(
        CI="true",
        GITHUB_ACTIONS="true",
        GITHUB_WORKSPACE=str(workspace),
        GITHUB_ACTION_PATH=str(action_path),
        RUNNER_TEMP=str(runner_temp),
        RUNNER_OS="Linux",
    )
    if path is not None:
        base_env["PATH"] = path
    results: list[StepResult] = []
    failed = False
    for index, step in enumerate(action["runs"]["steps"]):
        step_id = step.get("id", f"step{index}")
        name = step.get("name", step_id)
        if failed or ("if" in step and not context.condition(step["if"])) or step_id in (given or {}):
            results.append(StepResult(step_id, name, ran=False, outputs=context.steps.get(step_id, {})))
            continue
        if "uses" in step:
            uses_with = {key: context.substitute(value) for key, value in (step.get("with") or {}).items()}
            results.append(StepResult(step_id, name, ran=True, uses_with={"uses": step["uses"], **uses_with}))
            continue
        assert step.get("shell") == "bash", f"step {name!r} must say `shell: bash` (composite steps have no default shell)"
        assert "${{" not in step["run"], f"step {name!r} has an expression inside its script (template injection)"
        (runner_temp / "_steps").mkdir(exist_ok=True)
        step_dir = Path(tempfile.mkdtemp(prefix=f"{index}-{step_id}-", dir=runner_temp / "_steps"))
        script = step_dir / "script.sh"
        script.write_text(step["run"], encoding="utf-8")
        output_file = step_dir / "output"
        output_file.touch()
        env = {
            **base_env,
            **{key: context.substitute(value) for key, value in (step.get("env") or {}).items()},
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_ENV": str(step_dir / "env"),
            "GITHUB_STEP_SUMMARY": str(step_dir / "summary"),
        }
        proc = run(["/bin/bash", "--noprofile", "--norc", "-eo", "pipefail", script], cwd=workspace, env=env, timeout=300)
        outputs = parse_github_output(output_file.read_text(encoding="utf-8"))
        context.steps[step_id] = outputs
        results.append(StepResult(step_id, name, ran=True, returncode=proc.returncode, stdout=proc.stdout, stderr=proc.stderr, outputs=outputs))
        failed = proc.returncode != 0
    action_outputs = {name: context.substitute(spec["value"]) for name, spec in action["outputs"].items()}
    return ActionRun(tuple(results), action_outputs)


# Fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def workspace(tmp_path: Path):
    """A checked-out repository (the runner's GITHUB_WORKSPACE) made from a fixture tree."""

    def make(case: str) -> Path:
        return materialize(FIXTURES / "distribution" / case, tmp_path / "workspace")

    return make


@pytest.fixture
def action(tmp_path: Path):
    """Run the action with this test run's Python standing in for the installed copy."""

    def go(workspace: Path, path: str | None = None, **inputs: str) -> ActionRun:
        runner_temp = tmp_path / "runner-temp"
        runner_temp.mkdir(exist_ok=True)
        return run_action(inputs, workspace, runner_temp, PROJECT_ROOT, given={"install": {"python": sys.executable}}, path=path)

    return go


def sarif_rules(path: str) -> set[str]:
    log = json.loads(Path(path).read_text(encoding="utf-8"))
    return {result["ruleId"] for result in log["runs"][0]["results"]}


# The action's text -----------------------------------------------------------------------------


def test_inputs_and_defaults_are_as_documented() -> None:
    inputs = load_action()["inputs"]
    defaults = {name: spec.get("default") for name, spec in inputs.items()}
    assert defaults == {
        "paths": ".",
        "format": "sarif",
        "fail-on": "warning",
        "config": "",
        "output": "npm-auth-lint.sarif",
        "upload-sarif": "true",
        "category": "npm-auth-lint",
    }
    assert all(spec.get("description") for spec in inputs.values())
    assert set(load_action()["outputs"]) == {"sarif-file", "exit-code"}


def test_inputs_reach_scripts_only_through_env() -> None:
    """No ``${{ }}`` inside a script: an input such as ``paths`` could otherwise run as shell code."""
    for step in load_action()["runs"]["steps"]:
        if "run" in step:
            assert "${{" not in step["run"], f"expression inside the script of step {step['name']!r}"
            for value in (step.get("env") or {}).values():
                for expression in EXPRESSION.findall(str(value)):
                    assert re.fullmatch(r"inputs\.[\w-]+|steps\.[\w-]+\.outputs\.[\w-]+", expression), expression


def test_upload_step_is_codeql_upload_sarif_v4() -> None:
    uploads = [step for step in load_action()["runs"]["steps"] if "uses" in step]
    assert [step["uses"] for step in uploads] == ["github/codeql-action/upload-sarif@v4"]
    assert set(uploads[0]["with"]) == {"sarif_file", "category"}


# Running it -----------------------------------------------------------------------------------


def test_findings_are_uploaded_and_then_fail_the_job(workspace, action) -> None:
    result = action(workspace("publish-with-token"))
    lint = result.step("lint")
    assert lint.returncode == 0, result.log  # the lint step itself never fails: the upload must run
    assert result.outputs["exit-code"] == "1", result.log
    sarif = result.outputs["sarif-file"]
    assert Path(sarif).is_absolute() and sarif_rules(sarif) == BAD_RULES, result.log
    upload = result.step("upload")
    assert upload.ran and upload.uses_with == {"uses": "github/codeql-action/upload-sarif@v4", "sarif_file": sarif, "category": "npm-auth-lint"}, result.log
    fail = result.step("verdict")
    assert fail.ran and fail.returncode == 1, result.log
    assert "::error title=npm-auth-lint::findings at or above fail-on level 'warning'" in fail.stdout
    assert result.failed
    # People reading the log see the findings as text, with workflow commands off meanwhile.
    stop = re.search(r"^::stop-commands::(\w+)$", lint.stdout, re.M)
    assert stop, result.log
    findings = lint.stdout[stop.end() : lint.stdout.index(f"\n::{stop[1]}::\n")]
    assert "warning[legacy-npmrc-auth] [*]: " in findings and " --> .npmrc:1:1\n" in findings, result.log


def test_clean_repository_uploads_an_empty_report_and_passes(workspace, action) -> None:
    result = action(workspace("trusted-publishing"))
    assert result.outputs["exit-code"] == "0", result.log
    assert sarif_rules(result.outputs["sarif-file"]) == set()
    assert result.step("upload").ran, "the upload must run for a clean report too (it closes fixed alerts)"
    assert not result.step("verdict").ran and not result.failed, result.log


def test_fail_on_error_passes_with_warnings_only(workspace, action) -> None:
    result = action(workspace("publish-with-token"), **{"fail-on": "error"})
    assert result.outputs["exit-code"] == "0" and not result.failed, result.log
    assert sarif_rules(result.outputs["sarif-file"]) == BAD_RULES


def test_upload_can_be_turned_off(workspace, action) -> None:
    result = action(workspace("publish-with-token"), **{"upload-sarif": "false"})
    assert not result.step("upload").ran, result.log
    assert Path(result.outputs["sarif-file"]).is_file() and result.failed


def test_json_format_writes_the_report_and_uploads_nothing(workspace, action) -> None:
    root = workspace("publish-with-token")
    result = action(root, format="json", output="reports/npm-auth-lint.json")
    report = json.loads((root / "reports" / "npm-auth-lint.json").read_text(encoding="utf-8"))
    assert {finding["rule"] for finding in report["findings"]} == BAD_RULES, report
    assert result.outputs == {"sarif-file": "", "exit-code": "1"}
    assert not result.step("upload").ran and result.failed, result.log


def test_github_format_prints_annotations(workspace, action) -> None:
    root = workspace("publish-with-token")
    result = action(root, format="github")
    assert "::warning file=.npmrc,line=1" in result.step("lint").stdout, result.log
    assert not (root / "npm-auth-lint.sarif").exists()
    assert result.outputs == {"sarif-file": "", "exit-code": "1"}
    assert not result.step("upload").ran


def test_usage_error_fails_without_uploading_a_stale_report(workspace, action) -> None:
    root = workspace("trusted-publishing")
    (root / "npm-auth-lint.sarif").write_text("{}", encoding="utf-8")  # from an earlier run
    result = action(root, config="missing.yaml")
    assert result.outputs == {"sarif-file": "", "exit-code": "2"}, result.log
    assert "config file not found: missing.yaml" in result.step("lint").stderr, result.log
    assert not (root / "npm-auth-lint.sarif").exists()
    assert not result.step("upload").ran
    fail = result.step("verdict")
    assert fail.returncode == 2 and "could not run (exit status 2" in fail.stdout, result.log


def test_paths_input_selects_what_is_linted(workspace, action) -> None:
    root = workspace("publish-with-token")
    result = action(root, paths=".npmrc\n  package.json")
    assert sarif_rules(result.outputs["sarif-file"]) == {"legacy-npmrc-auth"}, result.log


def test_inputs_cannot_inject_shell_code(workspace, action, tmp_path: Path) -> None:
    root = workspace("trusted-publishing")
    canary = tmp_path / "injected"
    attacks = {
        "paths": f"$(touch {canary}) `touch {canary}` ; touch {canary}",
        "config": f'"; touch {canary}; "',
        "output": f"$(touch {canary}).sarif",
        "fail-on": f"warning; touch {canary}",
    }
    for name, value in attacks.items():
        result = action(root, **{name: value})
        assert not canary.exists(), f"input {name} ran shell code\n{result.log}"
        if name == "output":  # a strange but valid file name, taken literally
            assert Path(result.outputs["sarif-file"]) == root / value and (root / value).is_file(), result.log
        else:
            assert result.outputs["exit-code"] == "2", f"input {name}: expected a usage error\n{result.log}"


def fake_python(bin_dir: Path, version: str) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "python3"
    script.write_text(f"#!/bin/sh\necho {version}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)


def test_old_python_is_refused_with_what_to_do(workspace, action, tmp_path: Path) -> None:
    fake_python(tmp_path / "bin", "3.8.18")
    result = action(workspace("trusted-publishing"), path=str(tmp_path / "bin"))
    check = result.step("python")
    assert check.returncode == 1, result.log
    assert "is Python 3.8.18" in check.stdout and "actions/setup-python" in check.stdout, result.log
    assert not any(step.ran for step in result.steps[1:])


def test_missing_python_is_refused_with_what_to_do(workspace, action, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = action(workspace("trusted-publishing"), path=str(tmp_path / "empty"))
    check = result.step("python")
    assert check.returncode == 1 and "No python3 on PATH" in check.stdout and "actions/setup-python" in check.stdout, result.log


def test_current_python_is_accepted(workspace, action) -> None:
    result = action(workspace("trusted-publishing"))
    assert result.step("python").outputs["python"], result.log


# The whole action, with its install into a fresh venv -------------------------------------------


@pytest.fixture(scope="module")
def installed_action(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The action's checkout (a copy of this working tree) and a runner temp folder shared by the
    runs below, so the second run reuses the venv as a second use in one job would."""
    action_path = copy_working_tree(tmp_path_factory.mktemp("action") / "npm-auth-lint")
    return action_path, tmp_path_factory.mktemp("runner-temp")


@pytest.mark.external
@pytest.mark.parametrize(("case", "exit_code", "rules"), [("publish-with-token", "1", BAD_RULES), ("trusted-publishing", "0", set())])
def test_whole_action_installs_and_lints(installed_action: tuple[Path, Path], tmp_path: Path, case: str, exit_code: str, rules: set[str]) -> None:
    action_path, runner_temp = installed_action
    root = materialize(FIXTURES / "distribution" / case, tmp_path / "workspace")
    result = run_action({}, root, runner_temp, action_path)
    install = result.step("install")
    assert install.returncode == 0, result.log
    venv_python = Path(install.outputs["python"])
    assert venv_python.is_relative_to(runner_temp) and venv_python.exists(), result.log
    assert f"npm-auth-lint {__version__}" in install.stdout, result.log
    assert result.outputs["exit-code"] == exit_code, result.log
    assert sarif_rules(result.outputs["sarif-file"]) == rules, result.log
    assert result.step("upload").ran and result.failed == (exit_code != "0"), result.log


# Real validators --------------------------------------------------------------------------------


def readme_workflow() -> str:
    """The README's example workflow that uses the action."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    blocks = [b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "uses: npm-auth-lint/npm-auth-lint@" in b]
    assert len(blocks) == 1, "the README should show one workflow that uses the action"
    return blocks[0]


def tool(name: str) -> str:
    found = shutil.which(name, path=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    assert found, f"{name} is not installed: pip install -e '.[test]'"
    return found


@pytest.mark.external
def test_action_yml_matches_the_github_actions_schema(tmp_path: Path) -> None:
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", ACTION_FILE], timeout=120)
    assert proc.returncode == 0, describe(proc)
    # The validator does reject a broken action (a composite step without `shell`).
    broken = tmp_path / "action.yml"
    broken.write_text(ACTION_FILE.read_text(encoding="utf-8").replace("      shell: bash\n", "", 1), encoding="utf-8")
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-actions", broken], timeout=120)
    assert proc.returncode == 1, describe(proc)


@pytest.mark.external
def test_readme_workflow_matches_the_github_workflow_schema(tmp_path: Path) -> None:
    workflow = tmp_path / "npm-auth-lint.yml"
    workflow.write_text(readme_workflow(), encoding="utf-8")
    proc = run([tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows", workflow], timeout=120)
    assert proc.returncode == 0, describe(proc)
    jobs = YAML(typ="safe").load(workflow.read_text(encoding="utf-8"))["jobs"]
    assert any((job.get("permissions") or {}).get("security-events") == "write" for job in jobs.values()), "the job needs security-events: write"


ZIZMOR_CONFIG = PROJECT_ROOT / "tests" / "zizmor.yml"


@pytest.mark.external
def test_zizmor_finds_nothing_in_the_action_and_the_readme_workflow(tmp_path: Path) -> None:
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    (workflows / "npm-auth-lint.yml").write_text(readme_workflow(), encoding="utf-8")
    args = [tool("zizmor"), "--offline", "--no-progress", "--config", ZIZMOR_CONFIG]
    proc = run([*args, ACTION_FILE, workflows / "npm-auth-lint.yml", PROJECT_ROOT / ".pre-commit-hooks.yaml"], timeout=120)
    assert proc.returncode == 0, describe(proc)
    # zizmor does catch an input expanded inside a script.
    injected = tmp_path / "injected" / "action.yml"
    injected.parent.mkdir()
    injected.write_text(ACTION_FILE.read_text(encoding="utf-8").replace("        lint() {", "        echo ${{ inputs.paths }}\n        lint() {", 1), encoding="utf-8")
    proc = run([*args, injected], timeout=120)
    assert proc.returncode != 0 and "template-injection" in proc.stdout, describe(proc)


@pytest.mark.external
def test_shellcheck_finds_nothing_in_the_run_scripts(tmp_path: Path) -> None:
    scripts = [(index, step) for index, step in enumerate(load_action()["runs"]["steps"]) if "run" in step]
    assert len(scripts) == 4, "python check, install, lint, verdict"
    for index, step in scripts:
        script = tmp_path / f"step{index}.sh"
        # The runner's `bash -eo pipefail`, and the step's env variables as set.
        exports = "".join(f"export {name}=x\n" for name in step.get("env") or {})
        script.write_text(f"#!/bin/bash\nset -eo pipefail\n{exports}{step['run']}", encoding="utf-8")
        proc = run([tool("shellcheck"), "--shell=bash", "--severity=style", script], timeout=120)
        assert proc.returncode == 0, f"step {step['name']!r}\n{describe(proc)}"
