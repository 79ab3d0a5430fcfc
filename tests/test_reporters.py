from __future__ import annotations

import dataclasses
import importlib.resources
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npm_auth_lint.fingerprint import line_hashes
from npm_auth_lint.model import Confidence, Finding, Location, Related, Severity
from npm_auth_lint.redact import escape_controls
from npm_auth_lint.reporters import FORMATS, REPORTERS, Report
from npm_auth_lint.reporters import concise as concise_reporter
from npm_auth_lint.reporters import github as github_reporter
from npm_auth_lint.reporters import json as json_reporter
from npm_auth_lint.reporters import sarif as sarif_reporter
from npm_auth_lint.reporters import strategy_text as strategy_text_reporter
from npm_auth_lint.reporters import text as text_reporter
from npm_auth_lint.reporters.common import clean
from npm_auth_lint.rule import Rule
from npm_auth_lint.strategy import PipelineStrategy, PublisherSettings

from .conftest import SARIF_SCHEMA

GOLDEN = Path(__file__).parent / "golden"
VERSION = "1.2.3"
NPM_TOKEN = "npm_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5"
UUID_TOKEN = "5f0c6a1e-8b2d-4c3f-9a7e-1d2b3c4d5e6f"


class DummyLegacyToken(Rule):
    """A long-lived npm token is used or committed.

    ## What it does
    Finds publish credentials that are long-lived npm tokens.

    ## Why is this bad?
    A leaked long-lived token publishes as you until someone revokes it.

    ## Example
    ```ini
    //registry.npmjs.org/:_authToken=${NPM_TOKEN}
    ```

    ## Use instead
    Trusted publishing.

    ## References
    - https://docs.npmjs.com/trusted-publishers
    """

    id = "dummy-legacy-token"
    severity = Severity.ERROR
    confidence = Confidence.VERY_HIGH
    tags = ("npm", "token")
    security_severity = 8.7


class DummyMissingIdToken(Rule):
    """A publishing job cannot request an OIDC ID token.

    ## What it does
    Checks that a job publishing to npm
    has `id-token: write`.

    ## Why is this bad?
    Without it trusted publishing fails.

    ## Example
    ```yaml
    permissions: {}
    ```

    ## Use instead
    ```yaml
    permissions:
      id-token: write
    ```

    ## References
    - https://docs.github.com/actions/security-for-github-actions
    """

    id = "dummy-missing-id-token"
    severity = Severity.WARNING
    confidence = Confidence.MEDIUM
    tags = ("oidc",)


class DummyUnresolved(Rule):
    """Something that may change the result cannot be followed locally.

    ## What it does
    Notes remote includes and reusable workflows from other repositories.

    ## Why is this bad?
    The result may be incomplete.

    ## Example
    ```yaml
    include: https://example.com/ci.yml
    ```

    ## Use instead
    Nothing to change; review the remote file.

    ## References
    - https://docs.gitlab.com/ci/yaml/#include
    """

    id = "dummy-unresolved"
    severity = Severity.NOTE
    confidence = Confidence.LOW
    security_severity = 2.0


RULES = (DummyLegacyToken, DummyMissingIdToken, DummyUnresolved)

WORKFLOW = """\
name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          registry-url: https://registry.npmjs.org
      - run: npm publish
        env:
          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}
"""
NPMRC = f"registry=https://registry.npmjs.org/\n//registry.npmjs.org/:_authToken={NPM_TOKEN}\n"
PACKAGE_JSON = '{\n  "name": "@acme/web",\n  "workspaces": ["../*"]\n}\n'

