from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.model import NpmrcKind, PackageJson, ParseError
from npm_auth_lint.parsers import package_json, yarnrc_yml
from npm_auth_lint.parsers.git_config import origin_url, parse_remote
from npm_auth_lint.parsers.npmrc import parse_npmrc, split_scope


def test_npmrc_scoped_keys_quotes_and_comments() -> None:
    text = (
        "; comment\n"
        "# another\n"
        "registry = https://registry.npmjs.org/\n"
        "//localhost:4873/:_authToken=\"${TOKEN}\"\n"
        "@acme:registry=https://npm.pkg.github.com\n"
        "[section]\n"
        "email=me@example.com ; trailing comment\n"
    )
    npmrc = parse_npmrc(".npmrc", text)
    got = [(e.key, e.scope, e.value, e.location.line, e.location.column) for e in npmrc.entries]
    assert got == [
        ("registry", None, "https://registry.npmjs.org/", 3, 1),
        ("_authToken", "//localhost:4873/", "${TOKEN}", 4, 1),
        ("registry", "@acme", "https://npm.pkg.github.com", 5, 1),
        ("email", None, "me@example.com", 7, 1),
    ]
    assert npmrc.entries[1].env_references == ("TOKEN",)
    assert npmrc.entries[1].value_location.column == 30  # the opening quote


def test_split_scope() -> None:
    assert split_scope("//registry.npmjs.org/:_authToken") == ("_authToken", "//registry.npmjs.org/")
    assert split_scope("//host:8080/path/:_auth") == ("_auth", "//host:8080/path/")
    assert split_scope("@scope:registry") == ("registry", "@scope")
    assert split_scope("always-auth") == ("always-auth", None)


def test_yarnrc_classic_syntax() -> None:
    npmrc = parse_npmrc(".yarnrc", 'registry "https://r.example/"\n"//r.example/:_authToken" "${T}"\nalways-auth=true\n', NpmrcKind.YARNRC)
    assert [(e.key, e.scope, e.value) for e in npmrc.entries] == [
        ("registry", None, "https://r.example/"),
        ("_authToken", "//r.example/", "${T}"),
        ("always-auth", None, "true"),
    ]


def test_yarnrc_yml_blocks() -> None:
    text = 'npmAuthToken: "${NPM_TOKEN}"\nnpmScopes:\n  acme:\n    npmAuthToken: x\nnpmRegistries:\n  "//r.example":\n    npmAlwaysAuth: true\n'
    parsed = yarnrc_yml.parse(".yarnrc.yml", text)
    assert not isinstance(parsed, ParseError)
    assert [(e.key, e.scope, e.value, e.location.line) for e in parsed.entries] == [
        ("npmAuthToken", None, "${NPM_TOKEN}", 1),
        ("npmAuthToken", "@acme", "x", 4),
        ("npmAlwaysAuth", "//r.example", "true", 7),
    ]


def test_package_json_fields_and_lines() -> None:
    text = """{
  "name": "@acme/pkg",
  "version": "1.2.3",
  "private": false,
  "repository": {"type": "git", "url": "git+https://github.com/acme/pkg.git", "directory": "packages/pkg"},
  "scripts": {"release": "changeset publish", "prerelease": "npm run build"},
  "publishConfig": {"access": "public", "provenance": true},
  "engines": {"node": ">=22.14.0"},
  "packageManager": "pnpm@10.4.0",
  "volta": {"node": "24.5.0"},
  "devEngines": {"runtime": {"name": "node", "version": "^24"}},
  "workspaces": ["packages/*"],
  "devDependencies": {"lerna": "^8.1.0"}
}
"""
    pkg = package_json.parse("packages/pkg/package.json", text)
    assert isinstance(pkg, PackageJson)
    assert pkg.name is not None and pkg.name.value == "@acme/pkg" and pkg.name.location.line == 2
    assert pkg.repository is not None and pkg.repository.value == "git+https://github.com/acme/pkg.git"
    assert pkg.repository.location.line == 5
    assert pkg.scripts["release"].value == "changeset publish" and pkg.scripts["release"].location.line == 6
    assert pkg.publish_config["provenance"].value == "true"
    assert pkg.engines["node"].value == ">=22.14.0"
    assert pkg.dev_engines_runtime[0]["version"].value == "^24"
    assert [w.value for w in pkg.workspaces] == ["packages/*"]
    assert pkg.dependencies["lerna"].value == "^8.1.0"
    assert pkg.directory == "packages/pkg"
    assert pkg.fields["repository"].line == 5
    assert not pkg.private


