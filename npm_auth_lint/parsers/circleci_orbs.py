"""Orbs: parse `orbs:` references and find what the tool knows of an orb at a version.

The knowledge ships as data (``npm_auth_lint/data/circleci_orbs.json``): per orb, variants that
apply to a range of orb versions, each with ``executors``, ``commands`` and ``jobs`` written in
CircleCI 2.1 syntax. The CircleCI parser expands them like the repository's own definitions.
"""

from __future__ import annotations

import functools
import pkgutil
from typing import Any

from npm_auth_lint import lazy_regex, yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass

DATA_FILE = "circleci_orbs.json"

# `namespace/name@version`; the version may be partial (`5`, `5.1`), `volatile` or `dev:<label>`.
_ORB_REF = lazy_regex.compile(r"^\s*(?P<name>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)(?:@(?P<version>\S+))?\s*$")
_NUMERIC = lazy_regex.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$")
_BOUND = lazy_regex.compile(r"^(>=|<=|>|<|=)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$")


@frozen_dataclass
class OrbRef:
    """An `orbs:` entry that names a published orb, e.g. ``circleci/node@5.2.0``."""

    name: str  # namespace/name
    version: str  # as written after '@' ('' when missing)

    def __str__(self) -> str:
        return f"{self.name}@{self.version}" if self.version else self.name


@frozen_dataclass
class OrbSource:
    """What the tool knows of one orb for a range of versions."""

    name: str
    versions: str
    source: str
    executors: dict[str, Any]
    commands: dict[str, Any]
    jobs: dict[str, Any]

    def definitions(self, kind: str) -> dict[str, Any]:
        """The ``executors``, ``commands`` or ``jobs`` of this orb."""
        return {"executors": self.executors, "commands": self.commands, "jobs": self.jobs}.get(kind, {})


def parse_orb_ref(text: Any) -> OrbRef | None:
    """An orb reference string as an :class:`OrbRef`, or None when it is not one."""
    if not isinstance(text, str):
        return None
    match = _ORB_REF.match(text)
    if not match:
        return None
    return OrbRef(match.group("name"), match.group("version") or "")


def _version_tuple(text: str) -> tuple[int, int, int] | None:
    match = _NUMERIC.match(text.strip())
    if not match or any(part and len(part) > _MAX_DIGITS for part in match.groups()):
        return None  # absurdly long numbers: unresolvable (int() refuses 4,300+ digits)
    return tuple(int(part) if part else 0 for part in match.groups())  # type: ignore[return-value]


_MAX_DIGITS = 18


def version_in_range(version: str, spec: str) -> bool:
    """Whether a (possibly partial) orb version satisfies a space-separated list of bounds."""
    value = _version_tuple(version)
    if value is None:
        return False
    for bound in spec.split():
        match = _BOUND.match(bound)
        if not match:
            return False
        op = match.group(1) or "="
        limit = tuple(int(part) if part else 0 for part in match.groups()[1:])
        ok = {
            ">=": value >= limit,
            ">": value > limit,
            "<=": value <= limit,
            "<": value < limit,
            "=": value == limit,
        }[op]
        if not ok:
            return False
    return True


@functools.lru_cache(maxsize=1)
def _catalog() -> dict[str, tuple[OrbSource, ...]]:
    # pkgutil, as toolchain/data.py: importlib.resources costs ~2 ms to import.
    raw = pkgutil.get_data("npm_auth_lint.data", DATA_FILE)
    if raw is None:  # only a loader that cannot read files; ours always can
        raise FileNotFoundError(f"npm_auth_lint/data/{DATA_FILE}")
    text = raw.decode("utf-8")
    data = yamlio.load(text, path=f"npm_auth_lint/data/{DATA_FILE}")
    catalog: dict[str, tuple[OrbSource, ...]] = {}
    for name, variants in (data.get("orbs") or {}).items():
        sources = []
        for variant in variants or ():
            if not isinstance(variant, dict):
                continue
            sources.append(
                OrbSource(
                    name=name,
                    versions=str(variant.get("versions", "")),
                    source=str(variant.get("source", "")),
                    executors=_mapping(variant.get("executors")),
                    commands=_mapping(variant.get("commands")),
                    jobs=_mapping(variant.get("jobs")),
                )
            )
        catalog[name] = tuple(sources)
    return catalog


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def find_source(ref: OrbRef) -> OrbSource | None:
    """The known source of an orb at the version it is pinned to, or None.

    ``@volatile`` (the newest release) takes the newest variant; a missing or non-numeric pin
    (``dev:...``) is not followed, since the tool cannot tell which source it runs.
    """
    variants = _catalog().get(ref.name, ())
    if not variants:
        return None
    if ref.version == "volatile":
        return max(variants, key=_lowest_version)
    for variant in variants:
        if version_in_range(ref.version, variant.versions):
            return variant
    return None


def _lowest_version(source: OrbSource) -> tuple[int, ...]:
    for bound in source.versions.split():
        match = _BOUND.match(bound)
        if match and (match.group(1) or "=") in (">=", ">", "="):
            return tuple(int(part) if part else 0 for part in match.groups()[1:])
    return (0, 0, 0)
