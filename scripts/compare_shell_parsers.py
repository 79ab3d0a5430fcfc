"""Compare npm-auth-lint's own POSIX shell splitter with tree-sitter-bash on real CI scripts.

Usage (tree-sitter and tree-sitter-bash are not dependencies of the tool; install them first):

    pip install tree-sitter tree-sitter-bash
    python scripts/compare_shell_parsers.py [--git-dir DIR ...] [--mirrors DIR] [--report FILE]

The corpus is every ``run:`` (GitHub Actions steps, CircleCI steps), ``command:`` (CircleCI) and
``script:``/``before_script:``/``after_script:`` (GitLab) block of ``fixtures/**`` and of the CI
files (``.github/workflows``, ``action.yml``, ``.gitlab-ci.yml`` and ``.gitlab/``, ``.circleci``)
found at ``HEAD`` of each git directory given (bare clones are fine: files are read with ``git
show``, nothing is checked out). Blocks for PowerShell, cmd or other interpreters are left out:
tree-sitter-bash is for POSIX shell only.

For each block both parsers give the simple commands the analysis reads: the argv words (quotes
removed, expansions as written), the assignment prefix, the redirects (heredoc bodies ignored),
the words of the earlier pipeline members, and the line and column where the command starts.
Commands inside ``$(...)``, backticks, pipelines, lists and compound bodies count; commands inside
heredoc bodies do not (the analysis reads heredoc bodies as text). GitHub ``${{ }}`` expressions
are masked (same length) before tree-sitter sees them, since GitHub substitutes them before the
shell runs; the words are read back from the original text.

Printed: how many blocks agree, the disagreements (first lines of each), tree-sitter's syntax
errors, the time per block and in total, and the start-up (import) cost of each parser.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from npm_auth_lint.shell import shell_dialect, split_script  # noqa: E402 - after the path is set

_GITLAB_SCRIPT_KEYS = ("script", "before_script", "after_script")


# ---- corpus -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Block:
    origin: str  # repository or "fixtures"
    path: str
    key: str  # run / command / script
    text: str


def _file_kind(path: str) -> str | None:
    name = path.rsplit("/", 1)[-1]
    if not name.endswith((".yml", ".yaml")):
        return None
    if "/.github/workflows/" in "/" + path or name in ("action.yml", "action.yaml"):
        return "github"
    if "/.circleci/" in "/" + path:
        return "circleci"
    if name in (".gitlab-ci.yml", ".gitlab-ci.yaml") or "/.gitlab/" in "/" + path or "gitlab" in path.lower():
        return "gitlab"
    return None


def _github_blocks(node: Any, windows: bool = False) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        runs_on = node.get("runs-on")
        if isinstance(runs_on, (str, list)):
            windows = "windows" in str(runs_on).lower()
        run = node.get("run")
        if isinstance(run, str) and "uses" not in node:
            shell = node.get("shell") if isinstance(node.get("shell"), str) else None
            if shell_dialect(shell if shell is not None else ("pwsh" if windows else None)) == "posix":
                yield "run", run
        for key, value in node.items():
            if key not in ("with", "run"):
                yield from _github_blocks(value, windows)
    elif isinstance(node, list):
        for item in node:
            yield from _github_blocks(item, windows)


def _circleci_blocks(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "run" and isinstance(value, str):
                yield "run", value
            elif key == "run" and isinstance(value, dict) and isinstance(value.get("command"), str):
                shell = value.get("shell") if isinstance(value.get("shell"), str) else None
                if shell_dialect(shell) == "posix":
                    yield "command", value["command"]
            else:
                yield from _circleci_blocks(value)
    elif isinstance(node, list):
        for item in node:
            yield from _circleci_blocks(item)


def _gitlab_blocks(node: Any) -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _GITLAB_SCRIPT_KEYS:
                yield from (("script", s) for s in _strings(value))
            else:
                yield from _gitlab_blocks(value)
    elif isinstance(node, list):
        for item in node:
            yield from _gitlab_blocks(item)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


_CIRCLECI_PARAMETER = re.compile(r"<<[#^/]?\s*[A-Za-z_][\w.-]*\s*>>")


def _compiled(kind: str, script: str) -> str:
    """CircleCI substitutes ``<< parameters.x >>`` before the shell runs (the tool does too)."""
    if kind != "circleci":
        return script
    return _CIRCLECI_PARAMETER.sub(lambda m: "_" * len(m.group(0)), script)


def blocks_of(origin: str, path: str, text: str) -> list[Block]:
    kind = _file_kind(path)
    if kind is None:
        return []
    try:
        documents = list(YAML(typ="rt").load_all(text))
    except Exception:
        return []
    walk = {"github": _github_blocks, "circleci": _circleci_blocks, "gitlab": _gitlab_blocks}[kind]
    return [
        Block(origin, path, key, _compiled(kind, script))
        for doc in documents
        for key, script in walk(doc)
        if script.strip()
    ]


def fixture_blocks() -> list[Block]:
    found = []
    for path in sorted((ROOT / "fixtures").rglob("*")):
        if path.is_file():
            rel = path.relative_to(ROOT).as_posix()
            found += blocks_of("fixtures", rel, path.read_text(encoding="utf-8", errors="replace"))
    return found


def repository_blocks(git_dir: Path, shell_files: bool) -> tuple[str, list[Block]]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "--git-dir", str(git_dir), *args], capture_output=True, text=True, errors="replace", check=False
        ).stdout

    name = git_dir.parent.name.replace("+", "/") if git_dir.name == "repo" else git_dir.name
    commit = git("rev-parse", "HEAD").strip()
    found = []
    for path in git("ls-tree", "-r", "--name-only", "HEAD").splitlines():
        if _file_kind(path) is not None:
            found += blocks_of(name, path, git("show", f"HEAD:{path}"))
        elif shell_files and path.endswith((".sh", ".bash")):
            found.append(Block(name, path, "file", git("show", f"HEAD:{path}")))
    return f"{name} {commit[:12]}", found


# ---- the two parsers, as the same records ------------------------------------------------------


@dataclass(frozen=True)
class Record:
    words: tuple[str, ...]
    assignments: tuple[tuple[str, str], ...]
    redirects: tuple[tuple[str, str], ...]
    piped_from: tuple[tuple[str, ...], ...]
    line: int
    column: int

    def key(self) -> tuple:
        return (self.words, self.assignments, self.redirects, self.piped_from)

    def show(self) -> str:
        parts = [" ".join(self.words) or "(no words)"]
        if self.assignments:
            parts.append(f"assign={list(self.assignments)}")
        if self.redirects:
            parts.append(f"redirects={list(self.redirects)}")
        if self.piped_from:
            parts.append(f"piped_from={[' '.join(w) for w in self.piped_from]}")
        return f"{self.line}:{self.column} " + " ".join(parts)


def ours(text: str) -> list[Record]:
    records = []
    for c in split_script(text, path="p", first_line=1, column=1):
        redirects = tuple((op, "" if op in ("<<", "<<-") else target) for op, target in c.redirects)
        records.append(
            Record(c.words, c.assignments, redirects, c.piped_from, c.location.line, c.location.column)
        )
    return records


class TreeSitterBash:
    """Walks tree-sitter-bash's syntax tree into the same records as ours."""

    def __init__(self) -> None:
        import tree_sitter
        import tree_sitter_bash

        self.parser = tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))

    def parse_only(self, text: str) -> Any:
        return self.parser.parse(_mask_expressions(text.encode("utf-8")))

    def parse(self, text: str) -> tuple[list[Record], bool]:
        """The commands of ``text`` and whether the tree has a syntax error."""
        data = text.encode("utf-8")
        tree = self.parser.parse(_mask_expressions(data))
        walk = _TreeWalk(data)
        walk.statement(tree.root_node, 0)
        return [walk.record(r) for r in walk.records], tree.root_node.has_error


