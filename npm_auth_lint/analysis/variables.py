"""Shell variables a script sets to literals, put in where its commands use them.

``PUBLISH_CMD="pnpm publish"`` then ``npx lerna exec -- $PUBLISH_CMD`` (qlik-oss/dist-flow), or
``NPMRC_FILE=.npmrc`` then ``echo ... >> $NPMRC_FILE`` (pact-js): the command publishes, the
redirect writes an npmrc. The walker keeps, per shell, the variables set by a bare assignment;
this module fills them in. A value that still names a variable known only at run time is never
filled in: the command stays as written and is judged (or noted) as computed.

The shell's control flow is not modelled (the splitter flattens ``if``/``case``): a variable set in
a branch keeps the last value written, as every other effect of a branch counts for the walker.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from npm_auth_lint import lazy_regex
from npm_auth_lint.model import Command

__all__ = ["bind_arguments", "expand_value"]

_REFERENCE = lazy_regex.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")
_WHOLE = lazy_regex.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
# Redirects whose target is a file written (not `>&2`, not a heredoc body, not an input).
_WRITES = frozenset({">", ">>", ">|", "&>", "&>>"})


def _known(name: str, variables: Mapping[str, str]) -> str | None:
    value = variables.get(name)
    return value if value is not None and "$" not in value and "`" not in value else None


def expand_value(value: str, variables: Mapping[str, str]) -> str:
    """``value`` with each ``$NAME``/``${NAME}`` whose variable holds a literal filled in
    (``"$PUBLISH_CMD --tag next"`` -> ``pnpm publish --tag next``); other references stay."""

    def fill(match: re.Match[str]) -> str:
        known = _known(match.group(1) or match.group(2), variables)
        return known if known is not None else match.group(0)

    return _REFERENCE.sub(fill, value) if "$" in value else value


def _quoted_flags(word: str, text: str) -> list[bool]:
    """For each place ``word`` (``$NAME``) is written in ``text``, whether it is in double quotes
    right there (``"$NAME"``), in order: the k-th such argument is the k-th place."""
    pattern = re.compile(re.escape(word) + r"(?![A-Za-z0-9_])")
    return [text[m.start() - 1 : m.start()] == '"' and text[m.end() : m.end() + 1] == '"' for m in pattern.finditer(text)]


def _argument_words(word: str, quoted: bool, variables: Mapping[str, str]) -> tuple[str, ...]:
    """A whole-word ``$NAME`` is its value, split on blanks unless it was quoted (``"$NAME"``)."""
    match = _WHOLE.match(word)
    known = _known(match.group(1) or match.group(2), variables) if match else None
    if known is None:
        return (word,)
    return (known,) if quoted else tuple(known.split())


def bind_arguments(command: Command, variables: Mapping[str, str]) -> Command:
    """``command`` with the shell's literal variables filled in where they are a whole argument
    (``-- $PUBLISH_CMD``) and in the targets of file redirects (``>> $NPMRC_FILE``). The command
    word itself is the walker's business (it may name a command line to re-split)."""
    if not variables or "$" not in command.text:
        return command
    places: dict[str, list[bool]] = {}
    pieces: list[str] = list(command.words[:1])
    for word in command.words[1:]:
        if word not in places:
            places[word] = _quoted_flags(word, command.text) if _WHOLE.match(word) else []
        flags = places[word]
        pieces.extend(_argument_words(word, flags.pop(0) if flags else False, variables))
    words = tuple(pieces)
    redirects = tuple(
        (operator, expand_value(target, variables) if operator.lstrip("0123456789") in _WRITES else target)
        for operator, target in command.redirects
    )
    if words == command.words and redirects == command.redirects:
        return command
    return replace(command, words=words, redirects=redirects)
