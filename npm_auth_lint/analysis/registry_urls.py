"""Registry URLs: normalising them and telling npmjs from everything else."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

NPMJS = "https://registry.npmjs.org/"
NPMJS_HOST = "registry.npmjs.org"
# Only registry.npmjs.org: npm requests the OIDC token for the audience `npm:<registry host>`, so
# even npm's own alias registry.npmjs.com would not match a trusted publisher.
_NPMJS_ALIASES = frozenset({NPMJS_HOST})


@lru_cache(maxsize=4096)  # asked a dozen times per publish command for the same few URLs
def host_of(url: str) -> str | None:
    """The host of a registry URL, ``//host/path`` nerf-dart, or bare host; None if unusable."""
    text = url.strip().strip("\"'")
    if not text or text.startswith("$"):
        return None
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text:
        text = "https://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def is_npmjs(url: str) -> bool:
    return host_of(url) in _NPMJS_ALIASES


def nerf_dart(url: str) -> str | None:
    """npm's credential scope for a registry URL: ``//host[:port]/path/``."""
    text = url.strip().strip("\"'")
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if not parts.netloc:
        return None
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return f"//{parts.netloc}{path}"


def scope_matches(credential_scope: str, registry_url: str) -> bool:
    """Does an npmrc credential scope (``//host/path/``) apply to ``registry_url``?

    npm picks the credential whose nerf-dart is a prefix of the registry's (longest wins).
    """
    registry = nerf_dart(registry_url)
    scope = credential_scope if credential_scope.endswith("/") else credential_scope + "/"
    return registry is not None and registry.lower().startswith(scope.lower())


def describe(url: str) -> str:
    host = host_of(url)
    if host in _NPMJS_ALIASES:
        return "npmjs (registry.npmjs.org)"
    if host == "npm.pkg.github.com":
        return "GitHub Packages (npm.pkg.github.com)"
    if host and (host == "gitlab.com" or host.startswith("gitlab.")):
        return f"the GitLab package registry ({host})"
    return host or url


_LOOPBACK = frozenset({"localhost", "::1", "0.0.0.0", "host.docker.internal"})


def is_local_registry(url: str, services: Iterable[str] = ()) -> bool:
    """A local test registry (spec: "Publish target", "Publish credential"): ``localhost``,
    ``127.0.0.1`` (any 127/8 address), ``[::1]``, or a service container of the job (``services``:
    the host names its service containers answer at, e.g. a Verdaccio service). A publish there
    is not a publishing pipeline, and a credential for it is test data."""
    host = host_of(url)
    if host is None:
        return False
    host = host.strip("[]")
    if host in _LOOPBACK or host.endswith(".localhost") or host.startswith("127."):
        return True
    return host in {s.lower() for s in services}
