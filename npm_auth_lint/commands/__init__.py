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

Modules, one job each (each imports only those above it in this list):

- :mod:`.results` — :class:`Tool`, the result dataclasses, :class:`ExportTarget`, :data:`Classified`.
- :mod:`.words` — reading argv: program names, wrappers (``sudo``, ``env``, ``xargs``...), options.
- :mod:`.exports` — :class:`EnvExport` / :class:`IdTokenExport`; :mod:`.writes` — what a command
  writes into files: :class:`NpmrcWrite`, ``$GITHUB_ENV``/``$BASH_ENV``, ``config set``.
- :mod:`.dispatch` — :class:`~.dispatch.Context` and classifying one command against the handler
  table the context carries.
- Tool families: :mod:`.publishers` (:func:`~.publishers.build_publish`; lerna, changesets,
  semantic-release, np, release-it, nx), :mod:`.nested` (package scripts, ``bash -c``/``eval``,
  ``npx``/``exec``/``dlx`` and package binaries), :mod:`.package_managers` (npm, pnpm, Yarn, Bun,
  logins), :mod:`.version_managers` (corepack, volta).
- :mod:`.wrappers` — wrappers that run a command or script they are given (``lerna exec``,
  ``pnpm -r run``, ``turbo run``, ``docker run``, ``nix-shell --run``, ``find -exec`` ...), in each
  workspace package where the wrapper fans out (:class:`~.dispatch.WorkspaceMember`).
- :mod:`.handlers` — :data:`~.handlers.HANDLERS`, the one table from program name to tool family,
  and :func:`classify` / :func:`classify_script`.
- :mod:`.actions` — ``uses:`` values; :mod:`.oidc_support` — :data:`OIDC_PUBLISHER_SUPPORT`.
"""

from __future__ import annotations

from npm_auth_lint.commands.actions import ActionKind, ActionRef, classify_action, ref_version
from npm_auth_lint.commands.dispatch import ScriptLookup, WorkspaceMember
from npm_auth_lint.commands.handlers import classify, classify_script
from npm_auth_lint.commands.nested import script_lookup, workspace_members
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
    RunsScript,
    ScriptKind,
    Tool,
    Unfollowed,
    refine_tool,
)

__all__ = [
    "OIDC_PUBLISHER_SUPPORT",
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
    "OidcSupport",
    "PackageManagerInstall",
    "Publish",
    "RunsCode",
    "RunsScript",
    "ScriptKind",
    "ScriptLookup",
    "Tool",
    "Unfollowed",
    "WorkspaceMember",
    "classify",
    "classify_action",
    "classify_script",
    "ref_version",
    "refine_tool",
    "script_lookup",
    "workspace_members",
]
