"""How rules word a finding's ``title`` (the problem, short) beside its ``message``.

The text output shows the title, then the message's other clauses as a note and ``help`` (the
change to make); a clause already in the title or the help is not shown again. So a rule's
title is its message's own problem clause where that is short enough to read at a glance (the
note then holds only what the title does not say), and a short paraphrase where it is not (the
note then holds the specifics: which job, which version, which credential).
"""

from __future__ import annotations

TITLE_MAX = 80  # characters: what reads at a glance on one line after `warning[rule-id]: `


def title(problem: str, short: str) -> str:
    """``problem`` (a clause of the message, as written) when it is short, else ``short``."""
    return problem if len(problem) <= TITLE_MAX and "\n" not in problem else short
