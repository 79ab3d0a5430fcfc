"""JSON text of plain data, byte for byte as ``json.dumps(value, indent=2, ensure_ascii=False)``
writes it, at the speed of orjson.

``indent`` makes the standard library fall back from its C encoder to the pure-Python one, which
was half of the SARIF output's CPU. orjson's ``OPT_INDENT_2`` writes the same text for the data
the reports hold (tests/test_json_encode.py checks that against ``json.dumps`` on arbitrary JSON
values); the two differ only where orjson refuses a value, and there the standard library
encodes it:

- integers beyond 64 bits, lone surrogates (a file name read with surrogateescape), keys that
  are not strings (json.dumps writes ``1`` as ``"1"``), nesting over 254 deep: orjson raises,
  json.dumps writes them;
- subclasses of str, int, dict and list, dataclasses and datetimes: handed back to the standard
  library (its rules for them are its own: an overridden ``items()`` is called), which writes or
  refuses them as before.

Floats are the exception we leave open: orjson writes ``1e-05`` as ``0.00001`` and NaN and the
infinities as ``null``, and finding them would take the walk through the data that this module
exists to avoid. No report holds a float (every number is a count, a line, a column or an
index; tests/test_sarif_fixtures.py checks the SARIF and JSON of every fixture), so none is
written. (orjson also writes enums and UUIDs, which json.dumps refuses; no report holds one.)

Nested at ``level``, a value is written by orjson inside ``level`` arrays, which indents it for
that place, and the arrays' brackets are left out.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from typing import Any

import orjson

_INDENT = "  "
_STDLIB = json.JSONEncoder(indent=2, ensure_ascii=False).encode
# A string, as json.dumps writes it (ensure_ascii=False), by the C function it uses.
_encode_string: Callable[[str], str] = json.encoder.encode_basestring
# Subclasses, dataclasses and datetimes go to _refuse, and so to the standard library.
_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def _refuse(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is left to the standard library")


def _wrapped(value: Any, level: int) -> Any:
    for _ in range(level):
        value = [value]
    return value


@cache
def _frame(level: int) -> tuple[int, int]:
    """How many bytes come before and after a value that orjson writes inside ``level`` arrays
    (``[\\n  [\\n    0\\n  ]\\n]`` for 2): the value is then indented as at nesting ``level``."""
    text = orjson.dumps(_wrapped(0, level), option=_OPTIONS)
    start = text.index(b"0")
    return start, len(text) - start - 1


def encode_bytes(value: Any, level: int = 0) -> bytes | memoryview:
    """``value`` as indented JSON text in UTF-8, nested ``level`` deep (its first line not
    indented). A lone surrogate, which only the standard library writes, is encoded as itself
    (``surrogatepass``): it never reaches a report (``clean`` replaces them), and a test's data
    decodes back to the very text."""
    try:
        # Written inside ``level`` arrays, the value comes out indented for its place; the
        # arrays' brackets are left out. (Indenting the text afterwards was a pass over it.)
        text = orjson.dumps(_wrapped(value, level), default=_refuse, option=_OPTIONS)
    except TypeError:  # orjson.JSONEncodeError is one
        return _indented(_STDLIB(value), level).encode("utf-8", "surrogatepass")
    if not level:
        return text
    before, after = _frame(level)
    return memoryview(text)[before : len(text) - after]


def encode(value: Any, level: int = 0) -> str:
    """``value`` as indented JSON text, nested ``level`` deep (its first line not indented)."""
    return str(encode_bytes(value, level), "utf-8", "surrogatepass")


def encode_key(key: str) -> bytes:
    """The UTF-8 JSON text of a member's key (a string, as json.dumps writes it)."""
    return _encode_string(key).encode("utf-8", "surrogatepass")


def _indented(text: str, level: int) -> str:
    # JSON text has no raw line break of its own (strings escape theirs): each is the encoder's.
    return text.replace("\n", "\n" + _INDENT * level) if level and "\n" in text else text
