"""The strategy report: path per publishing pipeline, checklist, trusted-publisher settings."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from npm_auth_lint.cli import main
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.strategy import UnknownKind, render_text, strategy

from .conftest import FIXTURES, materialize

ORIGIN = '[remote "origin"]\n\turl = git@github.com:Acme/Widget.git\n'


def strategies_of(root: Path):
    return [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]


def test_token_pipeline_migrates_with_exact_settings(tmp_path: Path) -> None:
    root = materialize(FIXTURES / "use-trusted-publishing" / "github-node-auth-token", tmp_path / "repo")
    (root / ".git" / "config").write_text(ORIGIN)
    (only,) = strategies_of(root)
    assert (only.file, only.job, only.provider, only.packages) == (".github/workflows/release.yml", "publish", "github", ("@acme/widget",))
    assert only.path == "token-oidc-viable"
    assert only.checklist[0].startswith("Wire the ID token: ")
    assert only.checklist[-3:] == (
        "Remove secret NPM_TOKEN from the publish job",
        'After the first release through trusted publishing, set each package\'s publishing access to "Require two-factor '
        'authentication and disallow tokens" (`npm access set mfa=publish @acme/widget`; trusted publishing is not affected)',
        "Then revoke the token behind secret NPM_TOKEN on npmjs.com",
    )
    (settings,) = only.trusted_publishers
    assert settings.fields == {
        "Organization or user": "Acme",
        "Repository": "Widget",
        "Workflow filename": "release.yml",
        "Environment name": "(leave empty)",
        "Allowed actions": "npm publish",
    }
    assert settings.command == "npm trust github @acme/widget --file release.yml --repo Acme/Widget --allow-publish"


def test_reusable_workflow_binds_to_the_calling_file(tmp_path: Path) -> None:
    root = materialize(FIXTURES / "missing-id-token" / "reusable-caller-lacks", tmp_path / "repo")
    (only,) = strategies_of(root)
    assert only.file == ".github/workflows/release.yml" and only.path == "trusted-publishing-broken"
    assert only.trusted_publishers[0].fields["Workflow filename"] == "release.yml"
    assert only.trusted_publishers[0].packages == ("reusable-pkg",)
    assert "<owner>" in only.trusted_publishers[0].command  # no origin: a placeholder, never a guess


def test_self_hosted_runner_is_a_required_change_not_a_blocker(tmp_path: Path) -> None:
    # Spec "Blocker": moving the publish to a hosted runner is an edit to the CI file.
    root = materialize(FIXTURES / "use-trusted-publishing" / "self-hosted-note", tmp_path / "repo")
    (only,) = strategies_of(root)
    assert only.path == "token-oidc-viable"
    assert only.blockers == ()
    assert only.checklist[0].startswith("Publish from a hosted runner: move the publish out of job `publish` into a separate job")
    assert "actions/download-artifact" in only.checklist[0]
    assert only.trusted_publishers[0].packages == ("on-prem",)


def test_circleci_settings_use_placeholders(tmp_path: Path) -> None:
    root = materialize(FIXTURES / "missing-id-token" / "pass-circleci-export", tmp_path / "repo")
    (root / ".git" / "config").write_text(ORIGIN)
    (only,) = strategies_of(root)
    assert only.path == "trusted-publishing"
    command = only.trusted_publishers[0].command
    assert "--org-id <ORG_ID>" in command and "--vcs-origin github.com/Acme/Widget" in command


def test_text_json_and_subcommand(tmp_path: Path, capsys) -> None:
    root = materialize(FIXTURES / "use-trusted-publishing" / "github-node-auth-token", tmp_path / "repo")
    assert main([str(root)]) == 1
    out = capsys.readouterr().out
    assert out.index("Found 1 problem") < out.index("Publishing pipelines:")
    assert main([str(root), "--format", "json"]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["strategy"][0]["path"] == "token-oidc-viable"
    assert "strategy_text" not in document
    assert main(["strategy", str(root), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["pipelines"][0]["job"] == "publish"
    assert main(["strategy", str(root)]) == 0
    assert capsys.readouterr().out.startswith("Publishing pipelines:")
    assert render_text([]) == ""


def test_checklist_upgrades_an_outdated_toolchain_first(tmp_path: Path) -> None:
    # GitLab on Node 20 with a token: the Node upgrade comes before wiring the ID token.
    root = materialize(FIXTURES / "use-trusted-publishing" / "gitlab-xargs-publish", tmp_path / "gitlab")
    ci = root / ".gitlab-ci.yml"
    ci.write_text(ci.read_text().replace("image: node:24", "image: node:20"))
    (only,) = strategies_of(root)
    # `xargs npm publish {}`: which folder it publishes is an unknown, resolved first.
    (unknown,) = only.unknowns
    assert unknown.kind is UnknownKind.PACKAGE and unknown.step == 1
    first = only.checklist[1]
    assert first.startswith("Upgrade Node to 24.5.0 or newer (e.g. `image: node:24`): `node:20` gives Node 20.")
    assert first.endswith("; trusted publishing needs Node >= 22.14.0 and npm >= 11.5.1")
    assert only.checklist[2].startswith("Wire the ID token: ")


def test_checklist_upgrades_npm_alone_when_node_is_new_enough(tmp_path: Path) -> None:
    # CircleCI needs npm 11.11.0; Node 24.5 bundles 11.5.1.
    root = materialize(FIXTURES / "missing-id-token" / "pass-circleci-export", tmp_path / "circleci")
    config = root / ".circleci" / "config.yml"
    config.write_text(config.read_text().replace("cimg/node:24.15", "cimg/node:24.5"))
    (only,) = strategies_of(root)
    assert only.path == "trusted-publishing-broken"
    assert only.checklist[0] == (
        "Upgrade npm to 11.11.0 or newer before the publish (`npm install -g npm@^11.11.0`), or use Node 24.14.1 or newer: "
        "the job runs npm 11.5.1"
    )


def test_reusable_only_workflow_leaves_the_caller_as_placeholders(tmp_path: Path) -> None:
    # No workflow in the repository calls it: npm binds to the calling run's repository and
    # workflow file, which only the callers know.
    root = materialize(FIXTURES / "use-trusted-publishing" / "reusable-input-defaults", tmp_path / "repo")
    (root / ".git" / "config").write_text(ORIGIN)
    (only,) = strategies_of(root)
    settings = only.trusted_publishers[0]
    assert settings.fields["Workflow filename"] == "<calling-workflow.yml> (the workflow that calls shared-npm-release.yml)"
    assert settings.fields["Organization or user"] == "<caller-owner>"
    assert settings.command.endswith("--file <calling-workflow.yml> --repo <caller-owner>/<caller-repository> --allow-publish")


# ------------------------------------------------------------------------------------------
# Golden strategy output of fixtures/strategy/<case> (text and JSON), one per item of issue #12
# and provider. UPDATE_GOLDEN=1 rewrites them; review the diff.

STRATEGY_FIXTURES = FIXTURES / "strategy"
STRATEGY_GOLDENS = Path(__file__).resolve().parent / "golden" / "strategy"
STRATEGY_CASES = sorted(p.name for p in STRATEGY_FIXTURES.iterdir() if p.is_dir())


def _strategy_output(case: str, tmp_path: Path, capsys, fmt: str) -> str:
    root = materialize(STRATEGY_FIXTURES / case, tmp_path / f"repo-{fmt}")
    assert main(["strategy", str(root), "--format", fmt]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("case", STRATEGY_CASES)
def test_strategy_golden(case: str, tmp_path: Path, capsys) -> None:
    for fmt, suffix in (("text", "txt"), ("json", "json")):
        output = _strategy_output(case, tmp_path, capsys, fmt)
        golden = STRATEGY_GOLDENS / f"{case}.{suffix}"
        if os.environ.get("UPDATE_GOLDEN") == "1":
            golden.parent.mkdir(parents=True, exist_ok=True)
            golden.write_text(output, encoding="utf-8")
        assert golden.is_file(), f"{golden} is missing: run with UPDATE_GOLDEN=1"
        assert output == golden.read_text(encoding="utf-8")


def test_strategy_documents_match_the_shipped_schema(tmp_path: Path, capsys) -> None:
    import importlib.resources

    import jsonschema

    schema = json.loads(importlib.resources.files("npm_auth_lint.data").joinpath("strategy.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    documents = [json.loads((STRATEGY_GOLDENS / f"{case}.json").read_text()) for case in STRATEGY_CASES]
    for document in documents:
        assert not sorted(validator.iter_errors(document), key=str)
    paths = {p["path"] for d in documents for p in d["pipelines"]}
    assert {"unverified", "trusted-publishing", "trusted-publishing-broken", "token-oidc-viable"} <= paths
    # A document with an unknown path or a missing key is rejected: the schema can fail.
    broken = json.loads(json.dumps(documents[0]))
    broken["pipelines"][0]["path"] = "granular-token"
    del broken["pipelines"][0]["unknowns"]
    assert len(list(validator.iter_errors(broken))) == 2


def test_every_provider_has_a_fixture_for_each_item() -> None:
    items = ("unverified", "one configuration per package", "checklist", "contexts")
    covered = {
        "unverified": {
            "github-unverified-node", "github-unverified-credential", "gitlab-unverified-registry", "circleci-unverified-machine",
            "circleci-computed-audience",
        },
        "one configuration per package": {"github-two-workflows", "gitlab-two-environments", "circleci-and-github"},
        "checklist": {"github-self-hosted-semantic-release", "gitlab-self-managed-runner", "circleci-self-hosted-runner"},
        "contexts": {"circleci-and-github", "circleci-self-hosted-runner"},
    }
    assert set(items) == set(covered)
    for cases in covered.values():
        assert cases <= set(STRATEGY_CASES)


def _one(case: str, tmp_path: Path):
    return strategies_of(materialize(STRATEGY_FIXTURES / case, tmp_path / "repo"))


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        ("github-unverified-node", UnknownKind.TOOLCHAIN),
        ("gitlab-unverified-registry", UnknownKind.TARGET),
        ("circleci-unverified-machine", UnknownKind.TOOLCHAIN),
        ("circleci-computed-audience", UnknownKind.AUDIENCE),
    ],
)
def test_unverified_names_the_unknown_and_the_step_resolving_it(case: str, kind: UnknownKind, tmp_path: Path) -> None:
    (only,) = _one(case, tmp_path)
    assert only.path == "unverified"
    (unknown,) = only.unknowns
    assert unknown.kind is kind
    assert only.checklist[unknown.step - 1] == unknown.resolve


def test_credential_and_environment_computed_at_run_time(tmp_path: Path) -> None:
    (only,) = _one("github-unverified-credential", tmp_path)
    assert only.path == "unverified"
    assert [(u.kind, u.step) for u in only.unknowns] == [(UnknownKind.CREDENTIAL, 1), (UnknownKind.ENVIRONMENT, 2)]
    settings = only.trusted_publishers[0]
    # One value per package, never a guess: the environment is a placeholder.
    assert settings.fields["Environment name"] == "<environment>" and "--env <environment>" in settings.command


@pytest.mark.parametrize(
    ("case", "kept", "why"),
    [
        ("github-two-workflows", (".github/workflows/release.yml", "publish"), "on: release"),
        ("gitlab-two-environments", (".gitlab-ci.yml", "publish"), "rules: $CI_COMMIT_TAG"),
        ("circleci-and-github", (".circleci/config.yml", "publish"), "filters: tags"),
    ],
)
def test_one_configuration_per_package(case: str, kept: tuple[str, str], why: str, tmp_path: Path) -> None:
    strategies = _one(case, tmp_path)
    settings = {
        name: (s.file, s.job, tuple(t.fields.items()))
        for s in strategies for t in s.trusted_publishers for name in t.packages
    }
    (package,) = settings
    assert settings[package][:2] == kept
    keeper = next(s for s in strategies if (s.file, s.job) == kept)
    assert why in keeper.trusted_publishers[0].chosen_because
    others = [s for s in strategies if (s.file, s.job) != kept]
    for other in others:
        # The other pipeline shows no settings of its own, says how to hand over, and is not
        # "set up": npm accepts the package from the kept pipeline only.
        assert other.trusted_publishers == ()
        (handover,) = other.consolidate
        assert (handover.keep_file, handover.keep_job) == kept and handover.how in other.checklist
        assert other.path == "trusted-publishing-broken"


def test_two_workflows_are_told_to_merge_triggers_or_call_the_kept_one(tmp_path: Path) -> None:
    manual = next(s for s in _one("github-two-workflows", tmp_path) if s.file.endswith("manual-publish.yml"))
    how = manual.consolidate[0].how
    assert "Move the triggers of `.github/workflows/manual-publish.yml` (workflow_dispatch) into `.github/workflows/release.yml`" in how
    assert "workflow_call" in how


def test_checklist_hosted_runner_engines_and_hardening(tmp_path: Path) -> None:
    (only,) = _one("github-self-hosted-semantic-release", tmp_path)
    assert only.path == "token-oidc-viable" and only.blockers == ()
    steps = only.checklist
    assert steps[0].startswith("Publish from a hosted runner")
    # semantic-release 24 loads the @semantic-release/npm 12 it depends on, whatever the project
    # pins: the upgrade is semantic-release's, with the Node its plugin's engines accept.
    assert steps[1].startswith("Upgrade semantic-release to 25 or newer") and "Node ^22.14.0 || >=24.10.0" in steps[1]
    # The Node advised next to the plugin upgrade is one its engines accept, not 24.5.0.
    assert steps[2].startswith("Upgrade Node to a version @semantic-release/npm 13's engines accept (^22.14.0 || >=24.10.0;")
    assert "24.5.0" not in " ".join(steps)
    assert steps[-2].startswith('After the first release through trusted publishing, set each package\'s publishing access to "Require two-factor')
    assert "`npm access set mfa=publish widget`" in steps[-2]
    assert steps[-1] == "Then revoke the token behind secret NPM_TOKEN on npmjs.com"


def test_engines_upgrade_from_a_node_below_them(tmp_path: Path) -> None:
    root = materialize(STRATEGY_FIXTURES / "github-self-hosted-semantic-release", tmp_path / "repo")
    workflow = root / ".github" / "workflows" / "release.yml"
    workflow.write_text(workflow.read_text().replace("node-version: 20", "node-version: 24.5.0"))
    (only,) = strategies_of(root)
    assert only.checklist[2].startswith("Upgrade Node to a version @semantic-release/npm 13's engines accept (^22.14.0 || >=24.10.0")
    assert only.checklist[2].endswith("`24.5.0` gives Node 24.5.0")


def test_gitlab_private_installs_keep_a_read_only_token(tmp_path: Path) -> None:
    (only,) = _one("gitlab-self-managed-runner", tmp_path)
    assert only.checklist[0].startswith("Publish from a hosted runner") and "`tags:`" in only.checklist[0]
    assert only.checklist[-1].startswith("Install private packages with a separate read-only granular token")


def test_circleci_settings_name_the_contexts(tmp_path: Path) -> None:
    (only,) = _one("circleci-self-hosted-runner", tmp_path)
    settings = only.trusted_publishers[0]
    assert settings.fields["Context IDs"].startswith("(optional) <ID of context npm-publishing>")
    assert "--context-id <npm-publishing-context-id>" in settings.command


def test_allowed_actions_follow_the_command(tmp_path: Path) -> None:
    from dataclasses import replace

    from npm_auth_lint.strategy.settings import allowed_action, allowed_actions

    root = materialize(FIXTURES / "use-trusted-publishing" / "pass-oidc", tmp_path / "repo")
    (analysis,) = lint([root], Config()).analyses
    (publish,) = analysis.publishes
    assert allowed_action(publish) == "npm publish"
    assert publish.command is not None
    staged = replace(publish, command=replace(publish.command, words=("npm", "stage", "publish")))
    assert allowed_action(staged) == "npm stage publish"
    assert allowed_actions([staged, publish]) == ("npm publish", "npm stage publish")
    from npm_auth_lint.strategy.settings import settings

    both = settings(publish, ("oidc-pkg",), None, ("npm publish", "npm stage publish"))
    assert both.fields["Allowed actions"] == "npm publish, npm stage publish"
    assert both.command.endswith("--allow-publish --allow-stage-publish")


# ------------------------------------------------------------------------------------------
# Done when (issue #12): nothing the report says as fact rests on a guess. Every pipeline of
# every fixture: "set up" never co-occurs with an unresolved toolchain, credential or target.

ALL_CASES = sorted(p for p in FIXTURES.glob("*/*") if p.is_dir())


@pytest.mark.parametrize("case", ALL_CASES, ids=[f"{p.parent.name}/{p.name}" for p in ALL_CASES])
def test_set_up_never_rests_on_an_unknown(case: Path, tmp_path: Path) -> None:
    root = materialize(case, tmp_path / "repo")
    result = lint([root], Config())
    # The unresolved-toolchain rule is an independent witness of an unknown toolchain.
    unresolved = {(f.location.path, f.location.line) for f in result.findings if f.rule_id == "unresolved-toolchain"}
    for analysis in result.analyses:
        for pipeline in strategy(analysis):
            if pipeline.path != "trusted-publishing":
                continue
            assert pipeline.unknowns == ()
            publishes = [p for p in analysis.publishes if (p.pipeline.entry_file, p.job.id) == (pipeline.file, pipeline.job)]
            assert publishes
            for publish in publishes:
                where = (publish.location.path, publish.location.line)
                assert where not in unresolved, f"{pipeline.file} {pipeline.job}: set up with an unresolved toolchain"
                assert analysis.unknowns(publish) == ()
                assert publish.is_npmjs and "$" not in publish.target
                assert publish.credential is None and publish.opaque_credential is None
                assert publish.id_token is not None and publish.id_token.granted


def test_jobs_sharing_one_trusted_publisher_print_one_setting(repo) -> None:
    # Two jobs of one workflow (no environment) are one trusted publisher to npm: their settings
    # are the same, and its allowed actions cover both commands (one made a staged publish here,
    # as `npm stage publish` would be).
    from dataclasses import replace

    from npm_auth_lint.analysis import Analysis

    job = """    runs-on: ubuntu-latest
    permissions: {contents: read, id-token: write}
    steps:
      - uses: actions/setup-node@v6
        with: {node-version: 24}
      - run: npm publish
