"""How the text output words a finding: its title, note and help, each sentence once.

Rules may give a finding a short ``title`` and a ``help`` (the change to make). When they do not,
the message is shown as the title when it is short, and otherwise its first clause is the title
and the rest a note. That split is for display only: nothing is decided from the prose.

A *clause* ends at ``; ``, ``: ``, ``. `` before a capital, or a line break, outside backticks
and brackets (so ``id-token: write`` in backticks and ``(e.g. x: y)`` stay whole). A clause
shown once in a finding is left out wherever it would appear again (a note repeating the help,
a related label repeating the message, a second finding on the same line giving the same advice).
"""

from __future__ import annotations

from collections.abc import Iterator

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass

TITLE_MAX = 80  # a message up to this long is the title as it is
_OPEN, _CLOSE = "([{", ")]}"


@frozen_dataclass
class Clause:
    text: str
    separator: str  # what followed it in the text ("" for the last)


def clauses(text: str) -> list[Clause]:
    """``text`` cut into clauses, each with the separator that ended it."""
    out: list[Clause] = []
    start = 0
    for index, separator in _separators(text):
        out.append(Clause(text[start:index], separator))
        start = index + len(separator)
    out.append(Clause(text[start:], ""))
    return [clause for clause in out if clause.text.strip()]


# What can start or end a clause, or change whether a separator counts (one regex pass: a loop
# over every character was most of the text output's time).
_TOKEN = lazy_regex.compile(r"`|[(\[{]|[)\]}]|\n|; |: |\. (?=[A-Z`])")


def _separators(text: str) -> Iterator[tuple[int, str]]:
    depth = 0
    code = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token == "`":
            code = not code
        elif code:
            continue
        elif token in _OPEN:
            depth += 1
        elif token in _CLOSE:
            depth = max(depth - 1, 0)
        elif depth == 0:
            yield match.start(), token


def key(text: str) -> str:
    """What makes two clauses the same sentence: words, case and end punctuation aside."""
    return " ".join(text.split()).rstrip(".;:, ").casefold()


def keys(text: str) -> set[str]:
    return {key(clause.text) for clause in clauses(text)} - {""}


def one_line(text: str) -> str:
    return " ".join(text.split())


def without_repeats(text: str, seen: set[str]) -> str:
    """``text`` without the clauses in ``seen`` (or repeated within it); adds what is left."""
    kept: list[Clause] = []
    for clause in clauses(text):
        name = key(clause.text)
        if name and name not in seen:
            seen.add(name)
            kept.append(clause)
    joined = "".join(clause.text.strip() + clause.separator for clause in kept[:-1])
    return (joined + kept[-1].text.strip()) if kept else ""


def without_quoted(note: str, said: str) -> str:
    """``note`` without a parenthesised verbatim copy of ``said`` ("... from its token (use Node
    >= 24.5.0 ...)" when the help says exactly that): inside brackets it is no clause of its own,
    so :func:`without_repeats` keeps it."""
    if not said or f"({said})" not in note:
        return note
    return note.replace(f" ({said})", "").replace(f"({said})", "").strip()


def fallback_title(message: str) -> str:
    """The title shown for a finding whose rule gives none: the message if short, else its first
    clause."""
    if len(message) <= TITLE_MAX and "\n" not in message.strip():
        return one_line(message)
    parts = clauses(message)
    return one_line(parts[0].text) if parts else ""


@frozen_dataclass
class Wording:
    """What the text output shows of one finding."""

    title: str
    note: str
    help: str
    labels: tuple[str, ...]  # one per related location, "" when it would only repeat


@frozen_dataclass
class Source:
    """A finding's texts as the rule wrote them (secrets already redacted)."""

    title: str
    help: str
    message: str
    labels: tuple[str, ...]


def word(findings: list[Source]) -> list[Wording]:
    """Title, note, help and related labels of findings shown together, each clause once.

    Precedence: every title, then each help, then each message's other clauses as its note,
    then the related labels, which lose the clauses the others already say.
    """
    seen: set[str] = set()
    titles = [one_line(source.title) or fallback_title(source.message) for source in findings]
    for title in titles:
        seen.update(keys(title))
    helps = [without_repeats(source.help, seen) for source in findings]
    notes = [without_quoted(without_repeats(source.message, seen), source.help) for source in findings]
    labels = [
        tuple(one_line(without_repeats(label, seen)) for label in source.labels) for source in findings
    ]
    return [Wording(*parts) for parts in zip(titles, notes, helps, labels)]
