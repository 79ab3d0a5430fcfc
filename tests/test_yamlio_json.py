"""``yamlio.load_json`` gives exactly what ``yamlio.load`` gives for the same text: the same values,
containers, positions (line, column, style, end line, path) and errors. The fast path is checked
against the YAML loader on generated JSON, on mutated text and on the cases where YAML reads JSON
differently (there it must fall back)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint import yamlio

ROOT = Path(__file__).resolve().parents[1]


def _tree(value: Any) -> Any:
    """Everything ``load`` says about ``value``, comparable with ``==`` (NaN included)."""
    if isinstance(value, yamlio.YMap):
        entries = [(k, value.key_pos[k], _tree(v), value.value_pos[k]) for k, v in value.items()]
        return ("map", value.pos, entries)
    if isinstance(value, yamlio.YSeq):
        return ("seq", value.pos, [(_tree(v), p) for v, p in zip(value, value.item_pos, strict=True)])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, value)


def _outcome(load: Any, text: str, path: str = "") -> Any:
    try:
        return _tree(load(text, path))
    except yamlio.LoadError as exc:
        return ("error", exc.message, exc.line, exc.column)


def _same(text: str, path: str = "") -> None:
    assert _outcome(yamlio.load_json, text, path) == _outcome(yamlio.load, text, path)


@pytest.mark.parametrize(
    "text",
    [
        '{"name": "a", "version": "1.0.0", "scripts": {"build": "tsc"}, "workspaces": ["packages/*"]}',
        '{\n  "name": "a",\n  "n": [1, 2.5, -0, -0.0, 1e5, 1E+5, 1.5e-3, 12345678901234567890],\n  "x": {}\n}\n',
        '{"t": true, "f": false, "z": null, "nan": NaN, "inf": Infinity, "minf": -Infinity}',
        '{"e": "\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u0000"}',
        '{\n\t"tab": 1,\n\t"indented": {\n\t\t"x": [\n\t\t\t1\n\t\t]\n\t}\n}\n',
        '{"a" : 1 , "b":2}',
        '\r\n{"crlf": [1,\r\n 2]}\r\n',
        "{}",
        '{"a": [], "b": {}, "c": [[], [{}]]}',
        '{"unicode": "é😀", "é": "x", "k😀": 1}',
        # Where YAML reads JSON differently or refuses it: load_json must give load's answer.
        '\t{"a": 1}',
        '{"a": 1}\n\t\n',
        '{"a"\n: 1}',
        '{"' + "k" * 1100 + '": 1}',
        '{"' + "k" * 300 + '": 1}',
        '{"a": "\\ud83d\\ude00"}',
        '{"a": "\\ud800"}',
        '{"a": "x\u2028y", "b": 2}',
        '{"a": "x\x85y"}',
        '{"a": "\x7f\x80"}',
        '{"a": "\ufeffx"}',
        '{"a": 1,\r"b": 2}',
        '{"a": 1, "a": 2}',
        '{"a": {"b": 1, "b": 2}}',
        '{"a": ' + "[" * 300 + "]" * 300 + "}",
        '{"a": 1,}',
        "[1, 2]",
        '"text"',
        "",
        "not json: at all",
    ],
)
def test_load_json_is_load(text: str) -> None:
    _same(text)
    _same(text, path="packages/a/package.json")


_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(st.text(max_size=10), _VALUES, max_size=6),
    st.sampled_from([None, 0, 2, "\t", " "]),
    st.booleans(),
    st.sampled_from([(", ", ": "), (",", ":"), (" , ", " : ")]),
)
def test_generated_json_loads_the_same(document: dict[str, Any], indent: Any, ascii_only: bool, separators: tuple[str, str]) -> None:
    _same(json.dumps(document, indent=indent, ensure_ascii=ascii_only, separators=separators))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(max_size=6), _VALUES, max_size=4), st.data())
def test_mutated_json_loads_the_same(document: dict[str, Any], data: st.DataObject) -> None:
    text = json.dumps(document, indent=2)
    where = data.draw(st.integers(min_value=0, max_value=len(text)))
    insert = data.draw(st.sampled_from(["\t", "\n", "\r", " ", ",", '"', "\\", "{", "}", "\x85", "\u2028", "#", "\n\t"]))
    _same(text[:where] + insert + text[where:])


def test_every_fixture_package_json_loads_the_same() -> None:
    paths = sorted(ROOT.glob("fixtures/**/package.json"))
    assert len(paths) > 20  # the check reads real files
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace").removeprefix("\ufeff")
        _same(text, path=str(path.relative_to(ROOT)))


def test_plain_package_json_takes_the_fast_path(monkeypatch: pytest.MonkeyPatch) -> None:
    text = '{\n\t"name": "@a/b",\n  "version": "1.0.0",\n  "scripts": {"build": "tsc"},\n  "workspaces": ["p/*"]\n}\n'
    expected = _outcome(yamlio.load, text)

    def refuse(text: str, path: str = "") -> Any:
        raise AssertionError("load_json fell back to the YAML loader")

    monkeypatch.setattr(yamlio, "load", refuse)
    assert _outcome(yamlio.load_json, text) == expected


@pytest.mark.parametrize("text", ['{"a": "x\ny"}', '{"a": "x\\\ny"}', '{"a": 1} "'])
def test_the_walk_refuses_text_it_cannot_read_whole(text: str) -> None:
    # The walk sums token lengths for positions, which is exact only when the tokens cover the
    # text; load_json walks valid JSON only, which they do, but the walk checks it itself.
    assert yamlio._json_walk(text, "") is None


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text() | st.text(alphabet="\t\r\n \\uDd89aAbB\u2028\x85\ufeff"))
def test_the_ascii_shortcut_finds_what_the_full_pattern_finds(text: str) -> None:
    assert yamlio._yaml_differs(text) == (yamlio._YAML_DIFFERS.search(text) is not None)
