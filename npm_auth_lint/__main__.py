"""``python -m npm_auth_lint`` and the ``npm-auth-lint`` console script.

The entry point is this shim rather than :func:`npm_auth_lint.cli.main` itself so that the cycle
collector is off while the tool's modules load: importing them creates a few hundred classes and
functions that live to the end and hold no garbage, and the collections that the default
thresholds start while they load are a twentieth of a one-workflow run. ``cli.main`` then sets
the thresholds it runs with.
"""

from __future__ import annotations

import gc


def run() -> int:
    """Load the CLI with the cycle collector paused, then run it; returns the exit status."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        from npm_auth_lint.cli import main
    finally:
        if collecting:
            gc.enable()
    return main()


if __name__ == "__main__":
    raise SystemExit(run())
