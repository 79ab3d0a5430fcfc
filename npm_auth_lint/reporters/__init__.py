"""Reporters turn a finished :class:`Report` into text. They never filter or pick exit codes.

Each format is a module with ``render(report, **options) -> str``. :data:`FORMAT_SPECS` is the one
registry of formats: a new format is a module plus one entry here. :data:`REPORTERS` maps format
names to renderers and imports a module only when its format is used (sarif-om alone costs ~60 ms).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from npm_auth_lint.lazy_dataclass import frozen_dataclass

if TYPE_CHECKING:  # imported for types only: the strategy pulls in the analysis
    from npm_auth_lint.model import Finding
    from npm_auth_lint.rule import Rule
    from npm_auth_lint.strategy import PipelineStrategy


@frozen_dataclass
class Report:
    """Everything a reporter may show."""

    findings: tuple[Finding, ...]  # already filtered and sorted
    rules: tuple[type[Rule], ...]  # the enabled rules, sorted by id (SARIF ruleIndex order)
    root: Path  # repository root (absolute); finding paths are relative to it
    files_scanned: int
    version: str
    # The publishing strategy, one entry per publishing pipeline; empty when there is none or
    # when the chosen output does not show it. Each reporter renders it its own way.
    strategy: tuple[PipelineStrategy, ...] = ()
    # The text of each file the run read, by path relative to ``root``: the fix positions are
    # counted in these texts without reading the files again (empty: they are read).
    texts: Mapping[str, str] = field(default_factory=dict)


@frozen_dataclass
class FormatSpec:
    """One output format: the module that renders it and the options its ``render`` takes."""

    name: str
    options: frozenset[str] = frozenset()  # keyword options of render(), e.g. {"color"}
    shows_strategy: bool = True  # whether the report carries the strategy for this format

    @property
    def module(self) -> str:
        return f"{__name__}.{self.name}"

    def wants_strategy(self, options: Mapping[str, Any]) -> bool:
        """Whether a report rendered with ``options`` shows the strategy (the text format's
        ``--quiet`` and ``--statistics`` leave it out)."""
        return self.shows_strategy and not (options.get("quiet") or options.get("statistics"))


_TEXT_OPTIONS = frozenset({"color", "quiet", "statistics"})
FORMAT_SPECS: dict[str, FormatSpec] = {
    spec.name: spec
    for spec in (
        FormatSpec("text", _TEXT_OPTIONS),
        # One line per finding, for editors and grep: what the text format was before snippets.
        FormatSpec("concise", _TEXT_OPTIONS),
        FormatSpec("json"),
        FormatSpec("sarif"),
        # Annotations belong to a file and line; a pipeline summary has neither.
        FormatSpec("github", shows_strategy=False),
    )
}
FORMATS: tuple[str, ...] = tuple(FORMAT_SPECS)


def _lazy(spec: FormatSpec) -> Callable[..., str]:
    """A ``render`` that imports the format's module on its first call."""

    def render(report: Report, **options: Any) -> str:
        module = importlib.import_module(spec.module)
        return module.render(report, **options)

    render.__name__ = f"render_{spec.name}"
    render.__qualname__ = render.__name__
    render.__doc__ = f"Render ``report`` in the {spec.name!r} format."
    return render


REPORTERS: dict[str, Callable[..., str]] = {name: _lazy(spec) for name, spec in FORMAT_SPECS.items()}


def render(name: str, report: Report, **options: Any) -> str:
    """``report`` in format ``name``, passing on only the options that format takes."""
    spec = FORMAT_SPECS[name]
    return REPORTERS[name](report, **{k: v for k, v in options.items() if k in spec.options})


def write(name: str, report: Report, out: Any, **options: Any) -> None:
    """Write ``report`` in format ``name`` to the text stream ``out``: a format whose module has
    ``write(report, out)`` (json, sarif) streams it piece by piece, so a large report is never
    held whole; the others are rendered and written at once."""
    spec = FORMAT_SPECS[name]
    module = importlib.import_module(spec.module)
    if hasattr(module, "write"):
        module.write(report, out, **{k: v for k, v in options.items() if k in spec.options})
    else:
        out.write(render(name, report, **options))
