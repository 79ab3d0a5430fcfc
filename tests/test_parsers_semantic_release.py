"""semantic-release configuration files: parsers.semantic_release and its place in the engine."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.engine import build_project
from npm_auth_lint.model import Flag, Location, ReleaseConfig, ReleaseConfigSource, ReleasePlugin
from npm_auth_lint.parsers.semantic_release import parse_javascript, parse_package_json, parse_rc_file
from npm_auth_lint.workspace import Workspace

RC = ReleaseConfigSource.RC_FILE


def test_a_yaml_releaserc_is_read_with_locations_crlf_and_comments():
    text = (
        "# release settings\r\n"
        "branches: [main]\r\n"
        "npmPublish: false # no npm\r\n"
        "plugins:\r\n"
        '  - "@semantic-release/commit-analyzer"\r\n'
        '  - - "@semantic-release/npm"\r\n'
        "    - npmPublish: false\r\n"
    )
    assert parse_rc_file(".releaserc.yml", text) == ReleaseConfig(
        ".releaserc.yml",
        RC,
        Location(".releaserc.yml", 1, 1),
        npm_publish=Flag(False, Location(".releaserc.yml", 3, 13)),
        plugins=(
            ReleasePlugin(Location(".releaserc.yml", 5, 5), "@semantic-release/commit-analyzer"),
            ReleasePlugin(Location(".releaserc.yml", 6, 5), "@semantic-release/npm", Flag(False, Location(".releaserc.yml", 7, 19))),
        ),
    )


def test_a_json_releaserc():
    config = parse_rc_file("pkg/.releaserc.json", '{\n  "plugins": ["@semantic-release/github"]\n}\n')
    assert config.readable and config.npm_publish is None
    assert config.plugins == (ReleasePlugin(Location("pkg/.releaserc.json", 2, 15), "@semantic-release/github"),)


def test_plugin_entries_that_name_nothing_and_options_that_are_not_booleans():
    config = parse_rc_file(".releaserc", 'plugins: [[], 3, ["@semantic-release/npm", {npmPublish: "false"}], [7]]\n')
    assert [(p.name, p.npm_publish) for p in config.plugins] == [
        (None, None),
        (None, None),
        ("@semantic-release/npm", None),  # the string "false" is not `false`
        (None, None),
    ]


def test_no_plugins_list_means_the_defaults():
    assert parse_rc_file(".releaserc", "branches: [main]\nplugins: some-string\n").plugins is None


def test_an_unparseable_or_non_mapping_releaserc_is_unreadable_with_a_located_error():
    broken = parse_rc_file(".releaserc", "plugins: [\n")
    assert not broken.readable
    assert broken.error is not None and broken.error.location.path == ".releaserc" and broken.error.location.line == 2
    for text in ("", "[not, a, mapping]", "just text\n"):
        config = parse_rc_file(".releaserc.yaml", text)
        assert not config.readable
        assert config.error is not None and config.error.message == "expected a mapping at the top level"


def test_a_javascript_configuration_is_present_but_unreadable():
    assert parse_javascript("release.config.cjs", "module.exports = {}") == ReleaseConfig(
        "release.config.cjs", ReleaseConfigSource.JAVASCRIPT, Location("release.config.cjs", 1, 1), readable=False
    )


def test_package_json_release_key():
    text = '{\n  "name": "a",\n  "release": {\n    "npmPublish": false\n  }\n}\n'
    config = parse_package_json("package.json", text)
    assert config == ReleaseConfig(
        "package.json",
        ReleaseConfigSource.PACKAGE_JSON,
        Location("package.json", 3, 14),
        npm_publish=Flag(False, Location("package.json", 4, 19)),
    )


def test_package_json_without_release_or_json_gives_no_configuration():
    assert parse_package_json("package.json", '{"name": "a"}') is None
    assert parse_package_json("package.json", "{") is None  # semantic-release looks further
    assert parse_package_json("package.json", "[1]") is None
    assert parse_package_json("package.json", "[" * 5000 + "]" * 5000) is None  # too deep for json


def test_package_json_release_that_is_not_an_object_is_unreadable():
    config = parse_package_json("package.json", '{"release": "shared-config"}')
    assert config is not None and not config.readable
    assert config.error is not None and config.error.location == Location("package.json", 1, 13)


def test_package_json_values_are_jsons_even_when_the_located_loader_refuses_the_text():
    # Duplicate keys: json keeps the last one (as Node does); positions fall back to the key's file.
    config = parse_package_json("package.json", '{"release": {"npmPublish": false}, "release": {}}')
    assert config == ReleaseConfig("package.json", ReleaseConfigSource.PACKAGE_JSON, Location("package.json", 1, 1))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gives_a_configuration(text):
    config = parse_rc_file(".releaserc", text)
    assert config.readable is (config.error is None)
    package = parse_package_json("package.json", text)
    assert package is None or package.source is ReleaseConfigSource.PACKAGE_JSON


def test_the_engine_reads_every_place_of_the_configuration(repo):
    root = repo(
        {
            ".releaserc.yml": "plugins: ['@semantic-release/github']\n",
            "a/release.config.mjs": "export default {}\n",
            "b/package.json": '{"name": "b", "release": {"branches": ["main"]}}',
            "c/package.json": '{"name": "c"}',
        }
    )
    workspace = Workspace(root)
    project = build_project(workspace, workspace.discover([root]))
    assert sorted(c.path for c in project.release_configs) == [".releaserc.yml", "a/release.config.mjs", "b/package.json"]
    assert project.release_config("a/release.config.mjs").source is ReleaseConfigSource.JAVASCRIPT
    assert project.release_config("c/package.json") is None
