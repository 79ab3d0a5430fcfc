"""What classification carries down into package scripts and inner shells: the script lookup,
the scripts already followed and the depth."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from npm_auth_lint.model import Location


ScriptLookup = Callable[[str], "tuple[str, Location] | None"]


@dataclass(frozen=True)
class _Context:
    scripts: ScriptLookup | None
    visited: frozenset[str]
    depth: int


_MAX_DEPTH = 12
