"""The handler table: which tool family classifies which program name. Importing this module (the
package does) fills :data:`npm_auth_lint.commands.dispatch._HANDLERS`."""

from __future__ import annotations

from npm_auth_lint.commands.binaries import _npx
from npm_auth_lint.commands.bun import _bun
from npm_auth_lint.commands.dispatch import _HANDLERS, _PWSH_NAMES
from npm_auth_lint.commands.logins import _login_tool
from npm_auth_lint.commands.npm import _npm
from npm_auth_lint.commands.pnpm import _pnpm
from npm_auth_lint.commands.publishers import _changeset, _lerna, _nx, _np, _release_it, _semantic_release
from npm_auth_lint.commands.shells import _shell_c
from npm_auth_lint.commands.version_managers import _corepack, _volta
from npm_auth_lint.commands.yarn import _yarn


_HANDLERS.update(
    {
        "npm": _npm,
        "npx": _npx,
        "pnpm": _pnpm,
        "pnpx": _npx,
        "yarn": _yarn,
        "yarnpkg": _yarn,
        "bun": _bun,
        "bunx": _npx,
        "corepack": _corepack,
        "volta": _volta,
        "lerna": _lerna,
        "lerna-lite": _lerna,
        "changeset": _changeset,
        "changesets": _changeset,
        "semantic-release": _semantic_release,
        "np": _np,
        "release-it": _release_it,
        "nx": _nx,
        "npm-cli-login": _login_tool,
        "npm-login-noninteractive": _login_tool,
        "bash": _shell_c,
        "sh": _shell_c,
        "zsh": _shell_c,
        "dash": _shell_c,
        "eval": _shell_c,
    }
)
_PWSH_NAMES.update({name.lower(): name for name in _HANDLERS})
