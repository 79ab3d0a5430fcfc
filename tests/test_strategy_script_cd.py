"""A ``cd`` inside a package.json script moves the publish it runs (issue #12, apollo-client:
``"changeset-publish": "npm run build && cd dist && changeset publish"``)."""

from __future__ import annotations

import json
from pathlib import Path

from npm_auth_lint import commands as cmds
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.model import Location
from npm_auth_lint.shell import split_script
from npm_auth_lint.strategy import strategy

from .conftest import FIXTURES, materialize


def _lookup(scripts: dict[str, str]) -> cmds.ScriptLookup:
    def lookup(name: str) -> tuple[str, Location] | None:
        return (scripts[name], Location("package.json", 5)) if name in scripts else None

    return lookup


def _publishes(line: str, scripts: dict[str, str]) -> list[cmds.Publish]:
    (command,) = split_script(line, path=".github/workflows/x.yml", first_line=1)
    return [r for r in cmds.classify(command, _lookup(scripts), ()) if isinstance(r, cmds.Publish)]


def test_a_publish_after_a_cd_in_its_script_carries_the_cd() -> None:
    (publish,) = _publishes("npm run release", {"release": "npm run build && cd dist && changeset publish", "build": "tsc"})
    assert publish.script_cds == ("dist",)
    (plain,) = _publishes("npm run release", {"release": "npm publish"})
    assert plain.script_cds == ()


def test_only_the_script_that_runs_the_publish_moves_it() -> None:
    # `npm run b` starts again in the package's folder, whatever the caller's `cd`.
    (publish,) = _publishes("npm run a", {"a": "cd lib && npm run b", "b": "npm publish"})
    assert publish.script_cds == ()
    (inner,) = _publishes("npm run a", {"a": "npm run b", "b": "cd lib && cd ../out && npm publish"})
    assert inner.script_cds == ("lib", "../out")


def _strategies(case: str, tmp_path: Path):
    root = materialize(FIXTURES / "strategy" / case, tmp_path / "repo")
    return [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]


def test_the_folder_a_script_moves_to_decides_the_package(tmp_path: Path) -> None:
    prerelease, release = _strategies("github-package-script-cd", tmp_path)
    # dist/ has no committed package.json: a placeholder at the script line, never @acme/b (the
    # one package below the root) and never the root package.
    assert prerelease.packages == ("<package at package.json:6>",)
    assert release.packages == ("@acme/b", "<package at package.json:6>", "<package at package.json:8>")
    # Both workflows run the same script line: one configuration, kept by one of them.
    configured = [p for s in (prerelease, release) for settings in s.trusted_publishers for p in settings.packages]
    assert configured.count("<package at package.json:6>") == 1
    assert [c.packages for c in release.consolidate] == [("<package at package.json:6>",)]
    assert [u.what for u in release.unknowns if u.kind.value == "package"] == [
        "which package it publishes: the folder `dist` has no package.json in the repository (the build writes it)",
        "which package it publishes: the folder `cd $PACKAGE_DIR` moves to",
    ]


def test_a_workspace_publish_from_a_subfolder_still_publishes_the_workspace(tmp_path: Path) -> None:
    # changesets finds the monorepo root above the folder it runs in: with workspace globs the
    # members are published, not a placeholder for the folder.
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/widget.git\n')
    scripts = {"release": "cd tools && changeset publish"}
    (root / "package.json").write_text(json.dumps({"name": "root", "private": True, "workspaces": ["packages/*"], "scripts": scripts}))
    (root / "packages" / "a").mkdir(parents=True)
    (root / "packages" / "a" / "package.json").write_text('{"name": "@acme/a", "version": "1.0.0"}')
    (root / ".github" / "workflows").mkdir(parents=True)
    (root / ".github" / "workflows" / "release.yml").write_text(
        "on: {push: {tags: ['v*']}}\njobs:\n  release:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write}\n"
        "    steps:\n      - uses: actions/setup-node@v6\n        with: {node-version: 24}\n      - run: npm run release\n"
    )
    (only,) = [s for analysis in lint([root], Config()).analyses for s in strategy(analysis)]
    assert only.packages == ("@acme/a",)
    assert not only.unknowns


