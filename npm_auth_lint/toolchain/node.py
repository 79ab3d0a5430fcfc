"""Resolve a Node version spec to a release and the npm it bundles, as actions/setup-node does.

setup-node (``src/distributions/official_builds/official_builds.ts``) resolves ``lts/*``,
``lts/<codename>`` and ``lts/-n`` to a major line, ``latest``/``current``/``node`` to the newest
release, and anything else as a semver range over the releases (``semver.clean`` first, so
``v22.14.0`` is exact). It takes the newest match; the runner's tool cache may hold an older patch,
but the tool assumes the newest.
"""

from __future__ import annotations

import enum
from functools import lru_cache

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.toolchain import ranges
from npm_auth_lint.toolchain.data import NodeRelease, ReleaseData, release_data

LATEST_ALIASES = ("latest", "current", "node")  # case-sensitive in setup-node
_LTS_PREFIX = "lts/"
_NTH_NEWEST = lazy_regex.compile(r"\s*-(\d{1,4})\s*")
# A plain major or major.minor, optionally as an x-range, caret or tilde (``16``, ``^16``,
# ``16.13.x``): used to recognise lines older than the table.
_SIMPLE_PARTIAL = lazy_regex.compile(r"[=v^~]*\s*(\d{1,4})(?:\.(\d{1,6}))?(?:\.[xX*])?")


class NpmBound(str, enum.Enum):
    """How the npm version of a resolution relates to the real bundled npm."""

    EXACT = "exact"  # the bundled npm is this version
    AT_LEAST = "at-least"  # the bundled npm is unknown but no older than this version
    BELOW = "below"  # the bundled npm is unknown but older than this version


@frozen_dataclass
class NodeResolution:
    """What a Node version spec or image runs: the Node release and the npm it bundles.

    ``version`` is a full release (``22.23.3``) except for lines older than the release table,
    where it is the part that was written (``16`` or ``16.13``).
    """

    spec: str
    version: str
    npm: str
    npm_bound: NpmBound
    explanation: str

    @property
    def npm_exact(self) -> bool:
        return self.npm_bound is NpmBound.EXACT

    @property
    def npm_text(self) -> str:
        """The bundled npm as prose: ``10.9.2``, ``>= 10.9.8`` or ``< 10.0.0``."""
        prefix = {NpmBound.EXACT: "", NpmBound.AT_LEAST: ">= ", NpmBound.BELOW: "< "}[self.npm_bound]
        return prefix + self.npm


@lru_cache(maxsize=4096)  # pure, and asked again for every job and matrix value
def bundled_npm(node_version: str) -> tuple[str, NpmBound] | None:
    """The npm a Node version bundles, and whether that is exact or a bound; None if unknown."""
    data = release_data()
    version = ranges.clean_version(node_version)
    release = data.node_by_version.get(version) if version is not None else None
    if release is not None:
        return _release_npm(release)
    old = _old_line(data, node_version)
    if old is not None:
        return old[1], NpmBound.BELOW
    return _npm_after_line(data, version) if version is not None else None


def _release_npm(release: NodeRelease) -> tuple[str, NpmBound]:
    if release.npm is not None:
        return release.npm, NpmBound.EXACT
    return release.npm_min or "0.0.0", NpmBound.AT_LEAST


def _npm_after_line(data: ReleaseData, version: str) -> tuple[str, NpmBound] | None:
    """For a release newer than the newest the data has of its line: at least that one's npm."""
    if "-" in version:
        return None
    major = int(version.split(".", 1)[0])
    line = [release for release in data.node_line(major) if not release.prerelease]
    if line and ranges.compare(version, line[-1].version) > 0:
        # npm is never downgraded within a line, so a later release bundles at least as much.
        return _release_npm(line[-1])[0], NpmBound.AT_LEAST
    return None


def _old_line(data: ReleaseData, version: str) -> tuple[str, str] | None:
    """For a version of a line older than the table: (what was written, npm it is below).

    Every npm release in the table declares ``engines.node``; when none of them accepts this
    line, the npm it bundles is older than the oldest npm in the table.
    """
    exact = ranges.clean_version(version)
    if exact is not None:
        written, probes = exact, [exact]
    else:
        match = _SIMPLE_PARTIAL.fullmatch(version.strip()) if ranges.is_valid_range(version) else None
        if match is None:
            return None
        written = ".".join(part for part in match.groups() if part)
        major = written.split(".", 1)[0]
        # The first and a far-later version of the line stand for all of it.
        probes = [f"{major}.0.0", f"{major}.999999.999999"]
    if int(written.split(".", 1)[0]) >= data.oldest_node_major:
        return None
    npm_releases = [release for release in data.npm if not release.prerelease]
    for release in npm_releases:
        if release.engines_node is None:
            return None
        if any(ranges.satisfies(probe, release.engines_node, include_prerelease=True) for probe in probes):
            return None
    return written, npm_releases[0].version


