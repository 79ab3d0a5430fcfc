"""The provider-neutral model that parsers build and rules read.

Every element carries a :class:`Location` (repository-relative POSIX path, 1-based line and
column). Rules never see YAML or JSON: a parser turns each file into these frozen dataclasses.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import field
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING

# The enumerations are defined apart (see npm_auth_lint.kinds) and are part of the model.
from npm_auth_lint.kinds import (
    Applicability,
    Confidence,
    EnvScope,
    Hosting,
    NpmrcKind,
    Provider,
    ReleaseConfigSource,
    Severity,
    ValueSourceKind,
)
from npm_auth_lint.lazy_dataclass import frozen_dataclass

if TYPE_CHECKING:  # parsers import this module: the parsed script types are named for typing only
    from npm_auth_lint.parsers.repo_scripts import RepoScript


@frozen_dataclass(order=True)
class Location:
    """A point in a scanned file: repository-relative POSIX path, 1-based line and column."""

    path: str
    line: int = 1
    column: int = 1

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}"


@frozen_dataclass
class Related:
    """A secondary location attached to a finding, with what it shows."""

    location: Location
    message: str


@frozen_dataclass
class Text:
    """A string from a configuration file together with where it is written."""

    value: str
    location: Location

    def __str__(self) -> str:
        return self.value


def frozen_map(data: Mapping | None = None) -> Mapping:
    """A read-only mapping, so that frozen dataclasses stay immutable all the way down."""
    return MappingProxyType(dict(data or {}))


EMPTY_MAP: Mapping = frozen_map()


# --------------------------------------------------------------------------------------------
# npm configuration files and package.json


@frozen_dataclass
class NpmrcEntry:
    """One setting of an npmrc-like file.

    ``key`` is the setting name without its registry scope (``_authToken``), ``scope`` the
    ``//host/path/`` prefix it was written with (``None`` when unscoped) and ``raw_key`` the key as
    written. For ``.yarnrc.yml`` ``scope`` is the registry of an ``npmRegistries`` /
    ``npmScopes`` block entry when the key sits in one.
    """

    key: str
    value: str
    location: Location
    value_location: Location
    raw_key: str
    scope: str | None = None

    @property
    def env_references(self) -> tuple[str, ...]:
        """Names of the ``${VAR}`` references in the value (npm's and Yarn's interpolation)."""
        from npm_auth_lint.envref import env_references

        return env_references(self.value)


@frozen_dataclass
class NpmrcFile:
    """An .npmrc or .yarnrc(.yml) with its entries, in the repository or written by a CI step."""

    path: str
    kind: NpmrcKind
    entries: tuple[NpmrcEntry, ...]
    # Where the file came from when it is not a file in the repository (e.g. written by a CI step).
    written_by: Location | None = None

    def get(self, key: str) -> tuple[NpmrcEntry, ...]:
        return tuple(e for e in self.entries if e.key == key)


@frozen_dataclass
class PackageJson:
    """The parts of a package.json that matter for publishing and toolchains.

    Every field keeps the :class:`Text` (value and line) it was read from; absent fields are
    ``None``. ``fields`` holds the line of each top-level key, so rules can point at any of them.
    """

    path: str
    name: Text | None = None
    version: Text | None = None
    private: bool = False
    scripts: Mapping[str, Text] = field(default_factory=frozen_map)
    publish_config: Mapping[str, Text] = field(default_factory=frozen_map)
    repository: Text | None = None  # string form, or the ``url`` of the object form
    repository_directory: Text | None = None
    engines: Mapping[str, Text] = field(default_factory=frozen_map)
    package_manager: Text | None = None
    volta: Mapping[str, Text] = field(default_factory=frozen_map)
    dev_engines_runtime: tuple[Mapping[str, Text], ...] = ()
    dev_engines_package_manager: tuple[Mapping[str, Text], ...] = ()
    workspaces: tuple[Text, ...] = ()
    dependencies: Mapping[str, Text] = field(default_factory=frozen_map)  # dependencies + devDependencies, for tool versions
    fields: Mapping[str, Location] = field(default_factory=frozen_map)

    @property
    def directory(self) -> str:
        """The repository-relative directory holding this package.json ('' for the root)."""
        head, _, _ = self.path.rpartition("/")
        return head


@frozen_dataclass
class Flag:
    """A boolean setting from a configuration file together with where its value is written."""

    value: bool
    location: Location


@frozen_dataclass
class NodeVersionFile:
    """What actions/setup-node reads from a file named as its ``node-version-file``.

    setup-node decides by content, not by file name (a package.json, a ``mise.toml``, a
    ``.nvmrc``-style first line, else the whole trimmed text), so every such file has the same
    shape. ``node`` is the version spec it reads, located at the first line that holds it;
    ``volta_extends`` is the ``volta.extends`` path of a package.json that pins no Node itself,
    which setup-node follows, with ``extends_path`` the repository path it names.
    ``error`` locates a ``mise.toml`` that is not valid TOML (setup-node then reads its lines).
    """

    path: str
    node: Text | None = None
    volta_extends: Text | None = None
    extends_path: str | None = None
    error: ParseError | None = None


@frozen_dataclass
class ReleasePlugin:
    """One entry of a semantic-release ``plugins`` list: ``"name"`` or ``["name", {options}]``."""

    location: Location
    name: str | None  # None when the entry names no plugin as a string
    npm_publish: Flag | None = None  # the entry's `npmPublish` option, when it is a boolean


@frozen_dataclass
class ReleaseConfig:
    """A semantic-release configuration in one place of the repository.

    ``readable`` is False for a JavaScript configuration and for JSON/YAML that does not parse
    or is not a mapping (``error`` then says why, located). ``npm_publish`` is the top-level
    ``npmPublish`` when it is a boolean; ``plugins`` is None when no ``plugins`` list is given
    (semantic-release's default plugins apply).
    """

    path: str
    source: ReleaseConfigSource
    location: Location  # the file's start, or package.json's `release` key
    readable: bool = True
    npm_publish: Flag | None = None
    plugins: tuple[ReleasePlugin, ...] | None = None
    error: ParseError | None = None


@frozen_dataclass
class GitRemote:
    """The origin remote read from ``.git/config``."""

    url: str
    host: str | None
    owner: str | None  # GitHub owner, or GitLab namespace (may contain '/')
    repo: str | None


@frozen_dataclass
class ParseError:
    """A file that could not be parsed; becomes a ``parse-error`` finding."""

    location: Location
    message: str


# --------------------------------------------------------------------------------------------
# CI pipelines


@frozen_dataclass
class ValueSource:
    """Where a value comes from: a secret, a variable, a literal, a job token, a placeholder ..."""

    kind: ValueSourceKind
    name: str | None = None  # the secret or variable name, when there is one

    @property
    def is_long_lived_credential(self) -> bool:
        return self.kind in (ValueSourceKind.SECRET, ValueSourceKind.VARIABLE, ValueSourceKind.LITERAL)


@frozen_dataclass
class EnvVar:
    """An environment variable set in CI configuration."""

    name: str
    value: str
    location: Location  # the line that puts it in scope
    scope: EnvScope
    source: ValueSource


@frozen_dataclass
class Command:
    """One simple command of a script, with the line where it is written.

    ``words`` are the shell words after quote removal, with leading ``VAR=value`` assignments
    moved to ``assignments`` and wrappers such as ``sudo``/``env`` left in place (the classifier
    strips them). ``text`` is the command as written, for messages (redacted when shown).
    """

    words: tuple[str, ...]
    text: str
    location: Location
    assignments: tuple[tuple[str, str], ...] = ()
    # Where the output of the command goes, e.g. (">>", ".npmrc"), ("<<", heredoc body).
    redirects: tuple[tuple[str, str], ...] = ()
    # Set when the command is part of a pipeline: the words of the commands feeding it.
    piped_from: tuple[tuple[str, ...], ...] = ()
    # The `for NAME in WORDS` loops the command is inside, outermost first: (NAME, WORDS).
    loops: tuple[tuple[str, tuple[str, ...]], ...] = ()


@frozen_dataclass
class Runner:
    """The machine a job runs on, as its labels say (GitHub-hosted, self-hosted, unknown)."""

    labels: tuple[str, ...]
    hosting: Hosting
    location: Location | None  # `runs-on:`, `tags:`, `resource_class:`; None when implied
    why: str = ""  # why it counts as self-hosted, for messages


@frozen_dataclass
class IdToken:
    """Whether the provider's OIDC ID token for npm is wired up where a publish runs.

    ``anchor`` is where a ``missing-id-token`` finding points (spec: the job's ``permissions:``
    key, the job's ``id_tokens:`` key, or the job's name line). ``problem`` says what is wrong in
    the user's words when ``granted`` is false. ``sigstore`` tells GitLab's provenance token is
    present (GitHub: same as ``granted``). CircleCI jobs have no job-level ID token (``None``):
    the token is exported by the shell that publishes, which the analysis reads from commands.
    """

    granted: bool
    anchor: Location
    problem: str = ""
    sigstore: bool = False
    fix: str = ""
    # The audience as written when it is computed at run time (GitLab `aud: "npm:$HOST"`): the
    # token is taken as wired and the audience is an unknown of the analysis, never an error.
    computed_audience: str | None = None


@frozen_dataclass
class Step:
    """A step of a job: a shell script, an action/orb call, or both flattened."""

    location: Location  # the step's first line (`- name:`/`- run:`/`- uses:`/script item)
    name: str | None = None
    commands: tuple[Command, ...] = ()
    shell: str | None = None
    uses: Text | None = None  # action reference (`owner/repo@ref`, `./path`) or orb command
    inputs: Mapping[str, Text] = field(default_factory=frozen_map)  # `with:` / orb command parameters
    env: tuple[EnvVar, ...] = ()
    working_directory: str | None = None  # repository-relative, '' for the root
    # For a step that came from a local composite action, reusable command or `!reference`,
    # the chain of places that brought it in (outermost first).
    via: tuple[Location, ...] = ()
    condition: str | None = None  # GitHub's step `if:` as written
    # The trailing comment of the `uses:` line (`@<sha> # v4.1.0` -> "v4.1.0"), located at its text.
    uses_comment: Text | None = None


@frozen_dataclass
class MatrixAxis:
    """One axis of a job's build matrix: its name and the values it takes."""

    name: str
    values: tuple[Text, ...]


@frozen_dataclass
class Job:
    """A job as it runs: reusable workflows, extends and commands already flattened."""

    provider: Provider
    id: str
    location: Location  # the job's name line
    steps: tuple[Step, ...] = ()
    env: tuple[EnvVar, ...] = ()  # workflow/global level first, then job level
    runner: Runner | None = None
    image: Text | None = None  # container / docker primary image / GitLab image
    id_token: IdToken | None = None
    matrix: tuple[MatrixAxis, ...] = ()
    environment: Text | None = None  # deployment environment name
    permissions_location: Location | None = None
    # For a job that calls a local reusable workflow: the calling job's location and the
    # called workflow file (the job's steps are the called workflow's).
    caller: Location | None = None
    called_file: str | None = None
    default_working_directory: str | None = None
    hidden: bool = False  # GitLab `.name` templates, and jobs whose rules are all `when: never`: never run
    # CircleCI contexts the workflow gives the job (names as written): npm's optional Context IDs.
    contexts: tuple[str, ...] = ()
    # What runs the job on a release, in words (`on: release`, a tag push, `$CI_COMMIT_TAG`,
    # `filters: tags`); None when nothing tells. The strategy keeps such a pipeline.
    release_trigger: str | None = None
    # Host names the job's service containers answer at (GitHub `services:` keys, GitLab
    # `services:` aliases and image-derived names, CircleCI secondary images' `name:`): a
    # registry there is a local test registry (spec: "Publish credential").
    services: tuple[str, ...] = ()


@frozen_dataclass
class Pipeline:
    """An entry CI file (the file npm's trusted publisher binds to) and its jobs."""

    provider: Provider
    path: str  # the entry file, repository-relative
    jobs: tuple[Job, ...]
    name: str | None = None
    triggers: tuple[str, ...] = ()
    # Reusable-only GitHub workflows (only `workflow_call`) are reached through their callers.
    reusable_only: bool = False
    # The file npm's trusted publisher binds to when it is not ``path``: a GitLab child
    # pipeline's OIDC claims name the top-level CI file.
    entry: str | None = None
    # Every file composed into this pipeline (GitLab includes), so a file that is included by
    # another pipeline is not also linted as a pipeline of its own.
    sources: tuple[str, ...] = ()

    @property
    def entry_file(self) -> str:
        return self.entry or self.path


def included_files(pipelines: Iterable[Pipeline]) -> frozenset[str]:
    """The files that another pipeline composes in (a GitLab ``include:``) or starts as a child
    pipeline: they run as part of that pipeline only, never as a pipeline of their own."""
    return frozenset(
        source
        for pipeline in pipelines
        for source in pipeline.sources
        if source != pipeline.path or pipeline.entry is not None
    )


@frozen_dataclass
class Reference:
    """Something that may change the result but cannot be followed locally."""

    location: Location
    what: str  # e.g. "remote include https://...", "reusable workflow owner/repo/...@v1"


@frozen_dataclass
class Project:
    """Everything the tool read from one repository."""

    root: str  # absolute path of the repository root, for display only
    pipelines: tuple[Pipeline, ...] = ()
    npmrcs: tuple[NpmrcFile, ...] = ()
    packages: tuple[PackageJson, ...] = ()
    references: tuple[Reference, ...] = ()
    parse_errors: tuple[ParseError, ...] = ()
    remote: GitRemote | None = None
    # Workspace package globs (repository-relative) from pnpm-workspace.yaml and lerna.json;
    # package.json `workspaces` stay on each PackageJson (relative to its folder).
    workspace_patterns: tuple[Text, ...] = ()
    # Plain text of every file read, by repository path: only for what scans text by nature
    # (committed tokens, suppression comments, baseline fingerprints). Analysis reads the
    # parsed fields above and below.
    files: Mapping[str, str] = field(default_factory=frozen_map)
    # What setup-node would read from each file a `node-version-file` may name (version files,
    # package.json files, and other files read that a workflow names as one).
    version_files: tuple[NodeVersionFile, ...] = ()
    # semantic-release configurations (.releaserc*, release.config.*, package.json `release`).
    release_configs: tuple[ReleaseConfig, ...] = ()
    # Repository files CI runs (shell scripts, Makefiles, JS/TS scripts), parsed, by path; and
    # the files named that could not be read, with why ("file not found", ...).
    scripts: Mapping[str, RepoScript] = field(default_factory=frozen_map)
    script_errors: Mapping[str, str] = field(default_factory=frozen_map)

    def jobs(self) -> Iterator[tuple[Pipeline, Job]]:
        for pipeline in self.pipelines:
            for job in pipeline.jobs:
                if not job.hidden:
                    yield pipeline, job

    def version_file(self, path: str) -> NodeVersionFile | None:
        """setup-node's reading of the file at ``path`` (repository-relative), if it was read."""
        return self._version_files_by_path.get(path)

    @cached_property
    def _version_files_by_path(self) -> dict[str, NodeVersionFile]:
        index: dict[str, NodeVersionFile] = {}
        for version_file in self.version_files:
            index.setdefault(version_file.path, version_file)
        return index

    def release_config(self, path: str) -> ReleaseConfig | None:
        """The semantic-release configuration written in ``path``, if there is one."""
        return self._release_configs_by_path.get(path)

    @cached_property
    def _release_configs_by_path(self) -> dict[str, ReleaseConfig]:
        index: dict[str, ReleaseConfig] = {}
        for config in self.release_configs:
            index.setdefault(config.path, config)
        return index

    @cached_property
    def included_files(self) -> frozenset[str]:
        """See :func:`included_files`."""
        return included_files(self.pipelines)

    def package_at(self, directory: str) -> PackageJson | None:
        """The package.json in ``directory`` (repository-relative, '' for the root)."""
        return self._packages_by_dir.get(directory)

    @cached_property
    def _packages_by_dir(self) -> dict[str, PackageJson]:
        # Asked for every command of every job: an index keeps large monorepos linear.
        index: dict[str, PackageJson] = {}
        for package in self.packages:
            index.setdefault(package.directory, package)
        return index

    def npmrcs_in(self, directory: str) -> tuple[NpmrcFile, ...]:
        """The npmrc-like files directly in ``directory`` ('' for the root)."""
        return self._npmrcs_by_dir.get(directory, ())

    @cached_property
    def _npmrcs_by_dir(self) -> dict[str, tuple[NpmrcFile, ...]]:
        index: dict[str, list[NpmrcFile]] = {}
        for npmrc in self.npmrcs:
            index.setdefault(npmrc.path.rpartition("/")[0], []).append(npmrc)
        return {folder: tuple(files) for folder, files in index.items()}


# --------------------------------------------------------------------------------------------
# Findings


@frozen_dataclass(order=True)
class Edit:
    """Replace ``[start, end)`` of the file at ``path`` with ``replacement``.

    Offsets count characters of the file's text as the workspace reads it (line endings kept,
    a UTF-8 BOM left out); ``start == end`` inserts.
    """

    path: str
    start: int
    end: int
    replacement: str


@frozen_dataclass
class Fix:
    """The edits that resolve a finding, applied together or not at all."""

    edits: tuple[Edit, ...]
    applicability: Applicability = Applicability.SAFE
    description: str = ""


@frozen_dataclass(order=True)
class Finding:
    """One reported problem. Sorted by location, then rule id, for deterministic output."""

    location: Location
    rule_id: str
    message: str = field(compare=False)
    severity: Severity = field(compare=False, default=Severity.WARNING)
    confidence: Confidence = field(compare=False, default=Confidence.HIGH)
    related: tuple[Related, ...] = field(compare=False, default=())
    # Text of secrets that appear in the message or snippet; reporters redact them.
    secrets: tuple[str, ...] = field(compare=False, default=())
    # What the finding is about, for a rule that reports each subject once (a job, a package):
    # the engine keeps the first finding of each subject (rule.Repeats.SAME_SUBJECT). Not shown.
    subject: tuple[str, ...] = field(compare=False, default=())
    # Optional structure for the text output: ``title`` the short problem, ``help`` the change to
    # make. ``message`` stays the whole story (JSON, SARIF, concise); the text output shows
    # title and help when a rule gives them and the message's other sentences as a note.
    title: str = field(compare=False, default="")
    help: str = field(compare=False, default="")
    # The edits that resolve this finding, when the rule knows them (``--fix``); not shown.
    fix: Fix | None = field(compare=False, default=None)
