"""Following CI commands into repository scripts (issue #11): which file a command runs, how the
step's state travels into it, where findings point, and what is reported when it cannot be
followed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from npm_auth_lint import commands as cmds
from npm_auth_lint.analysis import scripts
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.model import Command, Location
from npm_auth_lint.shell import split_script

WORKFLOW = """on: push
jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: read{perms}
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: 24
          registry-url: https://registry.npmjs.org
{steps}
"""
TOKEN_ENV = "\n        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}"
PACKAGE = '{"name": "pkg", "version": "1.0.0"}'


def workflow(*runs: str, oidc: bool = False) -> str:
    steps = "\n".join(f"      - run: {run}" for run in runs)
    return WORKFLOW.format(perms="\n      id-token: write" if oidc else "", steps=steps)


def one(line: str) -> tuple[cmds.Classified, ...]:
    (command,) = split_script(line, path="ci.yml", first_line=1)
    return cmds.classify(command)


def runs(line: str) -> list[cmds.RunsScript]:
    return [r for r in one(line) if isinstance(r, cmds.RunsScript)]


def findings(root: Path, rule: str | None = None) -> list[tuple[str, int, str]]:
    result = lint([root], Config())
    return [(f.location.path, f.location.line, f.rule_id) for f in result.findings if rule is None or f.rule_id == rule]


# Which file a command runs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "kind", "path", "args"),
    [
        ("./scripts/publish.sh latest", cmds.ScriptKind.SHELL, "./scripts/publish.sh", ("latest",)),
        ("bash -eo pipefail scripts/release.sh a b", cmds.ScriptKind.SHELL, "scripts/release.sh", ("a", "b")),
        ("sh .github/scripts/release.sh", cmds.ScriptKind.SHELL, ".github/scripts/release.sh", ()),
        ("source scripts/env.sh", cmds.ScriptKind.SOURCE, "scripts/env.sh", ()),
        (". ./scripts/env.sh x", cmds.ScriptKind.SOURCE, "./scripts/env.sh", ("x",)),
        ("bin/release", cmds.ScriptKind.SHELL, "bin/release", ()),
        ("node --require dotenv/config scripts/release.mjs --tag next", cmds.ScriptKind.JS, "scripts/release.mjs", ("--tag", "next")),
        ("npx tsx scripts/publish.ts", cmds.ScriptKind.JS, "scripts/publish.ts", ()),
        ("zx scripts/publish.mjs", cmds.ScriptKind.JS, "scripts/publish.mjs", ()),
        ("bun run scripts/publish.ts", cmds.ScriptKind.JS, "scripts/publish.ts", ()),
        ("env FOO=1 ./publish.sh", cmds.ScriptKind.SHELL, "./publish.sh", ()),
    ],
)
def test_commands_that_run_a_repository_file(line: str, kind: cmds.ScriptKind, path: str, args: tuple[str, ...]) -> None:
    (found,) = runs(line)
    assert (found.kind, found.path, found.args) == (kind, path, args)


def test_make_options_targets_and_variables() -> None:
    (found,) = runs("make -C packages/core -f release.mk -j 4 publish-nightly TAG=next")
    assert (found.directory, found.path, found.args, found.variables) == ("packages/core", "release.mk", ("publish-nightly",), (("TAG", "next"),))


@pytest.mark.parametrize("line", ["node -e \"require('x')\"", "node .", "bash -c 'echo hi'", "bash", "./build.py", "tsx watch src/index.ts", "bun install"])
def test_commands_that_run_no_repository_file(line: str) -> None:
    assert runs(line) == []


def test_bash_c_is_still_an_inner_shell() -> None:
    assert any(isinstance(r, cmds.Publish) for r in one("bash -c 'npm publish'"))


def test_resolve_paths() -> None:
    def target(line: str, cwd: str = "") -> scripts.Target:
        return scripts.resolve(runs(line)[0], cwd)

    assert target("./publish.sh", "packages/a").paths == ("packages/a/publish.sh",)
    assert target("bash $GITHUB_WORKSPACE/scripts/x.sh", "packages/a").paths == ("scripts/x.sh",)
    assert target("bash ../../../x.sh", "packages/a").problem == "`../../../x.sh` is outside the repository"
    assert target("bash /opt/release.sh").problem == "`/opt/release.sh` is outside the repository"
    assert target("bash $TOOLS/release.sh").problem == "the path `$TOOLS/release.sh` is built at run time"
    assert target("make -C pkg publish").paths == ("pkg/GNUmakefile", "pkg/makefile", "pkg/Makefile")
    assert target("make -f build/release.mk publish").paths == ("build/release.mk",)
    assert target("node dist/release.js").worth_noting is False


def test_literal_arguments_bind_to_positional_parameters() -> None:
    command = Command(("npm", "publish", "--tag", "$1", "$@", "${2}", "$3"), "", Location("x.sh"))
    bound = scripts.bind_args(command, ("next", "--access=public"))
    assert bound.words == ("npm", "publish", "--tag", "next", "next", "--access=public", "--access=public", "$3")


# The step's state travels into the script -------------------------------------------------


def test_env_cd_and_npmrc_writes_flow_into_the_script(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("echo \"registry=https://registry.npmjs.org/\" > .npmrc", "cd packages/a && ./publish.sh" + TOKEN_ENV),
        "package.json": PACKAGE,
        "packages/a/package.json": '{"name": "a", "version": "1.0.0"}',
        "packages/a/publish.sh": "#!/bin/sh\nnpm publish\n",
    })
    assert ("packages/a/publish.sh", 2, "use-trusted-publishing") in findings(root)


def test_a_sourced_script_sets_the_registry_of_the_caller(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("source scripts/env.sh\n        npm publish".replace("\n        ", "\n          "), oidc=True).replace(
            "- run: source", "- run: |\n          source"
        ),
        "package.json": PACKAGE,
        "scripts/env.sh": "export NPM_CONFIG_REGISTRY=https://npm.pkg.github.com\n",
    })
    result = lint([root], Config())
    (publish,) = result.analyses[0].publishes
    assert publish.target == "https://npm.pkg.github.com"


def test_a_package_script_runs_a_file_from_its_package_folder(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("npm run release --workspace packages/a" + TOKEN_ENV, "cd packages/a && npm run release" + TOKEN_ENV),
        "package.json": '{"name": "root", "private": true, "workspaces": ["packages/*"]}',
        "packages/a/package.json": '{"name": "a", "version": "1.0.0", "scripts": {"release": "./bin/publish"}}',
        "packages/a/bin/publish": "#!/usr/bin/env bash\nnpm publish --access public\n",
    })
    assert ("packages/a/bin/publish", 2, "use-trusted-publishing") in findings(root)


def test_makefile_sub_make_and_exported_variables(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("make release", oidc=True),
        "package.json": PACKAGE,
        "Makefile": "release:\n\t$(MAKE) -C packages/a publish\n",
        "packages/a/package.json": '{"name": "a", "version": "1.0.0"}',
        "packages/a/Makefile": "export NPM_CONFIG_REGISTRY = https://npm.pkg.github.com\npublish:\n\tnpm publish\n",
    })
    result = lint([root], Config())
    (publish,) = result.analyses[0].publishes
    assert (publish.location.path, publish.location.line) == ("packages/a/Makefile", 3)
    assert publish.target == "https://npm.pkg.github.com"
    assert [r.message for r in publish.hops] == ["runs `make release`", "target release", "make -C packages/a publish", "target publish"]


def test_js_wrapper_functions_are_followed_not_reported(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("node scripts/release.js" + TOKEN_ENV),
        "package.json": PACKAGE,
        "scripts/release.js": (
            "const { execSync } = require('child_process');\n"
            "const run = (cmd) => execSync(cmd, { stdio: 'inherit' });\n"
            "run('npm publish');\n"
        ),
    })
    assert findings(root) == [("scripts/release.js", 3, "use-trusted-publishing")]


# Bounds, cycles and what cannot be followed ---------------------------------------------------


def test_cycles_are_cut_and_depth_is_bounded(repo) -> None:
    files = {".github/workflows/release.yml": workflow("./s0.sh", "./a.sh" + TOKEN_ENV), "package.json": PACKAGE}
    files["a.sh"] = "./b.sh\nnpm publish\n"
    files["b.sh"] = "./a.sh\n"
    for i in range(12):
        files[f"s{i}.sh"] = f"./s{i + 1}.sh\n"
    root = repo(files)
    found = findings(root)
    assert ("a.sh", 2, "use-trusted-publishing") in found
    deep = [f for f in found if f[2] == "unresolved-reference"]
    assert deep == [("s7.sh", 1, "unresolved-reference")]


def test_a_link_out_of_the_repository_is_not_followed(repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside.sh"
    outside.write_text("npm publish\n", encoding="utf-8")
    root = repo({".github/workflows/release.yml": workflow("./scripts/publish.sh" + TOKEN_ENV), "package.json": PACKAGE})
    (root / "scripts").mkdir()
    os.symlink(outside, root / "scripts/publish.sh")
    result = lint([root], Config())
    messages = [f.message for f in result.findings]
    assert not result.analyses[0].publishes
    assert any("link to outside the repository" in m for m in messages), messages


def test_outside_scripts_are_noted_only_when_they_may_publish(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("source ~/.nvm/nvm.sh", "bash /opt/tools/publish-npm.sh"),
        "package.json": PACKAGE,
    })
    assert findings(root, "unresolved-reference") == [(".github/workflows/release.yml", 14, "unresolved-reference")]


# Where: every output format shows the way to the script line ----------------------------------


def test_related_locations_in_json_and_sarif(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("bash scripts/publish.sh" + TOKEN_ENV),
        "package.json": PACKAGE,
        "scripts/publish.sh": "set -e\nnpm publish\n",
    })
    run = [sys.executable, "-m", "npm_auth_lint", str(root)]
    as_json = json.loads(subprocess.run([*run, "--format", "json"], capture_output=True, text=True, check=False).stdout)
    (finding,) = [f for f in as_json["findings"] if f["rule"] == "use-trusted-publishing"]
    assert (finding["path"], finding["line"]) == ("scripts/publish.sh", 2)
    assert {"path": ".github/workflows/release.yml", "line": 13, "column": 14, "message": "runs `bash scripts/publish.sh`"} in finding["related"]
    sarif = json.loads(subprocess.run([*run, "--format", "sarif"], capture_output=True, text=True, check=False).stdout)
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "use-trusted-publishing"]
    related = [(r["physicalLocation"]["artifactLocation"]["uri"], r["message"]["text"]) for r in result["relatedLocations"]]
    assert (".github/workflows/release.yml", "runs `bash scripts/publish.sh`") in related


# Images built from the repository's Dockerfiles -------------------------------------------------


def test_docker_build_records_the_from_line_of_the_image(repo) -> None:
    from npm_auth_lint.analysis.job_toolchain import built_image_pin

    root = repo({
        ".github/workflows/release.yml": workflow(
            "docker build -t acme/release:latest .",
            "docker buildx build --target publish -f docker/release.Dockerfile -t publisher docker",
            "docker build -t other -f ../outside/Dockerfile .",
        ),
        "package.json": PACKAGE,
        "Dockerfile": "# syntax=docker/dockerfile:1\nFROM node:18-alpine\nRUN npm ci\n",
        "docker/release.Dockerfile": "ARG NODE=20\nFROM node:${NODE} AS base\nFROM base AS publish\nFROM alpine AS final\n",
    })
    result = lint([root], Config())
    (job,) = result.analyses[0].jobs
    images = {tag: (text.value, text.location.path, text.location.line) for tag, text in job.built_images.items()}
    assert images == {"acme/release": ("node:18-alpine", "Dockerfile", 2), "publisher": ("node:20", "docker/release.Dockerfile", 2)}
    pin = built_image_pin(job, "acme/release:latest")
    assert pin is not None and pin.resolution is not None and pin.resolution.version.startswith("18.")
    assert (pin.location.path, pin.location.line) == ("Dockerfile", 2)
    assert built_image_pin(job, "node:22") is None


# Open input ---------------------------------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_PATH_PARTS = st.sampled_from(["..", ".", "scripts", "a b", "~", "$HOME", "${GITHUB_WORKSPACE}", "$PWD", "/", "x.sh", "", "\\\\"])


@settings(max_examples=300, deadline=None)
@given(parts=st.lists(_PATH_PARTS, max_size=6), cwd=st.lists(st.sampled_from(["packages", "a", ".."]), max_size=3), make=st.booleans())
def test_a_resolved_script_never_leaves_the_repository(parts: list[str], cwd: list[str], make: bool) -> None:
    path = "/".join(parts) or "x"
    line = f"make -C {path!r} publish" if make else f"bash {path!r}"
    found = runs(line)
    if not found:
        return
    directory = "/".join(cwd).replace("..", "up")
    target = scripts.resolve(found[0], directory)
    for candidate in target.paths:
        assert not candidate.startswith(("/", "../")) and candidate != ".."
    assert bool(target.paths) != bool(target.problem)


def test_generated_hop_repositories_follow_every_script(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("bench_hops", Path(__file__).parent.parent / "scripts" / "bench_hops.py")
    assert spec is not None and spec.loader is not None
    benchmark = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(benchmark)
    benchmark.generate_hops(tmp_path / "scripts", 12, inline=False, depth=4, base=2)
    benchmark.generate_hops(tmp_path / "inline", 12, inline=True, depth=4, base=2)
    followed = lint([tmp_path / "scripts"], Config())
    inline = lint([tmp_path / "inline"], Config())
    assert sorted(followed.projects[0].scripts) == sorted(f"scripts/hop-{i}.sh" for i in range(12))
    hops = {line for job in followed.analyses[0].jobs for line in job.hops}
    assert ("scripts/hop-11.sh", 4) in hops  # the last of a chain of four, reached through three scripts
    assert [f.rule_id for f in followed.findings] == [f.rule_id for f in inline.findings]


def test_suppressions_and_committed_tokens_in_followed_scripts(repo) -> None:
    token = "npm_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    root = repo({
        ".github/workflows/release.yml": workflow("./scripts/publish.sh" + TOKEN_ENV, "./scripts/other.sh"),
        "package.json": PACKAGE,
        "scripts/publish.sh": "npm publish  # npm-auth-lint: ignore[use-trusted-publishing] reviewed\n",
        "scripts/other.sh": f"echo '//registry.npmjs.org/:_authToken={token}' > .npmrc\n",
    })
    found = findings(root)
    assert ("scripts/publish.sh", 1, "use-trusted-publishing") not in found
    assert not [f for f in found if f[2] == "unused-suppression"]
    assert ("scripts/other.sh", 1, "hardcoded-npm-token") in found


def test_scripts_find_their_neighbours_through_their_own_folder(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow("bash scripts/ci/release.sh" + TOKEN_ENV),
        "package.json": PACKAGE,
        "scripts/ci/release.sh": (
            'SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")"; pwd)"\n'
            '. "$SCRIPT_DIR"/lib/env.sh\n'
            'cd "$(dirname "$0")/../.."\n'
            '"$SCRIPT_DIR"/lib/publish.sh\n'
        ),
        "scripts/ci/lib/env.sh": "export CI=true\n",
        "scripts/ci/lib/publish.sh": "npm publish --access public\n",
    })
    assert findings(root) == [("scripts/ci/lib/publish.sh", 1, "use-trusted-publishing")]


def test_files_built_or_downloaded_at_run_time_are_not_noted(repo) -> None:
    root = repo({
        ".github/workflows/release.yml": workflow(
            "make -C go/$(cat go.version) all", "./esbuild --version", "source ./emsdk/emsdk_env.sh", ". /etc/os-release",
            "./scripts/release.sh", oidc=True,
        ),
        "package.json": PACKAGE,
    })
    assert findings(root, "unresolved-reference") == [(".github/workflows/release.yml", 18, "unresolved-reference")]
