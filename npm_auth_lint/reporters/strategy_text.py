"""The strategy report as the section at the end of the text and concise outputs.

The pipelines arrive as typed data (:class:`~npm_auth_lint.strategy.PipelineStrategy`); JSON and
SARIF render the same objects through ``reporters.common.strategy_data``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from npm_auth_lint.reporters.common import clean
from npm_auth_lint.reporters.concise import printable

if TYPE_CHECKING:
    from npm_auth_lint.strategy import PipelineStrategy


def strategy_text(strategies: Sequence[PipelineStrategy]) -> str:
    """The publishing pipelines as the section shown at the end of the text output (raw: the
    caller redacts and escapes it); its one definition is the strategy's own renderer."""
    from npm_auth_lint.strategy.render import render_text

    return render_text(strategies)


def strategy_section(strategies: Sequence[PipelineStrategy], secrets: Sequence[str]) -> str:
    """:func:`strategy_text` redacted and with terminal controls escaped, without the final
    newline; empty when there is no pipeline."""
    return printable(clean(strategy_text(strategies), secrets)).rstrip("\n")
