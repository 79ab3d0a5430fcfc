"""npm-auth-lint: audit how a repository authenticates to npm from CI."""

# The one place the version is written: pyproject.toml reads it from here (setuptools' dynamic
# `attr:`), and `--version` prints it without importlib.metadata (~25 ms of start-up).
__version__ = "0.1.0"
