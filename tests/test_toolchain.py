from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.toolchain import (
    NODE_OIDC_FLOOR,
    NPM_OIDC_FLOOR,
    NPM_OIDC_FLOOR_CIRCLECI,
    ImageFamily,
    NpmBound,
    bundled_npm,
    first_releases_meeting_floors,
    is_node_image,
    meets_node_floor,
    meets_npm_floor,
    oldest_node_meeting_floors,
    ranges,
    release_data,
    resolve_docker_image,
    resolve_node_spec,
    resolve_npm_spec,
    upgrade_advice,
)
from npm_auth_lint.toolchain.data import parse_release_data

REFERENCE = Path(__file__).resolve().parent / "data" / "node-releases-reference.json"


def resolved(spec):
    resolution = resolve_node_spec(spec)
    assert resolution is not None, spec
    return resolution.version, resolution.npm, resolution.npm_bound


# --- the packaged data ------------------------------------------------------------------------


def test_data_is_sorted_and_complete():
    data = release_data()
    versions = [release.version for release in data.node]
    assert versions == sorted(versions, key=ranges.version_key)
    assert [r.version for r in data.npm] == sorted((r.version for r in data.npm), key=ranges.version_key)
    assert {release.major for release in data.node} == set(range(18, 28))
    assert {release.major for release in data.npm} == {10, 11, 12}
    for release in data.node:
        assert (release.npm is None) != (release.npm_min is None), release
        assert release.prerelease == ("-" in release.version)
    assert all(release.engines_node for release in data.npm)


def test_data_facts():
    data = release_data()
    assert (NPM_OIDC_FLOOR, NPM_OIDC_FLOOR_CIRCLECI, NODE_OIDC_FLOOR) == ("11.5.1", "11.11.0", "22.14.0")
    assert "12.0.0" in data.npm_broken and "sigstore" in data.npm_broken["12.0.0"]
    assert data.npm_dist_tags["latest"] == max(
        (r.version for r in data.npm if r.major == 12 and not r.prerelease), key=ranges.version_key
    )
    assert {line.codename: line.major for line in data.lts_lines}["Lithium"] == 26
    assert data.sources and data.generated  # provenance travels with the data


def test_lts_lines_only_count_once_started():
    text = (Path(__file__).resolve().parents[1] / "npm_auth_lint" / "data" / "node_releases.json").read_text()
    raw = json.loads(text)
    raw["generated"] = "2026-10-27"  # the day before Lithium's LTS start
    data = parse_release_data(json.dumps(raw))
    assert data.lts_lines[-1].codename == "Krypton"


def test_every_reference_release_of_22_to_26_is_packaged_with_the_same_npm():
    assert REFERENCE.exists(), f"vendored reference missing at {REFERENCE} (tests/data/README.md)"
    reference = json.loads(REFERENCE.read_text(encoding="utf-8"))
    packaged = release_data().node_by_version
    checked = 0
    for row in reference["node"]:
        if int(row["version"].split(".")[0]) not in (22, 24, 25, 26):
            continue
        release = packaged.get(row["version"])
        assert release is not None, row["version"]
        assert release.npm == row["npm"], row["version"]
        assert release.npm_min == row.get("npm_min"), row["version"]
        checked += 1
    assert checked >= 100


# --- npm's semver ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("version", "spec", "expected"),
    [
        ("22.14.0", "^22.22.2 || ^24.15.0 || >=26.0.0", False),
        ("22.22.2", "^22.22.2 || ^24.15.0 || >=26.0.0", True),
        ("27.0.0-alpha.0.1.1", ">=26", False),  # pre-releases only where the range names one
        ("27.0.0-alpha.0.1.1", ">=27.0.0-0", True),
        ("22.14.0", "22.x.3", False),  # npm rejects a number after a wildcard ...
        ("22.14.0", "~22.x.3", True),  # ... except after ~ or ^
        ("22.14.0", "22.14.0 - 24", True),
        ("22.14.0", "٢٢", False),
    ],
)
def test_satisfies_matches_npm(version, spec, expected):
    assert ranges.satisfies(version, spec) is expected


def test_satisfies_with_prereleases_like_npm_engines():
    # npm checks engines with includePrerelease: ordering still counts the pre-release tag.
    assert ranges.satisfies("27.0.0-alpha.0.1.1", ">=26.0.0", include_prerelease=True)
    assert ranges.satisfies("27.0.0-alpha.0.1.1", "^20.17.0 || >=22.9.0", include_prerelease=True)
    assert not ranges.satisfies("26.0.0-rc.1", ">=26.0.0", include_prerelease=True)


