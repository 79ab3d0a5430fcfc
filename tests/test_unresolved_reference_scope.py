"""Which run-time commands inside followed repository scripts `unresolved-reference` notes:
only what may publish (spec, "Publish step": "cannot follow and that may publish")."""

from __future__ import annotations

from pathlib import Path

import pytest

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint

_WORKFLOW = """\
on:
  push:
    branches: [main]
jobs:
  build:
    runs-on: ubuntu-latest
{permissions}    steps:
      - uses: actions/checkout@v6
      - run: ./scripts/build.sh
{env}"""


def _notes(tmp_path: Path, script: str, *, env: str = "", permissions: str = "") -> list[str]:
    (tmp_path / ".git").mkdir(parents=True)
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(_WORKFLOW.format(env=env, permissions=permissions), encoding="utf-8")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "build.sh").write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    (tmp_path / "package.json").write_text('{"name": "x", "version": "1.0.0"}', encoding="utf-8")
    result = lint([tmp_path], Config())
    return [f"{f.location.path}:{f.location.line}" for f in result.findings if f.rule_id == "unresolved-reference"]


_SECRET_ENV = "        env:\n          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
_ID_TOKEN = "    permissions:\n      id-token: write\n"


# `npm` in a path argument used to make the old word filter keep the note.
_VARIABLE_PROGRAM = "$RUNNER lib/npm/main.ts"


def test_variable_program_in_a_job_without_credential_is_not_noted(tmp_path: Path) -> None:
    assert _notes(tmp_path, _VARIABLE_PROGRAM) == []


@pytest.mark.parametrize(("env", "permissions"), [(_SECRET_ENV, ""), ("", _ID_TOKEN)], ids=["secret", "id-token"])
def test_variable_program_in_a_job_with_a_credential_is_noted(tmp_path: Path, env: str, permissions: str) -> None:
    assert _notes(tmp_path, _VARIABLE_PROGRAM, env=env, permissions=permissions) == ["scripts/build.sh:2"]


def test_variable_named_for_publishing_is_noted_without_credential(tmp_path: Path) -> None:
    assert _notes(tmp_path, "$PUBLISH_CMD lib/npm") == ["scripts/build.sh:2"]


def test_binary_path_variable_is_not_noted_even_with_a_credential(tmp_path: Path) -> None:
    assert _notes(tmp_path, "${bundlerPath} lib/npm/main.ts", env=_SECRET_ENV) == []


def test_binary_path_variable_that_publishes_is_noted(tmp_path: Path) -> None:
    assert _notes(tmp_path, "${bundlerPath} publish dist", env=_SECRET_ENV) == ["scripts/build.sh:2"]


def test_other_repository_script_noted_only_with_a_credential(tmp_path: Path) -> None:
    script = "(cd ../site && ./releaseDev.sh)"
    assert _notes(tmp_path / "a", script) == []
    assert _notes(tmp_path / "b", script, env=_SECRET_ENV) == ["scripts/build.sh:2"]
