"""What the analysis knows about each publishing job: the facts every pipeline rule reads."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import field

from npm_auth_lint.analysis.registry_urls import is_npmjs
from npm_auth_lint.commands import Tool
from npm_auth_lint.knowledge.publishing import PublisherKind, publisher_kind_of
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import (
    Command,
    EnvScope,
    IdToken,
    Job,
    Location,
    NpmrcEntry,
    NpmrcKind,
    PackageJson,
    Pipeline,
    Provider,
    Related,
    Step,
    Text,
    ValueSource,
    ValueSourceKind,
    frozen_map,
)


class CredentialChannel(enum.Enum):
    """How a credential reaches the tool (its :attr:`Credential.source` says what it is)."""

    ENVIRONMENT = "environment"  # the tool reads an environment variable (``via`` starts with its name)
    NPMRC = "npmrc"  # an auth line of an npmrc or .yarnrc.yml in effect (committed, setup-node's, written)
    NPMRC_WRITE = "npmrc-write"  # the value a CI command writes into an npmrc/yarnrc
    CLI_FLAG = "cli-flag"  # npm config on the command line (``--//host/:_authToken=...``)
    ACTION_INPUT = "action-input"  # a publishing action's input (``token:``)
    JOB_ENV = "job-env"  # set in the job's or the file's environment, whoever reads it


class TargetOrigin(enum.Enum):
    """Where a publish's registry comes from (spec: "Publish target"); ``target_via`` words it."""

    REGISTRY_FLAG = "registry-flag"  # --registry
    ENVIRONMENT = "environment"  # NPM_CONFIG_REGISTRY
    SETUP_NODE = "setup-node"  # setup-node registry-url (possibly for the package's @scope)
    PUBLISH_CONFIG = "publish-config"  # package.json publishConfig.registry
    NPMRC = "npmrc"  # a `registry=` line written earlier in the job, or in a committed .npmrc
    ACTION_INPUT = "action-input"  # a publishing action's `registry` input
    ACTION_DEFAULT = "action-default"  # a publishing action's default registry
    NPM_DEFAULT = "npm-default"  # npm's default registry
    # npm's default registry, although setup-node set a registry-url for other @scopes only.
    NPM_DEFAULT_BESIDE_SCOPED = "npm-default-beside-scoped"


class UnknownKind(enum.Enum):
    """What kind of value that decides a verdict is computed at run time (spec: "Unknown")."""

    PACKAGE = "package"  # which package a publish publishes (`npm publish "$@"`, `cd $DIR`)
    AUDIENCE = "id-token-audience"  # an ID-token audience built by a command
    REGISTRY = "registry"  # the publish target comes from a variable
    NODE_VERSION = "node-version"  # the Node a publish job runs
    NPM_VERSION = "npm-version"  # the npm a publish job runs
    PUBLISHER_VERSION = "publisher-version"  # a publisher with its own registry client, version unknown
    RUNNER = "runner"  # where the pipeline runs (a GitLab pipeline of a github.com mirror)


@frozen_dataclass
class Unknown:
    """A value that decides a verdict but cannot be known from the repository.

    ``location`` is the line that computes it (or the publish line); ``what`` names it in words,
    e.g. "the package `npm publish \"$@\"` publishes (its folder is an argument of the script)".
    Rules stay silent or say "cannot be determined"; the strategy marks the pipeline unverified.
    """

    kind: UnknownKind
    location: Location
    what: str


