from __future__ import annotations

import os
from pathlib import Path

import pytest

from npm_auth_lint.workspace import FileReadError, Kind, Workspace, classify, find_root


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        (".github/workflows/release.yml", Kind.GITHUB_WORKFLOW),
        (".github/workflows/ci.yaml", Kind.GITHUB_WORKFLOW),
        ("sub/.github/workflows/ci.yaml", Kind.GITHUB_WORKFLOW),
        (".github/actions/publish/action.yml", Kind.GITHUB_ACTION),
        (".gitlab-ci.yml", Kind.GITLAB_CI),
        (".circleci/config.yml", Kind.CIRCLECI),
        (".npmrc", Kind.NPMRC),
        ("packages/a/.npmrc", Kind.NPMRC),
        (".yarnrc", Kind.YARNRC),
        (".yarnrc.yml", Kind.YARNRC_YML),
        ("packages/a/package.json", Kind.PACKAGE_JSON),
        (".github/workflows/README.md", None),
        (".github/dependabot.yml", None),
        ("ci/publish.yml", None),
        ("config.yml", None),
    ],
)
def test_classify(path: str, kind: Kind | None) -> None:
    assert classify(path) == kind


def test_discovery_skips_node_modules_git_and_gitignored(repo) -> None:
    root = repo(
        {
            ".gitignore": "dist/\n*.local.npmrc\n/build\n",
            "package.json": "{}",
            ".npmrc": "",
            "node_modules/dep/package.json": "{}",
            "dist/package.json": "{}",
            "build/package.json": "{}",
            "packages/a/package.json": "{}",
            "packages/a/.gitignore": "generated/\n",
            "packages/a/generated/package.json": "{}",
            "packages/a/build/package.json": "{}",  # /build is anchored to the root
            ".github/workflows/ci.yml": "on: push\n",
        }
    )
    (root / ".git" / "config").write_text("[core]\n")
    workspace = Workspace(root)
    assert workspace.discover([root]) == [
        ".github/workflows/ci.yml",
        ".npmrc",
        "package.json",
        "packages/a/build/package.json",
        "packages/a/package.json",
    ]


def test_symlink_out_of_root_is_not_followed(repo, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / ".npmrc").write_text("_authToken=secret\n")
    (outside / "package.json").write_text("{}")
    root = repo({"package.json": "{}"})
    os.symlink(outside / ".npmrc", root / ".npmrc")
    os.symlink(outside, root / "linked")
    workspace = Workspace(root)
    # The linked file is listed (reading it reports why it is not read: issue #13, no silence);
    # the linked folder is not walked.
    assert workspace.discover([root]) == [".npmrc", "package.json"]
    with pytest.raises(FileReadError, match="outside the repository"):
        workspace.read(".npmrc")


def test_explicit_file_is_linted_even_if_ignored(repo) -> None:
    root = repo({".gitignore": "*.json\n", "package.json": "{}"})
    assert Workspace(root).discover([root / "package.json"]) == ["package.json"]


def test_subfolder_target_keeps_repository_relative_paths(repo) -> None:
    root = repo({"packages/a/package.json": "{}", ".nvmrc": "24\n"})
    assert find_root(root / "packages" / "a") == root.resolve()
    workspace = Workspace(root)
    assert workspace.discover([root / "packages" / "a"]) == ["packages/a/package.json"]
    assert ".nvmrc" in workspace.aux_files()  # whole repository indexed for references


def test_read_refuses_binary_and_bad_utf8(repo) -> None:
    root = repo({})
    (root / "package.json").write_bytes(b'{"a": "\x00"}')
    (root / ".npmrc").write_bytes(b"a=1\nb=\xff\n")
    workspace = Workspace(root)
    with pytest.raises(FileReadError, match="NUL"):
        workspace.read("package.json")
    with pytest.raises(FileReadError) as info:
        workspace.read(".npmrc")
    assert (info.value.line, info.value.column) == (2, 3)


def test_glob(repo) -> None:
    root = repo({"ci/a.yml": "", "ci/b.yml": "", "ci/deep/c.yml": "", "other.yml": ""})
    workspace = Workspace(root)
    workspace.discover([root])
    assert workspace.glob("ci/*.yml") == ["ci/a.yml", "ci/b.yml"]
    assert workspace.glob("ci/**/*.yml") == ["ci/a.yml", "ci/b.yml", "ci/deep/c.yml"]


def test_explicit_file_of_no_known_kind_is_not_counted_as_linted(repo) -> None:
    # A workflow copied outside .github/workflows/ is not a workflow: saying it was linted
    # ("No problems found in 1 file") would be a lie.
    root = repo({"release.yml": "on: push\n", "package.json": "{}"})
    workspace = Workspace(root)
    assert workspace.discover([root / "release.yml", root / "package.json"]) == ["package.json"]
    assert workspace.unlintable == ["release.yml"]


def test_naming_only_files_of_no_known_kind_walks_nothing(repo) -> None:
    # `npm-auth-lint notes.md` in a large tree answered "not linted" after walking all of it
    # (1.9 s in a folder of 98 checkouts); a linted file still gets the whole repository's index.
    root = repo({"notes.md": "", "sub/package.json": "{}", ".github/workflows/r.yml": "on: push\n"})
    workspace = Workspace(root)
    assert workspace.discover([root / "notes.md"]) == []
    assert workspace.index == {"notes.md"} and workspace.unlintable == ["notes.md"]
    linted = Workspace(root)
    assert linted.discover([root / ".github" / "workflows" / "r.yml"]) == [".github/workflows/r.yml"]
    assert "sub/package.json" in linted.index
