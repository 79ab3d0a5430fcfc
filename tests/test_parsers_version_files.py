"""Node version files as setup-node reads them: parsers.version_files and its place in the engine."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.engine import build_project
from npm_auth_lint.model import Location, NodeVersionFile, Text
from npm_auth_lint.parsers import AUX_PARSERS, VERSION_FILE_NAMES, version_files
from npm_auth_lint.parsers.version_files import named_paths, parse
from npm_auth_lint.toolchain import NpmBound, resolve_node_spec
from npm_auth_lint.workspace import AUX_NAMES, Workspace


def spec(text: str) -> str | None:
    node = parse(".nvmrc", text).node
    return node.value if node is not None else None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("v20.11.1\n", "20.11.1"),
        ("v20.11.1\r\n", "20.11.1"),
        ("\ufeffv20.11.1\n", "v20.11.1"),  # JavaScript's \s has the BOM: trimmed content wins
        ("lts/iron\n", "lts/iron"),
        ("lts/*\n", "lts/*"),
        ("22\n", "22"),
        ("# pinned\n22\n", "22"),
        ("python 3.12.1\nnodejs 24.5.0\n", "24.5.0"),  # .tool-versions
        ("node 24\n", "24"),
        ("node v18.20.0\n", "18.20.0"),
        ('[tools]\nnode = "24"\n', "24"),  # mise.toml
        ('[tools]\nnode = { version = "22.14" }\n', "22.14"),
        ('[tools]\nnode = ["24", "22"]\n', None),
        ('{"volta": {"node": "20.11.1"}, "engines": {"node": ">=18"}}', "20.11.1"),
        (
            '{"devEngines": {"runtime": {"name": "node", "version": ">=22.14"}}, "engines": {"node": "18"}}',
            ">=22.14",
        ),
        (
            '{"devEngines": {"runtime": [{"name": "bun", "version": "1"},'
            ' {"name": "Node", "version": "^24"}]}}',
            "^24",
        ),
        ('{"devEngines": {"runtime": {"name": "node"}}, "engines": {"node": ">=20 <23"}}', ">=20 <23"),
        ('{"engines": {"node": ">=20 <23"}}', ">=20 <23"),
        ('{"volta": {"node": 22}}', "22"),
        ('{"name": "x"}', None),  # JSON without a version: setup-node stops there
        ("[1, 2]", None),
        ("", None),
        ("  \n", None),
        ("\r\n\r\n", None),
    ],
)
def test_the_spec_setup_node_reads(text, expected):
    assert spec(text) == expected


@pytest.mark.parametrize(
    ("path", "text", "node"),
    [
        (".nvmrc", "v20.11.1\n", Text("20.11.1", Location(".nvmrc", 1, 2))),  # after the `v`
        (".nvmrc", "v20.11.1\r\n", Text("20.11.1", Location(".nvmrc", 1, 2))),
        (".nvmrc", "# pinned\n\n22\n", Text("22", Location(".nvmrc", 3, 1))),
        (".nvmrc", "lts/*", Text("lts/*", Location(".nvmrc", 1, 1))),
        (".node-version", "node v18.20.0\n", Text("18.20.0", Location(".node-version", 1, 7))),
        (".tool-versions", "python 3.12.1\r\nnodejs 24.5.0\r\n", Text("24.5.0", Location(".tool-versions", 2, 8))),
        ("mise.toml", '# tools\n[tools]\nnode = "24"\n', Text("24", Location("mise.toml", 3, 9))),
        ("sub/.mise.toml", '[tools]\nnode = { version = "22.14" }\n', Text("22.14", Location("sub/.mise.toml", 2, 21))),
        ("package.json", '{\n  "engines": {\n    "node": ">=22.14"\n  }\n}\n', Text(">=22.14", Location("package.json", 3, 14))),
    ],
)
def test_values_are_located(path, text, node):
    assert parse(path, text) == NodeVersionFile(path, node=node)


def test_empty_and_blank_files_pin_nothing():
    assert parse(".nvmrc", "") == NodeVersionFile(".nvmrc")
    assert parse(".node-version", " \t\n") == NodeVersionFile(".node-version")


def test_volta_extends_is_followed_only_when_nothing_else_pins_node():
    child = '{\n  "name": "pkg",\n  "volta": {"extends": "../../package.json"}\n}\n'
    parsed = parse("packages/a/package.json", child)
    assert parsed.node is None
    assert parsed.volta_extends == Text("../../package.json", Location("packages/a/package.json", 3, 25))
    assert parsed.extends_path == "package.json"
    assert parse("package.json", '{"volta": {"node": "20", "extends": "../package.json"}}').volta_extends is None
    assert parse("package.json", '{"engines": {"node": "20"}, "volta": {"extends": "x.json"}}').volta_extends is None
    assert parse(".nvmrc", "v20\n").volta_extends is None


def test_a_mise_toml_that_is_not_toml_is_a_located_error_and_still_read_by_lines():
    parsed = parse("mise.toml", "[tools]\nnode = \n")
    assert parsed.error is not None
    assert parsed.error.location == Location("mise.toml", 2, 8)
    assert parsed.error.message.startswith("invalid TOML: ")
    assert parsed.node == Text("[tools]", Location("mise.toml", 1, 1))  # setup-node's first-line reading
    # Other names are not TOML files: their text failing TOML is no error.
    assert parse(".nvmrc", "[tools\n").error is None


def test_an_nvmrc_resolves_end_to_end():
    resolution = resolve_node_spec(spec("v20.11.1\n"))
    assert resolution is not None
    assert (resolution.version, resolution.npm, resolution.npm_bound) == ("20.11.1", "10.2.4", NpmBound.EXACT)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60), st.sampled_from([".nvmrc", "mise.toml", "package.json", ".tool-versions"]))
def test_any_text_parses_to_well_formed_data(text, path):
    parsed = parse(path, text)
    assert parsed.path == path
    if parsed.node is not None:
        # JS trim(): "\x1f" is kept, as setup-node keeps it
        assert parsed.node.value and parsed.node.location.path == path and parsed.node.location.line >= 1
    assert (parsed.volta_extends is None) is (parsed.extends_path is None)
    assert parsed.error is None or parsed.error.location.path == path


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=10), children, max_size=3)
    ),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "volta": _json_values,
            "devEngines": st.fixed_dictionaries({}, optional={"runtime": _json_values}) | _json_values,
            "engines": _json_values,
        },
    )
)
def test_package_json_shapes_never_raise(manifest):
    parsed = parse("package.json", json.dumps(manifest))
    assert parsed.node is None or isinstance(parsed.node.value, str)
    assert parsed.volta_extends is None or isinstance(parsed.volta_extends.value, str)


# --- in the engine --------------------------------------------------------------------------------


def test_every_auxiliary_name_has_a_parser():
    assert set(AUX_PARSERS) == set(AUX_NAMES)
    assert set(VERSION_FILE_NAMES) <= set(AUX_NAMES)


def _project(root, targets=None):
    workspace = Workspace(root)
    files = workspace.discover(targets or [root])
    return build_project(workspace, files)


def test_the_engine_parses_version_files_and_package_json(repo):
    root = repo(
        {
            ".nvmrc": "v22.14.0\n",
            "web/.node-version": "20\n",
            "tools/.tool-versions": "nodejs 24.1.0\n",
            "mise.toml": '[tools]\nnode = "24"\n',
            "package.json": '{"name": "a", "engines": {"node": ">=20"}}',
            "broken/package.json": "{",  # not a package, but setup-node reads its first line
        }
    )
    project = _project(root)
    read = {v.path: (v.node.value if v.node else None) for v in project.version_files}
    assert read == {
        ".nvmrc": "22.14.0",
        "web/.node-version": "20",
        "tools/.tool-versions": "24.1.0",
        "mise.toml": "24",
        "package.json": ">=20",
        "broken/package.json": "{",
    }
    assert project.version_file("web/.node-version").node.location == Location("web/.node-version", 1, 1)
    assert project.version_file("missing/.nvmrc") is None
    assert not any(e.location.path == "mise.toml" for e in project.parse_errors)


WORKFLOW = """\
on: push
jobs:
  release:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/setup-node@v4
        with:
          node-version-file: {file}
      - run: npm publish
