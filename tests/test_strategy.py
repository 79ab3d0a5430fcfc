"""The strategy report: path per publishing pipeline, checklist, trusted-publisher settings."""

from __future__ import annotations

import json
from pathlib import Path

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
