"""Keep credentials out of every output."""

from __future__ import annotations

import re
from collections.abc import Iterable

# npm's current token format (npm_ + 36 Base62); case-insensitive like gitleaks' rule.
NPM_TOKEN = re.compile(r"\bnpm_[A-Za-z0-9]{36}\b")
# Legacy UUID tokens only count next to an auth key; the key=value scrub below covers them.
_AUTH_ASSIGNMENT = re.compile(
    r"(?P<key>(?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent|NPM_TOKEN|NODE_AUTH_TOKEN)"
    r"\s*[=:]\s*[\"']?)(?P<value>(?!\$\{|\$\(|\$[A-Za-z_]|\$\{\{)[^\s\"'`;]{6,})"
)


# `npm config set //host/:_authToken VALUE`, `yarn config set npmAuthToken VALUE`: the key and
# its value are separate words, so the assignment pattern above does not see them.
_CONFIG_SET = re.compile(
    r"(?P<key>\bset\s+(?:-\S+\s+)*[\"']?\S*(?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent)[\"']?\s+[\"']?)"
    r"(?P<value>(?!\$\{|\$\(|\$[A-Za-z_])[^\s\"'`;]{4,})"
)

# `https://user:password@host/`: a registry or include URL with its credentials written in.
_URL_PASSWORD = re.compile(r"(?P<key>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:)(?P<value>(?!\$\{|\$[A-Za-z_])[^\s/@]+)(?=@)")


def mask(secret: str) -> str:
    """Show a credential only by its kind: ``npm_****`` for npm tokens, ``****`` otherwise."""
    if secret.startswith("npm_"):
        return "npm_****"
    return "****"


# Every pattern below needs one of these substrings; most text has none, and is returned as is.
_TRIGGER = re.compile(r"npm_|uth|assword|TOKEN|://")


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace every known secret and every npm-token-looking string in ``text``."""
    if not secrets and _TRIGGER.search(text) is None:
        return text
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, mask(secret))
    text = NPM_TOKEN.sub("npm_****", text)
    text = _CONFIG_SET.sub(_masked, text)
    text = _URL_PASSWORD.sub(_masked, text)
    return _AUTH_ASSIGNMENT.sub(_masked, text)


def _masked(match: re.Match[str]) -> str:
    value = match.group("value")
    return match.group("key") + (value if value in ("****", "npm_****") else "****")
