"""Machine-readable output in the versioned ``npm-auth-lint/findings`` schema (docs/json-schema.md).

The JSON Schema ships as ``npm_auth_lint/data/findings.schema.json``; bump :data:`VERSION` on any
change that removes, renames or retypes a key (new keys and new sections keep it).

:func:`write` streams the document: the findings and the strategy are long lists (40,000 jobs
make a document of over 100 MB), so each item is built, serialised and written in turn, never the
whole list as data or text (:func:`write_json`, shared with the SARIF writer). The bytes are
those of ``json.dumps(document(report), indent=2, ensure_ascii=False)``, encoded by orjson
(:mod:`npm_auth_lint.reporters.encode`).
"""

from __future__ import annotations

import codecs
import io
import os
from collections.abc import Iterable, Iterator
from typing import Any, Protocol, cast

from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Finding, Severity
from npm_auth_lint.reporters import Report
from npm_auth_lint.reporters.common import (
    TOOL_NAME,
    Redacted,
    all_secrets,
    clean,
    rule_indexes,
    severity_counts,
)
from npm_auth_lint.reporters.encode import encode_bytes, encode_key
from npm_auth_lint.reporters.fix_data import LineStarts, json_fix

SCHEMA = "npm-auth-lint/findings"
VERSION = 1


def _finding(finding: Finding, help_uri: str | None) -> dict[str, Any]:
    secrets = finding.secrets
    return {
        "rule": finding.rule_id,
        "severity": finding.severity.value,
        "confidence": finding.confidence.value,
        "message": clean(finding.message, secrets),
        "path": clean(finding.location.path, secrets),
        "line": finding.location.line,
        "column": finding.location.column,
        "related": [
            {
                "path": clean(related.location.path, secrets),
                "line": related.location.line,
                "column": related.location.column,
                "message": clean(related.message, secrets),
            }
            for related in finding.related
        ],
        "help_uri": help_uri,
    }


class Writable(Protocol):
    """Where a report is written: ``sys.stdout``, an open text file, a ``StringIO``."""

    def write(self, text: str, /) -> object: ...


class BinaryWritable(Protocol):
    """Where :func:`write_json` writes: UTF-8 bytes (a binary file, a ``BytesIO``, a
    :class:`Chunks`)."""

    def write(self, data: bytes | memoryview, /) -> object: ...


class Chunks(list[str]):
    """A :class:`BinaryWritable` that keeps what is written as text, to be joined once.

    Each chunk is decoded as it comes: most are ASCII, which decodes fastest alone (decoding
    the joined bytes of a large report took longer than decoding and joining its chunks)."""

    def write(self, data: bytes | memoryview, /) -> None:
        self.append(str(data, "utf-8", "surrogatepass"))

    def text(self) -> str:
        return "".join(self)


class _Decoded:
    """A :class:`BinaryWritable` that writes to a text stream."""

    def __init__(self, out: Writable) -> None:
        self._out = out

    def write(self, data: bytes | memoryview, /) -> None:
        self._out.write(str(data, "utf-8", "surrogatepass"))


def byte_sink(out: Writable) -> BinaryWritable:
    """Where to write the UTF-8 of text meant for ``out``: the byte buffer under a UTF-8 text
    file or stdout (written text is flushed first, so nothing is out of order), so that the
    text is never decoded to be encoded again; else ``out`` itself, by a decoding writer. A
    stream on a system whose line break is not "\\n" translates it, and is written as text. (A
    stream opened with ``newline="\\r\\n"`` on a system whose line break is "\\n" would get "\\n":
    a text stream does not tell its ``newline``, and the tool opens none such.)"""
    buffer = getattr(out, "buffer", None)
    if isinstance(out, io.TextIOWrapper) and buffer is not None and os.linesep == "\n" and _is_utf8(out.encoding):
        out.flush()
        return cast(BinaryWritable, buffer)
    return _Decoded(out)


def _is_utf8(encoding: str | None) -> bool:
    try:
        return encoding is not None and codecs.lookup(encoding).name == "utf-8"
    except LookupError:
        return False


@frozen_dataclass
class Lazy:
    """A JSON array whose items are produced as it is written (an iterable, read once)."""

    items: Iterable[Any]


