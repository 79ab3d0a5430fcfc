from __future__ import annotations

import pytest

from npm_auth_lint.redact import redact


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
