from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from npm_auth_lint.redact import may_hold_secret, redact


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "remote include https://oauth2:glpat-SECRET123@gitlab.example.com/raw/ci.yml",
            "remote include https://oauth2:****@gitlab.example.com/raw/ci.yml",
        ),
        ("npm publish --registry https://builder:pw0rd@nexus.example.com/npm/", "npm publish --registry https://builder:****@nexus.example.com/npm/"),
        # No password: nothing to hide, and ordinary URLs and scoped names stay readable.
        ("ssh://git@github.com/acme/widget.git", "ssh://git@github.com/acme/widget.git"),
        ("https://registry.npmjs.org/@acme%2fwidget", "https://registry.npmjs.org/@acme%2fwidget"),
        ("https://example.com:8443/path", "https://example.com:8443/path"),
        # A variable in the password is a reference, not a secret.
        ("https://user:${NPM_PASSWORD}@nexus.example.com/", "https://user:${NPM_PASSWORD}@nexus.example.com/"),
    ],
)
def test_url_passwords_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("npm config set //registry.npmjs.org/:_authToken supersecretvalue", "npm config set //registry.npmjs.org/:_authToken ****"),
        ('yarn config set npmAuthToken "supersecretvalue"', 'yarn config set npmAuthToken "****"'),
        ("npm config set //registry.npmjs.org/:_authToken ${NPM_TOKEN}", "npm config set //registry.npmjs.org/:_authToken ${NPM_TOKEN}"),
        ("yarn config set npmAuthToken $NPM_TOKEN", "yarn config set npmAuthToken $NPM_TOKEN"),
        ("the _authToken setting", "the _authToken setting"),
    ],
)
def test_config_set_values_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == expected


# The one alternation regex the substring checks replaced (kept as their oracle).
_OLD_TRIGGER = re.compile(r"npm_|uth|assword|TOKEN|://|printf|-p\b|--pass|base64")
_TRIGGER_PIECES = ["npm_", "uth", "assword", "TOKEN", "://", "printf", "-p", "-p ", "-px", "--pass", "base64", "-", "p", "a"]


@given(st.lists(st.one_of(st.sampled_from(_TRIGGER_PIECES), st.text(max_size=6)), max_size=12).map("".join))
def test_trigger_check_is_the_old_regex(text: str) -> None:
    assert may_hold_secret(text) is (_OLD_TRIGGER.search(text) is not None)
