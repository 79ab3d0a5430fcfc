"""The fast paths of ``toolchain.ranges`` (plain and partial versions, read without the
node-semver port) give exactly the port's answers."""

from __future__ import annotations

import nodesemver
from hypothesis import given
from hypothesis import strategies as st

from npm_auth_lint.toolchain import ranges, release_data

NODE = [release.version for release in release_data().node]
NPM = [release.version for release in release_data().npm]
ALL = NODE + NPM

_number = st.one_of(st.integers(0, 30).map(str), st.sampled_from(["00", "01", "1234567890", "999999999", "x", "X", "*", ""]))
_spec = st.builds(
    lambda parts, seps, pad: pad + ".".join(parts[:seps]) + pad, st.lists(_number, min_size=3, max_size=3), st.integers(1, 3),
    st.sampled_from(["", " "]),
)
_version = st.one_of(
    st.sampled_from(ALL),
    st.builds(lambda a, b, c, tail: f"{a}.{b}.{c}{tail}", _number, _number, _number, st.sampled_from(["", "-rc.1", "+b", "-0"])),
)


def _port_max(versions: list[str], spec: str) -> str | None:
    cleaned = ranges._clean_range(spec)
    if cleaned is None:
        return None
    try:
        return nodesemver.max_satisfying(versions, cleaned, loose=False)
    except Exception:
        return None


def _port_clean(text: str) -> str | None:
    cleaned = ranges._clean_range(text)
    if cleaned is None:
        return None
    try:
        return nodesemver.clean(cleaned.lstrip("=v"), False)
    except Exception:
        return None


@given(_spec)
def test_max_satisfying_matches_the_port_over_the_release_data(spec: str) -> None:
    assert ranges.max_satisfying(NODE, spec) == _port_max(NODE, spec)
    assert ranges.max_satisfying(NPM, spec) == _port_max(NPM, spec)


@given(st.lists(_version, max_size=6), _spec)
def test_max_satisfying_matches_the_port_over_any_versions(versions: list[str], spec: str) -> None:
    assert ranges.max_satisfying(versions, spec) == _port_max(versions, spec)


@given(st.one_of(_version, _spec))
def test_clean_version_matches_the_port(version: str) -> None:
    assert ranges.clean_version(version) == _port_clean(version)
    assert ranges.clean_version(f" v{version}") == _port_clean(f" v{version}")


@given(st.sampled_from(ALL), st.sampled_from(ALL))
def test_compare_matches_the_port(a: str, b: str) -> None:
    assert ranges.compare(a, b) == nodesemver.compare(a, b, False)


def test_every_partial_line_spec_matches_the_port() -> None:
    majors = sorted({version.split(".")[0] for version in ALL}, key=int)
    specs = [f"{major}{tail}" for major in majors for tail in ("", ".x", ".x.x", ".0", ".1.x", ".15", ".99")]
    for spec in specs:
        assert ranges.max_satisfying(NODE, spec) == _port_max(NODE, spec), spec
        assert ranges.max_satisfying(NPM, spec) == _port_max(NPM, spec), spec


def _port_satisfies(version: str, spec: str) -> bool:
    cleaned = ranges._clean_range(spec)
    if cleaned is None:
        return False
    try:
        return bool(nodesemver.satisfies(version, cleaned))
    except Exception:
        return False


def _port_valid(spec: str) -> bool:
    cleaned = ranges._clean_range(spec)
    try:
        return cleaned is not None and nodesemver.valid_range(cleaned, False) is not None
    except Exception:
        return False


@given(_version, st.one_of(_spec, _version))
def test_satisfies_and_is_valid_range_match_the_port(version: str, spec: str) -> None:
    assert ranges.satisfies(version, spec) == _port_satisfies(version, spec)
    assert ranges.is_valid_range(spec) == _port_valid(spec)


def test_a_floating_tag_reaches_newer_minors_without_the_port() -> None:
    assert ranges.can_reach("1", "1.7.0") is True
    assert ranges.can_reach("1.6", "1.7.0") is False
    assert ranges.can_reach("^1.6.0", "1.7.0") is True  # the port's answer for a caret range
