"""Regular expressions compiled on first use.

About 150 patterns live at module level across the engine, and a run uses about a third of them
(a repository without GitLab files never matches a GitLab pattern). Compiling all of them at
import cost ~10 ms of a one-workflow run (about 5% of its instructions). :func:`compile` returns
a stand-in that compiles on its first attribute access and then keeps the compiled pattern's
methods as its own attributes, so later calls cost what a module-level pattern costs.

The stand-in is typed as ``re.Pattern[str]``; it is not one at run time, so it is never passed
to the ``re`` module's functions (``re.sub(PATTERN, ...)``) or to ``isinstance``: call its
methods, as every caller does.
"""

from __future__ import annotations

import re
from typing import Any, cast

# Everything a caller may read: methods first, then the pattern's attributes.
_ATTRIBUTES = (
    "match", "search", "fullmatch", "sub", "subn", "finditer", "findall", "split", "scanner",
    "pattern", "flags", "groups", "groupindex",
)


class _LazyPattern:
    """Compiles ``re.compile(pattern, flags)`` when an attribute is first read."""

    def __init__(self, pattern: str, flags: int) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        # Only reached for names not yet in the instance dict, i.e. on first use (or a typo).
        compiled = re.compile(*self._source)
        for attribute in _ATTRIBUTES:
            setattr(self, attribute, getattr(compiled, attribute))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_regex.compile({self._source[0]!r}, {self._source[1]!r})"


def compile(pattern: str, flags: int | re.RegexFlag = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, done on first use (a bad pattern raises then)."""
    return cast("re.Pattern[str]", _LazyPattern(pattern, int(flags)))