STRATEGY = (
    PipelineStrategy(
        file=".github/workflows/release.yml",
        job="publish",
        provider="github",
        packages=("@acme/web",),
        path="token-oidc-viable",
        path_title="long-lived token — trusted publishing is viable: migrate",
        publish="npm publish",
        location=".github/workflows/release.yml:14",
        checklist=("Add `id-token: write` to job publish", "Remove NODE_AUTH_TOKEN"),
        trusted_publishers=(
            PublisherSettings(
                packages=("@acme/web",),
                provider="github",
                fields={"Organization or user": "acme", "Workflow filename": "release.yml"},
                command="npm trust github @acme/web --file release.yml --repo acme/web",
            ),
        ),
    ),
)
STRATEGY_DATA = [
    {
        "file": ".github/workflows/release.yml",
        "job": "publish",
        "provider": "github",
        "packages": ["@acme/web"],
        "path": "token-oidc-viable",
        "path_title": "long-lived token — trusted publishing is viable: migrate",
        "publish": "npm publish",
        "location": ".github/workflows/release.yml:14",
        "unknowns": [],
        "blockers": [],
        "checklist": ["Add `id-token: write` to job publish", "Remove NODE_AUTH_TOKEN"],
        "allowed_actions": [],
        "trusted_publishers": [
            {
                "packages": ["@acme/web"],
                "provider": "github",
                "fields": {"Organization or user": "acme", "Workflow filename": "release.yml"},
                "allowed_actions": ["npm publish"],
                "command": "npm trust github @acme/web --file release.yml --repo acme/web",
                "commands": [],
                "command_requires": "npm >= 11.15.0",
                "chosen_because": "",
            }
        ],
        "consolidate": [],
    }
]
STRATEGY_TEXT = """\
Publishing pipelines:

  .github/workflows/release.yml · job publish (GitHub Actions) publishes @acme/web
    .github/workflows/release.yml:14: `npm publish`
    path: long-lived token — trusted publishing is viable: migrate
    1. Add `id-token: write` to job publish
    2. Remove NODE_AUTH_TOKEN
    trusted publisher for @acme/web (github):
      Organization or user: acme
      Workflow filename: release.yml
      or, with npm >= 11.15.0: npm trust github @acme/web --file release.yml --repo acme/web
"""


def write_repo(root: Path) -> None:
    """Real files, so that SARIF fingerprints can be computed."""
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").write_text(WORKFLOW)
    (root / ".npmrc").write_text(NPMRC)
    (root / "packages" / "web app").mkdir(parents=True)
    (root / "packages" / "web app" / "package.json").write_text(PACKAGE_JSON)


def sample_findings() -> tuple[Finding, ...]:
    legacy, missing, unresolved = DummyLegacyToken(), DummyMissingIdToken(), DummyUnresolved()
    workflow = ".github/workflows/release.yml"
    findings = [
        legacy.finding(
            Location(".npmrc", 2, 1),
            f"auth token {NPM_TOKEN} is committed in plain text",
            related=[Related(Location(".npmrc", 1, 1), "registry it authenticates to")],
            secrets=[NPM_TOKEN],
        ),
        legacy.finding(
            Location(workflow, 16, 11),
            "NODE_AUTH_TOKEN comes from ${{ secrets.NPM_TOKEN }}, a long-lived token",
            severity=Severity.WARNING,  # as a configured override would stamp it
        ),
        missing.finding(
            Location(workflow, 6, 3),
            "job `publish` publishes to npm without `id-token: write`",
            related=[
                Related(Location(workflow, 14, 9), "npm publish runs here"),
                Related(Location(workflow, 1, 1), "no top-level permissions: either"),
            ],
        ),
        unresolved.finding(
            Location("packages/web app/package.json", 3, 3),
            "workspace glob ../* points outside the package",
        ),
    ]
    return tuple(sorted(findings))


