from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint import yamlio


def test_positions_styles_and_tags() -> None:
    text = "a: |\n  x\n  y\nb: !reference [job, script]\nbase: &base {k: 1}\nuse:\n  <<: *base\n  own: 2\nver: 22.10\n"
    data = yamlio.load(text, path="ci.yml")
    assert data["a"] == "x\ny\n"
    assert yamlio.content_line(data, "a") == 2
    assert isinstance(data["b"], yamlio.Tagged) and data["b"].tag == "!reference" and data["b"].value == ["job", "script"]
    assert data["use"] == {"own": 2, "k": 1}
    assert data["use"].key_pos["k"].line == 5  # merged keys keep where they are written
    assert data["ver"] == 22.1  # what the runner sees, on purpose
    assert data.key_pos["use"].path == "ci.yml"


def test_duplicate_key_at_second_occurrence() -> None:
    with pytest.raises(yamlio.LoadError) as info:
        yamlio.load("a: 1\nb: 2\na: 3\n")
    assert (info.value.line, info.value.column) == (3, 1)


def test_too_deep() -> None:
    with pytest.raises(yamlio.LoadError):
        yamlio.load("[" * 1000 + "]" * 1000)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_load_raises_only_load_error(text: str) -> None:
    try:
        yamlio.load(text)
    except yamlio.LoadError as exc:  # the only exception allowed, and always with a position
        assert exc.line >= 1 and exc.column >= 1 and exc.message


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_lines_are_counted_by_newlines_only(separator: str) -> None:
    # libyaml counts U+2028/U+2029/NEL as line breaks (YAML 1.1); editors, GitHub and the JSON
    # in package.json do not, so a later finding would point one line too far down.
    data = yamlio.load(f'{{"description": "a{separator}b",\n "name": "x"}}\n')
    assert (data.key_pos["name"].line, data.key_pos["name"].column) == (2, 2)
    data = yamlio.load(f'a: "x{separator}y"\nb:\n  - 1\n')
    assert data.key_pos["b"].line == 2 and data["b"].item_pos[0].line == 3 and data["b"].item_pos[0].column == 5
    with pytest.raises(yamlio.LoadError) as info:
        yamlio.load(f'a: "x{separator}y"\nb: 1\nb: 2\n')
    assert info.value.line == 3