@frozen_dataclass
class Credential:
    """A registry credential in effect for a step, and the line that puts it in scope."""

    source: ValueSource  # secret NPM_TOKEN, CI variable, literal, job token, placeholder
    location: Location  # the env key, action input, npmrc line or write command
    via: str  # how it reaches the tool, in words, e.g. "NODE_AUTH_TOKEN (setup-node registry-url)"
    channel: CredentialChannel
    variable: str | None = None  # the environment variable that carries it, when one does
    scope: EnvScope | None = None  # where an environment variable was set
    defined_in_file: bool = True  # False for CI variables referenced but defined in settings
    written_at: Location | None = None  # the CI command that wrote it into an npmrc/yarnrc, if one did

    @property
    def is_long_lived(self) -> bool:
        return self.source.is_long_lived_credential

    @property
    def identity(self) -> tuple[str, str] | None:
        """What makes two credentials "the same secret": its kind and name."""
        if self.source.name and self.source.kind in (ValueSourceKind.SECRET, ValueSourceKind.VARIABLE):
            return (self.source.kind.value, self.source.name)
        return None

    def source_phrase(self) -> str:
        """What it is: "secret NPM_TOKEN", "CI variable NPM_TOKEN", "a literal token"."""
        kind = self.source.kind
        if kind is ValueSourceKind.SECRET:
            return f"secret {self.source.name}"
        if kind is ValueSourceKind.VARIABLE:
            return f"CI variable {self.source.name}"
        if kind is ValueSourceKind.LITERAL:
            return "a literal token"
        return kind.value.replace("-", " ")

    def describe(self) -> str:
        """What it is and how it reaches the tool, e.g. "secret NPM_TOKEN via NODE_AUTH_TOKEN (...)"."""
        via = self.via
        if self.channel is CredentialChannel.ENVIRONMENT and self.source.name and self.variable == self.source.name:
            via = via[len(self.source.name) + 1 :]  # "secret NPM_TOKEN (read by ...)": no echo
            return f"{self.source_phrase()} {via}"
        return f"{self.source_phrase()} via {via}"


@frozen_dataclass
class ToolPin:
    """The version of a publishing tool, where it is pinned."""

    package: str
    version: str  # as written ("^8.1.0", "v1.6.0", a SHA)
    location: Location


@frozen_dataclass
class PublishFact:
    """One publish step of one job, fully resolved."""

    pipeline: Pipeline
    job: Job
    step: Step
    step_index: int
    location: Location  # the publish command's line, or the publishing action's `uses:` line
    tool: Tool | None  # the publishing tool; None when a publishing action publishes by itself
    publisher_action: str | None  # then: that action's key in the publisher table
    display: str  # what to call it in messages ("npm publish", "changesets/action")
    target: str  # the registry URL it publishes to
    target_via: str  # where the target came from, in words
    target_origin: TargetOrigin
    credential: Credential | None  # the long-lived credential it authenticates with, if any
    fallback_credentials: tuple[Credential, ...]  # every long-lived credential in scope
    provenance: bool | None  # explicitly on / off; None when npm's default applies
    provenance_via: str | None
    packages: tuple[PackageJson, ...]
    command: Command | None = None
    tool_pin: ToolPin | None = None  # the publishing tool's version pin (package.json dependency)
    action_pin: ToolPin | None = None  # the publishing action and its ref (`uses:` line)
    script_location: Location | None = None  # the package.json script when via `npm run X`
    # Inside a repository script: the CI line that runs it and each hop between, outermost first.
    hops: tuple[Related, ...] = ()
    id_token: IdToken | None = None  # the ID token state where this publish runs
    # `npm stage publish` (staged publishing): npm >= 11.15.0, and the trusted publisher's allowed
    # actions must include "npm stage publish".
    stage: bool = False
    # The image a wrapper runs the publish in (`docker run node:22 npm publish`, or
    # "docker compose run <service>"): its Node is the image's, not the job's.
    container_image: str | None = None
    # A credential whose value the tool cannot see (an expression such as a step output): it may
    # or may not be a long-lived token, so the strategy cannot say the publish relies on OIDC.
    opaque_credential: Credential | None = None
    # The folder it publishes, repository-relative ('' for the root); None when not known or
    # when it is one folder per matrix leg (then ``packages`` holds every leg's package).
    directory: str | None = ""
    # What the walk could not know for this publish (its package, a computed ID-token audience,
    # a registry from a variable); :meth:`Analysis.unknowns` adds the toolchain and runner.
    unknowns: tuple[Unknown, ...] = ()
    # Set when a reusable workflow of another repository publishes (`uses: owner/repo/.github/
    # workflows/x.yml@ref` passed an npm token): its steps are not read, so no rule judges it;
    # only the strategy lists it (:attr:`Analysis.remote_publishes`), as unverified.
    remote_workflow: str | None = None

    @property
    def package_known(self) -> bool:
        """Whether the packages it publishes are known (else ``packages`` is empty, and the
        strategy shows a placeholder rather than "no package.json")."""
        return not any(u.kind is UnknownKind.PACKAGE for u in self.unknowns)

    @property
    def is_npmjs(self) -> bool:
        return is_npmjs(self.target)

    @property
    def publisher(self) -> str:
        """The publisher's key in the publisher table (knowledge.publishing.PUBLISHERS)."""
        return self.tool.value if self.tool is not None else self.publisher_action or ""

    @property
    def kind(self) -> PublisherKind:
        """Whose registry client publishes: npm's CLI, a bundled npm, or the tool's own."""
        return publisher_kind_of(self.publisher)

    @property
    def relies_on_oidc(self) -> bool:
        return self.is_npmjs and self.credential is None

    @property
    def provider(self) -> Provider:
        return self.job.provider


