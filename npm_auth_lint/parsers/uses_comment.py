"""The trailing YAML comment of a ``uses:`` line: the tag a SHA pin stands for.

``uses: actions/setup-node@<sha> # v4.1.0`` (or ``# tag=v4.1.0``, as some pinning tools write)
records the version the commit is; the YAML loader drops comments, so parsers read it from the
line that holds the reference.
"""

from __future__ import annotations

from collections.abc import Sequence

from npm_auth_lint import lazy_regex
from npm_auth_lint.model import Location, Text

_TRAILING_COMMENT = lazy_regex.compile(r"#\s*(.*)$")


def uses_comment(path: str, lines: Sequence[str], uses: Text) -> Text | None:
    """The comment after ``uses`` on its line of ``lines`` (the lines of ``path``), located at
    its text; None when there is none, it is empty, or the reference is not written as ``uses``
    on that line (an expanded expression, a block scalar)."""
    if not uses.value or uses.location.path != path or not 0 < uses.location.line <= len(lines):
        return None  # an empty reference (`uses: ${{ inputs.x }}` expanded to nothing) has no comment
    line = lines[uses.location.line - 1]
    head, found, rest = line.partition(uses.value)  # nothing follows when `uses` is not on the line
    match = _TRAILING_COMMENT.search(rest)
    if match is None or not match.group(1):
        return None
    column = len(head) + len(found) + match.start(1) + 1
    return Text(match.group(1), Location(path, uses.location.line, column))