def _mask_expressions(data: bytes) -> bytes:
    """GitHub ``${{ ... }}`` replaced by as many ``_`` (newlines kept): GitHub substitutes them."""
    out = bytearray(data)
    pos = 0
    while (start := data.find(b"${{", pos)) != -1:
        close = data.find(b"}}", start + 3, start + 4096)
        if close == -1:
            break
        for i in range(start, close + 2):
            if out[i] != 0x0A:
                out[i] = 0x5F
        pos = close + 2
    return bytes(out)


_RAW = frozenset(
    {"simple_expansion", "expansion", "command_substitution", "process_substitution", "arithmetic_expansion",
     "array", "number", "brace_expression"}
)  # fmt: skip
_SUBSTITUTIONS = frozenset({"command_substitution", "process_substitution"})
_TEST_GROUPS = frozenset({"binary_expression", "unary_expression", "parenthesized_expression", "negated_expression"})
_ANSI = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v"}


class _TreeWalk:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.records: list[dict] = []

    def text(self, start: int, end: int) -> str:
        return self.data[start:end].decode("utf-8", errors="replace")

    def record(self, r: dict) -> Record:
        line_start = self.data.rfind(b"\n", 0, r["start"]) + 1
        column = len(self.text(line_start, r["start"])) + 1
        line = self.data.count(b"\n", 0, r["start"]) + 1
        return Record(
            tuple(r["words"]), tuple(r["assignments"]), tuple(r["redirects"]), tuple(r["piped_from"]), line, column
        )

    # -- statements

    def statement(self, node: Any, level: int) -> None:
        """Every command in ``node``'s subtree (heredoc bodies excepted)."""
        kind = node.type
        if kind in ("command", "declaration_command", "unset_command", "test_command"):
            self.command(node, level)
        elif kind == "variable_assignment":
            self.new(node, level)["assignments"].append(self.assignment(node))
            self.nested(node, level)
        elif kind == "variable_assignments":
            r = self.new(node, level)
            r["assignments"] += [self.assignment(c) for c in node.named_children if c.type == "variable_assignment"]
            self.nested(node, level)
        elif kind == "redirected_statement":
            self.redirected(node, level)
        elif kind == "pipeline":
            self.pipeline(node, level)
        elif kind == "heredoc_body":
            return
        elif kind == "c_style_for_statement":
            for child in node.children:  # `for ((i = 0; ...))`: the header is arithmetic
                field = node.field_name_for_child(node.children.index(child))
                self.statement(child, level) if field == "body" else self.nested(child, level)
        elif kind in _SUBSTITUTIONS:
            for child in node.children:
                self.statement(child, level + 1)
        else:
            for child in node.children:
                self.statement(child, level)

    def new(self, node: Any, level: int) -> dict:
        r = {"start": node.start_byte, "words": [], "assignments": [], "redirects": [], "piped_from": [],
             "level": level}  # fmt: skip
        self.records.append(r)
        return r

    def nested(self, node: Any, level: int) -> None:
        """Commands in the substitutions inside a word or assignment."""
        for child in node.children:
            if child.type in _SUBSTITUTIONS:
                self.statement(child, level)
            elif child.type != "heredoc_body":
                self.nested(child, level)

    def command(self, node: Any, level: int) -> None:
        r = self.new(node, level)
        if node.type == "test_command":
            r["words"] = self.test_words(node)
        for child in node.children:
            field = node.field_name_for_child(node.children.index(child))
            if node.type == "test_command":
                pass
            elif child.type == "variable_assignment" and node.type == "command":
                r["assignments"].append(self.assignment(child))
            elif child.type in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                r["redirects"] += self.redirect(child, level)
            elif field in ("name", "argument") or node.type != "command":
                r["words"].append(self.value(child))
            if child.type in _SUBSTITUTIONS:
                self.statement(child, level)
            else:
                self.nested(child, level)

    def redirected(self, node: Any, level: int) -> None:
        first = len(self.records)
        redirects: list[tuple[str, str]] = []
        for child in node.children:
            if child.type in ("file_redirect", "herestring_redirect", "heredoc_redirect"):
                redirects += self.redirect(child, level)
                self.nested(child, level)
            else:
                self.statement(child, level)
        body = node.child_by_field_name("body")
        while body is not None and body.type in ("pipeline", "list"):
            # tree-sitter-bash hangs `a | b > f` and `a && b > f` on the whole pipeline or
            # list; bash gives the redirect to the last command only.
            body = body.named_children[-1] if body.named_children else None
        last = (body.start_byte, body.end_byte) if body is not None else (0, 1 << 62)
        for r in self.records[first:]:
            if r["level"] == level and last[0] <= r["start"] < last[1]:
                r["redirects"] += redirects

    def pipeline(self, node: Any, level: int) -> None:
        feeders: list[tuple[str, ...]] = []
        for child in node.children:
            if not child.is_named:
                continue
            first = len(self.records)
            self.statement(child, level)
            members = [r for r in self.records[first:] if r["level"] == level]
            for r in members:
                r["piped_from"] = feeders + r["piped_from"]
            feeders = (feeders + [tuple(r["words"]) for r in members])[-16:]

    def redirect(self, node: Any, level: int) -> list[tuple[str, str]]:
        if node.type == "heredoc_redirect":
            op = next((c.type for c in node.children if c.type in ("<<", "<<-")), "<<")
            found = [(op, "")]
            for child in node.children:
                if child.type in ("file_redirect", "herestring_redirect"):
                    found += self.redirect(child, level)
                elif child.is_named and child.type not in ("heredoc_start", "heredoc_body", "heredoc_end"):
                    self.statement(child, level)  # `cat <<EOF | next`: the pipeline goes on here
            return found
        if node.type == "herestring_redirect":
            words = node.named_children
            return [("<<<", self.value(words[-1]) if words else "")]
        descriptor, op, target = "", "", ""
        for child in node.children:
            field = node.field_name_for_child(node.children.index(child))
            if field == "descriptor":
                descriptor = self.text(child.start_byte, child.end_byte)
            elif field == "destination":
                target += self.value(child)
            elif not child.is_named:
                op = child.type
        return [(descriptor + op, target)]

    def assignment(self, node: Any) -> tuple[str, str]:
        name_node = node.child_by_field_name("name")
        value_node = node.child_by_field_name("value")
        name = self.text(name_node.start_byte, name_node.end_byte) if name_node is not None else ""
        if name_node is not None and name_node.type == "subscript":
            base = name_node.child_by_field_name("name")
            name = self.text(base.start_byte, base.end_byte) if base is not None else name
        return name, self.value(value_node) if value_node is not None else ""

    def test_words(self, node: Any) -> list[str]:
        words: list[str] = []
        for child in node.children:
            if child.type in _TEST_GROUPS:
                words += self.test_words(child)
            elif child.is_named:
                words.append(self.value(child))
            else:
                words.append(self.text(child.start_byte, child.end_byte))
        return words

    # -- words

    def value(self, node: Any) -> str:
        kind, start, end = node.type, node.start_byte, node.end_byte
        if kind in _RAW:
            return self.text(start, end)
        if kind == "raw_string":
            return self.text(start + 1, end - 1)
        if kind in ("string", "translated_string"):
            first = start + (2 if kind == "translated_string" else 1)
            return self.spans(node, first, end - 1, _unescape_double)
        if kind == "ansi_c_string":
            return _decode_ansi(self.text(start + 2, end - 1))
        if kind in ("string_content", "word", "extglob_pattern", "regex", "test_operator"):
            return _unescape_word(self.text(start, end)) if kind == "word" else self.text(start, end)
        return self.spans(node, start, end, _unescape_word)

    def spans(self, node: Any, start: int, end: int, literal: Any) -> str:
        """The children's values, with the text between them read as literal text."""
        parts, pos = [], start
        for child in node.children:
            if child.start_byte < start or child.end_byte > end or not child.is_named:
                continue
            if child.start_byte > pos:
                parts.append(literal(self.text(pos, child.start_byte)))
            if child.type == "string_content":
                parts.append(literal(self.text(child.start_byte, child.end_byte)))
            else:
                parts.append(self.value(child))
            pos = child.end_byte
        if pos < end:
            parts.append(literal(self.text(pos, end)))
        return "".join(parts)


