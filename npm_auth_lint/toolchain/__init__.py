"""Provider-neutral Node/npm version resolution for the toolchain rules and every CI provider.

Resolves what a CI job runs (``node-version`` specs, including those the parsers read from a
``node-version-file``, container images, ``npm install -g npm@X`` upgrades) against the packaged
release table, and checks the result against the versions trusted publishing needs. Every
function that takes user text returns None (or an unresolved result) for text it cannot use;
none raises.
"""

from __future__ import annotations

from npm_auth_lint.toolchain.data import (
    LtsLine,
    NodeRelease,
    NpmRelease,
    ReleaseData,
    release_data,
)
from npm_auth_lint.toolchain.floors import (
    NODE_OIDC_FLOOR,
    NPM_OIDC_FLOOR,
    NPM_OIDC_FLOOR_CIRCLECI,
    first_releases_meeting_floors,
    meets_node_floor,
    meets_npm_floor,
    npm_floor,
    oldest_node_meeting_floors,
    upgrade_advice,
)
from npm_auth_lint.toolchain.images import ImageFamily, is_node_image, resolve_docker_image
from npm_auth_lint.toolchain.node import NodeResolution, NpmBound, bundled_npm, resolve_node_spec
from npm_auth_lint.toolchain.npm import NpmResolution, resolve_npm_spec

__all__ = [
    "NODE_OIDC_FLOOR",
    "NPM_OIDC_FLOOR",
    "NPM_OIDC_FLOOR_CIRCLECI",
    "ImageFamily",
    "LtsLine",
    "NodeRelease",
    "NodeResolution",
    "NpmBound",
    "NpmRelease",
    "NpmResolution",
    "ReleaseData",
    "bundled_npm",
    "first_releases_meeting_floors",
    "is_node_image",
    "meets_node_floor",
    "meets_npm_floor",
    "npm_floor",
    "oldest_node_meeting_floors",
    "release_data",
    "resolve_docker_image",
    "resolve_node_spec",
    "resolve_npm_spec",
    "upgrade_advice",
]
