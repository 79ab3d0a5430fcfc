"""``yamlio.load`` gives exactly what the loader it replaced gives (``tests/yamlio_oracle.py``).

The generated documents mix every construct the builder treats on its own path: block and
flow collections, every scalar style, plain scalars YAML 1.2 resolves (numbers, booleans, nulls,
NaN), anchors and aliases (to finished and to still-open collections), merge keys, tags,
duplicate and collection keys, line breaks libyaml counts differently, several documents; and
the same texts with a character inserted or removed, for the errors.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npm_auth_lint import yamlio

from . import yamlio_oracle
from .conftest import FIXTURES, PROJECT_ROOT


def _tree(value: Any, seen: dict[int, int]) -> Any:
    """Everything ``load`` says about ``value``, comparable with ``==``: values and their types,
    positions, tags, and which collections are the same object (aliases, cycles)."""
    if isinstance(value, (yamlio.YMap, yamlio.YSeq, yamlio.Tagged)):
        if id(value) in seen:
            return ("same as", seen[id(value)])
        seen[id(value)] = len(seen)
    if isinstance(value, yamlio.Tagged):
        return ("tagged", value.tag, value.pos, _tree(value.value, seen))
    if isinstance(value, yamlio.YMap):
        entries = [(_tree(k, seen), value.key_pos[k], _tree(v, seen), value.value_pos[k]) for k, v in value.items()]
        return ("map", value.pos, value.tag, entries, len(value.key_pos), len(value.value_pos))
    if isinstance(value, yamlio.YSeq):
        items = [(_tree(v, seen), p) for v, p in zip(value, value.item_pos, strict=True)]
        return ("seq", value.pos, value.tag, items)
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else repr(value))
    return (type(value).__name__, value)


def _outcome(load: Any, text: str, path: str) -> Any:
    try:
        return _tree(load(text, path), {})
    except yamlio.LoadError as exc:
        return ("error", exc.message, exc.line, exc.column)


def _same(text: str, path: str = "ci.yml") -> None:
    assert _outcome(yamlio.load, text, path) == _outcome(yamlio_oracle.load, text, path)


_PLAIN = [
    "a", "b", "key", "x y", "ubuntu-latest", "${{ secrets.NPM_TOKEN }}", "npm publish", "=",
    "0", "1", "-1", "+1", "017", "0o17", "0x1F", "0b101", "1_000", "9" * 30, "9" * 5000,
    "1.5", "22.10", "1e3", "-1.5E-3", ".nan", ".NaN", ".inf", "-.inf", "+.inf",
    "true", "True", "FALSE", "yes", "no", "on", "null", "Null", "~", "2001-12-14", "<<",
]  # fmt: skip
_QUOTED = ["'a'", "'1'", "'<<'", "''", "'it''s'", '"a"', '"1"', '"<<"', '"a\\tb"', '"\\u00e9"', '""', '"true"']
_TAGS = ["!reference", "!!str", "!", "!!int", "!!float", "!!bool", "!!null", "!custom", "!<tag:yaml.org,2002:str>", "!!merge", "!!map", "!!seq"]
_ANCHORS = ["a", "b", "c"]


class _Writer:
    """Writes a random document; aliases mostly name anchors already written."""

    def __init__(self, draw: st.DrawFn) -> None:
        self.draw = draw
        self.anchors: list[str] = []

    def alias(self) -> str:
        if not self.anchors or self.draw(st.integers(0, 30)) == 0:
            return "*undefined"
        return "*" + self.draw(st.sampled_from(self.anchors))

    def scalar(self) -> str:
        kind = self.draw(st.integers(0, 12))
        if kind <= 6 or (kind == 12 and not self.anchors):
            return self.draw(st.sampled_from(_PLAIN))
        if kind <= 9:
            return self.draw(st.sampled_from(_QUOTED))
        if kind <= 11:  # any text, double-quoted with escapes for all but letters and digits
            text = self.draw(st.text(max_size=8))
            return '"' + "".join(c if c.isalnum() or c in " -_" else f"\\u{ord(c):04x}" for c in text if ord(c) < 0x10000) + '"'
        return self.alias()

    def props(self, tags: list[str]) -> str:
        """An optional anchor and tag before a node."""
        props = ""
        if self.draw(st.integers(0, 5)) == 0:
            anchor = self.draw(st.sampled_from(_ANCHORS))
            self.anchors.append(anchor)
            props += "&" + anchor + " "
        if self.draw(st.integers(0, 5)) == 0:
            props += self.draw(st.sampled_from(tags)) + " "
        return props

    def flow(self, depth: int) -> str:
        """A flow node: ``[a, b]``, ``{k: v}`` or a scalar."""
        kind = self.draw(st.integers(0, 5)) if depth < 3 else 0
        if kind <= 3:
            scalar = self.scalar()
            return scalar if scalar.startswith("*") else self.props(_TAGS) + scalar
        props = self.props(_TAGS)
        count = self.draw(st.integers(0, 3))
        if kind == 4:
            return props + "[" + ", ".join(self.flow(depth + 1) for _ in range(count)) + "]"
        entries = []
        for _ in range(count):
            key = self.scalar()
            entries.append(f"{key} : {self.flow(depth + 1)}" if key.startswith("*") else f"{key}: {self.flow(depth + 1)}")
        return props + "{" + ", ".join(entries) + "}"

    def block(self, indent: int, depth: int) -> list[str]:
        """The lines of a block mapping or sequence at ``indent`` spaces."""
        pad = " " * indent
        lines: list[str] = []
        sequence = self.draw(st.booleans())
        for _ in range(self.draw(st.integers(1, 4))):
            head = pad + "- " if sequence else pad + self.key(pad) + ":"
            kind = self.draw(st.integers(0, 6)) if depth < 3 else 0
            if kind <= 3:
                lines.append(f"{head} {self.flow(depth)}")
            elif kind == 4:  # a block scalar
                lines.append(f"{head} {self.draw(st.sampled_from(['|', '>', '|-', '>+']))}")
                words = self.draw(st.lists(st.sampled_from(["x", "y z", ""]), min_size=1, max_size=3))
                lines.extend(f"{pad}  {word}" for word in words)
            else:  # a nested block collection, with an anchor or tag on the line of its key
                props = self.props(["!reference", "!custom", "!!map", "!!seq"]).strip()
                lines.append(f"{head} {props}".rstrip())
                lines.extend(self.block(indent + 2, depth + 1))
        return lines

    def key(self, pad: str) -> str:
        kind = self.draw(st.integers(0, 12))
        if kind == 0:
            return "<<"
        if kind == 1:
            return "!!merge <<"
        if kind == 2 and self.anchors:
            return self.alias() + " "
        if kind == 3:
            return "? " + self.flow(2) + "\n" + pad  # an explicit key (a collection or scalar)
        if kind == 4:
            return self.props(["!!str"]) + self.draw(st.sampled_from(["k", "1", "true"]))
        return self.draw(st.sampled_from(["k", "key", "a", "b", "1", "01", "1.0", "true", ".nan", "~", '"k"', "'1'", "[a]"]))


@st.composite
def _documents(draw: st.DrawFn) -> str:
    writer = _Writer(draw)
    if draw(st.integers(0, 4)) == 0:
        text = writer.flow(0)
    else:
        text = "\n".join(writer.block(0, 0)) + "\n"
    if draw(st.integers(0, 6)) == 0:
        text = "%YAML 1.1\n---\n" + text
    if draw(st.integers(0, 8)) == 0:
        text += "---\nsecond: document\n"
    if draw(st.integers(0, 4)) == 0:  # line breaks libyaml counts and we do not, or CR LF
        odd = draw(st.sampled_from(['"a\u2028b"', '"a\x85b"', '"a\u2029b"']))
        text = text.replace('"a"', odd) if text.startswith(("[", "{")) else f"z: {odd}\n{text}"
        text = text.replace("\n", draw(st.sampled_from(["\n", "\r\n"])))
    return text


@st.composite
def _mutated(draw: st.DrawFn) -> str:
    text = draw(_documents())
    at = draw(st.integers(0, len(text)))
    if draw(st.booleans()):
        return text[:at] + draw(st.sampled_from(list(" :-[]{},&*!|>#'\"\n\t?%@`\x00"))) + text[at:]
    return text[:at] + text[at + draw(st.integers(1, 4)) :]


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_documents())
def test_generated_documents_load_as_before(text: str) -> None:
    _same(text)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_broken_documents_load_or_fail_as_before(text: str) -> None:
    _same(text)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_loads_or_fails_as_before(text: str) -> None:
    _same(text)


@pytest.mark.parametrize(
    "text",
    [
        "a: &x [1, *x]\nb: *x\n",  # an alias to a collection still open: a cycle
        "a: &x {k: *x}\n",
        "base: &b {k: 1, j: 2}\nother: &o {k: 3}\nuse:\n  <<: [*b, *o]\n  k: 0\n",
        "use:\n  !!merge <<: {k: 1}\n  '<<': quoted is a key\n",
        "? [a, b]\n: 1\n? {k: v}\n: 2\n*x : 1\n",
        "a: &s !custom 1\nb: *s\nc: !reference [job, script]\n",
        "1: a\ntrue: b\n",  # not the same key in YAML, the same one in a dict
        ".nan: a\n.nan: b\n",  # NaN keys are never equal
        "a: 1\na: 2\n",
        "[" * 250 + "]" * 250,
        "x: " + "&a [*a, *a]\n",
        "a: *undefined\n",
        "---\na: 1\n---\nb: 2\n",
        '{"a": "x\u2028y",\n "b": [1,\n  2]}\n',
        "a: 1\r\nb: |\r\n  x\r\n",
        "%YAML 1.1\n---\na: yes\nb: 0o17\n",
        "key: [{image: node:24}]\n",  # libyaml refuses, ruamel's own parser reads it
        "",
        "# only a comment\n",
    ],
)
def test_known_cases_load_as_before(text: str) -> None:
    _same(text)


def _yaml_files() -> list[Path]:
    roots = [FIXTURES, PROJECT_ROOT / "tests" / "data", PROJECT_ROOT / ".github"]
    return sorted(p for root in roots if root.exists() for p in root.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def test_every_fixture_yaml_file_loads_as_before() -> None:
    files = _yaml_files()
    assert len(files) > 100
    for path in files:
        _same(path.read_text(encoding="utf-8", errors="replace"), str(path))


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=6), st.sampled_from(_PLAIN), st.from_regex(r"[-+.0-9a-zA-Z~<=!&*]{0,6}", fullmatch=True)))
def test_plain_scalars_read_from_the_resolver_table_get_its_tag(text: str) -> None:
    # The C path reads the resolver's table of implicit tags instead of calling it: it must
    # give what the resolver says.
    from ruamel.yaml.nodes import ScalarNode

    builder = yamlio._Builder("", yamlio._RESOLVER_12.resolve, {}, {}, yamlio._TABLE_12)
    expected = str(yamlio._RESOLVER_12.resolve(ScalarNode, text, (True, False)))
    assert builder._plain_tag(text, (True, False)) == expected