"""
    root = repo({
        "package.json": '{"name": "widget", "version": "1.0.0"}',
        ".github/workflows/release.yml": f"on: [push]\njobs:\n  stable:\n{job}  staged:\n{job}",
    })
    (analysis,) = lint([root], Config()).analyses
    stable, staged = analysis.jobs

    def stage(p):
        return replace(p, command=replace(p.command, words=("npm", "stage", "publish")))

    changed = Analysis(analysis.project, (stable, replace(staged, publishes=tuple(stage(p) for p in staged.publishes))))
    first, second = strategy(changed)
    assert (first.allowed_actions, second.allowed_actions) == (("npm publish",), ("npm stage publish",))
    assert first.trusted_publishers == second.trusted_publishers
    (settings,) = first.trusted_publishers
    assert settings.fields["Allowed actions"] == "npm publish, npm stage publish"
    assert settings.command.endswith("--allow-publish --allow-stage-publish")
    assert first.consolidate == second.consolidate == ()


def test_hardening_names_every_package_of_a_monorepo_pipeline(tmp_path: Path) -> None:
    root = materialize(FIXTURES / "provenance-repository-mismatch" / "monorepo-working-directory-github", tmp_path / "repo")
    (only,) = strategies_of(root)
    assert only.packages == ("@acme/a", "@acme/b") and only.path == "trusted-publishing"
    hardening = next(step for step in only.checklist if "mfa=publish" in step)
    assert "`npm access set mfa=publish <package>` for each of @acme/a, @acme/b" in hardening
