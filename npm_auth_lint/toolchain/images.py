"""The Node version inside a container image reference (GitLab ``image:``, CircleCI ``docker:``).

Known images: Docker Hub's official ``node`` (also through ``docker.io``, ``library/`` and the
common mirrors), CircleCI's ``cimg/node``, the deprecated ``circleci/node`` and Microsoft's
devcontainers ``javascript-node`` / ``typescript-node``. A partial tag ``X`` or ``X.Y`` means the
newest ``X.y.z`` / ``X.Y.z``; a digest after a tag is ignored (the tag says the version).
"""

from __future__ import annotations

import enum
from functools import lru_cache

from npm_auth_lint import lazy_regex
from npm_auth_lint.toolchain.node import (
    NodeResolution,
    lts_lines_newest_first,
    resolve_line,
    resolve_newest,
    resolve_range,
)


class ImageFamily(str, enum.Enum):
    DOCKER_NODE = "node"
    CIMG = "cimg/node"
    CIRCLECI_LEGACY = "circleci/node"
    DEVCONTAINER = "devcontainers/javascript-node"


_REGISTRY_PREFIXES = (
    "docker.io/",
    "index.docker.io/",
    "registry-1.docker.io/",
    "registry.hub.docker.com/",
    "public.ecr.aws/docker/",
    "mirror.gcr.io/",
)
_FAMILIES = {
    "node": ImageFamily.DOCKER_NODE,
    "cimg/node": ImageFamily.CIMG,
    "circleci/node": ImageFamily.CIRCLECI_LEGACY,
    "mcr.microsoft.com/devcontainers/javascript-node": ImageFamily.DEVCONTAINER,
    "mcr.microsoft.com/devcontainers/typescript-node": ImageFamily.DEVCONTAINER,
    "mcr.microsoft.com/vscode/devcontainers/javascript-node": ImageFamily.DEVCONTAINER,
    "mcr.microsoft.com/vscode/devcontainers/typescript-node": ImageFamily.DEVCONTAINER,
}
_NUMERIC_TAG = lazy_regex.compile(r"\d{1,4}(?:\.\d{1,6}){0,2}")
# Tags of the official image that name only an OS variant and so mean the newest release.
_OS_VARIANT = lazy_regex.compile(
    r"(?:alpine[\d.]*|slim|bookworm|bullseye|buster|stretch|jessie|trixie|windowsservercore|nanoserver)(?:-.*)?"
)
# devcontainers: ``22``, ``22-bookworm``, ``1-22``, ``1.1-22-bookworm`` (image version first).
_DEVCONTAINER_TAG = lazy_regex.compile(r"(?:\d+(?:\.\d+)*-)?(\d{1,4})(?:-[a-z][\w.-]*)?")
_MAX_IMAGE_LENGTH = 512


def _split(image: str) -> tuple[ImageFamily, str | None, bool] | None:
    """(family, tag, pinned by digest) of a known Node image; tag None when it has none."""
    if not isinstance(image, str) or len(image) > _MAX_IMAGE_LENGTH:
        return None
    reference, at, _ = image.strip().partition("@")
    last_slash = reference.rfind("/")
    colon = reference.rfind(":")
    name, tag = (reference[:colon], reference[colon + 1 :]) if colon > last_slash else (reference, None)
    name = name.lower()
    for prefix in _REGISTRY_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    name = name.removeprefix("library/")
    family = _FAMILIES.get(name)
    if family is None:
        return None
    return family, tag, bool(at)


def is_node_image(image: str) -> bool:
    """Whether ``image`` is one of the Node images this module knows (whatever its tag)."""
    return _split(image) is not None


def _codename_line(word: str) -> int | None:
    return next((major for major, codename in lts_lines_newest_first() if codename.lower() == word), None)


def _resolve_tag(image: str, family: ImageFamily, tag: str | None, digest: bool) -> NodeResolution | None:
    if family is ImageFamily.DEVCONTAINER:
        match = _DEVCONTAINER_TAG.fullmatch(tag or "")
        return resolve_line(image, int(match.group(1))) if match else None
    if tag is None:
        # Only Docker Hub has an implicit ``latest``; cimg/node has no such tag, the deprecated
        # circleci/node images stopped being rebuilt, and a bare digest names an unknown build.
        return resolve_newest(image) if family is ImageFamily.DOCKER_NODE and not digest else None
    head = tag.split("-", 1)[0].lower()
    if _NUMERIC_TAG.fullmatch(head):
        return resolve_range(image, head)
    codename_line = _codename_line(head)
    if family is ImageFamily.CIRCLECI_LEGACY:
        # Frozen since their deprecation: only version and codename tags say what they hold.
        return resolve_line(image, codename_line) if codename_line is not None else None
    if head == "current" or (head == "latest" and family is ImageFamily.DOCKER_NODE):
        return resolve_newest(image)
    if head == "lts":
        lines = lts_lines_newest_first()
        return resolve_line(image, lines[0][0]) if lines else None
    if family is not ImageFamily.DOCKER_NODE:
        return None
    if codename_line is not None:
        return resolve_line(image, codename_line)
    return resolve_newest(image) if _OS_VARIANT.fullmatch(tag.lower()) else None


@lru_cache(maxsize=4096)  # pure, and asked again for every job and matrix value
def resolve_docker_image(image: str) -> NodeResolution | None:
    """The Node release a container image runs; None when it is not a known Node image or its
    tag cannot be resolved (tell the two apart with :func:`is_node_image`)."""
    split = _split(image)
    if split is None:
        return None
    family, tag, digest = split
    return _resolve_tag(image.strip(), family, tag, digest)
