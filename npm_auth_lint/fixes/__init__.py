"""Applying the fixes rules offer with their findings (``--fix``, ``--diff``).

Rules build :class:`~npm_auth_lint.model.Fix` es with :mod:`npm_auth_lint.fixes.edits`; this
module applies them to the files' texts: per file, sorted by offset, a fix whose edit overlaps
one already taken waits for the next round (the engine re-lints and tries again), and a file
whose edited text no longer parses keeps only the fixes that leave it parseable.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Mapping
from itertools import pairwise
from pathlib import Path

from npm_auth_lint import yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Edit, Finding, Fix


@frozen_dataclass
class Applied:
    """The texts after one round: every file an applied fix changed, and the fixes applied."""

    texts: dict[str, str]
    fixes: tuple[Fix, ...]


def apply_fixes(texts: Mapping[str, str], fixes: Iterable[Fix]) -> Applied:
    """Apply ``fixes`` to ``texts`` (by repository path); a fix applies whole or not at all."""
    chosen = _non_overlapping(fixes)
    by_path: dict[str, list[Fix]] = {}
    for fix in chosen:
        for path in {edit.path for edit in fix.edits}:
            by_path.setdefault(path, []).append(fix)
    rejected: set[int] = set()
    for path, path_fixes in by_path.items():
        if path not in texts:
            rejected.update(id(fix) for fix in path_fixes)
            continue
        rejected.update(id(fix) for fix in _breaking(path, texts[path], path_fixes))
    kept = [fix for fix in chosen if id(fix) not in rejected]
    out: dict[str, str] = {}
    for path in {edit.path for fix in kept for edit in fix.edits}:
        out[path] = splice(texts[path], [edit for fix in kept for edit in fix.edits if edit.path == path])
    return Applied({path: text for path, text in out.items() if text != texts[path]}, tuple(kept))


def _non_overlapping(fixes: Iterable[Fix]) -> list[Fix]:
    """The fixes whose edits overlap no edit of a fix taken before (first offered wins); the
    same fix offered by two findings is taken once."""
    taken: list[Fix] = []
    seen: set[tuple[Edit, ...]] = set()
    spans: dict[str, list[tuple[int, int]]] = {}
    for fix in fixes:
        key = tuple(sorted(fix.edits))
        if key in seen or not key:
            continue
        if any(_overlaps(edit, spans.get(edit.path, ())) for edit in fix.edits) or _self_overlapping(key):
            continue
        seen.add(key)
        taken.append(fix)
        for edit in fix.edits:
            spans.setdefault(edit.path, []).append((edit.start, edit.end))
    return taken


def _overlaps(edit: Edit, spans: Iterable[tuple[int, int]]) -> bool:
    # Two insertions at one offset would depend on their order: the second waits a round.
    return any((edit.start < end and start < edit.end) or edit.start == start for start, end in spans)


def _self_overlapping(edits: tuple[Edit, ...]) -> bool:
    return any(a.path == b.path and b.start < a.end for a, b in pairwise(edits))


def splice(text: str, edits: Iterable[Edit]) -> str:
    """``text`` with non-overlapping ``edits`` applied (from the end, so offsets stay valid)."""
    for edit in sorted(edits, key=lambda e: (e.start, e.end), reverse=True):
        text = text[: edit.start] + edit.replacement + text[edit.end :]
    return text


def parses(path: str, text: str) -> bool:
    """Whether the file still reads as what it is (YAML or JSON); other files always do."""
    name = path.rpartition("/")[2]
    try:
        if name.endswith((".yml", ".yaml")) or name in (".yarnrc.yml",):
            yamlio.load(text, path)
        elif name.endswith(".json"):
            json.loads(text)
    except (yamlio.LoadError, ValueError):
        return False
    return True


def _breaking(path: str, text: str, fixes: list[Fix]) -> list[Fix]:
    """The fixes to leave out so that the file still parses: none when all together parse,
    else every fix that breaks it on its own (a file that did not parse before is left alone)."""
    if not parses(path, text):
        return fixes
    mine = lambda fix: [e for e in fix.edits if e.path == path]  # noqa: E731
    if parses(path, splice(text, [edit for fix in fixes for edit in mine(fix)])):
        return []
    good = [fix for fix in fixes if parses(path, splice(text, mine(fix)))]
    if parses(path, splice(text, [edit for fix in good for edit in mine(fix)])):
        return [fix for fix in fixes if fix not in good]
    return fixes


def unified_diff(before: Mapping[str, str], after: Mapping[str, str]) -> str:
    """A ``git diff``-like unified diff of every changed file (paths ``a/``/``b/``), sorted."""
    chunks: list[str] = []
    for path in sorted(after):
        old, new = before.get(path, ""), after[path]
        if old == new:
            continue
        lines = difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), f"a/{path}", f"b/{path}")
        for line in lines:
            # A last line without a line ending is marked as git marks it.
            chunks.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
    return "".join(chunks)


def redacted_diff(before: Mapping[str, str], after: Mapping[str, str], findings: Iterable[Finding]) -> str:
    """What ``--diff`` prints: :func:`unified_diff`, redacted like every other output (the
    findings' secrets and anything that looks like a token, also in context lines)."""
    from npm_auth_lint.reporters.common import clean

    secrets = {secret for finding in findings for secret in finding.secrets}
    return clean(unified_diff(before, after), secrets)


def write_texts(root: Path, texts: Mapping[str, str]) -> None:
    """Write fixed texts back under ``root``, byte for byte (no newline translation), keeping a
    UTF-8 BOM the file started with (the workspace reads text without it)."""
    for rel, text in texts.items():
        path = root / rel
        bom = path.read_bytes().startswith(b"\xef\xbb\xbf")
        path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
