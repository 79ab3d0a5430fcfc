"""Reporters turn a finished :class:`Report` into text. They never filter or pick exit codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from npm_auth_lint.model import Finding
from npm_auth_lint.rule import Rule


@dataclass(frozen=True)
class Report:
    """Everything a reporter may show."""

    findings: tuple[Finding, ...]  # already filtered and sorted
    rules: tuple[type[Rule], ...]  # the enabled rules, sorted by id (SARIF ruleIndex order)
    root: Path  # repository root (absolute); finding paths are relative to it
    files_scanned: int
    version: str
    # Extra sections (e.g. the publishing strategy report) by name; JSON-serialisable values.
    extra: Mapping[str, Any] = field(default_factory=dict)