"""


def test_a_file_read_for_another_reason_is_read_as_setup_node_would(repo):
    # setup-node reads whatever file it is named; lerna.json is read anyway (workspace globs).
    root = repo({".github/workflows/release.yml": WORKFLOW.format(file="./lerna.json"), "lerna.json": '{"version": "1.0.0"}'})
    project = _project(root)
    assert project.version_file("lerna.json") is not None
    # A file the tool never reads is not in the repository as scanned, as before.
    root = repo({".github/workflows/release.yml": WORKFLOW.format(file="node.txt"), "node.txt": "20\n"})
    assert _project(root).version_file("node.txt") is None


def test_named_paths_are_node_version_file_inputs_and_volta_extends(repo):
    root = repo({".github/workflows/release.yml": WORKFLOW.format(file=" ./a/.nvmrc ")})
    project = _project(root)
    extends = NodeVersionFile("x/package.json", extends_path="package.json")
    assert named_paths(project.pipelines, (extends,)) == ["a/.nvmrc", "package.json"]


def test_linting_a_sub_folder_still_reads_version_files_of_the_whole_repository(repo):
    root = repo({"web/package.json": '{"name": "w"}', ".nvmrc": "20\n", "package.json": '{"name": "root"}'})
    project = _project(root, [root / "web"])
    assert project.version_file(".nvmrc") is not None
    assert project.version_file("package.json") is None  # not linted, so not read


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(['tools', 'node = "20"', "[tools]", "[tool]", '"\\u0074ools"', '"\\U00000074ools"', "\n", " ", "=", ".", '"', "24", "{", "}", "#"]),
        max_size=8,
    ).map("".join)
    | st.text(max_size=40)
)
def test_the_mise_shortcut_answers_as_the_toml_parser(text: str) -> None:
    # Texts without `tools` (or an escape that may spell it) skip the TOML parser: same answer.
    assert version_files._from_mise_toml(text) == version_files._from_toml_tools(text)


def test_an_escaped_tools_key_is_still_read() -> None:
    assert version_files._from_mise_toml('["\\u0074ools"]\nnode = "22"\n') == (True, "22")
