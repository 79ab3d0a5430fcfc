"""What counts as a credential, and where a configured value comes from."""

from __future__ import annotations

import re

from npm_auth_lint import lazy_regex
from npm_auth_lint.model import Provider, ValueSource, ValueSourceKind
from npm_auth_lint.redact import NPM_TOKEN

# actions/setup-node (v4-v6) exports this placeholder when `registry-url` is set.
SETUP_NODE_PLACEHOLDER = "XXXXX-XXXXX-XXXXX-XXXXX"
# Short-lived tokens the CI mints per job: job tokens, and OIDC ID tokens (GitLab `id_tokens`,
# CircleCI's own and the one `circleci run oidc get` exports as NPM_ID_TOKEN), which npm exchanges.
JOB_TOKENS = frozenset(
    {"GITHUB_TOKEN", "CI_JOB_TOKEN", "GITEA_TOKEN", "NPM_ID_TOKEN", "SIGSTORE_ID_TOKEN", "CIRCLE_OIDC_TOKEN", "CIRCLE_OIDC_TOKEN_V2"}
)
UUID = lazy_regex.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")

_SECRET_EXPR = lazy_regex.compile(r"^\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$")
_SECRET_INDEX = lazy_regex.compile(r"""^\$\{\{\s*secrets\[\s*['"]([^'"]+)['"]\s*\]\s*\}\}$""")
_VARS_EXPR = lazy_regex.compile(r"^\$\{\{\s*vars\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}$")
_GITHUB_TOKEN_EXPR = lazy_regex.compile(r"^\$\{\{\s*github\.token\s*\}\}$")
_ENV_EXPR = lazy_regex.compile(r"^\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_ANY_EXPR = lazy_regex.compile(r"\$\{\{.*?\}\}", re.S)
_SHELL_VAR = lazy_regex.compile(r"^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))$")
_CREDENTIAL_NAME = lazy_regex.compile(
    r"^(?:NODE_AUTH_TOKEN|NPM_CONFIG__?AUTH(?:TOKEN)?|NPM_CONFIG_//.*|YARN_NPM_AUTH_(?:TOKEN|IDENT)"
    r"|(?=.*NPM)(?=.*(?:TOKEN|AUTH|PASSWORD|PASS|SECRET)).*)$",
    re.I,
)


def is_credential_name(name: str) -> bool:
    """Environment variable names that hold npm credentials by convention or by npm's config."""
    return bool(_CREDENTIAL_NAME.match(name)) and name.upper() not in ("NPM_ID_TOKEN",)


def is_reference(value: str) -> bool:
    """A `${VAR}`, `$VAR` or `${{ expr }}` reference rather than a value."""
    text = value.strip().strip("\"'")
    return text.startswith("$") or "${" in text


def looks_like_token(value: str) -> bool:
    text = value.strip().strip("\"'")
    return bool(NPM_TOKEN.fullmatch(text)) or bool(UUID.match(text))


def is_literal_credential(value: str) -> bool:
    """A value that is a real credential written out, not a reference or a placeholder."""
    text = value.strip().strip("\"'")
    if not text or is_reference(text):
        return False
    return not (text == SETUP_NODE_PLACEHOLDER or text.lower() in ("undefined", "null", "true", "false", "none", "changeme"))


def classify_value(text: str, provider: Provider) -> ValueSource:
    """Where a configured value (an env value, an action input) comes from."""
    value = text.strip()
    if not value:
        return ValueSource(ValueSourceKind.EMPTY)
    if value == SETUP_NODE_PLACEHOLDER:
        return ValueSource(ValueSourceKind.PLACEHOLDER)
    for pattern in (_SECRET_EXPR, _SECRET_INDEX):
        match = pattern.match(value)
        if match:
            name = match.group(1)
            if name == "GITHUB_TOKEN":
                return ValueSource(ValueSourceKind.JOB_TOKEN, name)
            return ValueSource(ValueSourceKind.SECRET, name)
    if _GITHUB_TOKEN_EXPR.match(value):
        return ValueSource(ValueSourceKind.JOB_TOKEN, "GITHUB_TOKEN")
    match = _VARS_EXPR.match(value)
    if match:
        return ValueSource(ValueSourceKind.VARIABLE, match.group(1))
    match = _ENV_EXPR.match(value)
    if match:
        return ValueSource(ValueSourceKind.EXPRESSION, match.group(1))
    if _ANY_EXPR.search(value):
        # `${{ secrets.A || secrets.B }}`, `${{ cond && secrets.GITHUB_TOKEN || secrets.B }}`: the
        # value may be any of them, so a long-lived secret among them is what it can carry.
        names = re.findall(r"secrets\.([A-Za-z_][A-Za-z0-9_-]*)", value)
        secret = next((name for name in names if name != "GITHUB_TOKEN"), None)
        if secret is not None:
            return ValueSource(ValueSourceKind.SECRET, secret)
        return ValueSource(ValueSourceKind.EXPRESSION)
    match = _SHELL_VAR.match(value.strip("\"'"))
    if match and provider is not Provider.GITHUB:
        name = match.group(1) or match.group(2)
        if name in JOB_TOKENS:
            return ValueSource(ValueSourceKind.JOB_TOKEN, name)
        return ValueSource(ValueSourceKind.VARIABLE, name)
    if match:  # on GitHub, `$X` in env is passed through literally, expanded later by the shell
        return ValueSource(ValueSourceKind.EXPRESSION, match.group(1) or match.group(2))
    return ValueSource(ValueSourceKind.LITERAL)
