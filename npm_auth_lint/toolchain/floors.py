"""The Node and npm versions trusted publishing (OIDC) needs, and how to reach them.

npm's docs: npm CLI >= 11.5.1 and Node >= 22.14.0; on CircleCI npm >= 11.11.0, the first npm
that does the OIDC exchange there. The values live in the release data.
"""

from __future__ import annotations

from functools import lru_cache

from npm_auth_lint.toolchain import ranges
from npm_auth_lint.toolchain.data import release_data
from npm_auth_lint.toolchain.node import bundled_npm

NPM_OIDC_FLOOR = release_data().npm_oidc_floor
NPM_OIDC_FLOOR_CIRCLECI = release_data().npm_oidc_floor_circleci
NODE_OIDC_FLOOR = release_data().node_oidc_floor
# `npm stage publish` (staged publishing) exists from npm 11.15.0 (npm-facts.md §9;
# docs.npmjs.com/cli/v11/commands/npm-stage): an older npm has no `stage` command at all.
NPM_STAGE_PUBLISH_FLOOR = "11.15.0"


def npm_floor(circleci: bool = False, stage: bool = False) -> str:
    """The lowest npm that does trusted publishing (on CircleCI when ``circleci``); with
    ``stage``, the lowest that also has ``npm stage publish``."""
    floor = NPM_OIDC_FLOOR_CIRCLECI if circleci else NPM_OIDC_FLOOR
    if stage and ranges.at_least(NPM_STAGE_PUBLISH_FLOOR, floor):
        return NPM_STAGE_PUBLISH_FLOOR
    return floor


def meets_npm_floor(version: str, circleci: bool = False, stage: bool = False) -> bool:
    """Whether npm ``version`` does trusted publishing (and, with ``stage``, ``npm stage
    publish``); False for text that is not a version."""
    return isinstance(version, str) and ranges.at_least(version, npm_floor(circleci, stage))


def meets_node_floor(version: str) -> bool:
    """Whether Node ``version`` (``16`` counts as 16.0.0) is new enough for trusted publishing."""
    return isinstance(version, str) and ranges.at_least(version, NODE_OIDC_FLOOR)


@lru_cache(maxsize=64)  # pure over the packaged data
def first_releases_meeting_floors(circleci: bool = False, stage: bool = False) -> dict[int, str]:
    """Per Node line, its first release that meets the Node floor and bundles a new enough npm
    (with ``stage``: one that has ``npm stage publish``)."""
    firsts: dict[int, str] = {}
    for release in release_data().node:
        if release.prerelease or release.major in firsts or not meets_node_floor(release.version):
            continue
        npm = release.npm or release.npm_min
        if npm is not None and meets_npm_floor(npm, circleci, stage):
            firsts[release.major] = release.version
    return firsts


@lru_cache(maxsize=64)  # pure over the packaged data
def oldest_node_meeting_floors(circleci: bool = False, stage: bool = False) -> str:
    """The oldest Node release whose bundled npm does trusted publishing (24.5.0 off CircleCI);
    with ``stage``, whose npm also has ``npm stage publish`` (while no release bundles one, the
    trusted-publishing answer: the npm upgrade is then the advice that matters)."""
    firsts = first_releases_meeting_floors(circleci, stage) or first_releases_meeting_floors(circleci)
    return min(firsts.values(), key=ranges.version_key)


@lru_cache(maxsize=64)  # pure over the packaged data
def upgrade_advice(node_version: str | None = None, circleci: bool = False, stage: bool = False) -> str:
    """How to reach a trusted-publishing toolchain from ``node_version`` (or from anywhere); with
    ``stage``, one that also has ``npm stage publish``."""
    if stage:
        return _stage_upgrade_advice(node_version, circleci)
    node = oldest_node_meeting_floors(circleci)
    npm, _ = bundled_npm(node) or ("", None)
    use_node = f"use Node >= {node} (it bundles npm {npm})"
    if node_version is not None and not meets_node_floor(node_version):
        return f"{use_node}; a newer npm alone is not enough, trusted publishing also needs Node >= {NODE_OIDC_FLOOR}"
    return f"add `npm install -g npm@^{npm_floor(circleci)}` before publishing, or {use_node}"


def _stage_upgrade_advice(node_version: str | None, circleci: bool) -> str:
    floor = npm_floor(circleci, stage=True)
    install = f"add `npm install -g npm@^{floor}` before `npm stage publish`"
    if node_version is not None and not meets_node_floor(node_version):
        install += f" and use Node >= {NODE_OIDC_FLOOR}"
    if not first_releases_meeting_floors(circleci, stage=True):
        return install  # no Node release bundles such an npm yet
    node = oldest_node_meeting_floors(circleci, stage=True)
    return f"{install}, or use Node >= {node} (it bundles npm {(bundled_npm(node) or ('', None))[0]})"
