"""Types shared by the parsers of files a CI step runs: Makefiles, Dockerfiles, JS/TS scripts.

These parsers never raise on bad input. What they could not read, or read only in part, comes back
as a :class:`ScriptNote` next to whatever they did find, so the analysis can say what it could not
follow instead of staying silent (spec: "never silent").
"""

from __future__ import annotations

import enum

from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location

# Release scripts are small; a file over this size is generated or vendored code, and parsing it
# would cost more than the whole rest of a scan.
MAX_SCRIPT_BYTES = 1_000_000


class NoteKind(str, enum.Enum):
    PARSE_ERROR = "parse-error"  # syntax the parser could not read; what it found is still returned
    SKIPPED = "skipped"  # the file was not parsed at all (too large)
    INCLUDE = "include"  # a Makefile ``include`` that this parser does not follow
    UNRESOLVED = "unresolved"  # a name (variable, stage, sub-make) with no value known here
    CYCLE = "cycle"  # a dependency cycle that was cut
    DEPTH = "depth"  # expansion stopped at the depth bound


@frozen_dataclass
class ScriptNote:
    """Something a script parser could not read or follow, and where."""

    location: Location
    kind: NoteKind
    message: str


def size_note(path: str, text: str, limit: int = MAX_SCRIPT_BYTES) -> ScriptNote | None:
    """A ``skipped`` note when ``text`` is over ``limit`` bytes (UTF-8), else None."""
    # Cheap check first: a str of n characters is at least n bytes.
    if len(text) <= limit // 4 or len(text.encode("utf-8", "surrogatepass")) <= limit:
        return None
    return ScriptNote(
        Location(path),
        NoteKind.SKIPPED,
        f"not parsed: the file is larger than {limit} bytes",
    )