def make_report(root: Path, findings=None, strategy=STRATEGY, rules=RULES, files_scanned: int = 12) -> Report:
    return Report(
        findings=sample_findings() if findings is None else tuple(findings),
        rules=tuple(rules),
        root=root,
        files_scanned=files_scanned,
        version=VERSION,
        strategy=tuple(strategy),
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    write_repo(repo)
    return repo


def normalise(output: str, root: Path) -> str:
    """Replace the temporary absolute root, so that golden files are stable."""
    return output.replace(sarif_reporter.root_uri(root), "file:///ROOT/").replace(str(root), "/ROOT")


def check_golden(name: str, output: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(output, encoding="utf-8")
    assert path.exists(), f"golden file {path} is missing; run with UPDATE_GOLDEN=1"
    assert output == path.read_text(encoding="utf-8")


def sarif_validator() -> jsonschema.protocols.Validator:
    schema_path = SARIF_SCHEMA
    # No skip: CI guarantees the shared schema, and a silently skipped validation proves nothing.
    assert schema_path.is_file(), f"SARIF schema not found at {schema_path.resolve()}"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    # No check_schema(): GitHub's copy has a misplaced "anyOf" under region.properties that
    # the metaschema rejects; upload-sarif validates with it as it is, and so do we.
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def findings_validator() -> jsonschema.protocols.Validator:
    text = importlib.resources.files("npm_auth_lint.data").joinpath("findings.schema.json").read_text()
    schema = json.loads(text)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


SARIF_VALIDATOR = sarif_validator()
FINDINGS_VALIDATOR = findings_validator()


def schema_errors(validator: jsonschema.protocols.Validator, document: object) -> list[str]:
    return [f"{list(error.absolute_path)}: {error.message}" for error in validator.iter_errors(document)]


# Golden files ------------------------------------------------------------------------------

GOLDEN_CASES = [
    ("report-text.txt", lambda report: text_reporter.render(report)),
    ("report-text-color.txt", lambda report: text_reporter.render(report, color=True)),
    ("report-concise.txt", lambda report: concise_reporter.render(report)),
    ("report-concise-color.txt", lambda report: concise_reporter.render(report, color=True)),
    ("report.json", json_reporter.render),
    ("report.sarif", sarif_reporter.render),
    ("report-github.txt", github_reporter.render),
]


@pytest.mark.parametrize(("name", "render"), GOLDEN_CASES, ids=[case[0] for case in GOLDEN_CASES])
def test_golden(root: Path, name: str, render) -> None:
    check_golden(name, normalise(render(make_report(root)), root))


def test_goldens_hold_no_secret() -> None:
    # The fixtures' text goldens (tests/golden/fixtures/) are checked by tests/test_text_goldens.py.
    paths = sorted(path for path in GOLDEN.iterdir() if path.is_file())
    assert [path.name for path in paths] == sorted(name for name, _ in GOLDEN_CASES)
    for path in paths:
        assert NPM_TOKEN not in path.read_text(encoding="utf-8"), path


# Registry ---------------------------------------------------------------------------------


def test_registry_names_every_format(root: Path) -> None:
    assert set(REPORTERS) == set(FORMATS) == {"text", "concise", "json", "sarif", "github"}
    report = make_report(root)
    assert REPORTERS["json"](report) == json_reporter.render(report)
    assert REPORTERS["sarif"](report) == sarif_reporter.render(report)
    assert REPORTERS["github"](report) == github_reporter.render(report)
    assert REPORTERS["text"](report, color=True) == text_reporter.render(report, color=True)
    assert REPORTERS["concise"](report, color=True) == concise_reporter.render(report, color=True)


def test_registry_imports_no_reporter_until_used() -> None:
    code = (
        "import sys, npm_auth_lint.reporters as r; "
        "print(sorted(m for m in sys.modules if m == 'sarif_om' or m.startswith('npm_auth_lint.reporters.')))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "[]"


# Concise ---------------------------------------------------------------------------------
# (the default text format has its own tests in tests/test_text_output.py)


def test_concise_lines_and_summary(root: Path) -> None:
    lines = concise_reporter.render(make_report(root, strategy=())).splitlines()
    assert lines[0] == (
        ".github/workflows/release.yml:6:3: warning [dummy-missing-id-token] "
        "job `publish` publishes to npm without `id-token: write`"
    )
    assert lines[1] == "  .github/workflows/release.yml:14:9: note: npm publish runs here"
    assert lines[-1] == "Found 4 problems (1 error, 2 warnings, 1 note) in 12 files."


@pytest.mark.parametrize(
    ("findings", "files", "expected"),
    [
        (0, 12, "No problems found in 12 files."),
        (0, 1, "No problems found in 1 file."),
        (1, 1, "Found 1 problem (1 error, 0 warnings, 0 notes) in 1 file."),
    ],
)
def test_summary_wording(root: Path, findings: int, files: int, expected: str) -> None:
    chosen = [f for f in sample_findings() if f.severity is Severity.ERROR][:findings]
    for reporter in (concise_reporter, text_reporter):
        output = reporter.render(make_report(root, findings=chosen, strategy=(), files_scanned=files))
        assert output.splitlines()[-1] == expected


def test_concise_colour_only_when_asked(root: Path) -> None:
    report = make_report(root)
    assert "\033" not in concise_reporter.render(report)
    coloured = concise_reporter.render(report, color=True)
    assert "\033[31merror\033[0m" in coloured
    assert "\033[33mwarning\033[0m" in coloured
    assert "\033[2m[dummy-unresolved]\033[0m" in coloured
    assert "\033[1m.npmrc:2:1:\033[0m" in coloured


@pytest.mark.parametrize("reporter", [concise_reporter, text_reporter], ids=["concise", "text"])
def test_strategy_follows_summary_verbatim(root: Path, reporter) -> None:
    output = reporter.render(make_report(root))
    summary = "Found 4 problems (1 error, 2 warnings, 1 note) in 12 files."
    assert output.endswith(f"{summary}\n\n{STRATEGY_TEXT}")
    assert "Publishing pipelines:" not in reporter.render(make_report(root, strategy=()))
    assert "Publishing pipelines:" not in reporter.render(make_report(root), quiet=True)


def test_strategy_text_of_many_packages_lists_commands() -> None:
    settings = PublisherSettings(
        packages=("a", "b"), provider="gitlab", fields={"Namespace": "<namespace>"},
        command="npm trust gitlab <package> --file .gitlab-ci.yml", commands=("npm trust gitlab a", "npm trust gitlab b"),
    )
    strategy = dataclasses.replace(STRATEGY[0], packages=(), blockers=("a self-hosted runner",), trusted_publishers=(settings,))
    text = strategy_text_reporter.strategy_text([strategy])
    assert "publishes (no package.json found)\n" in text
    assert "    blocker: a self-hosted runner\n" in text
    assert (
        "    trusted publisher for each of the 2 packages (gitlab):\n"
        "      one configuration per package on npmjs.com, for each of: a, b\n"
        "      Namespace: <namespace>\n      or, with npm >= 11.15.0:\n"
    ) in text
    assert text.endswith("        npm trust gitlab a\n        npm trust gitlab b\n")
    assert strategy_text_reporter.strategy_text([]) == ""


def test_concise_escapes_terminal_controls(root: Path) -> None:
    finding = DummyUnresolved().finding(
        Location("a\x1b]0;pwn\x07.yml", 1, 1), "title \x1b[2J\x9b gone \u202e evil\nnext line"
    )
    output = concise_reporter.render(make_report(root, findings=[finding], strategy=()))
    assert "\x1b" not in output and "\x07" not in output and "\x9b" not in output
    assert "\u202e" not in output
    assert "a\\x1b]0;pwn\\x07.yml:1:1: note [dummy-unresolved] title \\x1b[2J\\x9b gone \\u202e evil\n    next line\n" in output


# JSON ------------------------------------------------------------------------------------


def test_json_validates_and_carries_everything(root: Path) -> None:
    document = json.loads(json_reporter.render(make_report(root)))
    assert schema_errors(FINDINGS_VALIDATOR, document) == []
    assert document["summary"] == {"errors": 1, "warnings": 2, "notes": 1, "files_scanned": 12}
    assert document["root"] == str(root)
    assert document["strategy"] == STRATEGY_DATA
    assert "strategy_text" not in document
    first = document["findings"][0]
    assert first["rule"] == "dummy-missing-id-token" and (first["line"], first["column"]) == (6, 3)
    assert first["related"][0] == {
        "path": ".github/workflows/release.yml",
        "line": 14,
        "column": 9,
        "message": "npm publish runs here",
    }
    assert first["help_uri"] == DummyMissingIdToken.help_uri()


def test_json_schema_rejects_a_broken_document(root: Path) -> None:
    document = json.loads(json_reporter.render(make_report(root)))
    document["findings"][0]["line"] = 0
    del document["findings"][1]["rule"]
    document["version"] = 2
    assert len(schema_errors(FINDINGS_VALIDATOR, document)) == 3


def test_json_unknown_rule_has_no_help_uri(root: Path) -> None:
    finding = Finding(Location(".npmrc", 1, 1), "parse-error", "cannot parse", Severity.ERROR)
    document = json.loads(json_reporter.render(make_report(root, findings=[finding])))
    assert document["findings"][0]["help_uri"] is None
    assert schema_errors(FINDINGS_VALIDATOR, document) == []


def test_json_without_strategy_has_no_strategy_key(root: Path) -> None:
    document = json.loads(json_reporter.render(make_report(root, strategy=())))
    assert "strategy" not in document
    assert schema_errors(FINDINGS_VALIDATOR, document) == []


# SARIF -----------------------------------------------------------------------------------


def sarif_of(report: Report) -> dict:
    return json.loads(sarif_reporter.render(report))


def test_sarif_validates_against_githubs_schema(root: Path) -> None:
    assert schema_errors(SARIF_VALIDATOR, sarif_of(make_report(root))) == []
    assert schema_errors(SARIF_VALIDATOR, sarif_of(make_report(root, findings=[], strategy=()))) == []


def test_sarif_schema_check_is_not_vacuous(root: Path) -> None:
    log = sarif_of(make_report(root))
    del log["runs"][0]["tool"]["driver"]["name"]
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert len(schema_errors(SARIF_VALIDATOR, log)) == 2


def test_sarif_run_and_driver(root: Path) -> None:
    log = sarif_of(make_report(root))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "npm-auth-lint"
    assert driver["semanticVersion"] == VERSION
    assert driver["informationUri"] == "https://github.com/npm-auth-lint/npm-auth-lint"
    assert run["automationDetails"] == {"id": "npm-auth-lint/"}
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": root.as_uri() + "/"}}
    assert run["properties"] == {"strategy": STRATEGY_DATA}


def test_sarif_lists_every_enabled_rule_with_githubs_metadata(root: Path) -> None:
    log = sarif_of(make_report(root, findings=[], strategy=()))
    # An explicit empty list: SARIF reads an absent "results" as "the tool did not run".
    assert log["runs"][0]["results"] == []
    assert "properties" not in log["runs"][0]
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert [rule["id"] for rule in rules] == ["dummy-legacy-token", "dummy-missing-id-token", "dummy-unresolved"]
    legacy, missing, _ = rules
    assert legacy["name"] == "DummyLegacyToken"
    assert legacy["shortDescription"] == {"text": "A long-lived npm token is used or committed."}
    assert missing["fullDescription"] == {"text": "Checks that a job publishing to npm has `id-token: write`."}
    assert legacy["help"]["text"].startswith(DummyLegacyToken.docs())
    assert legacy["help"]["markdown"].endswith(f"({DummyLegacyToken.help_uri()})")
    assert legacy["helpUri"] == DummyLegacyToken.help_uri()
    assert legacy["defaultConfiguration"] == {"level": "error"}
    assert missing["defaultConfiguration"] == {"level": "warning"}
    assert legacy["properties"] == {
        "tags": ["security", "npm", "token"],
        "precision": "very-high",
        "security-severity": "8.7",
    }
    assert missing["properties"]["security-severity"] == "5.0"
    assert missing["properties"]["precision"] == "medium"


def test_sarif_results(root: Path) -> None:
    results = sarif_of(make_report(root))["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == [
        "dummy-missing-id-token",
        "dummy-legacy-token",
        "dummy-legacy-token",
        "dummy-unresolved",
    ]
    assert [r["ruleIndex"] for r in results] == [1, 0, 0, 2]
    # Level stays explicit even when it is "warning": an absent level means the rule's default.
    assert [r["level"] for r in results] == ["warning", "warning", "error", "note"]
    for result in results:
        assert not {"kind", "rank"} & set(result)
    first = results[0]
    assert first["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": ".github/workflows/release.yml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 6, "startColumn": 3},
            }
        }
    ]
    assert [(loc["id"], loc["message"]["text"]) for loc in first["relatedLocations"]] == [
        (1, "npm publish runs here"),
        (2, "no top-level permissions: either"),
    ]
    assert "relatedLocations" not in results[1]
    assert results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "packages/web%20app/package.json"
    )


