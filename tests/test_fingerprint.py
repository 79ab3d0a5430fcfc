from __future__ import annotations

import os
import re
import sys
from array import array
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.fingerprint import file_line_hashes, hashes_for_lines, line_hashes

_BLOCK_SIZE = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK_SIZE, 1 << 64)
_EOF = 0xFFFF
_TAB, _SPACE, _LF, _CR = 0x09, 0x20, 0x0A, 0x0D


def _code_units(text: str) -> Iterator[int]:
    """The UTF-16 code units of ``text``, as JavaScript's ``charCodeAt`` sees them (a lone
    surrogate is its own unit)."""
    units = array("H", text.encode("utf-16-le", "surrogatepass"))
    if sys.byteorder == "big":
        units.byteswap()
    return iter(units)


def oracle_line_hashes(text: str) -> Iterator[tuple[int, str]]:
    """fingerprints.ts's hash() loop, a character at a time: npm_auth_lint.fingerprint's
    ``line_hashes`` as it was before its string-operation rewrite, kept as the oracle."""
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
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
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


# github/codeql-action src/fingerprints.test.ts, test('hash'): input -> expected hash per line.
CODEQL_ACTION_VECTORS = [
    ("", ["c129715d7a2bc9a3:1"]),
    (
        " a\nb\n  \t\tc\n d",
        ["271789c17abda88f:1", "54703d4cd895b18:1", "180aee12dab6264:1", "a23a3dc5e078b07b:1"],
    ),
    (
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
        [
            "8b7cf3e952e7aeb2:1",
            "b1ae1287ec4718d9:1",
            "bff680108adb0fcc:1",
            "c6805c5e1288b612:1",
            "b86d3392aea1be30:1",
            "e6ceba753e1a442:1",
        ],
    ),
    *[
        (
            text,
            [
                "e9496ae3ebfced30:1",
                "fb7c023a8b9ccb3f:1",
                "ce8ba1a563dcdaca:1",
                "e20e36e16fcb0cc8:1",
                "b3edc88f2938467e:1",
                "c8e28b0b4002a3a0:1",
                "c129715d7a2bc9a3:1",
            ],
        )
        for text in (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
            " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
            " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
            " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
        )
    ],
    (
        "Lorem ipsum dolor sit amet.\n" * 10,
        [
            "a7f2ff13bc495cf2:1",
            "a7f2ff13bc495cf2:2",
            "a7f2ff13bc495cf2:3",
            "a7f2ff13bc495cf2:4",
            "a7f2ff13bc495cf2:5",
            "a7f2ff13bc495cf2:6",
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), CODEQL_ACTION_VECTORS)
def test_codeql_action_vectors(text: str, expected: list[str]) -> None:
    assert list(line_hashes(text)) == list(enumerate(expected, start=1))


def test_file_bytes_are_read_as_node_reads_them(tmp_path) -> None:
    # A BOM, a character outside the BMP (two UTF-16 code units), an invalid byte (U+FFFD) and
    # CRLF. Expected values were produced by running fingerprints.ts's hash() loop in Node 22
    # over the same file read with createReadStream(path, "utf8").
    path = tmp_path / "in.txt"
    path.write_bytes(
        b"\xef\xbb\xbfname: \xf0\x9f\x98\x80 emoji \xff bad\n  \xe2\x82\xac euro\r\nlast"
    )
    assert file_line_hashes(path, {1, 2, 3}) == {
        1: "51083eee109eec1:1",
        2: "6a1ae2ea8a284814:1",
        3: "58429ecce5a8d0db:1",
    }


def test_hashes_for_lines_picks_the_wanted_lines() -> None:
    text = "Lorem ipsum dolor sit amet.\n" * 10
    assert hashes_for_lines(text, {2, 7}) == {2: "a7f2ff13bc495cf2:2", 7: "a7f2ff1481e87703:1"}
    assert hashes_for_lines(text, set()) == {}
    # A line the file does not have gets no hash.
    assert hashes_for_lines(text, {99}) == {}


def test_unreadable_files_give_no_hashes(tmp_path) -> None:
    assert file_line_hashes(tmp_path / "missing.yml", {1}) == {}
    assert file_line_hashes(tmp_path, {1}) == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes need POSIX")
def test_a_fifo_is_not_read(tmp_path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # Opening a FIFO for reading would block forever; it must be refused before that.
    assert file_line_hashes(fifo, {1}) == {}


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\r\n\t ")))
def test_one_hash_per_line_in_order(text: str) -> None:
    hashes = list(line_hashes(text))
    assert [line for line, _ in hashes] == list(range(1, len(re.split(r"\r\n|\r|\n", text)) + 1))
    assert all(re.fullmatch(r"[0-9a-f]{1,16}:[1-9][0-9]*", value) for _, value in hashes)


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("\r\n\t ")), st.data())
def test_early_stop_gives_the_same_hashes(text: str, data: st.DataObject) -> None:
    full = dict(line_hashes(text))
    wanted = data.draw(st.sets(st.sampled_from(sorted(full))))
    assert hashes_for_lines(text, wanted) == {line: full[line] for line in wanted}


# Text that repeats itself (so that windows and hashes repeat and `:n` counts), with every kind
# of character the hash treats apart: CR, LF, tab, space, characters outside the BMP (two code
# units), lone surrogates (one unit each, as JavaScript strings hold them), and characters whose
# UTF-16-LE bytes hold an LF's (0x0A 0x00) across two units.
_PIECES = st.sampled_from(
    ["\r", "\n", "\r\n", "\t", " ", "\r \n", "a", "b", "\U0001f600", "\ud83d", "\ude00", "\uffff", "\u0a01", "\u0100"]
)
_FREE = st.text(st.characters(exclude_categories=()), max_size=12)


@st.composite
def hashed_texts(draw: st.DrawFn) -> str:
    parts = draw(st.lists(_FREE | st.lists(_PIECES, max_size=8).map("".join), max_size=8))
    repeats = draw(st.lists(st.integers(1, 30), max_size=6))
    # Long runs of equal lines, as YAML lists have: equal 100-unit windows several lines apart.
    return "".join(parts[i % len(parts)] * r for i, r in enumerate(repeats)) if parts else ""


@settings(max_examples=400, deadline=None)
@given(hashed_texts())
def test_every_line_hash_is_the_character_loops(text: str) -> None:
    assert list(line_hashes(text)) == list(oracle_line_hashes(text))


@settings(max_examples=400, deadline=None)
@given(hashed_texts(), st.data())
def test_wanted_lines_get_the_character_loops_hashes(text: str, data: st.DataObject) -> None:
    full = dict(oracle_line_hashes(text))
    # Lines past the end, and 0 or below, exist in no text and get no hash.
    wanted = data.draw(st.sets(st.integers(-2, len(full) + 3) | st.sampled_from(sorted(full))))
    assert hashes_for_lines(text, wanted) == {line: full[line] for line in wanted if line in full}


def test_a_line_feed_hidden_across_two_code_units_is_no_line_break() -> None:
    # U+0A01 then U+0100 hold the bytes 0x0A 0x00 across their UTF-16-LE units (01 0A 00 01).
    text = "\u0a01\u0100\nx"
    assert list(line_hashes(text)) == list(oracle_line_hashes(text))
    assert len(list(line_hashes(text))) == 2


def test_the_oracle_matches_codeql_actions_vectors() -> None:
    for text, expected in CODEQL_ACTION_VECTORS:
        assert list(oracle_line_hashes(text)) == list(enumerate(expected, start=1))