def _unescape(text: str, escapable: str | None = None) -> str:
    """Drop the backslash of ``\\x`` (a backslash-newline goes away whole); inside double quotes
    only the characters in ``escapable`` are escaped, elsewhere every character is."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and (escapable is None or text[i + 1] in escapable):
            if text[i + 1] != "\n":
                out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _unescape_word(text: str) -> str:
    return _unescape(text)


def _unescape_double(text: str) -> str:
    return _unescape(text, '$`"\\\n')


def _decode_ansi(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append(_ANSI.get(nxt, nxt if nxt in "\\'\"?" else "\\" + nxt))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


# ---- comparison --------------------------------------------------------------------------------


@dataclass
class Outcome:
    block: Block
    ours: list[Record]
    theirs: list[Record]
    ts_error: bool
    ours_seconds: float
    ts_seconds: float
    ts_parse_seconds: float  # tree-sitter's parse alone, without the walk into records

    @property
    def only_ours(self) -> list[Record]:
        return _minus(self.ours, self.theirs)

    @property
    def only_theirs(self) -> list[Record]:
        return _minus(self.theirs, self.ours)

    def positions_agree(self) -> tuple[int, int]:
        """(commands matched on content, of which at the same line and column)."""
        a = Counter((r.key(), r.line, r.column) for r in self.ours)
        b = Counter((r.key(), r.line, r.column) for r in self.theirs)
        same_content = sum((Counter(r.key() for r in self.ours) & Counter(r.key() for r in self.theirs)).values())
        return same_content, sum((a & b).values())


def _minus(a: list[Record], b: list[Record]) -> list[Record]:
    left = Counter(r.key() for r in b)
    out = []
    for r in a:
        if left[r.key()]:
            left[r.key()] -= 1
        else:
            out.append(r)
    return out


def _timed(function: Any, text: str, repeat: int) -> tuple[Any, float]:
    best = float("inf")
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function(text)
        best = min(best, time.perf_counter() - started)
    return result, best


def compare(blocks: list[Block], repeat: int) -> list[Outcome]:
    ts = TreeSitterBash()
    outcomes = []
    for block in blocks:
        mine, ours_seconds = _timed(ours, block.text, repeat)
        (theirs, error), ts_seconds = _timed(ts.parse, block.text, repeat)
        _, parse_seconds = _timed(ts.parse_only, block.text, repeat)
        outcomes.append(Outcome(block, mine, theirs, error, ours_seconds, ts_seconds, parse_seconds))
    return outcomes


def import_seconds(statement: str) -> float:
    """The best of five fresh interpreters' time to run ``statement`` (imports included)."""
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    runs = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT).stdout)
        for _ in range(5)
    ]
    return min(runs)


