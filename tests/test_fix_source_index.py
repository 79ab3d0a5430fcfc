"""``SourceText`` indexes a file's lines once (issue #13: offering fixes was quadratic in a
file's jobs). Its answers must be those of the plain scans it replaced: each is checked against
that scan, written out here, over generated YAML-like texts."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint.fixes.yaml_edits import KeyLine, SourceText, owning_key, shared_sources, source_text


def _lines(text: str) -> list[str]:
    """The lines as the scans read them: one slice of the text per line, ending removed."""
    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    ends = starts[1:] + [len(text)]
    return [text[a:b].rstrip("\n").removesuffix("\r") for a, b in zip(starts, ends, strict=True)]


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def scan_block(lines: list[str], line: int, indent: int) -> list[int]:
    out = []
    for number in range(line + 1, len(lines) + 1):
        if not _content(lines[number - 1]):
            continue
        if _indent(lines[number - 1]) <= indent:
            break
        out.append(number)
    return out


def scan_children(source: SourceText, lines: list[str], line: int, indent: int) -> list[KeyLine] | None:
    block = scan_block(lines, line, indent)
    if not block:
        return []
    child = _indent(lines[block[0] - 1])
    found = []
    for number in block:
        if _indent(lines[number - 1]) < child:
            return None
        if _indent(lines[number - 1]) == child:
            key = source.key_line(number)
            if key is None or lines[number - 1].lstrip().startswith("-"):
                return None
            found.append(key)
    return found


def scan_owner(lines: list[str], line: int) -> int:
    indent = _indent(lines[line - 1])
    for number in range(line - 1, 0, -1):
        if _content(lines[number - 1]) and _indent(lines[number - 1]) < indent:
            return number
    return 0


def scan_top_level(source: SourceText, key: str) -> KeyLine | None:
    return next(
        (k for n in range(1, source.line_count + 1) if (k := source.key_line(n)) is not None and k.indent == 0 and k.key == key),
        None,
    )


# Lines of the shapes fixes meet: keys, list items, comments, blank and odd lines, CRLF, tabs.
BODIES = [
    "permissions:",
    "permissions: read-all",
    "jobs:",
    "id-token: write",
    "- run: npm publish",
    "- name: x",
    "env:",
    "NPM_TOKEN: ${{ secrets.T }}",
    "# a comment",
    "",
    "  ",
    "-x: y",
    "'q': 1",
    "\tbad: tab",
    "run: |",
    "echo always-auth=true >> .npmrc",
    "steps: [{run: npm publish}]",
    "- - a: b",
    "\x0c",
]
LINE = st.builds(
    lambda indent, body, ending: " " * indent + body + ending,
    st.integers(0, 8),
    st.sampled_from(BODIES),
    st.sampled_from(["\n", "\r\n"]),
)
TEXT = st.lists(LINE, max_size=30).map("".join) | st.text(alphabet=" -:#ab\t\r\n", max_size=60)


@settings(max_examples=300, deadline=None)
@given(TEXT)
def test_the_index_answers_as_the_scans_did(text: str) -> None:
    source = SourceText("f.yml", text)
    lines = _lines(text)
    assert source.line_count == len(lines)
    assert [source.line(n) for n in range(1, len(lines) + 1)] == lines
    steps = sorted({_indent(line) for line in lines if _content(line)} - {0})
    assert source.indent_unit() == (steps[0] if steps else 2)
    for key in ("permissions", "jobs", "-x", "q"):
        assert source.top_level_key(key) == scan_top_level(source, key)
    for number in range(1, len(lines) + 1):
        assert source.indent(number) == _indent(lines[number - 1])
        assert source.is_content(number) == _content(lines[number - 1])
        assert source.parent_line(number) == scan_owner(lines, number)
        for indent in {0, 2, source.indent(number)}:
            block = scan_block(lines, number, indent)
            assert list(source.block_lines(number, indent)) == block
            assert source.child_indent(number, indent) == (_indent(lines[block[0] - 1]) if block else None)
            children = source.children(number, indent)
            assert (list(children) if children is not None else None) == scan_children(source, lines, number, indent)
        owner = owning_key(source, number)
        assert (owner.line if owner is not None else 0) in (scan_owner(lines, number), 0)


def test_one_index_per_file_within_a_run_and_none_after() -> None:
    text = "jobs:\n  a:\n    runs-on: x\n"
    assert source_text("w.yml", text) is not source_text("w.yml", text)  # no run: nothing kept
    with shared_sources():
        first = source_text("w.yml", text)
        assert source_text("w.yml", text) is first
        second = source_text("w.yml", "jobs: {}\n")
        assert second is not first and second.text == "jobs: {}\n"  # the text changed (a fix round)
        with shared_sources():  # a nested run starts empty and leaves the outer one alone
            assert source_text("w.yml", "jobs: {}\n") is not second
        assert source_text("w.yml", "jobs: {}\n") is second
    with shared_sources():
        assert source_text("w.yml", text) is not first