def test_sarif_fingerprints_are_upload_sarifs(root: Path) -> None:
    results = sarif_of(make_report(root))["runs"][0]["results"]
    workflow = dict(line_hashes(WORKFLOW))
    assert results[0]["partialFingerprints"] == {"primaryLocationLineHash": workflow[6]}
    assert results[1]["partialFingerprints"] == {"primaryLocationLineHash": workflow[16]}
    assert results[2]["partialFingerprints"] == {"primaryLocationLineHash": dict(line_hashes(NPMRC))[2]}
    assert results[3]["partialFingerprints"] == {"primaryLocationLineHash": dict(line_hashes(PACKAGE_JSON))[3]}


def test_sarif_omits_fingerprint_of_an_unreadable_file(root: Path) -> None:
    (root / ".npmrc").unlink()
    results = sarif_of(make_report(root))["runs"][0]["results"]
    assert "partialFingerprints" not in results[2]
    assert "partialFingerprints" in results[0]


def test_sarif_unknown_rule_has_no_rule_index(root: Path) -> None:
    finding = Finding(Location(".npmrc", 1, 1), "parse-error", "cannot parse", Severity.ERROR)
    log = sarif_of(make_report(root, findings=[finding], strategy=()))
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "parse-error" and "ruleIndex" not in result
    assert schema_errors(SARIF_VALIDATOR, log) == []


