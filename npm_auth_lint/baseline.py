"""Baselines: adopt the tool on a repository with many findings, then see only new ones.

A finding's fingerprint is made of its rule, its file and the *content* of its line (whitespace
folded), plus how many identical (rule, file, content) findings come before it — so it survives
lines being inserted or removed above it, and two identical lines stay two findings. Only hashes
are stored: the baseline never holds a credential, even one the finding's line contains.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Finding
from npm_auth_lint.workspace import FileReadError, read_regular, split_lines

SCHEMA = "npm-auth-lint/baseline"
VERSION = 1
MAX_BASELINE_BYTES = 64 * 1024 * 1024


class BaselineError(Exception):
    """A baseline file that cannot be read or written; the message is shown to the user."""


@frozen_dataclass
class Entry:
    rule: str
    path: str
    fingerprint: str


def _line_content(texts: Mapping[str, str], path: str, line: int) -> str:
    text = texts.get(path)
    if text is None:
        return ""
    lines = split_lines(text)
    if not 0 < line <= len(lines):
        return ""
    return " ".join(lines[line - 1].split())


def fingerprints(findings: Sequence[Finding], texts: Mapping[str, str]) -> list[str]:
    """One fingerprint per finding, in order."""
    seen: Counter[tuple[str, str, str]] = Counter()
    out = []
    for finding in findings:
        content = _line_content(texts, finding.location.path, finding.location.line)
        key = (finding.rule_id, finding.location.path, content)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8", "surrogatepass")).hexdigest()
        out.append(digest[:20])
    return out


def write(path: Path, findings: Sequence[Finding], texts: Mapping[str, str]) -> int:
    """Write the baseline of ``findings``; returns how many it records."""
    entries = [
        {"rule": f.rule_id, "path": f.location.path, "fingerprint": fp}
        for f, fp in zip(findings, fingerprints(findings, texts))
    ]
    document = {"schema": SCHEMA, "version": VERSION, "findings": entries}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BaselineError(f"cannot write baseline {path}: {exc.strerror or exc}") from None
    return len(entries)


def read(path: Path) -> Counter[Entry]:
    """The entries of a baseline file (a multiset: identical findings are counted)."""
    try:
        document = json.loads(read_regular(path, MAX_BASELINE_BYTES).decode("utf-8"))
    except FileReadError as exc:
        if exc.message == "file not found":
            raise BaselineError(f"baseline file not found: {path}") from None
        raise BaselineError(f"cannot read baseline {path}: {exc.message}") from None
    except UnicodeDecodeError:
        raise BaselineError(f"cannot read baseline {path}: not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"baseline {path} is not valid JSON (line {exc.lineno}): {exc.msg}") from None
    except (ValueError, RecursionError):  # numbers of 4,300+ digits, nesting too deep
        raise BaselineError(f"baseline {path} is not a baseline npm-auth-lint can read") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        raise BaselineError(f"{path} is not an npm-auth-lint baseline (written by --write-baseline)")
    if document.get("version") != VERSION:
        raise BaselineError(f"baseline {path} has version {document.get('version')!r}; this npm-auth-lint reads version {VERSION}")
    entries: Counter[Entry] = Counter()
    items = document.get("findings", [])
    if not isinstance(items, list):
        raise BaselineError(f"baseline {path}: \"findings\" must be a list")
    for item in items:
        if isinstance(item, dict) and all(isinstance(item.get(k), str) for k in ("rule", "path", "fingerprint")):
            entries[Entry(item["rule"], item["path"], item["fingerprint"])] += 1
    return entries


def new_findings(findings: Sequence[Finding], texts: Mapping[str, str], baseline: Counter[Entry]) -> list[Finding]:
    """The findings that the baseline does not account for."""
    remaining = Counter(baseline)
    out = []
    for finding, fp in zip(findings, fingerprints(findings, texts)):
        entry = Entry(finding.rule_id, finding.location.path, fp)
        if remaining[entry] > 0:
            remaining[entry] -= 1
        else:
            out.append(finding)
    return out


def texts_of(projects: Iterable[object]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for project in projects:
        texts.update(getattr(project, "files", {}))
    return texts
