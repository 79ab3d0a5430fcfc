"""Reporters turn a finished :class:`Report` into text. They never filter or pick exit codes.

Each format is a module with ``render(report) -> str``; :data:`REPORTERS` maps format names to
them and imports a module only when its format is used (sarif-om alone costs ~60 ms).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from npm_auth_lint.model import Finding
from npm_auth_lint.rule import Rule

# Report.extra keys with this suffix hold a section already rendered for the text reporter
# (e.g. "strategy_text" next to the structured "strategy"); JSON and SARIF leave them out.
TEXT_ONLY_SUFFIX = "_text"


@dataclass(frozen=True)
class Report:
    """Everything a reporter may show."""

    findings: tuple[Finding, ...]  # already filtered and sorted
    rules: tuple[type[Rule], ...]  # the enabled rules, sorted by id (SARIF ruleIndex order)
    root: Path  # repository root (absolute); finding paths are relative to it
    files_scanned: int
    version: str
    # Extra sections (e.g. the publishing strategy report) by name; JSON-serialisable values.
    # Keys ending in TEXT_ONLY_SUFFIX are pre-rendered text shown only by the text reporter.
    extra: Mapping[str, Any] = field(default_factory=dict)


FORMATS: tuple[str, ...] = ("text", "concise", "json", "sarif", "github")


def _lazy(name: str) -> Callable[..., str]:
    """A ``render`` that imports ``npm_auth_lint.reporters.<name>`` on its first call."""

    def render(report: Report, **options: Any) -> str:
        module = importlib.import_module(f"{__name__}.{name}")
        return module.render(report, **options)

    render.__name__ = f"render_{name}"
    render.__qualname__ = render.__name__
    render.__doc__ = f"Render ``report`` in the {name!r} format."
    return render


# Options pass through to the module's render (the text reporter takes ``color=``).
REPORTERS: dict[str, Callable[[Report], str]] = {name: _lazy(name) for name in FORMATS}
