from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.analysis.semantic_release import publishes_to_npm
from npm_auth_lint.model import Project
from npm_auth_lint.parsers import semantic_release


def project(files: dict[str, str]) -> Project:
    """A project with the semantic-release configurations the parsers read from ``files``."""
    configs = []
    for path, text in files.items():
        name = path.rpartition("/")[2]
        if name == "package.json":
            config = semantic_release.parse_package_json(path, text)
        elif name in semantic_release.RC_FILES:
            config = semantic_release.parse_rc_file(path, text)
        else:
            assert name in semantic_release.JAVASCRIPT_FILES, name
            config = semantic_release.parse_javascript(path, text)
        if config is not None:
            configs.append(config)
    return Project(root="/repo", release_configs=tuple(configs))


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, True),  # no configuration: the default plugins publish
        ({"package.json": '{"name": "a"}'}, True),
        ({"package.json": '{"release": {"branches": ["main"]}}'}, True),
        ({"package.json": '{"release": {"npmPublish": false}}'}, False),
        ({".releaserc": '{"plugins": ["@semantic-release/github"]}'}, False),
        ({".releaserc": "plugins:\n  - '@semantic-release/npm'\n"}, True),
        ({".releaserc.json": '{"plugins": [["@semantic-release/npm", {"npmPublish": false}]]}'}, False),
        ({".releaserc.json": '{"plugins": [["@semantic-release/npm", {"pkgRoot": "dist"}]]}'}, True),
        ({".releaserc.json": '{"extends": "@acme/release-config"}'}, True),  # a shareable configuration: unknown
        ({".releaserc.json": '{"extends": "x", "plugins": ["@semantic-release/gitlab"]}'}, False),
        ({"release.config.js": "module.exports = {}", ".releaserc.json": "{"}, True),  # unreadable counts as publishing
        ({"release.config.js": "module.exports = {plugins: []}"}, True),
        # package.json comes first in cosmiconfig's search
        ({"package.json": '{"release": {}}', ".releaserc": '{"npmPublish": false}'}, True),
        ({".releaserc.yml": "[not, a, mapping]"}, True),
    ],
)
def test_publishes_to_npm(files, expected):
    assert publishes_to_npm(project(files), "") is expected


def test_configuration_is_searched_upward_from_the_working_directory():
    files = {".releaserc.json": '{"npmPublish": false}', "packages/a/package.json": '{"name": "a"}'}
    assert publishes_to_npm(project(files), "packages/a") is False
    files["packages/a/package.json"] = '{"name": "a", "release": {"branches": ["main"]}}'
    assert publishes_to_npm(project(files), "packages/a") is True


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_any_configuration_text_gives_an_answer(releaserc, package_json):
    files = {".releaserc": releaserc, "package.json": package_json}
    assert publishes_to_npm(project(files), "") in (True, False)
