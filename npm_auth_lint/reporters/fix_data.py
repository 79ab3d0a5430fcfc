"""The fix a finding offers, as the machine formats show it (JSON ``fix``, SARIF ``fixes``) and
the counts the text output's fixable marker and summary come from.

An :class:`~npm_auth_lint.model.Edit` holds character offsets into the file's text as the
workspace reads it (line endings kept, a UTF-8 BOM left out); the outputs add 1-based lines and
columns (columns count characters, as every location of the tool does; an end is exclusive: the
position just after the last replaced character). The file is read again for that, once per
file; a file that cannot be read gives offsets only. Every string (paths, the replacement, the
description) is redacted with the finding's secrets, like the rest of the output.

SARIF carries only *safe* fixes: a SARIF fix has no notion of applicability, and viewers apply
``fixes`` on a click, so an unsafe fix (one that changes what a release does: removing a token,
moving a job to another runner) is left to the JSON output and ``--fix --unsafe-fixes``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from itertools import accumulate
from pathlib import Path
from typing import Any

from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Applicability, Edit, Finding, Fix
from npm_auth_lint.reporters.common import clean
from npm_auth_lint.workspace import FileReadError, Workspace

JSON = dict[str, Any]
_plus_one = (1).__add__


class LineStarts:
    """The offset where each line starts, per file of the repository (read once, lazily)."""

    def __init__(self, root: Path, texts: Mapping[str, str] | None = None) -> None:
        self._workspace = Workspace(Path(root))
        self._texts = texts or {}  # what the run read already (the same Workspace.read text)
        self._starts: dict[str, list[int] | None] = {}

    def position(self, path: str, offset: int) -> tuple[int, int] | None:
        """The 1-based (line, column) of ``offset`` in ``path``; None when the file cannot be
        read or the offset lies past its end."""
        if path not in self._starts:
            self._starts[path] = self._read(path)
        starts = self._starts[path]
        if starts is None or not 0 <= offset <= starts[-1]:
            return None
        line = bisect_right(starts, offset, hi=len(starts) - 1)
        return line, offset - starts[line - 1] + 1

    def _read(self, path: str) -> list[int] | None:
        try:
            text = self._texts.get(path)
            if text is None:
                text = self._workspace.read(path)
        except (FileReadError, OSError, ValueError):
            return None
        return line_starts(text)


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts (after each "\\n"), then its length: an
    offset at the very end is still in the text."""
    # Each line starts one past the end of the one before (its length and its "\n"), summed in
    # C: a loop turn per character was a tenth of a large SARIF report.
    lines = text.split("\n")
    return [0, *accumulate(map(_plus_one, map(len, lines[:-1]))), len(text)]


@frozen_dataclass
class FixCounts:
    """How many findings ``--fix`` resolves, and how many more ``--unsafe-fixes`` does."""

    safe: int
    unsafe: int


def fix_counts(findings: Iterable[Finding]) -> FixCounts:
    safe = unsafe = 0
    for finding in findings:
        if finding.fix is None:
            continue
        if finding.fix.applicability is Applicability.SAFE:
            safe += 1
        else:
            unsafe += 1
    return FixCounts(safe, unsafe)


def is_safe_fix(finding: Finding) -> bool:
    """Whether ``--fix`` alone applies the finding's fix (the text output's ``[*]``)."""
    return finding.fix is not None and finding.fix.applicability is Applicability.SAFE


def _point(lines: LineStarts, path: str, offset: int) -> JSON:
    position = lines.position(path, offset)
    point: JSON = {"offset": offset}
    if position is not None:
        point["line"], point["column"] = position
    return point


def json_fix(finding: Finding, lines: LineStarts) -> JSON | None:
    """The ``fix`` of a JSON finding: its applicability, description and edits; None when the
    finding offers none."""
    fix = finding.fix
    if fix is None:
        return None
    secrets = finding.secrets
    return {
        "applicability": fix.applicability.value,
        "description": clean(fix.description, secrets),
        "edits": [_json_edit(edit, lines, secrets) for edit in fix.edits],
    }


def _json_edit(edit: Edit, lines: LineStarts, secrets: tuple[str, ...]) -> JSON:
    return {
        "path": clean(edit.path, secrets),
        "start": _point(lines, edit.path, edit.start),
        "end": _point(lines, edit.path, edit.end),
        "replacement": clean(edit.replacement, secrets),
    }


def sarif_fixes(finding: Finding, lines: LineStarts, artifact_location: Any) -> list[JSON]:
    """The SARIF ``fixes`` of a result (§3.55): the finding's safe fix as one ``fix`` object,
    its edits grouped into one ``artifactChange`` per file; [] for no fix or an unsafe one.

    ``artifact_location`` turns a repository path into the SARIF ``artifactLocation`` the
    reporter writes for locations (the same URI and base id).
    """
    fix = finding.fix
    if fix is None or fix.applicability is not Applicability.SAFE:
        return []
    return [_sarif_fix(fix, finding.secrets, lines, artifact_location)]


def _sarif_fix(fix: Fix, secrets: tuple[str, ...], lines: LineStarts, artifact_location: Any) -> JSON:
    by_path: dict[str, list[Edit]] = {}
    for edit in sorted(fix.edits):
        by_path.setdefault(edit.path, []).append(edit)
    changes = [
        {
            "artifactLocation": artifact_location(path),
            "replacements": [_replacement(edit, lines, secrets) for edit in edits],
        }
        for path, edits in by_path.items()
    ]
    out: JSON = {"artifactChanges": changes}
    if fix.description:
        out["description"] = {"text": clean(fix.description, secrets)}
    return out


def _replacement(edit: Edit, lines: LineStarts, secrets: tuple[str, ...]) -> JSON:
    start = lines.position(edit.path, edit.start)
    end = lines.position(edit.path, edit.end)
    if start is not None and end is not None:
        # endColumn is exclusive (§3.30.8); an insertion is an empty region (start == end).
        region: JSON = {"endColumn": end[1], "endLine": end[0], "startColumn": start[1], "startLine": start[0]}
    else:  # the file cannot be read again: the offsets, which count characters too
        region = {"charLength": edit.end - edit.start, "charOffset": edit.start}
    replacement: JSON = {"deletedRegion": region}
    if edit.replacement:
        replacement["insertedContent"] = {"text": clean(edit.replacement, secrets)}
    return replacement


def with_fixes(result: JSON, fixes: list[JSON]) -> JSON:
    """A SARIF ``result`` with its ``fixes`` (left out when there are none, as SARIF writers do
    for empty arrays), placed after ``message`` in sarif-om's property order."""
    if not fixes:
        return result
    out: JSON = {}
    for key, value in result.items():
        out[key] = value
        if key == "message":
            out["fixes"] = fixes
    return out