class Streamed(dict[str, Any]):
    """A JSON object written member by member, because a value in it is streamed (a
    :class:`Lazy`, or another ``Streamed``); the document's builder marks it so, and the writer
    never has to look inside plain data for streamed parts."""


_INDENT = b"  "


def write_json(out: BinaryWritable, value: Any, level: int = 0) -> None:
    """Write ``value`` in UTF-8 as ``json.dumps(value, indent=2, ensure_ascii=False)`` would at
    nesting ``level``, where a :class:`Lazy` is an array written item by item and a
    :class:`Streamed` an object written member by member (each holds streamed parts only where
    its builder put them: other dicts and lists are plain data, encoded whole)."""
    if isinstance(value, Lazy):
        _write_items(out, iter(value.items), level)
    elif isinstance(value, Streamed):
        inner = b"\n" + _INDENT * (level + 1)
        for index, (key, item) in enumerate(value.items()):
            out.write((b"{" if index == 0 else b",") + inner + encode_key(key) + b": ")
            write_json(out, item, level + 1)
        out.write(b"\n" + _INDENT * level + b"}" if value else b"{}")
    else:
        out.write(encode_bytes(value, level))


def _write_items(out: BinaryWritable, items: Iterator[Any], level: int) -> None:
    first = True
    inner = b"\n" + _INDENT * (level + 1)
    for item in items:
        out.write((b"[" if first else b",") + inner)
        write_json(out, item, level + 1)
        first = False
    out.write(b"[]" if first else b"\n" + _INDENT * level + b"]")


def materialize(value: Any) -> Any:
    """``value`` with every :class:`Lazy` read into a list and every :class:`Streamed` a plain
    dict (the document as plain data)."""
    if isinstance(value, (Lazy, list)):
        return [materialize(item) for item in (value.items if isinstance(value, Lazy) else value)]
    if isinstance(value, dict):
        return {key: materialize(item) for key, item in value.items()}
    return value


def strategy_items(report: Report) -> Lazy | None:
    """The ``strategy`` section's items, each redacted with every finding's secrets as it is
    written (the strategy quotes publish commands as written, and belongs to no single
    finding); None when the report has no strategy."""
    if not report.strategy:
        return None
    from npm_auth_lint.strategy.render import to_data

    # One lookup for the whole strategy: the same strings recur in every pipeline.
    redacted = Redacted(all_secrets(report))
    return Lazy(redacted.data(item) for strategy in report.strategy for item in to_data([strategy]))


def _findings(report: Report) -> Iterator[dict[str, Any]]:
    rules = rule_indexes(report)
    lines = LineStarts(report.root, report.texts)
    for finding in report.findings:
        known = rules.get(finding.rule_id)
        yield {**_finding(finding, known[1].help_uri() if known else None), "fix": json_fix(finding, lines)}


def streamed_document(report: Report) -> dict[str, Any]:
    """The document with its long lists as :class:`Lazy` items, for :func:`write_json`."""
    counts = severity_counts(report.findings)
    strategy = strategy_items(report)
    return Streamed({
        "schema": SCHEMA,
        "version": VERSION,
        "tool": {"name": TOOL_NAME, "version": report.version},
        "root": clean(str(report.root)),
        "summary": {
            "errors": counts[Severity.ERROR],
            "warnings": counts[Severity.WARNING],
            "notes": counts[Severity.NOTE],
            "files_scanned": report.files_scanned,
        },
        "findings": Lazy(_findings(report)),
        **({"strategy": strategy} if strategy is not None else {}),
    })


def document(report: Report) -> dict[str, Any]:
    """The report as the JSON-ready mapping that :func:`render` serialises."""
    return materialize(streamed_document(report))


def write(report: Report, out: Writable) -> None:
    """Write the report to ``out`` as indented JSON (ending in a newline), item by item."""
    sink = byte_sink(out)
    write_json(sink, streamed_document(report))
    sink.write(b"\n")


def render(report: Report) -> str:
    """The report as indented JSON (UTF-8 text, ending in a newline)."""
    chunks = Chunks()
    write_json(chunks, streamed_document(report))
    chunks.write(b"\n")
    return chunks.text()