def summary(outcomes: list[Outcome], origins: list[str]) -> str:
    agree = [o for o in outcomes if not o.only_ours and not o.only_theirs]
    commands_ours = sum(len(o.ours) for o in outcomes)
    commands_ts = sum(len(o.theirs) for o in outcomes)
    matched = sum(o.positions_agree()[0] for o in outcomes)
    same_place = sum(o.positions_agree()[1] for o in outcomes)
    real = [o for o in outcomes if o.block.origin != "fixtures"]
    lines = [
        f"sources: fixtures + {len(origins)} repositories",
        *(f"  {origin}" for origin in origins),
        f"blocks: {len(outcomes)} ({len(outcomes) - len(real)} from fixtures, {len(real)} from repositories)",
        "blocks by key: " + ", ".join(f"{k} {n}" for k, n in sorted(Counter(o.block.key for o in outcomes).items())),
        f"blocks where both give the same commands: {len(agree)} ({100 * len(agree) / max(len(outcomes), 1):.1f}%)",
        f"blocks that differ: {len(outcomes) - len(agree)}",
        f"blocks tree-sitter marks with a syntax error: {sum(o.ts_error for o in outcomes)}",
        f"commands: ours {commands_ours}, tree-sitter {commands_ts}, same content {matched}",
        f"  of those, at the same line and column: {same_place}",
        _timing("ours", [o.ours_seconds for o in outcomes]),
        _timing("tree-sitter (parse + walk)", [o.ts_seconds for o in outcomes]),
        _timing("tree-sitter (parse alone)", [o.ts_parse_seconds for o in outcomes]),
    ]
    return "\n".join(lines)


