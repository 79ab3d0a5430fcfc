"""What the classifiers report: :class:`Tool`, the frozen result dataclasses, :class:`ExportTarget`
and :data:`Classified`; :func:`refine_tool` tells lerna-lite from lerna."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import replace

from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Command, Location, NpmrcEntry, NpmrcKind


class Tool(str, enum.Enum):
    """A publishing tool; the values are the keys of :data:`OIDC_PUBLISHER_SUPPORT`."""

    NPM = "npm"
    PNPM = "pnpm"
    YARN_BERRY = "yarn-berry"  # `yarn npm publish`
    YARN_CLASSIC = "yarn-classic"  # `yarn publish` (Yarn 1)
    BUN = "bun"
    LERNA = "lerna"
    LERNA_LITE = "lerna-lite"
    CHANGESETS = "changesets"
    SEMANTIC_RELEASE = "semantic-release"
    NP = "np"
    RELEASE_IT = "release-it"
    NX = "nx"


# The npm package whose version decides a tool's trusted-publishing support.
TOOL_PACKAGE = {
    Tool.NPM: "npm",
    Tool.PNPM: "pnpm",
    Tool.YARN_BERRY: "yarn",
    Tool.YARN_CLASSIC: "yarn",
    Tool.BUN: "bun",
    Tool.LERNA: "lerna",
    Tool.LERNA_LITE: "@lerna-lite/publish",
    Tool.CHANGESETS: "@changesets/cli",
    Tool.SEMANTIC_RELEASE: "@semantic-release/npm",
    Tool.NP: "np",
    Tool.RELEASE_IT: "release-it",
    Tool.NX: "nx",
}


@frozen_dataclass(kw_only=True)
class _Result:
    """What every classified command has: the CI command and the scripts and wrappers it went through."""

    command: Command  # the CI command (for a package script: the `npm run X` command)
    via_scripts: tuple[tuple[str, Location], ...] = ()  # package.json scripts followed, outermost first
    script_command: Command | None = None  # the command inside the package.json script
    # The wrappers that ran it, outermost first, as messages name them (`lerna exec`, `docker run`),
    # and the command the outermost was handed when that ran a package script
    # (`nix-shell --run 'npm run release'`: `npm run release`).
    through: tuple[str, ...] = ()
    wrapped: Command | None = None


@frozen_dataclass(kw_only=True)
class Publish(_Result):
    """A command that publishes to a registry.

    ``recursive`` means it publishes the packages of a workspace rather than one (``pnpm -r``,
    ``npm --workspaces``, ``yarn workspaces foreach``, lerna, changesets, nx). ``tool_package`` is
    the npm package whose version decides trusted-publishing support. The ``lerna`` binary is also
    lerna-lite's: see :func:`refine_tool`.
    """

    tool: Tool
    registry: str | None = None
    provenance: bool | None = None
    recursive: bool = False
    tool_package: str | None = None
    # What `npm publish <spec>` / `pnpm publish <dir>` / `yarn publish <dir>` names, as written: a
    # folder or tarball instead of the current package (None when no argument is given).
    spec: str | None = None
    # The one workspace package it is pointed at, as written (`npm -w X`, `pnpm --filter X`).
    workspace: str | None = None
    # `npm stage publish`: staged publishing (its own npm floor and trusted-publisher action).
    stage: bool = False
    # The image a wrapper runs it in (`docker run node:22 npm publish`): its Node, not the job's.
    image: str | None = None
    # The `cd` targets, as written, that the package script running it passed before it
    # (`"release": "cd dist && changeset publish"`): the script starts in its package's folder.
    script_cds: tuple[str, ...] = ()


@frozen_dataclass(kw_only=True)
class Install(_Result):
    """A dependency install (runs lifecycle scripts of the package and its dependencies)."""

    tool: str  # npm | pnpm | yarn | bun


@frozen_dataclass(kw_only=True)
class NpmUpgrade(_Result):
    """A command that installs another npm. ``spec`` is the version spec: ``latest`` when none is
    written, except ``""`` for a bare ``npm install -g npm`` (npm's range ``*``).

    ``method`` is one of ``npm-install-global``, ``pnpm-add-global``, ``yarn-global``,
    ``corepack``, ``volta`` and ``npx`` (``npx npm@X ...``: that npm runs only this command).
    """

    spec: str
    method: str


@frozen_dataclass(kw_only=True)
class PackageManagerInstall(_Result):
    """pnpm or Yarn installed or activated by a command (corepack, ``npm i -g pnpm@X``, volta)."""

    tool: str  # pnpm | yarn
    spec: str
    method: str


@frozen_dataclass(kw_only=True)
class Login(_Result):
    """An interactive or password login; ``stdin`` when input is piped or fed by a heredoc."""

    tool: str  # npm | pnpm | yarn | yarn-berry | npm-cli-login | npm-login-noninteractive
    registry: str | None = None
    stdin: bool = False


@frozen_dataclass(kw_only=True)
class NpmrcWrite(_Result):
    """A command that writes settings into an npmrc-like file.

    ``entries`` are the settings written, located at the CI line that writes them (a heredoc's
    lines are exact); ``auth_keys`` the credential keys among them; ``env_references`` the
    ``$VAR``/``${VAR}`` names in credential values; ``expressions`` the GitHub ``${{ }}``
    expressions in them; ``literal_credential`` a credential value written out (never print it).
    ``content`` is ``""`` when the command writes text the tool cannot see (``envsubst < t``).
    Heredoc entries have their exact CI line; their column assumes the body is indented like the
    command that opens it (the script's own indentation is not known here).
    """

    target: str
    kind: NpmrcKind
    content: str
    entries: tuple[NpmrcEntry, ...] = ()
    auth_keys: tuple[str, ...] = ()
    scopes: tuple[str, ...] = ()  # registry scopes of the credential keys (`//host/`, `@scope`)
    env_references: tuple[str, ...] = ()
    expressions: tuple[str, ...] = ()
    literal_credential: str | None = None
    append: bool = False
    # References the shell leaves as written (`'${NPM_TOKEN}'`, `\${NPM_TOKEN}`, a quoted heredoc
    # delimiter): the file gets the reference, which npm expands when it reads the file.
    kept_references: tuple[str, ...] = ()


class ExportTarget(str, enum.Enum):
    """Where an environment variable is put, and so which later commands see it."""

    SHELL = "shell"  # `export X=..`: later commands of this shell only
    COMMAND = "command"  # `X=.. cmd`: that command only
    UNEXPORTED = "unexported"  # `X=..`: a shell variable, not in the environment until exported
    GITHUB_ENV = "github-env"  # `>> $GITHUB_ENV`: later steps of the job
    BASH_ENV = "bash-env"  # `>> $BASH_ENV` (CircleCI): later steps' shells

    @property
    def persists(self) -> bool:
        """True when later steps see it."""
        return self in (ExportTarget.GITHUB_ENV, ExportTarget.BASH_ENV)


@frozen_dataclass(kw_only=True)
class EnvExport(_Result):
    """An environment variable set at run time; ``value`` is ``None`` for ``export NAME``."""

    name: str
    value: str | None
    target: ExportTarget


@frozen_dataclass(kw_only=True)
class IdTokenExport(_Result):
    """A variable set from ``circleci run oidc get`` (CircleCI's OIDC token for npm).

    ``audience`` is the ``aud`` claim requested with ``--claims`` (``None`` without claims or
    when they cannot be read: the default token's audience is not npm's).
    """

    name: str
    audience: str | None
    target: ExportTarget


@frozen_dataclass(kw_only=True)
class RunsCode(_Result):
    """A command that runs repository or dependency code (scripts, binaries, lifecycle scripts)."""

    what: str  # e.g. "npm run build", "npx", "install"


class ScriptKind(str, enum.Enum):
    """How a command runs a repository file (see :class:`RunsScript`)."""

    SHELL = "shell"  # `bash x`, `./x.sh`, an executable file: a child shell
    SOURCE = "source"  # `source x`, `. x`: this shell runs it (its `cd` and exports stay)
    MAKE = "make"  # `make T`, `make -C dir T`, `make -f file T`
    JS = "js"  # `node x.mjs`, `tsx x.ts`, `ts-node`, `zx`, `bun x.ts`


@frozen_dataclass(kw_only=True)
class RunsScript(_Result):
    """A command that runs a file of the repository, which the job walker follows.

    ``path`` is the file as written (None for ``make`` without ``-f``: the Makefile of the
    directory); ``args`` the arguments it gets (``$1``...; for ``make`` the targets);
    ``directory`` make's ``-C``; ``variables`` make's ``VAR=value`` arguments.
    """

    kind: ScriptKind
    runner: str  # the program as written: "bash", "./scripts/publish.sh", "make", "node"
    path: str | None
    args: tuple[str, ...] = ()
    directory: str | None = None
    variables: tuple[tuple[str, str], ...] = ()
    # The folder of the workspace package whose package script runs it, when a fan-out wrapper
    # (`pnpm -r run release`, `lerna run X`) ran that script: package scripts run in their package.
    package_directory: str | None = None


@frozen_dataclass(kw_only=True)
class Unfollowed(_Result):
    """A command assembled at run time that may publish and cannot be followed (``$CMD``,
    ``eval "$X"``, ``pnpm exec ${{ env.CMD }}``): ``what`` is the part that is not known."""

    what: str


Classified = (
    Publish | Install | NpmUpgrade | PackageManagerInstall | Login | NpmrcWrite | EnvExport | IdTokenExport | RunsCode | Unfollowed | RunsScript
)


def refine_tool(publish: Publish, dependencies: Mapping[str, object]) -> Publish:
    """Tell lerna-lite from lerna (both install a ``lerna`` binary) by the package's dependencies."""
    lite = any(name.startswith("@lerna-lite/") for name in dependencies)
    if publish.tool is Tool.LERNA and "lerna" not in dependencies and lite:
        return replace(publish, tool=Tool.LERNA_LITE, tool_package=TOOL_PACKAGE[Tool.LERNA_LITE])
    return publish
