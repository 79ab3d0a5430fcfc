"""The packaged Node/npm release table (``npm_auth_lint/data/node_releases.json``) as frozen data.

The file is rebuilt by ``scripts/refresh_node_data.py``; its ``sources`` list says where every
value comes from.
"""

from __future__ import annotations

import functools
import json
import pkgutil
from collections.abc import Mapping
from types import MappingProxyType

from npm_auth_lint.lazy_dataclass import frozen_dataclass

DATA_PACKAGE = "npm_auth_lint.data"
DATA_FILE = "node_releases.json"


@frozen_dataclass
class NodeRelease:
    """One Node.js release and the npm it bundles."""

    version: str
    date: str
    npm: str | None  # the bundled npm; None when unknown (then npm_min is a lower bound)
    npm_min: str | None
    lts: str | None  # the LTS codename when this release is an LTS release
    prerelease: bool = False

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])


@frozen_dataclass
class NpmRelease:
    """One npm CLI release and the Node versions it supports."""

    version: str
    date: str
    engines_node: str | None
    prerelease: bool = False

    @property
    def major(self) -> int:
        return int(self.version.split(".", 1)[0])


@frozen_dataclass
class LtsLine:
    """A Node release line with an LTS codename."""

    major: int
    codename: str
    lts_start: str


@frozen_dataclass
class ReleaseData:
    """Everything the toolchain resolution needs, as of ``generated``."""

    generated: str
    sources: tuple[str, ...]  # where the values come from
    node: tuple[NodeRelease, ...]  # ascending by version
    npm: tuple[NpmRelease, ...]  # ascending by version
    lts_lines: tuple[LtsLine, ...]  # ascending by major, only lines whose LTS has started
    npm_dist_tags: Mapping[str, str]
    npm_broken: Mapping[str, str]  # npm version -> what is broken
    npm_oidc_floor: str
    npm_oidc_floor_circleci: str
    node_oidc_floor: str
    node_by_version: Mapping[str, NodeRelease]
    npm_by_version: Mapping[str, NpmRelease]

    @property
    def oldest_node_major(self) -> int:
        return self.node[0].major

    def node_line(self, major: int) -> tuple[NodeRelease, ...]:
        """The releases of one line, ascending."""
        return tuple(release for release in self.node if release.major == major)


def parse_release_data(text: str) -> ReleaseData:
    """Build :class:`ReleaseData` from the JSON text of the data file."""
    raw = json.loads(text)
    node = tuple(
        NodeRelease(
            version=row["version"],
            date=row["date"],
            npm=row.get("npm"),
            npm_min=row.get("npm_min"),
            lts=row.get("lts") or None,
            prerelease=bool(row.get("prerelease", False)),
        )
        for row in raw["node"]
    )
    npm = tuple(
        NpmRelease(
            version=row["version"],
            date=row["date"],
            engines_node=row.get("engines_node"),
            prerelease=bool(row.get("prerelease", False)),
        )
        for row in raw["npm"]
    )
    generated = raw["generated"]
    lts_lines = tuple(
        LtsLine(major=row["major"], codename=row["codename"], lts_start=row["lts_start"])
        for row in sorted(raw["lts_lines"], key=lambda row: row["major"])
        if row["lts_start"] <= generated
    )
    oidc = raw["oidc"]
    return ReleaseData(
        generated=generated,
        sources=tuple(raw["sources"]),
        node=node,
        npm=npm,
        lts_lines=lts_lines,
        npm_dist_tags=MappingProxyType(dict(raw["npm_dist_tags"])),
        npm_broken=MappingProxyType(dict(raw["npm_broken"])),
        npm_oidc_floor=oidc["npm_floor"],
        npm_oidc_floor_circleci=oidc["npm_floor_circleci"],
        node_oidc_floor=oidc["node_floor"],
        node_by_version=MappingProxyType({release.version: release for release in node}),
        npm_by_version=MappingProxyType({release.version: release for release in npm}),
    )


@functools.cache
def release_data() -> ReleaseData:
    """The packaged release table, read once."""
    # pkgutil reads package data through the package's loader, as importlib.resources does,
    # without importing importlib.resources and zipfile (~4 ms of a lint's start-up).
    raw = pkgutil.get_data(DATA_PACKAGE, DATA_FILE)
    if raw is None:  # only a loader that cannot read files; ours always can
        raise FileNotFoundError(f"{DATA_PACKAGE}/{DATA_FILE}")
    text = raw.decode("utf-8")
    return parse_release_data(text)
