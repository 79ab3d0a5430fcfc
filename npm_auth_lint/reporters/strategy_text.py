"""The strategy report as the section at the end of the text and concise outputs.

The pipelines arrive as typed data (:class:`~npm_auth_lint.strategy.PipelineStrategy`); JSON and
SARIF render the same objects through ``reporters.common.strategy_data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from npm_auth_lint.model import Provider
from npm_auth_lint.reporters.common import clean
from npm_auth_lint.reporters.concise import printable

if TYPE_CHECKING:
    from npm_auth_lint.strategy import PipelineStrategy


def strategy_text(strategies: Sequence[PipelineStrategy]) -> str:
    """The publishing pipelines as the section shown at the end of the text output (raw: the
    caller redacts and escapes it)."""
    if not strategies:
        return ""
    lines = ["Publishing pipelines:"]
    for s in strategies:
        lines.extend(_pipeline_lines(s))
    return "\n".join(lines) + "\n"


def _pipeline_lines(s: PipelineStrategy) -> list[str]:
    packages = ", ".join(s.packages) or "(no package.json found)"
    lines = [
        "",
        f"  {s.file} · job {s.job} ({Provider(s.provider).title}) publishes {packages}",
        f"    {s.location}: `{s.publish}`",
        f"    path: {s.path_title}",
    ]
    lines.extend(f"    blocker: {blocker}" for blocker in s.blockers)
    lines.extend(f"    {number}. {step}" for number, step in enumerate(s.checklist, start=1))
    for settings in s.trusted_publishers:
        count = len(settings.packages)
        target = settings.packages[0] if count == 1 else f"each of the {count} packages"
        lines.append(f"    trusted publisher for {target} ({settings.provider}):")
        lines.extend(f"      {name}: {value}" for name, value in settings.fields.items())
        if settings.commands:
            lines.append("      or:")
            lines.extend(f"        {command}" for command in settings.commands)
        else:
            lines.append(f"      or: {settings.command}")
    return lines


def strategy_section(strategies: Sequence[PipelineStrategy], secrets: Sequence[str]) -> str:
    """:func:`strategy_text` redacted and with terminal controls escaped, without the final
    newline; empty when there is no pipeline."""
    return printable(clean(strategy_text(strategies), secrets)).rstrip("\n")