@frozen_dataclass
class InstallFact:
    """A step that installs dependencies (npm ci, yarn install ...), with the credentials it sees."""

    pipeline: Pipeline
    job: Job
    step: Step
    step_index: int
    location: Location
    display: str
    credentials: tuple[Credential, ...]
    # Its place among the job's installs and npmrc writes, in the order the walk meets them
    # (lines do not order commands of different files: a script's write and the CI's install).
    order: int = 0


@frozen_dataclass
class NpmUpgradeFact:
    """A step that installs another npm (npm install -g npm@X, corepack, npx npm@X)."""

    step_index: int
    location: Location
    spec: str  # what was asked for: "11.5.1", "^11.5.1", "latest"
    method: str
    display: str
    scoped_to_command: bool = False  # `npx npm@X publish`: only that command


@frozen_dataclass
class NpmrcWriteFact:
    """A step that writes an .npmrc or .yarnrc, and the long-lived credential it writes if any."""

    step_index: int
    location: Location
    target: str
    credential: Credential | None  # the long-lived credential written, if any
    display: str
    kind: NpmrcKind = NpmrcKind.NPMRC
    entries: tuple[NpmrcEntry, ...] = ()  # the settings written, located at the writing line
    order: int = 0  # its place among the job's installs and npmrc writes (see InstallFact.order)


@frozen_dataclass
class NodeSetup:
    """A Node.js toolchain pin found in the job (setup-node, an image, orb install)."""

    step_index: int  # -1 for the job's image
    kind: str  # "setup-node", "image", "orb", "volta" (volta-cli/action; version_file is its package.json)
    version: Text | None  # `node-version:` value (may be a matrix expression)
    version_file: Text | None = None
    registry_url: Text | None = None
    action_ref: str | None = None  # e.g. "v4" for actions/setup-node@v4
    always_auth: Text | None = None  # setup-node's obsolete `always-auth` input


@frozen_dataclass
class UnfollowedCommand:
    """Something a job runs that may publish but cannot be followed: a command assembled at run
    time, a repository script outside the repository or missing. ``what`` says it in words."""

    location: Location
    what: str  # e.g. "the command `$CMD` is assembled at run time"
    # The program it runs as written (`${esbuildPath}`, `./releaseDev.sh`); "" when not one word.
    program: str = ""
    # A file run in a folder outside the repository (`cd ../other-repo && ./x.sh`): another
    # repository's script, not this one's.
    elsewhere: bool = False


@frozen_dataclass
class JobFacts:
    """What one job does that concerns npm: its publishes, installs, npm upgrades and .npmrc writes."""

    pipeline: Pipeline
    job: Job
    publishes: tuple[PublishFact, ...]
    installs: tuple[InstallFact, ...]
    npm_upgrades: tuple[NpmUpgradeFact, ...]
    npmrc_writes: tuple[NpmrcWriteFact, ...]
    logins: tuple[tuple[Location, str], ...]
    runs_code: tuple[Location, ...]
    node_setups: tuple[NodeSetup, ...]
    # Long-lived credentials set in the file at workflow/global or job level.
    job_level_credentials: tuple[Credential, ...] = ()
    # What the job runs that may publish but cannot be followed (spec: "never silent").
    unfollowed: tuple[UnfollowedCommand, ...] = ()
    # Publishes to a local test registry (localhost, a service container): not publishing
    # pipelines, so not in ``publishes``; their credentials are test data.
    local_publishes: tuple[Location, ...] = ()
    # Lines of repository scripts the job reaches, (path, line) -> the hops from the CI line.
    hops: Mapping[tuple[str, int], tuple[Related, ...]] = field(default_factory=frozen_map)
    # Images the job builds from the repository's Dockerfiles (`docker build -t T`): T -> the
    # outside image the build runs on, at its `FROM` line (`node:20`), for `docker run T`.
    built_images: Mapping[str, Text] = field(default_factory=frozen_map)
