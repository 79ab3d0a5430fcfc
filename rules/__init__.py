"""The built-in rules, registered explicitly (one module per rule, named after its id)."""

from __future__ import annotations

from npm_auth_lint.rule import Rule

ALL_RULES: tuple[type[Rule], ...] = ()