def _timing(name: str, seconds: list[float]) -> str:
    return (
        f"time, {name}: total {sum(seconds) * 1000:.1f} ms, median per block "
        f"{statistics.median(seconds) * 1e6:.0f} us, max {max(seconds) * 1000:.2f} ms"
    )


def disagreements(outcomes: list[Outcome]) -> str:
    out = []
    for number, o in enumerate(x for x in outcomes if x.only_ours or x.only_theirs):
        b = o.block
        out.append(f"## {number + 1}. {b.origin} {b.path} ({b.key}){' [tree-sitter: syntax error]' if o.ts_error else ''}")
        out.append("```sh\n" + b.text.rstrip("\n") + "\n```")
        out += [f"- ours only:        {r.show()}" for r in o.only_ours]
        out += [f"- tree-sitter only: {r.show()}" for r in o.only_theirs]
        out.append("")
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--git-dir", action="append", default=[], type=Path, help="a (bare) git directory")
    parser.add_argument("--mirrors", type=Path, help="a folder of <owner>+<name>/repo git directories")
    parser.add_argument("--report", type=Path, help="write every disagreement (with its script) here")
    parser.add_argument("--repeat", type=int, default=5, help="timing: best of this many runs per block")
    parser.add_argument("--no-fixtures", action="store_true")
    parser.add_argument("--shell-files", action="store_true", help="also whole *.sh files of the repositories")
    args = parser.parse_args()
    git_dirs = list(args.git_dir)
    if args.mirrors:
        git_dirs += sorted(p for p in args.mirrors.glob("*/repo") if p.is_dir())
    blocks = [] if args.no_fixtures else fixture_blocks()
    origins = []
    for git_dir in git_dirs:
        origin, found = repository_blocks(git_dir, args.shell_files)
        origins.append(f"{origin}: {len(found)} blocks")
        blocks += found
    outcomes = compare(blocks, args.repeat)
    print(summary(outcomes, origins))
    print(f"start-up, the tool (import npm_auth_lint.cli): {import_seconds('import npm_auth_lint.cli') * 1000:.1f} ms")
    print(f"import, ours (npm_auth_lint.shell): {import_seconds('import npm_auth_lint.shell') * 1000:.1f} ms")
    ts_setup = "import tree_sitter, tree_sitter_bash; tree_sitter.Parser(tree_sitter.Language(tree_sitter_bash.language()))"
    print(f"import + set-up, tree-sitter-bash: {import_seconds(ts_setup) * 1000:.1f} ms")
    if args.report:
        args.report.write_text(disagreements(outcomes), encoding="utf-8")
        print(f"disagreements written to {args.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
