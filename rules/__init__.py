"""The built-in rules, registered explicitly (one module per rule, named after its id)."""

from __future__ import annotations

from npm_auth_lint.rule import Rule
from npm_auth_lint.rules.hardcoded_npm_token import HardcodedNpmToken
from npm_auth_lint.rules.legacy_npmrc_auth import LegacyNpmrcAuth
from npm_auth_lint.rules.parse_error import ParseErrorRule

ALL_RULES: tuple[type[Rule], ...] = tuple(
    sorted(
        (
            HardcodedNpmToken,
            LegacyNpmrcAuth,
            ParseErrorRule,
        ),
        key=lambda rule: rule.id,
    )
)
