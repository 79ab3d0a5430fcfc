"""npm-auth-lint: audit how a repository authenticates to npm from CI."""

from __future__ import annotations

from typing import Any


def __getattr__(name: str) -> Any:
    # Looked up on first use: importlib.metadata costs ~35 ms at start-up, and most runs never
    # print the version.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("npm-auth-lint")
        except PackageNotFoundError:  # running from a source tree that is not installed
            return "0+unknown"
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
