"""``--fix --unsafe-fixes`` on a copy of every fixture tree.

For each case: the findings a round fixed are gone in the next lint, every file still parses,
edited GitHub workflows still validate against check-jsonschema's vendored GitHub workflow
schema, every change lies on the lines an edit touched (comments, line endings and all other
lines unchanged), the engine's result equals the round-by-round one, and a second ``--fix``
changes nothing.
"""

from __future__ import annotations

import difflib
import json
from functools import cache
from pathlib import Path

import jsonschema
import pytest
from ruamel.yaml import YAML

from npm_auth_lint.cli import main
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint, lint_and_fix
from npm_auth_lint.fixes import apply_fixes
from npm_auth_lint.model import Edit, Finding

from .conftest import FIXTURES, materialize
from .test_fixtures import CASES

FIXABLE = sorted(
    {(rule, case) for rule, case in CASES}
    | {(rule_dir.name, case.name) for rule_dir in FIXTURES.iterdir() if rule_dir.name == "comparisons" for case in rule_dir.iterdir() if case.is_dir()}
)


@cache
def workflow_schema() -> dict:
    import check_jsonschema

    path = Path(check_jsonschema.__file__).parent / "builtin_schemas" / "vendor" / "github-workflows.json"
    return json.loads(path.read_text(encoding="utf-8"))


def workflow_errors(text: str) -> list[str]:
    data = YAML(typ="safe").load(text)
    validator = jsonschema.Draft7Validator(workflow_schema())
    return [error.message for error in validator.iter_errors(data)]


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _shift(text: str, edits: list[Edit], line: int) -> int:
    """Where ``line`` of ``text`` is after ``edits`` (lines inserted or removed before it)."""
    offset = sum(len(row) + 1 for row in text.split("\n")[: line - 1])
    delta = 0
    for edit in edits:
        if edit.end <= offset and not (edit.start == edit.end == offset):
            delta += edit.replacement.count("\n") - text.count("\n", edit.start, edit.end)
    return line + delta


def _touched_lines(text: str, edits: list[Edit]) -> set[int]:
    lines: set[int] = set()
    for edit in edits:
        lines.update(range(_line_of(text, edit.start), _line_of(text, max(edit.start, edit.end - 1)) + 1))
    return lines


def check_only_edited_lines_changed(path: str, before: str, after: str, edits: list[Edit]) -> None:
    touched = _touched_lines(before, edits)
    matcher = difflib.SequenceMatcher(None, before.split("\n"), after.split("\n"), autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            changed = set(range(i1 + 1, i2 + 1))
            assert changed <= touched, f"{path}: lines {sorted(changed - touched)} changed outside the edits"
    if "\r\n" in before:
        assert after.count("\n") == after.count("\r\n"), f"{path}: a CRLF file got a bare LF"


def fixed_away(before: str, finding: Finding, edits: list[Edit]) -> tuple[str, str, int] | None:
    """Where the finding would be reported if the fix had not fixed it; None when its line was
    deleted (nothing can be reported there)."""
    where = finding.location
    start = sum(len(row) + 1 for row in before.split("\n")[: where.line - 1])
    end = start + len(before.split("\n")[where.line - 1]) + 1
    if any(edit.start <= start and edit.end >= min(end, len(before)) and not edit.replacement for edit in edits):
        return None
    return (finding.rule_id, where.path, _shift(before, edits, where.line))


def run_rounds(root: Path) -> tuple[dict[str, str], dict[str, str], int]:
    """The engine's loop, checked round by round; returns the texts before and after, and how
    many fixes were applied."""
    config = Config()
    result = lint([root], config)
    before_parse_errors = {f.location.path for f in result.findings if f.rule_id == "parse-error"}
    current: dict[str, str] = {}
    originals: dict[str, str] = {}
    applied = 0
    for _ in range(5):
        texts = {path: text for project in result.projects for path, text in project.files.items()}
        done = apply_fixes(texts, [f.fix for f in result.findings if f.fix is not None])
        if not done.texts:
            break
        applied += len(done.fixes)
        edits_by_path: dict[str, list[Edit]] = {}
        for fix in done.fixes:
            for edit in fix.edits:
                edits_by_path.setdefault(edit.path, []).append(edit)
        for path, text in done.texts.items():
            check_only_edited_lines_changed(path, texts[path], text, edits_by_path[path])
            originals.setdefault(path, texts[path])
        fixed = [f for f in result.findings if f.fix in done.fixes]
        gone = {fixed_away(texts[f.location.path], f, edits_by_path.get(f.location.path, [])) for f in fixed} - {None}
        current.update(done.texts)
        result = lint([root], config, overlay=current)
        left = {(f.rule_id, f.location.path, f.location.line) for f in result.findings}
        assert not gone & left, f"fixed findings still reported: {sorted(gone & left)}"
        assert {f.location.path for f in result.findings if f.rule_id == "parse-error"} <= before_parse_errors
    return originals, current, applied


@pytest.mark.parametrize(("rule_id", "case"), FIXABLE, ids=[f"{r}/{c}" for r, c in FIXABLE])
def test_fix_every_fixture(rule_id: str, case: str, tmp_path: Path) -> None:
    root = materialize(FIXTURES / rule_id / case, tmp_path / "repo")
    originals, fixed, applied = run_rounds(root)
    outcome = lint_and_fix([root], Config(), unsafe=True)
    assert outcome.after == {p: t for p, t in fixed.items() if t != originals[p]}
    assert outcome.applied == applied
    for path, text in outcome.after.items():
        if path.startswith(".github/workflows/") and not workflow_errors(originals[path]):
            assert workflow_errors(text) == [], path
    # Through the CLI: --fix writes exactly the fixed texts, and a second --fix is a no-op.
    main([str(root), "--fix", "--unsafe-fixes", "--no-config", "--quiet", "--format", "concise"])
    for path, text in outcome.after.items():
        assert (root / path).read_bytes().decode("utf-8").removeprefix("\ufeff") == text
    again = lint_and_fix([root], Config(), unsafe=True)
    assert again.after == {} and again.applied == 0


def test_fixes_are_offered_and_applied_across_the_fixtures(tmp_path: Path) -> None:
    """A measure, not a sample: most fixture findings of the fixing rules get a fix applied."""
    offered = applied = 0
    for index, (rule_id, case) in enumerate(CASES):
        root = materialize(FIXTURES / rule_id / case, tmp_path / str(index))
        result = lint([root], Config())
        offered += sum(1 for f in result.findings if f.fix is not None)
        applied += lint_and_fix([root], Config(), unsafe=True).applied
    assert offered >= 50 and applied >= offered, (offered, applied)


def test_the_workflow_schema_check_catches_a_broken_permissions_block() -> None:
    valid = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n    steps:\n      - run: echo\n"
    assert workflow_errors(valid) == []
    assert workflow_errors(valid.replace("id-token: write", "id-token: maybe")) != []
    assert workflow_errors(valid.replace("    steps:\n      - run: echo\n", "    steps:\n")) != []
