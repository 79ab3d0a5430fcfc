"""Regenerate the golden text output of every failing fixture case.

``tests/golden/fixtures/<rule>/<case>.txt`` holds the default ``text`` output (findings only, no
colour) of that rule's findings on ``fixtures/<rule>/<case>/``, as ``expected.txt`` holds the
same findings in the ``concise`` format. ``tests/test_text_goldens.py`` fails when one is stale.

Usage: python scripts/update_text_goldens.py [--check]
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
FIXTURES = PROJECT_ROOT / "fixtures"
GOLDEN = PROJECT_ROOT / "tests" / "golden" / "fixtures"


def cases() -> list[tuple[str, str]]:
    """Every fixture case that has findings (``pass*`` cases have none to show)."""
    from npm_auth_lint.plugins import rules_by_id

    rule_ids = set(rules_by_id())
    return sorted(
        (rule_dir.name, case.name)
        for rule_dir in FIXTURES.iterdir()
        if rule_dir.is_dir() and rule_dir.name in rule_ids
        for case in rule_dir.iterdir()
        if case.is_dir() and not case.name.startswith("pass")
    )


def golden_path(rule_id: str, case: str) -> Path:
    return GOLDEN / rule_id / f"{case}.txt"


def _materialize(case: Path, destination: Path) -> Path:
    # As tests/conftest.py's materialize: `_git` in a fixture is the copy's `.git`.
    shutil.copytree(case, destination, ignore=shutil.ignore_patterns("expected.txt"))
    fake_git = destination / "_git"
    if fake_git.exists():
        fake_git.rename(destination / ".git")
    else:
        (destination / ".git").mkdir()
    return destination


def render_case(rule_id: str, case: str) -> str:
    """The text output of ``rule_id``'s findings on the fixture case (every rule runs)."""
    import npm_auth_lint
    from npm_auth_lint.config import Config
    from npm_auth_lint.engine import lint
    from npm_auth_lint.reporters import Report, text

    with tempfile.TemporaryDirectory() as scratch:
        root = _materialize(FIXTURES / rule_id / case, Path(scratch) / "repo")
        result = lint([root], Config())
        report = Report(
            findings=tuple(f for f in result.findings if f.rule_id == rule_id),
            rules=result.rules,
            root=result.root,
            files_scanned=result.files_scanned,
            version=npm_auth_lint.__version__,
        )
        return text.render(report, quiet=True)


def stale_files() -> list[Path]:
    """Golden files of cases that no longer exist (or now pass)."""
    wanted = {golden_path(rule_id, case) for rule_id, case in cases()}
    return sorted(path for path in GOLDEN.rglob("*.txt") if path not in wanted)


def main(argv: list[str]) -> int:
    check = "--check" in argv
    changed = []
    for rule_id, case in cases():
        path = golden_path(rule_id, case)
        output = render_case(rule_id, case)
        if path.is_file() and path.read_text(encoding="utf-8") == output:
            continue
        changed.append(path)
        if not check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(output, encoding="utf-8")
    stale = stale_files()
    if not check:
        for path in stale:
            path.unlink()
    for path in [*changed, *stale]:
        print(f"{'stale' if check else 'updated'}: {path.relative_to(PROJECT_ROOT)}", file=sys.stderr)
    return 1 if check and (changed or stale) else 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_ROOT))
    raise SystemExit(main(sys.argv[1:]))
