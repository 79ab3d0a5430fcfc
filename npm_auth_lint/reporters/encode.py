"""JSON text of plain data, byte for byte as ``json.dumps(value, indent=2, ensure_ascii=False)``
writes it, at the speed of orjson.

``indent`` makes the standard library fall back from its C encoder to the pure-Python one, which
was half of the SARIF output's CPU. orjson's ``OPT_INDENT_2`` writes the same text for the data
the reports hold (tests/test_json_encode.py checks that against ``json.dumps`` on arbitrary JSON
values); the two differ only where orjson refuses a value, and there the standard library
encodes it:

- integers beyond 64 bits, lone surrogates (a file name read with surrogateescape), keys that
  are not strings (json.dumps writes ``1`` as ``"1"``): orjson raises, json.dumps writes them;
- subclasses of str, int, dict and list, dataclasses and datetimes: handed back to the standard
  library (its rules for them are its own: an overridden ``items()`` is called), which writes or
  refuses them as before.

Floats are the exception we leave open: orjson writes ``1e-05`` as ``0.00001`` and NaN and the
infinities as ``null``, and finding them would take the walk through the data that this module
exists to avoid. No report holds a float (every number is a count, a line, a column or an
index; tests/test_json_encode.py checks the outputs of every fixture), so none is written.

Nested at ``level``, every line break of the text is followed by the indentation of that level:
JSON text has no raw line break of its own (strings escape theirs), so each is the encoder's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import orjson

_INDENT = "  "
_STDLIB = json.JSONEncoder(indent=2, ensure_ascii=False).encode
# Key of a member written by itself: a string, which json.dumps writes with this C function.
encode_key: Callable[[str], str] = json.encoder.encode_basestring
# Subclasses, dataclasses and datetimes go to _refuse, and so to the standard library.
_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def _refuse(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is left to the standard library")


def _text(value: Any) -> str:
    try:
        return orjson.dumps(value, default=_refuse, option=_OPTIONS).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError is one
        return _STDLIB(value)


def encode(value: Any, level: int = 0) -> str:
    """``value`` as indented JSON text, nested ``level`` deep (its first line not indented)."""
    text = _text(value)
    return text.replace("\n", "\n" + _INDENT * level) if level and "\n" in text else text
