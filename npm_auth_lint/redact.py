"""Keep credentials out of every output."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable

from npm_auth_lint import lazy_regex

# npm's current token format (npm_ + 36 Base62); case-insensitive like gitleaks' rule.
NPM_TOKEN = lazy_regex.compile(r"\bnpm_[A-Za-z0-9]{36}\b")
# Legacy UUID tokens only count next to an auth key; the key=value scrub below covers them.
_AUTH_ASSIGNMENT = lazy_regex.compile(
    r"(?P<key>(?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent|NPM_TOKEN|NODE_AUTH_TOKEN)"
    r"\s*[=:]\s*[\"']?)(?P<value>(?!\$\{|\$\(|\$[A-Za-z_]|\$\{\{)[^\s\"'`;]{6,})"
)


# `npm config set //host/:_authToken VALUE`, `yarn config set npmAuthToken VALUE`: the key and
# its value are separate words, so the assignment pattern above does not see them.
_CONFIG_SET = lazy_regex.compile(
    r"(?P<key>\bset\s+(?:-\S+\s+)*[\"']?\S*(?:_authToken|_auth|_password|npmAuthToken|npmAuthIdent)[\"']?\s+[\"']?)"
    r"(?P<value>(?!\$\{|\$\(|\$[A-Za-z_])[^\s\"'`;]{4,})"
)

# `https://user:password@host/`: a registry or include URL with its credentials written in.
_URL_PASSWORD = lazy_regex.compile(r"(?P<key>\b[A-Za-z][A-Za-z0-9+.-]*://[^\s/:@]*:)(?P<value>(?!\$\{|\$[A-Za-z_])[^\s/@]+)(?=@)")


# `--_auth VALUE`, `--//host/:_authToken VALUE`: npm reads a config flag's value from the next word.
_FLAG_VALUE = lazy_regex.compile(
    r"(?P<key>--(?://\S*?:)?(?:_authToken|_auth|_password)\s+[\"']?)"
    r"(?P<value>(?!\$\{|\$\(|\$[A-Za-z_]|-)[^\s\"'`;]{4,})"
)
# `printf '//host/:_authToken=%s' VALUE > .npmrc`: the credential is printf's argument.
_PRINTF = lazy_regex.compile(
    r"(?P<key>\bprintf\s+(?:-\S+\s+)*[\"']?[^\"'\n]*?(?:_authToken|_auth|_password|npmAuthToken|NPM_TOKEN)"
    r"[^\"'\n]*%s[^\"'\n]*[\"']?\s+[\"']?)(?P<value>(?!\$\{|\$\(|\$[A-Za-z_])[^\s\"'`;]{4,})"
)
# Login passwords: `npm adduser --password PW`, `npm-cli-login -u me -p PW`.
_LOGIN_PASSWORD = lazy_regex.compile(
    r"(?P<key>(?:--password|--passwd|--pass)(?:=|\s+)[\"']?|\bnpm-cli-login\b[^\n;|&]*?\s-p\s+[\"']?)"
    r"(?P<value>(?!\$\{|\$\(|\$[A-Za-z_])[^\s\"'`;]{3,})"
)
# `echo -n PW | base64`: a password on its way into `_password` or `_auth`.
_ECHO_BASE64 = lazy_regex.compile(
    r"(?P<key>\becho\s+(?:-[neE]+\s+)*[\"']?)(?P<value>(?!\$\{|\$\(|\$[A-Za-z_])[^\s\"'`;|]{3,})(?=[\"']?\s*\|\s*base64\b)"
)
# Base64 words: `user:password` encoded (npm's `_auth`) is masked wherever it stands.
_BASE64 = lazy_regex.compile(r"(?<![A-Za-z0-9+/=_-])(?:[A-Za-z0-9+/]{4}){2,}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?(?![A-Za-z0-9+/=_-])")


def _basic_auth(match: re.Match[str]) -> str:
    word = match.group()
    try:
        decoded = base64.b64decode(word, validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return word
    user, colon, password = decoded.partition(":")
    if colon and user and password and decoded.isprintable() and " " not in decoded:
        return "****"
    return word


def mask(secret: str) -> str:
    """Show a credential only by its kind: ``npm_****`` for npm tokens, ``****`` otherwise."""
    if secret.startswith("npm_"):
        return "npm_****"
    return "****"


# Every pattern below needs one of these substrings; most text has none, and is returned as is.
# Looked for with `in` (a C substring search) rather than one alternation regex: the strategy's
# long lists of package names made the regex scan a tenth of a large report.
_TRIGGER_WORDS = ("npm_", "uth", "assword", "TOKEN", "://", "printf", "--pass", "base64")
_DASH_P = lazy_regex.compile(r"-p\b")  # `npm-cli-login ... -p PW`; "-p" alone is in every "-package"


def may_hold_secret(text: str) -> bool:
    """Whether ``text`` has a substring that some credential pattern of :func:`redact` needs."""
    return any(word in text for word in _TRIGGER_WORDS) or ("-p" in text and _DASH_P.search(text) is not None)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace every known secret and every npm-token-looking string in ``text``."""
    if not secrets and not may_hold_secret(text):
        return text
    for secret in sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, mask(secret))
    text = NPM_TOKEN.sub("npm_****", text)
    text = _CONFIG_SET.sub(_masked, text)
    text = _URL_PASSWORD.sub(_masked, text)
    for pattern in (_FLAG_VALUE, _PRINTF, _LOGIN_PASSWORD, _ECHO_BASE64):
        text = pattern.sub(_masked, text)
    text = _BASE64.sub(_basic_auth, text)
    return _AUTH_ASSIGNMENT.sub(_masked, text)


# C0 (bar tab and newline), DEL and C1 controls, and the bidi overrides that make text read
# differently on screen.
_CONTROL = lazy_regex.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def escape_controls(text: str) -> str:
    """``text`` with terminal control characters shown as escapes (``\\x1b``), not executed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}", text)


def for_terminal(text: str, secrets: Iterable[str] = ()) -> str:
    """The one boundary every message to stderr passes: redacted, controls escaped, encodable."""
    out = escape_controls(redact(text, secrets))
    return out.encode("utf-8", errors="replace").decode("utf-8")


def _masked(match: re.Match[str]) -> str:
    value = match.group("value")
    return match.group("key") + (value if value in ("****", "npm_****") else "****")
