"""Every rule is documented the same way and named after its module."""

from __future__ import annotations

import pytest

from npm_auth_lint.model import Severity
from npm_auth_lint.plugins import builtin_rules
from npm_auth_lint.rule import REQUIRED_HEADINGS

RULES = builtin_rules()


def test_ids_unique_and_sorted() -> None:
    ids = [rule.id for rule in RULES]
    assert ids == sorted(set(ids))


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_module_named_after_id(rule) -> None:
    assert rule.__module__ == "npm_auth_lint.rules." + rule.id.replace("-", "_")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_docs_have_ruff_headings(rule) -> None:
    docs = rule.docs()
    assert docs.splitlines()[0].endswith("."), "the first line is a one-sentence summary"
    for heading in REQUIRED_HEADINGS:
        assert f"## {heading}" in docs, f"{rule.id}: missing '## {heading}'"
        assert rule.section(heading), f"{rule.id}: empty '## {heading}'"
    assert "http" in rule.section("References") or "npm-facts.md" in rule.section("References")


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_metadata(rule) -> None:
    assert isinstance(rule.severity, Severity)
    assert 0.1 <= rule.security_severity <= 10.0
    assert len(rule.full_description()) <= 1024
