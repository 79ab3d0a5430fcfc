"""Workspace globs (which package.json files are workspace packages) and which package.json
files the tool reads (trials: electron/forge's fixtures, babel's and supertokens' broken ones)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.analysis.packages import _glob_match, _segments, workspace_member
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint


@pytest.mark.parametrize(
    ("directory", "patterns", "expected"),
    [
        ("packages/api/core", ["packages/api/*"], True),
        # gitignore semantics would take these: a workspace glob does not
        ("packages/api/core/spec/fixture/app", ["packages/api/*"], False),
        ("packages/template/vite/tmpl", ["packages/template/*"], False),
        ("packages/a/b", ["packages/**"], True),
        ("a/b/c", ["**/c"], True),
        ("c", ["**/c"], True),
        ("x/a/c", ["a/**/c"], False),
        ("packages/a", ["./packages/*/"], True),
        ("packages/a", ["packages/a/package.json"], True),
        ("packages/a", ["packages/*", "!packages/a"], False),
        ("packages/b", ["packages/*", "!packages/a"], True),
        ("packages/a", ["!packages/a"], False),
        ("packages/a", [], False),
        ("packages/a", ["packages/[z-a]"], False),  # an invalid range matches nothing
    ],
)
def test_workspace_member(directory: str, patterns: list[str], expected: bool) -> None:
    assert workspace_member(directory, patterns) is expected


_NAME = st.text(alphabet="abc-_.", min_size=1, max_size=4).filter(lambda s: s not in (".", ".."))


@given(st.lists(_NAME, min_size=1, max_size=3), st.lists(_NAME, min_size=1, max_size=3))
def test_one_star_takes_one_folder_only(base: list[str], below: list[str]) -> None:
    folder = "/".join(base)
    assert workspace_member(f"{folder}/x", [f"{folder}/*"])
    assert not workspace_member("/".join([folder, "x", *below]), [f"{folder}/*"])
    assert workspace_member("/".join([folder, "x", *below]), [f"{folder}/**"])


def _member_oracle(directory: str, patterns: list[str]) -> bool:
    """workspace_member before its shortcuts: every glob matched in full."""
    parts = tuple(part for part in directory.split("/") if part)
    included = excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _glob_match(_segments(pattern[1:] if negated else pattern), parts):
            excluded |= negated
            included |= not negated
    return included and not excluded


_SEGMENT = st.sampled_from(["packages", "a", "b", "*", "**", "?", "a*", "[ab]", "[z-a]", ".", "", "x\\y", "[", "package.json"])


_FOLDER = st.sampled_from(["packages", "a", "b", "ab", "x\\y", "[", "package.json"])


@st.composite
def _globs_near(draw: st.DrawFn, folders: list[str]) -> str:
    """A glob made from the folder's own names, some replaced by wildcards: most match or nearly."""
    segments = [draw(st.sampled_from([name, name, name, "*", "**", "?" * len(name), name[:1] + "*"])) for name in folders]
    if draw(st.booleans()):
        segments.insert(draw(st.integers(0, len(segments))), draw(_SEGMENT))
    if segments and draw(st.booleans()):
        segments.pop(draw(st.integers(0, len(segments) - 1)))
    negated = draw(st.integers(0, 3)) == 0
    return ("!" if negated else "") + draw(st.sampled_from(["", "./"])) + "/".join(segments)


@settings(max_examples=300)
@given(st.data())
def test_the_shortcuts_decide_as_the_full_match(data: st.DataObject) -> None:
    folders = data.draw(st.lists(_FOLDER, min_size=1, max_size=4))
    directory = "/".join(folders)
    nearby = st.lists(_globs_near(folders), min_size=1, max_size=3)
    random = st.lists(st.tuples(st.booleans(), st.lists(_SEGMENT, max_size=4)).map(lambda g: ("!" if g[0] else "") + "/".join(g[1])), max_size=2)
    patterns = data.draw(nearby) + data.draw(random)
    assert workspace_member(directory, patterns) is _member_oracle(directory, patterns)


def test_deep_globstars_stay_fast() -> None:
    deep = "/".join("d" for _ in range(200))
    assert not workspace_member(deep + "/x", ["**/" * 100 + "y"])


def _write(root: Path, files: dict[str, str]) -> Path:
    (root / ".git").mkdir(parents=True)
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


_PUBLISH_ALL = "on: release\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npx lerna publish from-package --yes\n"


def test_recursive_publish_without_workspace_globs_reads_every_package(tmp_path: Path) -> None:
    """No globs: a recursive publish takes every package below the root, so a broken one is read."""
    root = _write(tmp_path / "r", {
        "package.json": '{"name": "root", "private": true}',
        "packages/a/package.json": "{\n  name: 1\n}\n",
        ".github/workflows/release.yml": _PUBLISH_ALL,
    })
    found = [f.location.path for f in lint([root], Config()).findings if f.rule_id == "parse-error"]
    assert found == ["packages/a/package.json"]


def test_package_json_nothing_reads_is_not_reported(tmp_path: Path) -> None:
    root = _write(tmp_path / "r", {
        "package.json": '{"name": "root"}',
        "examples/app/package.json": "{\n  name: 1\n}\n",
        ".github/workflows/release.yml": _PUBLISH_ALL.replace("npx lerna publish from-package --yes", "npm publish"),
    })
    assert [f for f in lint([root], Config()).findings if f.rule_id == "parse-error"] == []
