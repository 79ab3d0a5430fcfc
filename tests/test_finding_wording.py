"""Every rule's findings on the fixture trees carry a short title and a help, and the text
output says each thing once: no note clause repeats the title or the help, not even as its
beginning (a title "X" over a note "X (detail)" is the repetition issue #15 is about)."""

from __future__ import annotations

from pathlib import Path

import pytest

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint
from npm_auth_lint.reporters.wording import Source, clauses, key, word

from .conftest import FIXTURES, materialize
from .test_fixtures import CASES

TITLE_MAX = 80
FIRING = [(rule, case) for rule, case in CASES if not case.startswith("pass")]


@pytest.mark.parametrize(("rule_id", "case"), FIRING, ids=[f"{r}/{c}" for r, c in FIRING])
def test_findings_have_a_short_title_a_help_and_no_repeats(rule_id: str, case: str, tmp_path: Path) -> None:
    root = materialize(FIXTURES / rule_id / case, tmp_path / "repo")
    for finding in lint([root], Config()).findings:
        where = f"{finding.rule_id} at {finding.location}"
        assert finding.title and len(finding.title) <= TITLE_MAX and "\n" not in finding.title, where
        assert finding.help, where
        (wording,) = word([Source(finding.title, finding.help, finding.message, ())])
        said = [key(c.text) for part in (wording.title, wording.help) for c in clauses(part)]
        for clause in clauses(wording.note):
            note = key(clause.text)
            assert not any(note.startswith(s) or s.startswith(note) or s in note for s in said if s), (where, clause.text, said)


def test_every_finding_call_of_a_rule_gives_a_title_and_a_help() -> None:
    """Also the branches no fixture reaches: each ``self.finding(...)`` in ``rules/`` passes both."""
    import ast

    rules_dir = Path(__file__).resolve().parents[1] / "rules"
    missing = []
    for path in sorted(rules_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "finding":
                given = {keyword.arg for keyword in node.keywords}
                if isinstance(node.func.value, ast.Name) and node.func.value.id == "self" and not {"title", "help"} <= given:
                    missing.append(f"{path.name}:{node.lineno}")
    assert missing == []


def test_a_note_that_quotes_the_help_in_brackets_loses_the_copy() -> None:
    help_ = "use Node >= 24.5.0, whose bundled npm 11.5.1 is new enough (e.g. `node-version: 24`)"
    message = f"Node 20 is too old: upgrade before migrating `npm publish` from its token ({help_})"
    (wording,) = word([Source("Node 20 is too old", help_, message, ())])
    assert wording.note == "upgrade before migrating `npm publish` from its token"
    assert wording.help == help_
    # Not a copy: kept.
    (other,) = word([Source("t", "use Node 24", "a (use Node 22) b", ())])
    assert other.note == "a (use Node 22) b"
