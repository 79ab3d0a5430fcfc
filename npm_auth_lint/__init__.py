"""npm-auth-lint: audit how a repository authenticates to npm from CI."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("npm-auth-lint")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0+unknown"
