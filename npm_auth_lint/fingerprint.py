"""GitHub code scanning's ``primaryLocationLineHash``, computed exactly as upload-sarif does.

A port of ``hash()`` in github/codeql-action ``src/fingerprints.ts``: a base-37 rolling hash
(mod 2^64, over UTF-16 code units) of the first 100 non-space/tab characters from the start of
each line, reading on into the following lines; CR and CRLF count as LF, an end-of-file marker
(65535) and NUL padding close the input, and ``:n`` numbers repeats of the same hash. When our
value matches, upload-sarif keeps it silently instead of warning about an inconsistent
fingerprint.

fingerprints.ts feeds one character at a time to a rolling hash. Done that way in Python it cost
a third of the SARIF output (a loop turn per character of every file with a finding), so the same
result is reached with string operations that run in C: the skipped characters are deleted and
the line breaks normalised up front, each line's hash is the hash of the 100 code units from its
start (computed for the wanted lines only), and ``:n`` counts the earlier lines whose 100 units
are the same. That count differs from fingerprints.ts (which counts equal hashes) only if two
different 100-unit windows of one file collide in the 64-bit hash. ``tests/test_fingerprint.py``
holds the character loop as the oracle.
"""

from __future__ import annotations

import struct
from collections.abc import Collection, Iterator
from operator import mul
from pathlib import Path

from npm_auth_lint.workspace import FileReadError, read_regular

_BLOCK_SIZE = 100
_MASK = (1 << 64) - 1
# The weight of each unit of a window: the first is multiplied by 37 once per later unit.
_POWERS = tuple(pow(37, _BLOCK_SIZE - 1 - index, 1 << 64) for index in range(_BLOCK_SIZE))
_WINDOW = struct.Struct(f"<{_BLOCK_SIZE}H")
_UNIT = 2  # bytes per UTF-16 code unit
_LF = "\n".encode("utf-16-le")
# What follows the text: the end-of-file marker (65535), then NULs to fill the last window.
_TAIL = b"\xff\xff" + bytes(_UNIT * _BLOCK_SIZE)
# upload-sarif hashes any size; we stop at a size no configuration file reaches and let it fill in.

MAX_FILE_BYTES = 8 * 1024 * 1024


def _units(text: str) -> bytes:
    """What the rolling hash reads, as UTF-16-LE: CRLF and CR as LF, without spaces and tabs,
    then the tail.

    fingerprints.ts drops a space or tab, and an LF right after a CR, and reads any other CR
    as LF; replacing CRLF first and then CR is the same (an LF after a CR, with a space between,
    stays an LF in both). A lone surrogate is its own code unit, as ``charCodeAt`` sees it."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    return text.encode("utf-16-le", "surrogatepass") + _TAIL


def _line_starts(units: bytes, count: int) -> Iterator[int]:
    """The byte offsets of the first ``count`` lines' starts in ``units`` (fewer if it has
    fewer lines): 0, and just after each LF code unit."""
    yield 0
    found, position = 1, 0
    while found < count:
        position = units.find(_LF, position)
        if position < 0:
            return
        if position % _UNIT:  # the second byte of one unit and the first of the next
            position += 1
            continue
        position += _UNIT
        found += 1
        yield position


def _hash(window: bytes) -> str:
    return format(sum(map(mul, _WINDOW.unpack(window), _POWERS)) & _MASK, "x")


def hashes_for_lines(text: str, lines: Collection[int]) -> dict[int, str]:
    """The hashes of the wanted ``lines`` of ``text`` (1-based; a line the text does not have
    gets none); reads no further than the last wanted line's window."""
    wanted = {line for line in lines if line >= 1}
    found: dict[int, str] = {}
    if not wanted:
        return found
    units = _units(text)
    seen: dict[bytes, int] = {}
    width = _UNIT * _BLOCK_SIZE
    for line, start in enumerate(_line_starts(units, max(wanted)), start=1):
        window = units[start : start + width]
        repeat = seen[window] = seen.get(window, 0) + 1
        if line in wanted:
            found[line] = f"{_hash(window)}:{repeat}"
    return found


def line_hashes(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line, "hash:n")`` for every line of ``text`` (1-based, in line order)."""
    lines = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    yield from sorted(hashes_for_lines(text, range(1, lines + 1)).items())


def file_line_hashes(path: Path, lines: Collection[int]) -> dict[int, str]:
    """Hashes of ``lines`` of the file at ``path``; empty when it is not a readable regular file."""
    try:
        # A regular file only: FIFOs and devices would block or never end.
        data = read_regular(path, MAX_FILE_BYTES)
    except (FileReadError, ValueError):
        return {}
    # Node's createReadStream(path, "utf8") keeps a BOM and turns bad bytes into U+FFFD.
    return hashes_for_lines(data.decode("utf-8", errors="replace"), lines)