def test_package_json_errors() -> None:
    error = package_json.parse("package.json", '{\n  "a": 1,\n}\n')
    assert isinstance(error, ParseError) and (error.location.line, error.location.column) == (3, 1)
    dup = package_json.parse("package.json", '{\n  "name": "a",\n  "name": "b"\n}\n')
    assert isinstance(dup, ParseError) and dup.location.line == 3 and "duplicate" in dup.message
    top = package_json.parse("package.json", "[1, 2]")
    assert isinstance(top, ParseError) and "top level" in top.message


def test_git_remote_forms() -> None:
    config = '[core]\n\tbare = false\n[remote "upstream"]\n\turl = https://github.com/other/x\n[remote "origin"]\n\turl = git@github.com:Acme/Widget.git\n'
    assert origin_url(config) == "git@github.com:Acme/Widget.git"
    remote = parse_remote("git@github.com:Acme/Widget.git")
    assert (remote.host, remote.owner, remote.repo) == ("github.com", "Acme", "Widget")
    remote = parse_remote("https://gitlab.com/group/sub/project.git")
    assert (remote.host, remote.owner, remote.repo) == ("gitlab.com", "group/sub", "project")
    remote = parse_remote("ssh://git@gitlab.example.com:2222/team/app")
    assert (remote.host, remote.owner, remote.repo) == ("gitlab.example.com", "team", "app")


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parsers_never_raise(text: str) -> None:
    parse_npmrc(".npmrc", text)
    parse_npmrc(".yarnrc", text, NpmrcKind.YARNRC)
    assert isinstance(yarnrc_yml.parse(".yarnrc.yml", text), (ParseError, type(yarnrc_yml.parse(".yarnrc.yml", ""))))
    assert isinstance(package_json.parse("package.json", text), (ParseError, PackageJson))
    origin_url(text)
    parse_remote(text)


@settings(max_examples=100, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
                    max_leaves=20))
def test_package_json_any_json_value(value: object) -> None:
    import json

    result = package_json.parse("package.json", json.dumps(value))
    assert isinstance(result, (PackageJson, ParseError))
    if isinstance(value, dict):
        assert isinstance(result, PackageJson) or "duplicate" in result.message


def test_npmrc_values_end_where_npms_ini_parser_ends_them() -> None:
    # npm's `ini` cuts an unquoted value at the first unescaped `;` or `#`, with or without a
    # space before it; `\;` and `\#` keep the character; quoted values are taken whole.
    text = (
        "a=b#c\n"
        "b=x;y\n"
        "c=x\\;y\\#z\n"
        'd="x;y#z"\n'
        "//registry.npmjs.org/:_authToken=;\n"
        "e=C:\\certs\\ca.pem\n"
    )
    assert [e.value for e in parse_npmrc(".npmrc", text).entries] == ["b", "x", "x;y#z", "x;y#z", "", "C:\\certs\\ca.pem"]


def test_only_registry_npmjs_org_is_npmjs() -> None:
    from npm_auth_lint.analysis.registry_urls import is_npmjs

    assert is_npmjs("https://registry.npmjs.org/") and is_npmjs("//registry.npmjs.org") and is_npmjs("registry.npmjs.org")
    # npm asks for an ID token for `npm:<host>`: the .com alias would not match a trusted publisher.
    assert not is_npmjs("https://registry.npmjs.com/") and not is_npmjs("https://npm.pkg.github.com")


def test_a_package_json_is_decoded_once_for_all_its_readers(tmp_path, monkeypatch) -> None:
    import json

    from npm_auth_lint import yamlio
    from npm_auth_lint.parsers import PARSERS
    from npm_auth_lint.workspace import Kind, Workspace

    (tmp_path / "package.json").write_text('{"name": "a", "volta": {"node": "24.1.0"}, "release": {"npmPublish": false}}')
    decoded: list[str] = []
    real_loads = json.loads
    monkeypatch.setattr(json, "loads", lambda text, **kw: decoded.append(text) or real_loads(text, **kw))
    yamlio.json_document.cache_clear()
    parsed = PARSERS[Kind.PACKAGE_JSON](Workspace(tmp_path), "package.json")
    # The package, the located tree, setup-node's version file and semantic-release's `release`.
    assert parsed.packages[0].name.value == "a"
    assert parsed.version_files[0].node.value == "24.1.0"
    assert parsed.release_configs[0].npm_publish.value is False
    assert len(decoded) == 1
