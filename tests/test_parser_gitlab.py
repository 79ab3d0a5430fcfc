"""GitLab CI parser: composition (includes, extends, !reference, default) and the model it builds.

Locations are asserted with :func:`at`, which finds where a piece of text is written in a fixture
file, so every assertion pins the exact file, line and column a value must point at.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import (
    EnvScope,
    Hosting,
    Job,
    Location,
    Pipeline,
    Project,
    Provider,
    ValueSourceKind,
)
from npm_auth_lint.parsers import PARSERS, Parsed
from npm_auth_lint.parsers import gitlab
from npm_auth_lint.parsers.gitlab_compose import wildcard_regex
from npm_auth_lint.workspace import Kind, Workspace

from .conftest import FIXTURES

CASES = FIXTURES / "parsers" / "gitlab"
NPM_FIX = 'id_tokens:\n  NPM_ID_TOKEN:\n    aud: "npm:registry.npmjs.org"'


def load(case: str | Path, path: str = ".gitlab-ci.yml") -> Parsed:
    root = CASES / case if isinstance(case, str) else case
    workspace = Workspace(root)
    workspace.discover([root])
    return gitlab.parse(workspace, path)


def at(case: str, rel: str, needle: str, nth: int = 0) -> Location:
    """Where the ``nth`` occurrence of ``needle`` is written in a fixture file."""
    text = (CASES / case / rel).read_text(encoding="utf-8")
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return Location(rel, line, column)


def word(case: str, rel: str, context: str, needle: str) -> Location:
    """Where ``needle`` is written inside the first occurrence of ``context``."""
    start = at(case, rel, context)
    return Location(rel, start.line, start.column + context.index(needle))


def pipeline(parsed: Parsed, index: int = 0) -> Pipeline:
    return parsed.pipelines[index]


def job(parsed: Parsed, name: str, index: int = 0) -> Job:
    matches = [j for j in pipeline(parsed, index).jobs if j.id == name]
    assert len(matches) == 1, [j.id for j in pipeline(parsed, index).jobs]
    return matches[0]


def commands(j: Job, section: str | None = None) -> list[tuple[tuple[str, ...], Location]]:
    return [(c.words, c.location) for s in j.steps if section in (None, s.name) for c in s.commands]


def env(j: Job) -> list[tuple[str, str, EnvScope, Location]]:
    return [(e.name, e.value, e.scope, e.location) for e in j.env]


def whats(parsed: Parsed) -> list[str]:
    return [r.what for r in parsed.references]


def test_registered_for_gitlab_ci_files() -> None:
    parsed = PARSERS[Kind.GITLAB_CI](Workspace(CASES / "include-string"), ".gitlab-ci.yml")
    assert [j.id for j in parsed.pipelines[0].jobs] == ["build", "publish"]


# --------------------------------------------------------------------------------------------
# include:


def test_include_string_merges_included_jobs_first() -> None:
    case = "include-string"
    parsed = load(case)
    assert pipeline(parsed).provider is Provider.GITLAB
    assert pipeline(parsed).path == ".gitlab-ci.yml"
    assert [j.id for j in pipeline(parsed).jobs] == ["build", "publish"]
    build = job(parsed, "build")
    assert build.location == at(case, "ci/one.yml", "build:")
    assert build.steps[0].location == at(case, "ci/one.yml", "script:")
    assert commands(build) == [
        (("npm", "ci"), at(case, "ci/one.yml", "npm ci")),
        (("npm", "run", "build"), at(case, "ci/one.yml", "npm run build")),
    ]
    assert commands(job(parsed, "publish")) == [(("npm", "publish"), at(case, ".gitlab-ci.yml", "npm publish"))]
    assert parsed.references == () and parsed.parse_errors == ()


def test_include_forms_string_item_local_key_rules_and_wildcard() -> None:
    case = "include-forms"
    parsed = load(case)
    assert [j.id for j in pipeline(parsed).jobs] == [
        "from-string-item",
        "from-local-key",
        "from-rules-guarded",
        "from-wild-a",
        "publish",
    ]
    assert commands(job(parsed, "from-local-key")) == [(("echo", "local-key"), at(case, "ci/local-key.yml", "echo"))]
    assert commands(job(parsed, "from-rules-guarded")) == [
        (("echo", "rules-guarded"), at(case, "ci/rules-guarded.yml", "echo"))
    ]
    # `ci/wild/*.yml`: not `b.yaml`, not the sub-folder.
    assert commands(job(parsed, "from-wild-a")) == [(("echo", "wild-a"), at(case, "ci/wild/a.yml", "echo"))]
    assert parsed.references == ()


def test_include_wildcards_follow_gitlab_not_gitignore() -> None:
    case = "include-wildcard-recursive"
    parsed = load(case)
    # `ci/**.yml` is every .yml below ci/; `other/**/*.yml` only those in sub-folders of other/.
    assert sorted(j.id for j in pipeline(parsed).jobs) == [
        "ci-sub-deeper-bottom",
        "ci-sub-middle",
        "ci-top",
        "other-sub-nested",
    ]
    deep = job(parsed, "ci-sub-deeper-bottom")
    assert deep.location == at(case, "ci/sub/deeper/bottom.yml", "ci-sub-deeper-bottom:")


def test_wildcard_regex_semantics() -> None:
    assert wildcard_regex("ci/*.yml").match("ci/a.yml")
    assert not wildcard_regex("ci/*.yml").match("ci/sub/a.yml")
    assert wildcard_regex("ci/**.yml").match("ci/sub/deeper/a.yml")
    assert wildcard_regex("ci/**/*.yml").match("ci/sub/a.yml")
    assert not wildcard_regex("ci/**/*.yml").match("ci/a.yml")
    assert not wildcard_regex("ci/*.yml").match("ci/a.yaml")
    assert not wildcard_regex("c?/a.yml").match("ci/a.yml")  # only `*` is special


def test_nested_includes_merge_in_order_and_stop_at_cycles() -> None:
    case = "include-nested"
    parsed = load(case)
    build = job(parsed, "build")
    # The including file's keys win; the job is where the main file writes it.
    assert build.location == at(case, ".gitlab-ci.yml", "build:")
    assert build.image is not None and build.image.value == "node:24"
    assert build.image.location == at(case, ".gitlab-ci.yml", "node:24")
    # a.yml overrides b.yml's script (lists are replaced, not concatenated).
    assert build.steps[0].location == at(case, "ci/a.yml", "script:")
    assert commands(build) == [
        (("npm", "ci"), at(case, "ci/a.yml", "npm ci")),
        (("npm", "run", "build"), at(case, "ci/a.yml", "npm run build")),
    ]
    # Variables are deep-merged across the three files.
    assert env(build) == [
        ("FROM_B", "b", EnvScope.JOB, at(case, "ci/b.yml", "FROM_B")),
        ("FROM_A", "a", EnvScope.JOB, at(case, "ci/a.yml", "FROM_A")),
        ("FROM_MAIN", "main", EnvScope.JOB, at(case, ".gitlab-ci.yml", "FROM_MAIN")),
    ]
    # A template from the nested include is reachable with extends.
    publish = job(parsed, "publish")
    assert commands(publish, "before_script") == [(("echo", "from-b"), at(case, "ci/b.yml", "echo from-b"))]
    # a.yml includes itself; b.yml includes a.yml while a.yml is being included.
    assert sorted((r.location, r.what) for r in parsed.references) == [
        (at(case, "ci/a.yml", "local: ci/a.yml"), "local include ci/a.yml not followed: include cycle"),
        (at(case, "ci/b.yml", "ci/a.yml"), "local include ci/a.yml not followed: include cycle"),
    ]


def test_external_includes_are_references_and_the_rest_is_composed() -> None:
    case = "include-external"
    parsed = load(case)
    assert [j.id for j in pipeline(parsed).jobs] == ["present", "publish"]
    got = [(r.location, r.what) for r in parsed.references]
    assert got == [
        (at(case, ".gitlab-ci.yml", "https://example.com/ci/remote-string.yml"),
         "remote include https://example.com/ci/remote-string.yml"),
        (at(case, ".gitlab-ci.yml", "remote:"), "remote include https://example.com/ci/remote-key.yml"),
        (at(case, ".gitlab-ci.yml", "template:"), "template Jobs/SAST.gitlab-ci.yml"),
        (at(case, ".gitlab-ci.yml", "/templates/node.yml"), "project include my-group/ci-templates:templates/node.yml@v1.2.0"),
        (at(case, ".gitlab-ci.yml", "templates/publish.yml"), "project include my-group/ci-templates:templates/publish.yml@v1.2.0"),
        (at(case, ".gitlab-ci.yml", "project: my-group/single"), "project include my-group/single:ci.yml"),
        (at(case, ".gitlab-ci.yml", "component:"), "component $CI_SERVER_FQDN/my-group/components/npm-publish@1.0.0"),
        (at(case, ".gitlab-ci.yml", "local: ci/missing.yml"), "local include ci/missing.yml not found"),
        (at(case, ".gitlab-ci.yml", "local: ci/settings.json"), "local include ci/settings.json is not a YAML file (.yml or .yaml)"),
        (at(case, ".gitlab-ci.yml", "local: $CI_PROJECT_DIR"), "local include $CI_PROJECT_DIR/ci/x.yml (uses CI/CD variables)"),
    ]
    assert parsed.parse_errors == ()


def test_include_limit_is_gitlabs_150(repo) -> None:
    files = {".gitlab-ci.yml": "include:\n" + "".join(f"  - ci/f{i}.yml\n" for i in range(152))}
    files.update({f"ci/f{i}.yml": f"job{i}:\n  script: [echo {i}]\n" for i in range(152)})
    parsed = load(repo(files))
    assert len(pipeline(parsed).jobs) == 150
    assert whats(parsed) == [
        "local include ci/f150.yml not followed: more than 150 includes",
        "local include ci/f151.yml not followed: more than 150 includes",
    ]


def test_duplicate_include_is_merged_again(repo) -> None:
    files = {
        ".gitlab-ci.yml": "include:\n  - ci/base.yml\n  - ci/override.yml\n  - ci/base.yml\n",
        "ci/base.yml": "job:\n  image: node:20\n  script: [echo base]\n",
        "ci/override.yml": "job:\n  image: node:24\n",
    }
    parsed = load(repo(files))
    image = job(parsed, "job").image
    # GitLab merges a repeated include again (MR 78297): base.yml's image wins the second time.
    assert image is not None and image.value == "node:20"
    assert image.location == Location("ci/base.yml", 2, 10)


# --------------------------------------------------------------------------------------------
# extends:


def test_extends_multi_level_and_multiple_parents() -> None:
    case = "extends"
    parsed = load(case)
    publish = job(parsed, "publish")
    assert publish.location == at(case, ".gitlab-ci.yml", "publish:")
    # image from .base (two levels up, in the included file); tags from .middle.
    assert publish.image is not None and publish.image.location == at(case, "ci/templates.yml", "node:20")
    assert publish.runner is not None and publish.runner.location == at(case, ".gitlab-ci.yml", "tags:")
    # script: the later parent (.other) replaces .base's list.
    script = [s for s in publish.steps if s.name == "script"][0]
    assert script.location == at(case, ".gitlab-ci.yml", "script:")
    assert commands(publish, "script") == [(("echo", "other-script"), at(case, ".gitlab-ci.yml", "echo other-script"))]
    assert script.via == (at(case, ".gitlab-ci.yml", ".other", 1),)
    before = [s for s in publish.steps if s.name == "before_script"][0]
    assert before.location == at(case, "ci/templates.yml", "before_script:")
    assert commands(publish, "before_script") == [(("echo", "base-before"), at(case, "ci/templates.yml", "echo base-before"))]
    # .middle (listed in publish's extends), then .base (in .middle's extends).
    assert before.via == (at(case, ".gitlab-ci.yml", ".middle", 1), at(case, ".gitlab-ci.yml", ".base"))
    after = [s for s in publish.steps if s.name == "after_script"][0]
    assert after.via == ()
    assert [s.name for s in publish.steps] == ["before_script", "script", "after_script"]
    # variables deep-merged: A from .base, B overridden by .middle, C from .other, D own.
    assert env(publish) == [
        ("A", "base-a", EnvScope.JOB, at(case, "ci/templates.yml", "A:")),
        ("B", "middle-b", EnvScope.JOB, at(case, ".gitlab-ci.yml", "B:")),
        ("C", "other-c", EnvScope.JOB, at(case, ".gitlab-ci.yml", "C:")),
        ("D", "job-d", EnvScope.JOB, at(case, ".gitlab-ci.yml", "D:")),
    ]


def test_extends_problems_are_references() -> None:
    case = "extends"
    parsed = load(case)
    assert [(r.location, r.what) for r in parsed.references] == [
        (at(case, ".gitlab-ci.yml", ".nope"), "extends: unknown job .nope"),
        (at(case, ".gitlab-ci.yml", "stages", 0), "extends: stages is not a job"),
        (word(case, ".gitlab-ci.yml", "extends: loop-a", "loop-a"), "extends: circular chain through loop-a"),
    ]
    # The jobs are still there with their own keys.
    assert commands(job(parsed, "broken")) == [(("echo", "broken"), at(case, ".gitlab-ci.yml", "echo broken"))]
    assert commands(job(parsed, "loop-a")) == [(("echo", "loop-a"), at(case, ".gitlab-ci.yml", "echo loop-a"))]
    assert commands(job(parsed, "loop-b")) == [(("echo", "loop-b"), at(case, ".gitlab-ci.yml", "echo loop-b"))]


def test_extends_nesting_limit(repo) -> None:
    # job -> .l1 -> ... -> .l12: GitLab allows 11 levels (ancestors > 10 fail).
    lines = ["job:\n  extends: .l1\n  script: [echo job]\n"]
    for level in range(1, 13):
        parent = f"  extends: .l{level + 1}\n" if level < 12 else ""
        lines.append(f".l{level}:\n{parent}  variables:\n    L{level}: x\n")
    parsed = load(repo({".gitlab-ci.yml": "".join(lines)}))
    assert whats(parsed) == ["extends: nesting deeper than 11 levels at .l11"]
    names = [e.name for e in job(parsed, "job").env]
    assert names == [f"L{level}" for level in range(11, 0, -1)]


# --------------------------------------------------------------------------------------------
# !reference and anchors


def test_reference_in_script_is_flattened_with_each_items_own_location() -> None:
    case = "reference"
    parsed = load(case)
    publish = job(parsed, "publish")
    setup = [
        (("echo", "setup-1"), at(case, "ci/setup.yml", "echo setup-1")),
        (("npm", "ci"), at(case, "ci/setup.yml", "npm ci")),
        (("npm", "run", "build"), at(case, "ci/setup.yml", "npm run build")),
    ]
    assert commands(publish, "before_script") == setup
    before = publish.steps[0]
    assert before.location == at(case, ".gitlab-ci.yml", "before_script:")
    assert before.via == (at(case, ".gitlab-ci.yml", "!reference [.setup, script]"),)
    assert commands(publish, "script") == [
        (("echo", "first"), at(case, ".gitlab-ci.yml", "echo first")),
        *setup,
        *setup,  # through .nested, a reference to a reference
        (("echo", "nested"), at(case, ".gitlab-ci.yml", "echo nested")),
        (("npm", "publish"), at(case, ".gitlab-ci.yml", "npm publish")),
    ]
    assert publish.steps[1].via == ()


def test_reference_in_variables() -> None:
    case = "reference"
    parsed = load(case)
    publish = job(parsed, "publish")
    assert env(publish) == [
        ("NPM_TOKEN", "$NPM_TOKEN_SECRET", EnvScope.JOB, at(case, ".gitlab-ci.yml", "NPM_TOKEN:")),
        ("NPM_CONFIG_REGISTRY", "https://registry.npmjs.org/", EnvScope.JOB, at(case, ".gitlab-ci.yml", "NPM_CONFIG_REGISTRY:")),
    ]
    assert publish.env[0].source.kind is ValueSourceKind.VARIABLE
    assert publish.env[0].source.name == "NPM_TOKEN_SECRET"
    single = job(parsed, "single")
    assert env(single) == [("TOKEN", "$NPM_TOKEN_SECRET", EnvScope.JOB, at(case, ".gitlab-ci.yml", "TOKEN:", 1))]


def test_reference_problems_are_references() -> None:
    case = "reference"
    parsed = load(case)
    assert sorted((r.location, r.what) for r in parsed.references) == [
        (at(case, ".gitlab-ci.yml", "!reference [.missing"), "!reference [.missing, script] could not be found"),
        (at(case, ".gitlab-ci.yml", "!reference [circular"), "!reference [circular, script] is part of a circular chain"),
    ]
    assert commands(job(parsed, "single")) == [(("echo", "single"), at(case, ".gitlab-ci.yml", "echo single"))]


def test_reference_sees_the_extended_job() -> None:
    case = "reference-extends"
    parsed = load(case)
    publish = job(parsed, "publish")
    assert commands(publish) == [(("echo", "base"), at(case, ".gitlab-ci.yml", "echo base"))]
    assert env(publish) == [("X", "x", EnvScope.JOB, at(case, ".gitlab-ci.yml", "X:"))]


def test_reference_nesting_limit(repo) -> None:
    lines = ["job:\n  script: !reference [.r0, script]\n"]
    for level in range(12):
        target = f"!reference [.r{level + 1}, script]" if level < 11 else "[echo deepest]"
        lines.append(f".r{level}:\n  script: {target}\n")
    parsed = load(repo({".gitlab-ci.yml": "".join(lines)}))
    assert "!reference [.r10, script] nested deeper than 10 levels" in whats(parsed)
    assert commands(job(parsed, "job")) == []


def test_anchors_and_merge_keys_keep_the_anchor_lines() -> None:
    case = "anchors"
    parsed = load(case)
    publish = job(parsed, "publish")
    assert publish.image is not None and publish.image.location == at(case, ".gitlab-ci.yml", "node:22")
    assert publish.runner is not None and publish.runner.hosting is Hosting.HOSTED
    assert publish.runner.location == at(case, ".gitlab-ci.yml", "tags:")
    assert commands(publish) == [
        (("npm", "ci"), at(case, ".gitlab-ci.yml", "npm ci")),
        (("npm", "run", "build"), at(case, ".gitlab-ci.yml", "npm run build")),
        (("npm", "publish"), at(case, ".gitlab-ci.yml", "npm publish")),
    ]
    other = job(parsed, "other")
    assert other.image is not None and other.image.value == "node:24"  # explicit key beats the merge
    assert env(other) == [
        ("NPM_CONFIG_PROVENANCE", "true", EnvScope.JOB, at(case, ".gitlab-ci.yml", "NPM_CONFIG_PROVENANCE:")),
    ]


# --------------------------------------------------------------------------------------------
# default:, inherit:, variables, hidden jobs


def test_default_and_deprecated_globals_apply_to_jobs_that_do_not_set_them() -> None:
    case = "default-inherit"
    parsed = load(case)
    all_ = job(parsed, "all")
    assert all_.image is not None and all_.image.value == "node:22"
    assert all_.image.location == at(case, ".gitlab-ci.yml", "node:22")
    assert [(s.name, s.location) for s in all_.steps] == [
        ("before_script", at(case, ".gitlab-ci.yml", "before_script:")),
        ("script", at(case, ".gitlab-ci.yml", "script:", 2)),  # after before_ and after_script:
        ("after_script", at(case, ".gitlab-ci.yml", "after_script:")),
    ]
    assert commands(all_, "before_script") == [(("echo", "global-before"), at(case, ".gitlab-ci.yml", "echo global-before"))]
    assert all_.runner is not None and all_.runner.location == at(case, ".gitlab-ci.yml", "tags:")
    assert all_.id_token is not None and all_.id_token.granted
    assert all_.id_token.anchor == at(case, ".gitlab-ci.yml", "id_tokens:")
    assert env(all_) == [
        ("GLOBAL_A", "a", EnvScope.GLOBAL, at(case, ".gitlab-ci.yml", "GLOBAL_A:")),
        ("GLOBAL_B", "b", EnvScope.GLOBAL, at(case, ".gitlab-ci.yml", "GLOBAL_B:")),
    ]


def test_inherit_false_and_lists() -> None:
    case = "default-inherit"
    parsed = load(case)
    none = job(parsed, "none")
    assert none.image is None
    assert [s.name for s in none.steps] == ["script"]
    assert none.runner is not None and none.runner.hosting is Hosting.HOSTED and none.runner.location is None
    assert none.id_token is not None and not none.id_token.granted
    assert none.id_token.anchor == none.location == at(case, ".gitlab-ci.yml", "none:")
    assert none.env == ()
    some = job(parsed, "some")
    assert some.image is not None and some.image.value == "node:22"
    assert [s.name for s in some.steps] == ["script"]
    assert some.id_token is not None and some.id_token.granted
    assert some.runner is not None and some.runner.labels == ()
    assert env(some) == [("GLOBAL_B", "b", EnvScope.GLOBAL, at(case, ".gitlab-ci.yml", "GLOBAL_B:"))]


def test_job_values_override_default_and_globals() -> None:
    case = "default-inherit"
    override = job(load(case), "override")
    assert override.image is not None and override.image.value == "node:24"
    assert override.image.location == at(case, ".gitlab-ci.yml", "node:24")
    # `before_script: []` is set: nothing runs before, and no empty step is made.
    assert [s.name for s in override.steps] == ["script", "after_script"]
    assert env(override) == [
        ("GLOBAL_B", "b", EnvScope.GLOBAL, at(case, ".gitlab-ci.yml", "GLOBAL_B:")),
        ("GLOBAL_A", "job-a", EnvScope.JOB, at(case, ".gitlab-ci.yml", "GLOBAL_A:", 1)),
    ]


def test_hidden_jobs_are_kept_as_hidden() -> None:
    case = "hidden-jobs"
    parsed = load(case)
    jobs = pipeline(parsed).jobs
    assert [(j.id, j.hidden) for j in jobs] == [(".publish-template", True), ("release", False), ("pages", False)]
    release = job(parsed, "release")
    assert release.location == at(case, ".gitlab-ci.yml", "release:")
    assert commands(release) == [(("npm", "publish"), at(case, ".gitlab-ci.yml", "npm publish"))]
    project = Project(root="/", pipelines=parsed.pipelines)
    assert [j.id for _, j in project.jobs()] == ["release", "pages"]


# --------------------------------------------------------------------------------------------
# id_tokens, runners, image, environment, matrix


@pytest.mark.parametrize(
    ("name", "granted", "problem", "sigstore", "anchor"),
    [
        ("right", True, "", False, "id_tokens:"),
        ("with-sigstore", True, "", True, "id_tokens:"),
        ("list-aud", True, "", False, "id_tokens:"),
        ("wrong-name", False, "id token is named NPM_TOKEN, npm reads NPM_ID_TOKEN", False, "id_tokens:"),
        ("wrong-aud", False, "aud is 'npm:npmjs.org', must be exactly 'npm:registry.npmjs.org'", True, "id_tokens:"),
        ("no-aud", False, "NPM_ID_TOKEN has no aud, it must be exactly 'npm:registry.npmjs.org'", False, "id_tokens:"),
        ("other-token", False, "id_tokens has no NPM_ID_TOKEN", False, "id_tokens:"),
        ("missing", False, "no id_tokens", False, "missing:"),
    ],
)
def test_id_tokens(name: str, granted: bool, problem: str, sigstore: bool, anchor: str) -> None:
    case = "id-tokens"
    j = job(load(case), name)
    token = j.id_token
    assert token is not None
    assert (token.granted, token.problem, token.sigstore) == (granted, problem, sigstore)
    # The anchor is this job's `id_tokens:` key (or its name line): find it after the job's line.
    text = (CASES / case / ".gitlab-ci.yml").read_text().splitlines()
    line = next(i for i in range(j.location.line, len(text) + 1) if text[i - 1].strip().startswith(anchor))
    assert token.anchor == Location(".gitlab-ci.yml", line, text[line - 1].index(anchor) + 1)
    if granted:
        assert token.fix == ""
    elif sigstore:
        assert token.fix == NPM_FIX + "\n  SIGSTORE_ID_TOKEN:\n    aud: sigstore"
    else:
        assert token.fix == NPM_FIX


@pytest.mark.parametrize(
    ("name", "labels", "hosting", "where", "why"),
    [
        ("from-default", ("saas-linux-medium-amd64",), Hosting.HOSTED, ("tags:", 0), ""),
        ("untagged", (), Hosting.HOSTED, None, ""),
        ("saas", ("saas-linux-large-arm64", "saas-macos-large-m2pro"), Hosting.HOSTED, ("tags:", 1), ""),
        ("self-managed", ("docker", "my-runner"), Hosting.SELF_HOSTED, ("tags:", 2),
         "tags docker, my-runner are not GitLab.com hosted-runner tags"),
        ("mixed", ("saas-linux-small-amd64", "k8s"), Hosting.SELF_HOSTED, ("tags:", 3),
         "tag k8s is not a GitLab.com hosted-runner tag"),
        ("variable", ("$RUNNER_TAG",), Hosting.UNKNOWN, ("tags:", 4), "tags use CI/CD variables"),
        ("empty", (), Hosting.HOSTED, None, ""),
    ],
)
def test_runners_from_tags(name: str, labels: tuple[str, ...], hosting: Hosting, where: tuple[str, int] | None, why: str) -> None:
    case = "runners"
    runner = job(load(case), name).runner
    assert runner is not None
    assert (runner.labels, runner.hosting, runner.why) == (labels, hosting, why)
    assert runner.location == (at(case, ".gitlab-ci.yml", *where) if where else None)


def test_image_environment_and_matrix() -> None:
    case = "image-env-matrix"
    parsed = load(case)
    simple = job(parsed, "image-string")
    assert simple.image is not None and (simple.image.value, simple.image.location) == (
        "node:22.14.0", at(case, ".gitlab-ci.yml", "node:22.14.0"))
    assert simple.environment is not None and (simple.environment.value, simple.environment.location) == (
        "production", at(case, ".gitlab-ci.yml", "production"))
    mapped = job(parsed, "image-map")
    assert mapped.image is not None and (mapped.image.value, mapped.image.location) == (
        "registry.example.com/node:24", at(case, ".gitlab-ci.yml", "registry.example.com/node:24"))
    assert mapped.environment is not None and (mapped.environment.value, mapped.environment.location) == (
        "npm", at(case, ".gitlab-ci.yml", "npm\n"))
    matrix = job(parsed, "matrix")
    assert [(axis.name, [(t.value, t.location) for t in axis.values]) for axis in matrix.matrix] == [
        ("NODE", [
            ("20", at(case, ".gitlab-ci.yml", '"20"')),
            ("22", at(case, ".gitlab-ci.yml", '"22"')),
            ("24", at(case, ".gitlab-ci.yml", "24]")),
        ]),
        ("OS", [("linux", at(case, ".gitlab-ci.yml", "linux"))]),
    ]


# --------------------------------------------------------------------------------------------
# Scripts


def test_script_shapes_and_lines() -> None:
    case = "scripts"
    parsed = load(case)
    assert commands(job(parsed, "string-script")) == [
        (("npm", "publish", "--tag", "next"), at(case, ".gitlab-ci.yml", "npm publish --tag next")),
    ]
    shapes = job(parsed, "shapes")
    assert [s.name for s in shapes.steps] == ["script"]  # `after_script: 7` is not a script
    assert commands(shapes) == [
        (("echo", "plain"), at(case, ".gitlab-ci.yml", "echo plain")),
        (("npm", "config", "set", "registry", "https://registry.npmjs.org/"), at(case, ".gitlab-ci.yml", "npm config")),
        (("npm", "ci"), at(case, ".gitlab-ci.yml", "npm ci")),
        (("[", "-n", "$CI_COMMIT_TAG", "]"), at(case, ".gitlab-ci.yml", "[ -n")),
        (("npm", "publish"), at(case, ".gitlab-ci.yml", "npm publish", 1)),
        (("npm", "publish", "--access", "public"), at(case, ".gitlab-ci.yml", "npm publish", 2)),
        (("npm", "run", "release"), at(case, ".gitlab-ci.yml", "npm run")),
        (("echo", "nested-1"), at(case, ".gitlab-ci.yml", "echo nested-1")),
        (("echo", "nested-2"), at(case, ".gitlab-ci.yml", "echo nested-2")),
    ]


# --------------------------------------------------------------------------------------------
# Child pipelines


def test_trigger_child_pipelines() -> None:
    case = "trigger"
    parsed = load(case)
    assert [(p.path, p.name) for p in parsed.pipelines] == [
        (".gitlab-ci.yml", None),
        ("ci/child.yml", "child pipeline of .gitlab-ci.yml (trigger job deploy-child)"),
        ("ci/grandchild.yml", "child pipeline of ci/child.yml (trigger job grandchild)"),
    ]
    trigger_job = job(parsed, "deploy-child")
    assert trigger_job.steps == () and trigger_job.runner is None and trigger_job.id_token is None
    publish = job(parsed, "publish", 1)
    assert publish.location == at(case, "ci/child.yml", "publish:")
    assert commands(publish) == [
        (("npm", "ci"), at(case, "ci/child-common.yml", "npm ci")),
        (("npm", "publish"), at(case, "ci/child.yml", "npm publish")),
    ]
    # The trigger job's variables (its own and the global ones) reach the child's jobs.
    assert env(publish) == [
        ("NPM_TOKEN", "$NPM_TOKEN", EnvScope.GLOBAL, at(case, ".gitlab-ci.yml", "NPM_TOKEN:")),
        ("CHANNEL", "latest", EnvScope.GLOBAL, at(case, ".gitlab-ci.yml", "CHANNEL:")),
    ]
    assert job(parsed, ".hidden-trigger").hidden  # a hidden template: no child pipeline for ci/never.yml
    deep = job(parsed, "deep", 2)
    assert commands(deep) == [(("echo", "grandchild"), at(case, "ci/grandchild.yml", "echo grandchild"))]
    assert deep.env == ()  # forward: yaml_variables: false
    # Multi-project triggers (my-group/other, my-group/another) start another repository's
    # pipeline: nothing to follow here, so no reference.
    assert [(r.location, r.what) for r in parsed.references] == [
        (at(case, ".gitlab-ci.yml", "artifact:"), "child pipeline from artifact generated.yml of job generate"),
    ]


def test_forwarded_variables_follow_gitlabs_forward_defaults(repo) -> None:
    files = {
        ".gitlab-ci.yml": "variables:\n  TOP: t\nchild:\n  trigger:\n    include: c1.yml\n",
        "c1.yml": (
            "variables:\n  MID: m\n"
            "plain:\n  trigger:\n    include: c2.yml\n"
            "all:\n  trigger:\n    include: [c3.yml]\n    forward: {pipeline_variables: true}\n"
        ),
        "c2.yml": "x:\n  script: [echo x]\n",
        "c3.yml": "y:\n  script: [echo y]\n",
    }
    parsed = load(repo(files))
    assert [p.path for p in parsed.pipelines] == [".gitlab-ci.yml", "c1.yml", "c2.yml", "c3.yml"]
    assert [(e.name, e.location) for e in job(parsed, "x", 2).env] == [("MID", Location("c1.yml", 2, 3))]
    assert [(e.name, e.location) for e in job(parsed, "y", 3).env] == [
        ("TOP", Location(".gitlab-ci.yml", 2, 3)),
        ("MID", Location("c1.yml", 2, 3)),
    ]


def test_child_pipelines_stop_at_two_levels(repo) -> None:
    files = {
        ".gitlab-ci.yml": "a:\n  trigger:\n    include: c1.yml\n",
        "c1.yml": "b:\n  trigger:\n    include: c2.yml\n",
        "c2.yml": "c:\n  trigger:\n    include: c3.yml\n",
        "c3.yml": "d:\n  script: [echo d]\n",
    }
    parsed = load(repo(files))
    assert [p.path for p in parsed.pipelines] == [".gitlab-ci.yml", "c1.yml", "c2.yml"]
    assert [(r.location, r.what) for r in parsed.references] == [
        (Location("c2.yml", 3, 14), "child pipeline nested deeper than 2 levels"),
    ]


# --------------------------------------------------------------------------------------------
# Parse errors and odd files


def test_syntax_error_in_the_main_file() -> None:
    parsed = load("parse-error-main")
    assert parsed.pipelines == () and parsed.references == ()
    assert [(e.location, e.message) for e in parsed.parse_errors] == [
        (Location(".gitlab-ci.yml", 5, 1), "while parsing a flow sequence expected ',' or ']', but got '<stream end>'"),
    ]


def test_errors_in_included_files_are_located_there_and_the_rest_is_composed() -> None:
    case = "parse-error-included"
    parsed = load(case)
    assert [j.id for j in pipeline(parsed).jobs] == ["test", "publish"]
    assert [(e.location, e.message) for e in parsed.parse_errors] == [
        (at(case, "ci/broken.yml", "script:", 1), "duplicate key 'script'"),
        (Location("ci/list.yml", 1, 1), "expected a mapping at the top level"),
    ]


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("a: 1\na: 2\n", (2, 1), "duplicate key 'a'"),
        ("- a\n- b\n", (1, 1), "expected a mapping at the top level"),
        ("just text\n", (1, 1), "expected a mapping at the top level"),
    ],
)
def test_main_file_errors(repo, text: str, where: tuple[int, int], message: str) -> None:
    parsed = load(repo({".gitlab-ci.yml": text}))
    assert parsed.pipelines == ()
    assert [(e.location, e.message) for e in parsed.parse_errors] == [(Location(".gitlab-ci.yml", *where), message)]


def test_empty_file_is_an_empty_pipeline(repo) -> None:
    parsed = load(repo({".gitlab-ci.yml": "# nothing yet\n"}))
    assert [(p.path, p.jobs) for p in parsed.pipelines] == [(".gitlab-ci.yml", ())]


def test_spec_header_keeps_real_lines() -> None:
    case = "spec-header"
    parsed = load(case)
    publish = job(parsed, "publish")
    assert publish.location == at(case, "templates/publish.yml", "publish:")
    assert commands(publish) == [(("npm", "publish"), at(case, "templates/publish.yml", "npm publish"))]


def test_explicit_named_gitlab_ci_file(repo) -> None:
    root = repo({"ci/release.gitlab-ci.yml": "release:\n  script:\n    - npm publish\n"})
    parsed = load(root, "ci/release.gitlab-ci.yml")
    assert pipeline(parsed).path == "ci/release.gitlab-ci.yml"
    assert commands(job(parsed, "release")) == [(("npm", "publish"), Location("ci/release.gitlab-ci.yml", 3, 7))]


def test_odd_shapes_are_skipped(repo) -> None:
    text = (
        "variables: [not, a, map]\n"
        "default: 3\n"
        "include: 5\n"
        "stages: {a: 1}\n"
        "7: {script: [echo seven]}\n"
        "job-list: [1, 2]\n"
        "job:\n"
        "  extends: {a: 1}\n"
        "  script: {a: 1}\n"
        "  tags: 5\n"
        "  image: [1]\n"
        "  id_tokens: [x]\n"
        "  variables: {A: [1], B: {value: 2}, C: null}\n"
        "  parallel: {matrix: [1, {X: {a: 1}}]}\n"
        "  inherit: {default: 3, variables: [A]}\n"
        "  environment: {url: x}\n"
        "  trigger: 3\n"
        "trig:\n"
        "  trigger: {include: [{local: 3}, {nope: x}, 4]}\n"
        "ref:\n"
        "  script: [!reference [], !reference [a, {b: 1}], !custom x]\n"
    )
    parsed = load(repo({".gitlab-ci.yml": text}))
    ids = [j.id for j in pipeline(parsed).jobs]
    assert ids == ["7", "job", "trig", "ref"]
    j = job(parsed, "job")
    assert [(e.name, e.value) for e in j.env] == [("B", "2"), ("C", "")]
    # An unknown tag is read as its plain value; its node (and so the command) starts at the tag.
    assert commands(job(parsed, "ref")) == [(("x",), Location(".gitlab-ci.yml", 21, 51))]


def test_alias_bombs_and_self_containing_aliases_stay_cheap(repo) -> None:
    lines = ['a0: &a0 ["echo x", !reference [.t, script]]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    lines += [".t:\n  script: [echo t]", "job:\n  script: *a8", "rec: &r\n  script: [echo r]\n  nested: *r"]
    started = time.process_time()  # CPU time: a guard against an exponential blow-up (minutes)
    parsed = load(repo({".gitlab-ci.yml": "\n".join(lines) + "\n"}))
    assert time.process_time() - started < 10
    # 9**8 * 2 items written through aliases: refused while reading, at the alias that breaks
    # the expansion budget (issue #13), instead of capped after expanding.
    assert not parsed.pipelines
    (error,) = parsed.parse_errors
    assert error.location.line == 7 and "aliases expand to more than" in error.message
    small = ['a0: &a0 ["echo x", !reference [.t, script]]', "a1: &a1 [*a0, *a0]"]
    small += [".t:\n  script: [echo t]", "job:\n  script: *a1", "rec: &r\n  script: [echo r]\n  nested: *r"]
    parsed = load(repo({".gitlab-ci.yml": "\n".join(small) + "\n"}))
    got = commands(job(parsed, "job"))
    assert got[:2] == [(("echo", "x"), Location(".gitlab-ci.yml", 1, 11)), (("echo", "t"), Location(".gitlab-ci.yml", 4, 12))]
    assert commands(job(parsed, "rec")) == [(("echo", "r"), Location(".gitlab-ci.yml", 8, 12))]


# --------------------------------------------------------------------------------------------
# Never raise


_KEYS = st.sampled_from(
    ["include", "extends", "script", "before_script", "after_script", "default", "variables", "tags", "image",
     "id_tokens", "inherit", "trigger", "local", "parallel", "matrix", "job", ".hidden", "aud", "NPM_ID_TOKEN",
     "value", "name", "stages", "ci/a.yml", "*.yml", "**.yml"]
)
_SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["ci/a.yml", "job", ".hidden", "npm publish", "$X", "*.yml"]),
    st.text(max_size=8),
)


def _yaml(value, indent: int = 0) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        return "".join(f"\n{pad}{k!r}: {_yaml(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        if not value:
            return "[]"
        return "".join(f"\n{pad}- {_yaml(v, indent + 2).lstrip()}" for v in value)
    if isinstance(value, tuple):  # a !reference
        return "!reference [" + ", ".join(repr(v) for v in value) + "]"
    return "null" if value is None else repr(value) if isinstance(value, str) else str(value).lower()


_TREES = st.recursive(
    _SCALARS | st.lists(_KEYS, min_size=0, max_size=3).map(tuple),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(main=st.dictionaries(_KEYS, _TREES, max_size=6), included=st.dictionaries(_KEYS, _TREES, max_size=4))
def test_arbitrary_configurations_never_raise(tmp_path_factory, main: dict, included: dict) -> None:
    root = tmp_path_factory.mktemp("repo")
    (root / "ci").mkdir()
    (root / ".gitlab-ci.yml").write_text(_yaml(main).lstrip("\n") + "\n", encoding="utf-8")
    (root / "ci" / "a.yml").write_text(_yaml(included).lstrip("\n") + "\n", encoding="utf-8")
    parsed = load(root)
    assert isinstance(parsed, Parsed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.lists(st.sampled_from(list("ab:-[]{}!&*<|>'\"\n #.$") + ["!reference ", "include", "  ", "extends"]), max_size=40).map("".join))
def test_arbitrary_text_never_raises(tmp_path_factory, text: str) -> None:
    root = tmp_path_factory.mktemp("repo")
    (root / ".gitlab-ci.yml").write_text(text, encoding="utf-8")
    parsed = load(root)
    assert parsed.pipelines or parsed.parse_errors
