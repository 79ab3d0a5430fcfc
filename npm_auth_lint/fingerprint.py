"""GitHub code scanning's ``primaryLocationLineHash``, computed exactly as upload-sarif does.

A port of ``hash()`` in github/codeql-action ``src/fingerprints.ts``: a base-37 rolling hash
(mod 2^64, over UTF-16 code units) of the first 100 non-space/tab characters from the start of
each line, reading on into the following lines; CR and CRLF count as LF, an end-of-file marker
(65535) and NUL padding close the input, and ``:n`` numbers repeats of the same hash. When our
value matches, upload-sarif keeps it silently instead of warning about an inconsistent
fingerprint.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from pathlib import Path

_BLOCK_SIZE = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK_SIZE, 1 << 64)
_EOF = 0xFFFF
_TAB, _SPACE, _LF, _CR = 0x09, 0x20, 0x0A, 0x0D
# upload-sarif hashes any size; we stop at a size no configuration file reaches and let it fill in.
from npm_auth_lint.workspace import FileReadError, read_regular

MAX_FILE_BYTES = 8 * 1024 * 1024


def _code_units(text: str) -> Iterator[int]:
    """The UTF-16 code units of ``text``, as JavaScript's ``charCodeAt`` sees them."""
    for char in text:
        point = ord(char)
        if point < 0x10000:
            yield point
        else:
            point -= 0x10000
            yield 0xD800 + (point >> 10)
            yield 0xDC00 + (point & 0x3FF)


def line_hashes(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line, "hash:n")`` for every line of ``text`` (1-based; lazily, in line order)."""
    window = [0] * _BLOCK_SIZE
    # The line number that starts at each window slot, or -1.
    line_numbers = [-1] * _BLOCK_SIZE
    hash_raw = 0
    index = 0
    line_number = 0
    line_start = True
    prev_cr = False
    counts: dict[str, int] = {}

    def output() -> tuple[int, str]:
        value = format(hash_raw, "x")
        counts[value] = counts.get(value, 0) + 1
        line = line_numbers[index]
        line_numbers[index] = -1
        return line, f"{value}:{counts[value]}"

    def update(current: int) -> None:
        nonlocal hash_raw, index
        begin = window[index]
        window[index] = current
        hash_raw = (_MOD * hash_raw + current - _FIRST_MOD * begin) & _MASK
        index = (index + 1) % _BLOCK_SIZE

    def process(current: int) -> Iterator[tuple[int, str]]:
        nonlocal prev_cr, line_start, line_number
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            return
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[index] != -1:
            yield output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[index] = line_number
        if current == _LF:
            line_start = True
        update(current)

    for unit in _code_units(text):
        yield from process(unit)
    yield from process(_EOF)
    for _ in range(_BLOCK_SIZE):
        if line_numbers[index] != -1:
            yield output()
        update(0)


def hashes_for_lines(text: str, lines: Collection[int]) -> dict[int, str]:
    """The hashes of the wanted ``lines`` of ``text``; stops reading once it has them all."""
    wanted = set(lines)
    found: dict[int, str] = {}
    if not wanted:
        return found
    for line, value in line_hashes(text):
        if line in wanted:
            found[line] = value
            if len(found) == len(wanted):
                break
    return found


def file_line_hashes(path: Path, lines: Collection[int]) -> dict[int, str]:
    """Hashes of ``lines`` of the file at ``path``; empty when it is not a readable regular file."""
    try:
        # A regular file only: FIFOs and devices would block or never end.
        data = read_regular(path, MAX_FILE_BYTES)
    except (FileReadError, ValueError):
        return {}
    # Node's createReadStream(path, "utf8") keeps a BOM and turns bad bytes into U+FFFD.
    return hashes_for_lines(data.decode("utf-8", errors="replace"), lines)
