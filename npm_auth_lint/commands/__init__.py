"""What a shell command does for npm: publish, install, log in, write an npmrc, export env, ...

Pure functions over :class:`~npm_auth_lint.model.Command` (from :mod:`npm_auth_lint.shell`);
no YAML. Every result is a frozen dataclass that carries the CI ``command`` it came from, so a
finding can point at the line where the command is written.

Entry points:

- :func:`classify` — one command; :func:`classify_script` — the commands of one shell in
  order, which also joins ``NPM_ID_TOKEN=$(circleci run oidc get ...)`` with a later
  ``export NPM_ID_TOKEN``.
- :func:`classify_action` / :func:`ref_version` — ``uses:`` values.
- :data:`OIDC_PUBLISHER_SUPPORT` — which publisher supports trusted publishing from which version.

Package scripts: ``npm run X`` (and the pnpm/yarn/bun forms, ``npm test``/``start``) follow the
script through a :data:`ScriptLookup` the caller binds to the package.json of the step's working
directory (:func:`script_lookup`), transitively, with ``preX``/``postX``, cycle-safe. A result
found inside a script keeps the CI ``command`` (the ``npm run X`` line) and records the chain in
``via_scripts`` and the package.json command in ``script_command``. Exports made inside a script
live in a child process: only writes to ``$GITHUB_ENV``/``$BASH_ENV`` outlive it, so consumers
should read :class:`EnvExport` / :class:`IdTokenExport` with ``via_scripts`` in mind. Pre/post
scripts are followed for every package manager (Yarn Berry and some pnpm setups skip them), so
detection errs on the side of finding a publish. The words after the script name are appended to
the script's command line, as the package managers do (``pnpm changeset publish`` with
``"changeset": "changeset"``).

Modules, one job each:

- :mod:`.results` — :class:`Tool`, the result dataclasses, :class:`ExportTarget`, :data:`Classified`.
- :mod:`.dispatch` — :func:`classify` / :func:`classify_script` and the handler table they use;
  :mod:`.handlers` fills the table; :mod:`.context` is what classification carries down.
- :mod:`.words` — program names, wrappers (``sudo``, ``env``, ``xargs``...), option helpers.
- :mod:`.scripts` — package scripts (:data:`ScriptLookup`, :func:`script_lookup`);
  :mod:`.binaries` — ``npx``/``exec``/``dlx`` and package binaries.
- Tool families: :mod:`.npm`, :mod:`.pnpm`, :mod:`.yarn`, :mod:`.bun`, :mod:`.publishers` (lerna,
  changesets, semantic-release, np, release-it, nx), :mod:`.version_managers` (corepack, volta),
  :mod:`.shells` (``bash -c``, ``eval``), :mod:`.logins`; :mod:`.builders` holds the results they
  share.
- :mod:`.file_writes` — what a command writes where; :mod:`.npmrc_writes` — :class:`NpmrcWrite`;
  :mod:`.exports` — :class:`EnvExport` / :class:`IdTokenExport`.
- :mod:`.actions` — ``uses:`` values; :mod:`.oidc_support` — :data:`OIDC_PUBLISHER_SUPPORT`.
"""

from __future__ import annotations

# Importing the handlers fills the dispatch table (see npm_auth_lint.commands.dispatch).
from npm_auth_lint.commands import handlers  # noqa: F401
from npm_auth_lint.commands.actions import ActionKind, ActionRef, classify_action, ref_version
from npm_auth_lint.commands.context import ScriptLookup
from npm_auth_lint.commands.dispatch import classify, classify_script
from npm_auth_lint.commands.oidc_support import OIDC_PUBLISHER_SUPPORT, OidcSupport
from npm_auth_lint.commands.results import (
    Classified,
    EnvExport,
    ExportTarget,
    IdTokenExport,
    Install,
    Login,
    NpmrcWrite,
    NpmUpgrade,
    PackageManagerInstall,
    Publish,
    RunsCode,
    Tool,
    refine_tool,
)
from npm_auth_lint.commands.scripts import script_lookup

__all__ = [
    "ActionKind",
    "ActionRef",
    "Classified",
    "EnvExport",
    "ExportTarget",
    "IdTokenExport",
    "Install",
    "Login",
    "NpmUpgrade",
    "NpmrcWrite",
    "OIDC_PUBLISHER_SUPPORT",
    "OidcSupport",
    "PackageManagerInstall",
    "Publish",
    "RunsCode",
    "ScriptLookup",
    "Tool",
    "classify",
    "classify_action",
    "classify_script",
    "ref_version",
    "refine_tool",
    "script_lookup",
]
