"""The JSON and SARIF reporters write as they go (issue #13: 40,000 jobs in SARIF took over 1 GiB).

The streamed bytes must be those of ``json.dumps(..., indent=2, ensure_ascii=False)`` of the
whole document, for any data; and an item must be written before the next one is built.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.cli import main
from npm_auth_lint.reporters.json import Lazy, Streamed, materialize, write_json

# No floats: orjson writes some of them unlike json.dumps (reporters/encode.py says why that is
# left open, and tests/test_sarif_fixtures.py checks that no report holds one).
SCALARS = st.none() | st.booleans() | st.integers() | st.text(max_size=8)
KEYS = st.text(alphabet='ab"\\\n\u00e9\U0001f600 ', max_size=4)
PLAIN = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(KEYS, inner, max_size=3),
    max_leaves=12,
)


def _streamed(value: Any) -> bool:
    return isinstance(value, (Lazy, Streamed))


def _lazy_somewhere(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with some of its lists (at any depth) turned into Lazy ones, and each dict and
    list on the way to one marked as streamed, as the reporters build their documents (others
    are marked at random: a streamed container of plain data is written the same)."""
    if isinstance(value, list):
        items = [_lazy_somewhere(draw, item) for item in value]
        return Lazy(iter(items)) if any(map(_streamed, items)) or draw(st.booleans()) else items
    if isinstance(value, dict):
        members = {key: _lazy_somewhere(draw, item) for key, item in value.items()}
        return Streamed(members) if any(map(_streamed, members.values())) or draw(st.booleans()) else members
    return value


@st.composite
def documents(draw: st.DrawFn) -> tuple[Any, Any]:
    plain = draw(st.dictionaries(KEYS, PLAIN, max_size=4) | st.lists(PLAIN, max_size=3) | PLAIN)
    return plain, _lazy_somewhere(draw, json.loads(json.dumps(plain)))


@settings(max_examples=300, deadline=None)
@given(documents())
def test_streamed_json_is_the_json_dumps_bytes(pair: tuple[Any, Any]) -> None:
    plain, streamed = pair
    out = io.BytesIO()
    write_json(out, streamed)
    assert out.getvalue() == json.dumps(plain, indent=2, ensure_ascii=False).encode("utf-8", "surrogatepass")


def test_materialize_reads_every_lazy_list() -> None:
    document = materialize(Streamed({"a": Lazy([1, Lazy(iter([])), Streamed()]), "b": 2}))
    assert document == {"a": [1, [], {}], "b": 2}
    assert type(document) is dict and type(document["a"][2]) is dict


def test_a_lazy_list_inside_plain_data_is_refused() -> None:
    # Streamed parts are marked where the document is built: the writer does not look for them
    # inside plain data, and a Lazy there is a bug to see, not a list to guess at.
    with pytest.raises(TypeError, match="Lazy"):
        write_json(io.BytesIO(), {"results": Lazy(iter([1]))})


def test_each_item_is_written_before_the_next_is_built() -> None:
    out = io.BytesIO()

    def items() -> Iterator[dict[str, int]]:
        for number in range(3):
            # Everything before this item is already written: nothing waits for the whole list.
            assert out.getvalue().count(b'"n"') == number
            yield {"n": number}

    write_json(out, Streamed({"results": Lazy(items()), "after": True}))
    assert json.loads(out.getvalue()) == {"results": [{"n": 0}, {"n": 1}, {"n": 2}], "after": True}


@pytest.mark.parametrize("fmt", ["json", "sarif", "text"])
def test_the_cli_writes_the_same_bytes_to_stdout_and_to_a_file(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = tmp_path / "repo"
    (root / ".github" / "workflows").mkdir(parents=True)
    jobs = "".join(f"  j{i}:\n    runs-on: ubuntu-latest\n    steps: [{{run: npm publish}}]\n" for i in range(5))
    (root / ".github" / "workflows" / "p.yml").write_text("on: push\njobs:\n" + jobs)
    (root / "package.json").write_text('{"name": "p\u00e9", "version": "1.0.0"}')
    monkeypatch.chdir(root)
    assert main(["--format", fmt, "--no-config", "."]) == 1
    printed = capsys.readouterr().out
    assert main(["--format", fmt, "--no-config", "--output", str(tmp_path / "out" / "report"), "."]) == 1
    assert (tmp_path / "out" / "report").read_text(encoding="utf-8") == printed
    if fmt == "text":
        assert printed.count("[missing-id-token]") >= 5 and "Found " in printed
        return
    document = json.loads(printed)
    findings = document["findings"] if fmt == "json" else document["runs"][0]["results"]
    assert len(findings) >= 5