def _sarif_om_log(report: Report) -> dict:
    """The log as the sarif-om object model builds it (the reporter's former implementation):
    the oracle for property names, nesting, order and dropped defaults."""
    import attr
    import sarif_om as om

    def to_json(value):
        if attr.has(type(value)):
            out = {}
            for field in attr.fields(type(value)):
                item = getattr(value, field.name)
                default = field.default.factory() if isinstance(field.default, attr.Factory) else field.default
                if item is None or (field.name != "level" and item == default):
                    continue
                out[field.metadata["schema_property_name"]] = to_json(item)
            return out
        if isinstance(value, dict):
            return {str(k): to_json(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [to_json(v) for v in value]
        return value

    def physical(location):
        return om.PhysicalLocation(
            artifact_location=om.ArtifactLocation(uri=sarif_reporter.artifact_uri(location.path), uri_base_id="%SRCROOT%"),
            region=om.Region(start_line=location.line, start_column=location.column),
        )

    plain = sarif_reporter.sarif_log(report)  # fingerprints and descriptors' texts are shared
    indexes = {rule.id: index for index, rule in enumerate(report.rules)}
    results = []
    for finding, built in zip(report.findings, plain["runs"][0]["results"]):
        related = [
            om.Location(id=n, physical_location=physical(r.location), message=om.Message(text=clean(r.message, finding.secrets)))
            for n, r in enumerate(finding.related, start=1)
        ]
        results.append(om.Result(
            rule_id=finding.rule_id, rule_index=indexes.get(finding.rule_id, -1), level=finding.severity.value,
            message=om.Message(text=clean(finding.message, finding.secrets)),
            locations=[om.Location(physical_location=physical(finding.location))],
            related_locations=related or None, partial_fingerprints=built.get("partialFingerprints"),
        ))
    descriptors = [
        om.ReportingDescriptor(
            id=d["id"], name=d["name"], short_description=om.MultiformatMessageString(text=d["shortDescription"]["text"]),
            full_description=om.MultiformatMessageString(text=d["fullDescription"]["text"]),
            help=om.MultiformatMessageString(text=d["help"]["text"], markdown=d["help"]["markdown"]),
            help_uri=d["helpUri"], default_configuration=om.ReportingConfiguration(level=d["defaultConfiguration"]["level"]),
            properties=d["properties"],
        )
        for d in plain["runs"][0]["tool"]["driver"]["rules"]
    ]
    run = om.Run(
        tool=om.Tool(driver=om.ToolComponent(
            name="npm-auth-lint", semantic_version=report.version, information_uri=sarif_reporter.INFORMATION_URI, rules=descriptors,
        )),
        results=results,
        automation_details=om.RunAutomationDetails(id="npm-auth-lint/"),
        original_uri_base_ids={"%SRCROOT%": om.ArtifactLocation(uri=sarif_reporter.root_uri(report.root))},
        column_kind="unicodeCodePoints",
        properties=plain["runs"][0].get("properties"),
    )
    log = to_json(om.SarifLog(runs=[run], version="2.1.0", schema_uri=sarif_reporter.SCHEMA_URI))
    return {"$schema": log.pop("$schema"), "version": log.pop("version"), **log}


@pytest.mark.parametrize("strategy", [STRATEGY, ()], ids=["strategy", "no-strategy"])
def test_sarif_matches_the_sarif_om_model(root: Path, strategy) -> None:
    unknown = Finding(Location(".npmrc", 1, 1), "parse-error", "cannot parse", Severity.ERROR)
    report = make_report(root, findings=[*sample_findings(), unknown], strategy=strategy)
    expected = json.dumps(_sarif_om_log(report), indent=2, ensure_ascii=False) + "\n"
    assert sarif_reporter.render(report) == expected


def test_camel_case() -> None:
    assert sarif_reporter.camel_case("hardcoded-npm-token") == "HardcodedNpmToken"
    assert sarif_reporter.camel_case("node-22") == "Node22"


# GitHub ----------------------------------------------------------------------------------


def test_github_commands(root: Path) -> None:
    lines = github_reporter.render(make_report(root)).splitlines()
    assert lines[0] == (
        "::warning file=.github/workflows/release.yml,line=6,col=3,"
        "title=npm-auth-lint [dummy-missing-id-token]::"
        "job `publish` publishes to npm without `id-token: write`"
        "%0A.github/workflows/release.yml:14:9: note: npm publish runs here"
        "%0A.github/workflows/release.yml:1:1: note: no top-level permissions: either"
    )
    assert lines[2].startswith("::error file=.npmrc,line=2,col=1,title=npm-auth-lint [dummy-legacy-token]::")
    assert lines[3].startswith("::notice file=packages/web app/package.json,line=3,col=3,")
    assert lines[4] == "Found 4 problems (1 error, 2 warnings, 1 note) in 12 files."


def test_github_escaping() -> None:
    assert github_reporter.escape_data("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b"
    assert github_reporter.escape_property("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext%3A a%2Cb"
    # Escaping % first keeps an already-escaped-looking text literal.
    assert github_reporter.escape_data("%0A") == "%250A"


def test_github_escapes_paths_and_messages(root: Path) -> None:
    finding = DummyUnresolved().finding(
        Location("dir,x/a:b.yml", 2, 5), "first\nsecond\r::error::injected"
    )
    (line, _summary) = github_reporter.render(make_report(root, findings=[finding], strategy=())).splitlines()
    assert line == (
        "::notice file=dir%2Cx/a%3Ab.yml,line=2,col=5,title=npm-auth-lint [dummy-unresolved]::"
        "first%0Asecond%0D::error::injected"
    )


# Redaction -------------------------------------------------------------------------------


def secret_report(root: Path) -> Report:
    message = f"token {NPM_TOKEN} and legacy {UUID_TOKEN} found"
    finding = DummyLegacyToken().finding(
        Location(".npmrc", 2, 1),
        message,
        related=[Related(Location(".npmrc", 1, 1), f"also {UUID_TOKEN} and {NPM_TOKEN}")],
        secrets=[NPM_TOKEN, UUID_TOKEN],
    )
    # The strategy quotes publish commands and settings as written: a token may be among them.
    settings = dataclasses.replace(STRATEGY[0].trusted_publishers[0], fields={UUID_TOKEN: f"rotate {NPM_TOKEN}"})
    strategy = dataclasses.replace(
        STRATEGY[0], publish=f"npm publish --//registry.npmjs.org/:_authToken={NPM_TOKEN}",
        checklist=(f"rotate {UUID_TOKEN} and {NPM_TOKEN}",), trusted_publishers=(settings,),
    )
    return make_report(root, findings=[finding], strategy=[strategy])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("color", [False, True])
def test_no_format_prints_a_secret(root: Path, fmt: str, color: bool) -> None:
    options = {"color": color} if fmt == "text" else {}
    output = REPORTERS[fmt](secret_report(root), **options)
    assert NPM_TOKEN not in output
    assert UUID_TOKEN not in output
    # JSON escapes could hide a token from the plain check; decode and look again.
    if fmt in ("json", "sarif"):
        assert UUID_TOKEN not in json.dumps(json.loads(output), ensure_ascii=False)
    assert "npm_****" in output and "****" in output


# Properties ------------------------------------------------------------------------------

MESSAGES = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=200)


def one_finding_report(root: Path, message: str, path: str = ".npmrc") -> Report:
    finding = DummyMissingIdToken().finding(
        Location(path, 2, 1), message, related=[Related(Location(path, 1, 1), message)]
    )
    return make_report(root, findings=[finding], strategy=())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=MESSAGES)
def test_any_message_round_trips_through_json_and_sarif(root: Path, message: str) -> None:
    report = one_finding_report(root, message)
    expected = clean(message)
    document = json.loads(json_reporter.render(report))
    assert schema_errors(FINDINGS_VALIDATOR, document) == []
    assert document["findings"][0]["message"] == expected
    assert document["findings"][0]["related"][0]["message"] == expected
    log = json.loads(sarif_reporter.render(report))
    assert schema_errors(SARIF_VALIDATOR, log) == []
    assert log["runs"][0]["results"][0]["message"]["text"] == expected
    # Every output must be writable as UTF-8, whatever the message held.
    for fmt in FORMATS:
        REPORTERS[fmt](report).encode("utf-8")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(message=MESSAGES, path=st.text(min_size=1, max_size=40))
def test_github_never_breaks_a_command_line(root: Path, message: str, path: str) -> None:
    output = github_reporter.render(one_finding_report(root, message, path))
    assert "\r" not in output
    command, summary, end = output.split("\n")
    assert (summary, end) == ("Found 1 problem (0 errors, 1 warning, 0 notes) in 12 files.", "")
    match = re.fullmatch(r"::warning file=([^,:]*),line=2,col=1,title=([^,:]*)::(.*)", command)
    assert match, command

    def unescape(text: str) -> str:
        # The Actions runner's order: everything else first, %25 last.
        for escaped, raw in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
            text = text.replace(escaped, raw)
        return text

    # Terminal controls are shown escaped (issue #13), CR and LF by the runner's own escapes.
    def shown(text: str) -> str:
        return "\n".join(escape_controls(part) for part in text.split("\n")).replace("\\x0d", "\r")

    assert unescape(match[1]) == shown(clean(path))
    assert unescape(match[2]) == "npm-auth-lint [dummy-missing-id-token]"
    expected = f"{clean(message)}\n{clean(path)}:1:1: note: {clean(message)}"
    assert unescape(match[3]) == shown(expected)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_undecodable_file_name_still_writes_as_utf8(root: Path, fmt: str) -> None:
    # A folder named with a byte that is not UTF-8 reaches the model as a lone surrogate
    # (os.fsdecode); `--output FILE` writes UTF-8, so every format must replace it.
    report = one_finding_report(root, "message", path="pk\udcff/.npmrc")
    REPORTERS[fmt](report).encode("utf-8")
