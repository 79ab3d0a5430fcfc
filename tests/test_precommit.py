"""The pre-commit hook: its manifest's ``files`` filter against what the tool reads, and the hook
driven through the real ``pre-commit`` as a user meets it (marked ``external``): ``try-repo`` on a
repository with problems and on a clean one, and ``pre-commit install`` + ``git commit`` to see
the filter skip a commit that touches nothing the hook reads.

pre-commit installs the hook from a git repository into its own virtualenv (PRE_COMMIT_HOME is a
temporary folder, so nothing depends on ~/.cache); the first external test pays that install.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from npm_auth_lint.workspace import AUX_NAMES, classify

from .conftest import FIXTURES, PROJECT_ROOT
from .tooling import copy_working_tree, describe, git, isolated_git_env, make_git_repository, run

HOOK_ID = "npm-auth-lint"
TIMEOUT = 300  # the first run creates the hook's virtualenv and installs from PyPI
# The hook shows the default text output: each finding's title line and where it points.
BAD_FINDINGS = (
    "warning[use-trusted-publishing]",
    "--> .github/workflows/release.yml:15:14",
    "warning[legacy-npmrc-auth]",
    "--> .npmrc:1:1",
)


# The manifest -----------------------------------------------------------------------------------


def hook() -> dict[str, Any]:
    hooks = YAML(typ="safe").load((PROJECT_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == [HOOK_ID]
    return hooks[0]


FILES = re.compile(hook()["files"])


def test_hook_lints_the_whole_repository_with_python() -> None:
    assert hook()["language"] == "python" and hook()["pass_filenames"] is False and hook()["entry"] == "npm-auth-lint"


@pytest.mark.parametrize(
    "path",
    [".npmrc", "packages/a/.npmrc", "npmrc", ".yarnrc", ".yarnrc.yml", "package.json", "packages/a/package.json",
     "pnpm-workspace.yaml", "lerna.json", ".github/workflows/release.yml", ".github/workflows/ci.yaml",
     "action.yml", ".github/actions/setup/action.yaml", ".gitlab-ci.yml", "ci/templates/publish.yml",
     ".circleci/config.yml", ".nvmrc", ".node-version", ".tool-versions", "mise.toml", ".npm-auth-lint.yaml", ".gitignore"],
)
def test_files_filter_matches_what_the_tool_reads(path: str) -> None:
    assert FILES.search(path), path


@pytest.mark.parametrize("path", ["README.md", "src/index.js", "package.json.orig", "docs/npmrc.md", "tsconfig.json", "packages/a/npmrc"])
def test_files_filter_skips_other_files(path: str) -> None:
    assert not FILES.search(path), path


SEGMENT = st.sampled_from(["a", "packages", ".github", "workflows", ".circleci", "ci", "x.y"])
NAME = st.sampled_from(sorted(AUX_NAMES) + ["package.json", ".npmrc", "npmrc", ".yarnrc", ".yarnrc.yml", "pnpm-workspace.yml", "lerna.json",
                                             "action.yml", "action.yaml", "config.yml", "config.yaml", "release.yml", "a.gitlab-ci.yml", "x.json", "README.md"])


@given(st.lists(SEGMENT, max_size=4), NAME)
def test_every_file_the_tool_lints_triggers_the_hook(folders: list[str], name: str) -> None:
    """The filter follows discovery: a new kind of file in workspace.classify needs a new pattern."""
    path = "/".join([*folders, name])
    if classify(path) is not None or name in AUX_NAMES:
        assert FILES.search(path), path


# Through the real pre-commit -------------------------------------------------------------------


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Git isolated from the user's settings, and pre-commit's cache in a temporary folder."""
    return isolated_git_env({"PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")), "NO_COLOR": "1"})


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory, env: dict[str, str]) -> Path:
    """This project's working tree, committed to a repository pre-commit can clone."""
    tree = copy_working_tree(tmp_path_factory.mktemp("hook-src") / "npm-auth-lint")
    assert (tree / ".pre-commit-hooks.yaml").is_file(), "the project has no .pre-commit-hooks.yaml"
    return make_git_repository(tree, tree.parent / "repo", env)


def pre_commit(*args: str, cwd: Path, env: dict[str, str]):
    return run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, timeout=TIMEOUT)


@pytest.mark.external
def test_try_repo_fails_on_a_repository_that_publishes_with_a_token(hook_repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    repo = make_git_repository(FIXTURES / "distribution" / "publish-with-token", tmp_path / "bad", env)
    proc = pre_commit("try-repo", str(hook_repo), HOOK_ID, "--all-files", cwd=repo, env=env)
    assert proc.returncode == 1, describe(proc)
    assert f"- hook id: {HOOK_ID}" in proc.stdout and "- exit code: 1" in proc.stdout, describe(proc)
    for finding in BAD_FINDINGS:
        assert finding in proc.stdout, f"missing {finding!r}\n{describe(proc)}"


@pytest.mark.external
def test_try_repo_passes_on_a_repository_with_trusted_publishing(hook_repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    repo = make_git_repository(FIXTURES / "distribution" / "trusted-publishing", tmp_path / "good", env)
    proc = pre_commit("try-repo", str(hook_repo), HOOK_ID, "--all-files", cwd=repo, env=env)
    assert proc.returncode == 0, describe(proc)
    assert "Passed" in proc.stdout, describe(proc)


@pytest.mark.external
def test_commit_hook_skips_a_readme_change_and_blocks_an_npmrc_change(hook_repo: Path, env: dict[str, str], tmp_path: Path) -> None:
    repo = make_git_repository(FIXTURES / "distribution" / "publish-with-token", tmp_path / "bad", env)
    rev = git(hook_repo, "rev-parse", "HEAD", env=env)
    (repo / ".pre-commit-config.yaml").write_text(f"repos:\n  - repo: {hook_repo}\n    rev: {rev}\n    hooks:\n      - id: {HOOK_ID}\n", encoding="utf-8")
    git(repo, "add", ".pre-commit-config.yaml", env=env)
    git(repo, "commit", "--quiet", "--no-verify", "--message", "use pre-commit", env=env)
    installed = pre_commit("install", cwd=repo, env=env)
    assert installed.returncode == 0, describe(installed)

    # Only README.md changes: nothing the hook reads, so it is skipped though the repository has problems.
    with (repo / "README.md").open("a", encoding="utf-8") as readme:
        readme.write("\nMore words.\n")
    git(repo, "add", "README.md", env=env)
    commit = run(["git", "commit", "--message", "docs"], cwd=repo, env=env, timeout=TIMEOUT)
    assert commit.returncode == 0, describe(commit)
    output = commit.stdout + commit.stderr
    assert HOOK_ID in output and "(no files to check)" in output and "Skipped" in output, describe(commit)

    # An .npmrc change: the hook runs on the whole repository and the commit is refused.
    head = git(repo, "rev-parse", "HEAD", env=env)
    with (repo / ".npmrc").open("a", encoding="utf-8") as npmrc:
        npmrc.write("fund=false\n")
    git(repo, "add", ".npmrc", env=env)
    commit = run(["git", "commit", "--message", "npmrc"], cwd=repo, env=env, timeout=TIMEOUT)
    assert commit.returncode == 1, describe(commit)
    output = commit.stdout + commit.stderr
    assert "Failed" in output, describe(commit)
    for finding in BAD_FINDINGS:
        assert finding in output, f"missing {finding!r}\n{describe(commit)}"
    assert git(repo, "rev-parse", "HEAD", env=env) == head, "the commit went through despite the failing hook"
