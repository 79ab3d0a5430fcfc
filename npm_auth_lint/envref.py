"""Environment-variable references as npm and Yarn expand them in config files."""

from __future__ import annotations

from npm_auth_lint import lazy_regex

# npm: ${VAR} (with optional `?` for "empty when unset", npm >= 9); Yarn Berry also allows
# ${VAR:-default} and ${VAR-default}.
_REFERENCE = lazy_regex.compile(r"(?<!\\)\$\{([A-Za-z_][A-Za-z0-9_]*)(?:\?|:?-[^}]*)?\}")


def env_references(value: str) -> tuple[str, ...]:
    """Names of the ``${VAR}`` references in ``value``, in order."""
    return tuple(m.group(1) for m in _REFERENCE.finditer(value))