def test_clean_version_is_semver_clean():
    assert ranges.clean_version(" =v22.14.0 ") == "22.14.0"
    assert ranges.clean_version("22.14.0+build") == "22.14.0"
    assert ranges.clean_version("22.14") is None
    assert ranges.clean_version("022.1.0") is None


# --- node-version specs (actions/setup-node) -------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "version", "npm", "bound"),
    [
        ("22", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        (22, "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("22.x", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("^22", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        (">=20 <23", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("20 || 22", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("20.x", "20.20.2", "10.8.2", NpmBound.EXACT),
        ("22.14", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("22.14.0", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("v22.14.0", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("~22.1", "22.1.0", "10.7.0", NpmBound.EXACT),
        (22.1, "22.1.0", "10.7.0", NpmBound.EXACT),  # YAML 22.10 -> float 22.1 -> runner sees "22.1"
        (22.0, "22.23.3", "10.9.8", NpmBound.AT_LEAST),  # JavaScript prints 22.0 as "22"
        ("24", "24.22.0", "11.19.0", NpmBound.AT_LEAST),
        ("24.5", "24.5.0", "11.5.1", NpmBound.EXACT),
        (">=20", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("lts/*", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("lts/-1", "24.22.0", "11.19.0", NpmBound.AT_LEAST),
        ("lts/-2", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("lts/jod", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("lts/Jod", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("lts/KRYPTON", "24.22.0", "11.19.0", NpmBound.AT_LEAST),
        ("lts/iron", "20.20.2", "10.8.2", NpmBound.EXACT),
        ("lts/hydrogen", "18.20.8", "10.8.2", NpmBound.EXACT),
        ("latest", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("current", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("*", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        (">=27.0.0-0", "27.0.0-alpha.0.1.1", "11.19.0", NpmBound.AT_LEAST),
        ("16", "16", "10.0.0", NpmBound.BELOW),  # older than the table: npm 10+ rejects Node 16
        ("lts/gallium", "16", "10.0.0", NpmBound.BELOW),
        ("16.20.2", "16.20.2", "10.0.0", NpmBound.BELOW),
        ("22.23.4", "22.23.4", "10.9.8", NpmBound.AT_LEAST),  # newer than the data: npm never drops
    ],
)
def test_resolve_node_spec(spec, version, npm, bound):
    assert resolved(spec) == (version, npm, bound)


def test_resolve_node_spec_explains_itself():
    resolution = resolve_node_spec("22")
    assert resolution.explanation == (
        "`22` resolves to Node 22.23.3, the newest matching release, which bundles npm >= 10.9.8 "
        "(the exact version is not in the release data)"
    )
    assert not resolution.npm_exact and resolution.npm_text == ">= 10.9.8"
    exact = resolve_node_spec("22.14.0")
    assert (
        exact.npm_exact
        and exact.explanation == "`22.14.0` resolves to Node 22.14.0, which bundles npm 10.9.2"
    )
    assert "Jod LTS line" in resolve_node_spec("lts/jod").explanation


@pytest.mark.parametrize(
    "spec",
    [
        "${{ matrix.node }}",
        "garbage",
        "",
        "   ",
        "Latest",  # setup-node's aliases are case-sensitive
        "LTS/*",
        "lts/",
        "lts/-0",
        "lts/-99",
        "lts/unknown",
        "28",
        ">=28",
        "22.x.3",  # npm's semver rejects a number after a wildcard
        "016",  # ... and leading zeros
        "22.99.0-rc.1",
        "٢٢",  # Unicode digits are not digits to JavaScript
        True,
        float("nan"),
        None,
        10**30,
        "1" * 500,
    ],
)
def test_resolve_node_spec_unresolvable(spec):
    assert resolve_node_spec(spec) is None


def test_bundled_npm():
    assert bundled_npm("22.14.0") == ("10.9.2", NpmBound.EXACT)
    assert bundled_npm("v24.5.0") == ("11.5.1", NpmBound.EXACT)
    assert bundled_npm("26.13.0") == ("11.19.0", NpmBound.AT_LEAST)
    assert bundled_npm("16") == ("10.0.0", NpmBound.BELOW)
    assert bundled_npm("22.4.5") is None  # inside the table's range but not a release
    assert bundled_npm("not a version") is None


# --- container images ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image", "version", "npm", "bound"),
    [
        ("cimg/node:22.14", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("cimg/node:24.15", "24.15.0", "11.12.1", NpmBound.EXACT),
        ("cimg/node:24.11", "24.11.1", "11.6.2", NpmBound.EXACT),
        ("cimg/node:22.14.0-browsers", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("cimg/node:24.14.1-node", "24.14.1", "11.11.0", NpmBound.EXACT),
        ("cimg/node:lts", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("cimg/node:current-browsers", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("cimg/node:22", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("circleci/node:16", "16", "10.0.0", NpmBound.BELOW),
        ("circleci/node:14.17.0-browsers", "14.17.0", "10.0.0", NpmBound.BELOW),
        ("circleci/node:erbium", "12", "10.0.0", NpmBound.BELOW),
        ("node", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node:latest", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node:current-slim", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node:lts", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node:lts-alpine", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node:alpine3.20", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node:bookworm-slim", "26.13.0", "11.19.0", NpmBound.AT_LEAST),
        ("node:22", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("node:22.14", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("node:22.14.0-alpine3.21", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("node:20-bullseye", "20.20.2", "10.8.2", NpmBound.EXACT),
        ("node:jod", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        ("node:iron-slim", "20.20.2", "10.8.2", NpmBound.EXACT),
        ("node:16-alpine", "16", "10.0.0", NpmBound.BELOW),
        ("docker.io/library/node:22.14.0", "22.14.0", "10.9.2", NpmBound.EXACT),
        ("docker.io/node:24.5.0", "24.5.0", "11.5.1", NpmBound.EXACT),
        ("public.ecr.aws/docker/library/node:20", "20.20.2", "10.8.2", NpmBound.EXACT),
        ("node:22.14@sha256:" + "a" * 64, "22.14.0", "10.9.2", NpmBound.EXACT),
        ("mcr.microsoft.com/devcontainers/javascript-node:22", "22.23.3", "10.9.8", NpmBound.AT_LEAST),
        (
            "mcr.microsoft.com/devcontainers/javascript-node:1-24-bookworm",
            "24.22.0",
            "11.19.0",
            NpmBound.AT_LEAST,
        ),
    ],
)
def test_resolve_docker_image(image, version, npm, bound):
    resolution = resolve_docker_image(image)
    assert resolution is not None
    assert (resolution.version, resolution.npm, resolution.npm_bound) == (version, npm, bound)
    assert is_node_image(image)


@pytest.mark.parametrize(
    "image",
    [
        "cimg/node",  # cimg has no implicit latest
        "cimg/node:latest",
        "circleci/node",  # frozen since deprecation: its latest/lts are unknown
        "circleci/node:lts",
        "node@sha256:" + "b" * 64,  # a bare digest names an unknown build
        "node:${NODE_VERSION}",
        "node:foo",
        "mcr.microsoft.com/devcontainers/javascript-node",
    ],
)
def test_node_image_with_unresolvable_tag(image):
    assert is_node_image(image)
    assert resolve_docker_image(image) is None


@pytest.mark.parametrize(
    "image",
    [
        "python:3.12",
        "ubuntu:24.04",
        "localhost:5000/node:22",
        "ghcr.io/acme/node:22",
        "${{ matrix.image }}",
        "",
    ],
)
def test_not_a_node_image(image):
    assert not is_node_image(image)
    assert resolve_docker_image(image) is None


def test_image_families_cover_the_known_names():
    assert {family.value for family in ImageFamily} == {
        "node",
        "cimg/node",
        "circleci/node",
        "devcontainers/javascript-node",
    }


# --- npm upgrades ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "node", "version", "node_ok"),
    [
        ("latest", "20.20.2", "12.2.2", False),  # npm 12 needs ^22.22.2 || ^24.15.0 || >=26: EBADENGINE
        ("latest", "22.14.0", "12.2.2", False),
        ("latest", "22.22.2", "12.2.2", True),
        ("latest", "24.15.0", "12.2.2", True),
        ("latest", None, "12.2.2", None),
        ("npm@latest", "26.13.0", "12.2.2", True),
        ("^12", "20.20.2", "12.2.2", False),
        # A range (and a bare `npm`, which is `*`) prefers a version whose engines fit the Node.
        ("", "20.20.2", "11.21.2", True),
        ("npm", "20.20.2", "11.21.2", True),
        ("*", "20.20.2", "11.21.2", True),
        (">=11.5.1", "20.20.2", "11.21.2", True),
        ("", "24.22.0", "12.2.2", True),
        ("^11.5.1", "22.23.3", "11.21.2", True),
        ("'^11.5.1'", "22.14.0", "11.21.2", True),
        ("11", "22.14.0", "11.21.2", True),
        ("11.5.1", "22.14.0", "11.5.1", True),
        ("10", "22.14.0", "10.9.9", True),
        ("12.0.0", "24.22.0", "12.0.0", True),
        ("latest", "16", "12.2.2", False),
    ],
)
def test_resolve_npm_spec(spec, node, version, node_ok):
    resolution = resolve_npm_spec(spec, node)
    assert (resolution.version, resolution.node_ok) == (version, node_ok)
    assert resolution.installable is node_ok


def test_npm_latest_on_node_20_explains_ebadengine():
    resolution = resolve_npm_spec("latest", "20.20.2")
    assert resolution.engines_node == "^22.22.2 || ^24.15.0 || >=26.0.0"
    assert "EBADENGINE" in resolution.explanation and "Node 20.20.2" in resolution.explanation


def test_npm_upgrade_floors_and_breakage():
    assert resolve_npm_spec("^11.5.1", "22.14.0").meets_floor() is True
    assert resolve_npm_spec("10", "22.14.0").meets_floor() is False  # still too old
    assert resolve_npm_spec("11.6.0", "22.14.0").meets_floor(circleci=True) is False
    assert resolve_npm_spec("11.11.0", "22.14.0").meets_floor(circleci=True) is True
    broken = resolve_npm_spec("12.0.0", "24.22.0")
    assert broken.broken is not None and "sigstore" in broken.explanation
    assert resolve_npm_spec("12.0.1", "24.22.0").broken is None
    older = resolve_npm_spec("9", "20.1.0")
    assert (older.version, older.version_bound, older.meets_floor()) == ("10.0.0", NpmBound.BELOW, False)
    assert resolve_npm_spec("8.19.4", None).meets_floor() is False


@pytest.mark.parametrize("spec", ["latest-11", "next-11", "beta", "13", "13.0.0", "11.99.0", "%%%", "a b c"])
def test_npm_spec_unresolvable(spec):
    resolution = resolve_npm_spec(spec, "22.14.0")
    assert resolution.version is None
    assert resolution.node_ok is None and resolution.meets_floor() is None
    assert resolution.explanation


# --- floors and advice -------------------------------------------------------------------------


def test_meets_floors():
    assert meets_npm_floor("11.5.1") and not meets_npm_floor("11.5.0")
    assert not meets_npm_floor("11.10.0", circleci=True) and meets_npm_floor("11.11.0", circleci=True)
    assert meets_node_floor("22.14.0") and not meets_node_floor("22.13.1")
    assert not meets_node_floor("16") and meets_node_floor("24")
    assert not meets_npm_floor("garbage") and not meets_node_floor("")
    assert not meets_npm_floor("00") and not meets_node_floor("024")  # npm's semver: no leading zeros


def test_first_releases_meeting_floors_come_from_the_data():
    assert first_releases_meeting_floors() == {24: "24.5.0", 25: "25.0.0", 26: "26.0.0"}
    assert first_releases_meeting_floors(circleci=True) == {24: "24.14.1", 25: "25.8.0", 26: "26.0.0"}
    assert oldest_node_meeting_floors() == "24.5.0"
    assert oldest_node_meeting_floors(circleci=True) == "24.14.1"


def test_upgrade_advice():
    assert upgrade_advice() == (
        "add `npm install -g npm@^11.5.1` before publishing, or use Node >= 24.5.0 (it bundles npm 11.5.1)"
    )
    assert upgrade_advice("22.14.0", circleci=True) == (
        "add `npm install -g npm@^11.11.0` before publishing, or use Node >= 24.14.1 (it bundles npm 11.11.0)"
    )
    assert upgrade_advice("20.20.2").startswith("use Node >= 24.5.0")


# --- never raise -------------------------------------------------------------------------------

_spec_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789.xX*^~<>=|- v+lts/abcdejiornkypt", max_size=25),
    st.from_regex(
        r"(node|cimg/node|circleci/node|docker\.io/library/node)(:[\w.${}-]{0,20})?(@sha256:[0-9a-f]{0,8})?"
    ),
)


@settings(max_examples=300, deadline=None)
@given(_spec_text)
def test_resolvers_never_raise_on_text(text):
    # Nothing raises, and whatever comes back is well formed: a resolved Node names a version
    # that starts with a digit and an npm version or bound; an npm resolution always explains.
    for result in (resolve_node_spec(text), resolve_docker_image(text)):
        assert result is None or (result.version[:1].isdigit() and result.npm[:1].isdigit() and result.explanation)
    assert isinstance(is_node_image(text), bool)
    npm = resolve_npm_spec(text, None)
    assert npm.explanation and (npm.version is None or npm.version[:1].isdigit())
    assert resolve_npm_spec(text, text).explanation
    bundled = bundled_npm(text)
    assert bundled is None or bundled[0][:1].isdigit()
    assert isinstance(meets_npm_floor(text), bool) and isinstance(meets_node_floor(text), bool)


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.integers(), st.floats(), st.booleans(), st.none()))
def test_resolve_node_spec_never_raises_on_numbers(value):
    result = resolve_node_spec(value)
    assert result is None or result.version


# --- Volta pins (volta-cli/action) ------------------------------------------------------------


def _project(repo, files: dict[str, str]):
    from npm_auth_lint.config import Config
    from npm_auth_lint.engine import lint

    return lint([repo(files)], Config()).projects[0]


def test_volta_pins_follow_extends_for_the_keys_not_set(repo) -> None:
    from npm_auth_lint.analysis.job_toolchain import volta_pins

    project = _project(repo, {
        "package.json": '{"name": "a", "volta": {"npm": "11.6.2", "extends": "./shared/package.json"}}',
        "shared/package.json": '{"name": "s", "volta": {"node": "24.11.0", "npm": "10.9.2"}}',
    })
    node, npm = volta_pins(project, "package.json")
    assert (node.value, node.location.path) == ("24.11.0", "shared/package.json")
    assert (npm.value, npm.location.path) == ("11.6.2", "package.json")  # the nearer pin wins


def test_volta_pins_survive_cycles_and_missing_files(repo) -> None:
    from npm_auth_lint.analysis.job_toolchain import volta_pins

    project = _project(repo, {
        "package.json": '{"name": "a", "volta": {"extends": "./b/package.json"}}',
        "b/package.json": '{"name": "b", "volta": {"extends": "../package.json"}}',
    })
    assert volta_pins(project, "package.json") == (None, None)
    assert volta_pins(project, "nowhere/package.json") == (None, None)


# --- A publish step gated to one matrix leg -----------------------------------------------------


@pytest.mark.parametrize(
    ("condition", "values"),
    [
        ("${{ github.ref == 'refs/heads/main' && matrix['node-version'] == '16.x' }}", {"16.x"}),
        ("matrix.node-version == '20.X'", {"20.x"}),  # GitHub compares strings case-insensitively
        ("'22' == matrix.node-version", {"22"}),
        ("matrix.node-version == 20 && matrix.os == 'ubuntu-latest'", {"20"}),
        ("matrix.node-version == '20' || matrix.node-version == '22'", None),  # an alternative
        ("matrix.node-version != '18'", None),
        ("matrix.os == 'ubuntu-latest'", None),  # another axis
        ("startsWith(github.ref, 'refs/tags/')", None),
        (None, None),
    ],
)
def test_values_a_step_runs_on(condition, values) -> None:
    from npm_auth_lint.analysis.job_toolchain import _values_the_step_runs_on

    assert _values_the_step_runs_on(condition, "node-version") == values


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_values_a_step_runs_on_never_raises(text) -> None:
    from npm_auth_lint.analysis.job_toolchain import _values_the_step_runs_on

    result = _values_the_step_runs_on(text, "node")
    assert result is None or isinstance(result, set)


@pytest.mark.parametrize(
    ("source", "path", "example"),
    [
        ("node-version-file .nvmrc", ".nvmrc", "`24` in `.nvmrc`"),
        ("node-version-file .tool-versions", ".tool-versions", "`nodejs 24` in `.tool-versions`"),
        ("node-version-file package.json", "package.json", "Node 24 in `package.json`"),
        ("volta.node", "package.json", "`volta pin node@24`"),
        ("env NODE_VERSION", ".github/workflows/r.yml", "`NODE_VERSION: 24`"),
        ("node-version", ".github/workflows/r.yml", "`node-version: 24`"),
        (None, None, "`node-version: 24`"),
    ],
)
def test_node_pin_example_is_written_where_the_pin_is(source, path, example) -> None:
    from npm_auth_lint.analysis.advice import node_pin_example
    from npm_auth_lint.model import Provider

    assert node_pin_example(Provider.GITHUB, source, path) == example
