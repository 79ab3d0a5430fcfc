"""GitHub code scanning's ``primaryLocationLineHash``, computed exactly as upload-sarif does.

A port of ``hash()`` in github/codeql-action ``src/fingerprints.ts``: a base-37 rolling hash
(mod 2^64, over UTF-16 code units) of the first 100 non-space/tab characters from the start of
each line, reading on into the following lines; CR and CRLF count as LF, an end-of-file marker
(65535) and NUL padding close the input, and ``:n`` numbers repeats of the same hash. When our
value matches, upload-sarif keeps it silently instead of warning about an inconsistent
fingerprint.
"""

from __future__ import annotations

import sys
from array import array
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
    """The UTF-16 code units of ``text``, as JavaScript's ``charCodeAt`` sees them (a lone
    surrogate is its own unit)."""
    units = array("H", text.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    return iter(units)


def line_hashes(text: str) -> Iterator[tuple[int, str]]:
    """Yield ``(line, "hash:n")`` for every line of ``text`` (1-based; lazily, in line order)."""
    # One flat loop with local names: it runs once per character of every file with a finding
    # (nested generators per character made SARIF output a third of a large run).
    window = [0] * _BLOCK_SIZE
    # The line number that starts at each window slot, or -1.
    line_numbers = [-1] * _BLOCK_SIZE
    hash_raw = 0
    index = 0
    line_number = 0
    line_start = True
    prev_cr = False
    counts: dict[str, int] = {}
    mod, first_mod, mask, size = _MOD, _FIRST_MOD, _MASK, _BLOCK_SIZE
    units = list(_code_units(text))
    units.append(_EOF)
    for current in units:
        if current == _SPACE or current == _TAB or (prev_cr and current == _LF):
            prev_cr = False
            continue
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        line = line_numbers[index]
        if line != -1:
            value = format(hash_raw, "x")
            counts[value] = counts.get(value, 0) + 1
            line_numbers[index] = -1
            yield line, f"{value}:{counts[value]}"
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[index] = line_number
        if current == _LF:
            line_start = True
        begin = window[index]
        window[index] = current
        hash_raw = (mod * hash_raw + current - first_mod * begin) & mask
        index = (index + 1) % size
    for _ in range(size):
        line = line_numbers[index]
        if line != -1:
            value = format(hash_raw, "x")
            counts[value] = counts.get(value, 0) + 1
            line_numbers[index] = -1
            yield line, f"{value}:{counts[value]}"
        begin = window[index]
        window[index] = 0
        hash_raw = (mod * hash_raw - first_mod * begin) & mask
        index = (index + 1) % size


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