def _resolution(spec: str, version: str, npm: str, bound: NpmBound, lead: str) -> NodeResolution:
    if bound is NpmBound.EXACT:
        tail = f"which bundles npm {npm}"
    elif bound is NpmBound.AT_LEAST:
        tail = f"which bundles npm >= {npm} (the exact version is not in the release data)"
    else:
        tail = f"which bundles an npm older than {npm}"
    return NodeResolution(spec, version, npm, bound, f"{lead}, {tail}")


def _of_release(spec: str, release: NodeRelease, how: str) -> NodeResolution:
    npm, bound = _release_npm(release)
    return _resolution(spec, release.version, npm, bound, f"`{spec}` resolves to Node {release.version}{how}")


def resolve_newest(spec: str) -> NodeResolution:
    """The newest non-prerelease release (``latest``, ``current``, ``node``)."""
    newest = [release for release in release_data().node if not release.prerelease][-1]
    return _of_release(spec, newest, ", the newest release")


def resolve_line(spec: str, major: int, how: str = "") -> NodeResolution | None:
    """The newest release of one major line (also lines older than the table)."""
    return resolve_range(spec, str(major), how or f", the newest {major}.x release")


def lts_lines_newest_first() -> list[tuple[int, str]]:
    """(major, codename) of every line whose LTS has started, newest first."""
    return [(line.major, line.codename) for line in reversed(release_data().lts_lines)]


def resolve_lts(spec: str, alias: str) -> NodeResolution | None:
    """``lts/<alias>`` with ``alias`` ``*``, ``-n`` or a codename (case-insensitive)."""
    lines = lts_lines_newest_first()
    alias = alias.lower()
    nth = _NTH_NEWEST.fullmatch(alias)
    if alias == "*":
        chosen = lines[0] if lines else None
    elif nth is not None:
        n = int(nth.group(1))
        chosen = lines[n] if 0 < n < len(lines) else None
    else:
        chosen = next((line for line in lines if line[1].lower() == alias), None)
    if chosen is None:
        return None
    major, codename = chosen
    return resolve_line(spec, major, f", the newest release of the {codename} LTS line ({major}.x)")


def resolve_range(
    spec: str, range_text: str, how: str = ", the newest matching release"
) -> NodeResolution | None:
    """Resolve a semver version or range written as ``range_text``; ``spec`` is shown as written."""
    data = release_data()
    exact = ranges.clean_version(range_text)
    if exact is not None:
        release = data.node_by_version.get(exact)
        if release is not None:
            return _of_release(spec, release, "")
        return _beyond_table(data, spec, exact)
    newest = ranges.max_satisfying((release.version for release in data.node), range_text)
    if newest is not None:
        return _of_release(spec, data.node_by_version[newest], how)
    return _beyond_table(data, spec, range_text)


def _beyond_table(data: ReleaseData, spec: str, version: str) -> NodeResolution | None:
    old = _old_line(data, version)
    if old is not None:
        written, npm_below = old
        lead = f"`{spec}` is Node {written}, a line older than the release data ({data.oldest_node_major}+)"
        return _resolution(spec, written, npm_below, NpmBound.BELOW, lead)
    exact = ranges.clean_version(version)
    beyond = _npm_after_line(data, exact) if exact is not None else None
    if exact is None or beyond is None:
        return None
    lead = f"`{spec}` is Node {exact}, newer than the release data of {data.generated}"
    return _resolution(spec, exact, beyond[0], beyond[1], lead)


@lru_cache(maxsize=4096)  # pure, and asked again for every job and matrix value
def resolve_node_spec(spec: str | int | float) -> NodeResolution | None:
    """Resolve a ``node-version`` value like actions/setup-node; None when it cannot be resolved."""
    text = ranges.spec_text(spec)
    if not text or len(text) > ranges.MAX_SPEC_LENGTH or not text.isascii():
        return None
    if text.startswith(_LTS_PREFIX):
        return resolve_lts(text, text[len(_LTS_PREFIX) :])
    if text in LATEST_ALIASES:
        return resolve_newest(text)
    return resolve_range(text, text)
