"""Walk one job's steps in order, as the runner executes them, and collect its facts.

State carried from step to step mirrors what the runner carries: the environment (including
``$GITHUB_ENV``/``$BASH_ENV`` exports and setup-node's ``NODE_AUTH_TOKEN``), the npmrc files in
effect (setup-node's user npmrc, npmrc files written by scripts) and npm upgrades. Within a step,
``cd`` and ``export`` change what later commands of the same shell see.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from npm_auth_lint import commands as cmds
from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis import release_it
from npm_auth_lint.analysis import scripts as repo_scripts
from npm_auth_lint.analysis.credentials import (
    AuthLine,
    NpmrcLayer,
    env_credential,
    expanded_when_written,
    line_credential,
    long_lived,
    npm_credential,
    runtime_var,
    setup_node_layer,
    value_credential,
)
from npm_auth_lint.analysis.facts import (
    Credential,
    CredentialChannel,
    InstallFact,
    JobFacts,
    NodeSetup,
    NpmrcWriteFact,
    NpmUpgradeFact,
    PublishFact,
    TargetOrigin,
    ToolPin,
    UnfollowedCommand,
    Unknown,
    UnknownKind,
)
from npm_auth_lint.analysis.job_toolchain import volta_pins
from npm_auth_lint.analysis.memo import yarn_auth_entries
from npm_auth_lint.analysis.packages import (
    Attribution,
    change_dir,
    computed,
    join_dir,
    normalise_dir,
    package_for_dir,
    published_packages,
    selector_attribution,
    spec_attribution,
    tool_pin,
    workspace_packages,
)
from npm_auth_lint.analysis.registry_urls import NPMJS, is_local_registry, nerf_dart, scope_matches
from npm_auth_lint.analysis.rewrites import renamed_package_folders
from npm_auth_lint.analysis.semantic_release import publishes_to_npm, semantic_release_pin
from npm_auth_lint.analysis.targets import WrittenRegistry, publish_target, setup_node_scope
from npm_auth_lint.analysis.targets import provenance as provenance_request
from npm_auth_lint.analysis.variables import bind_arguments, expand_value
from npm_auth_lint.knowledge.publishing import ORB_COMMANDS, KnownAction
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import (
    Command,
    EnvScope,
    EnvVar,
    IdToken,
    Job,
    Location,
    NpmrcEntry,
    NpmrcKind,
    PackageJson,
    Pipeline,
    Project,
    Provider,
    Related,
    Step,
    Text,
    ValueSource,
    ValueSourceKind,
    frozen_map,
)
from npm_auth_lint.redact import redact
from npm_auth_lint.shell import in_substitution, split_script

NPM_AUDIENCE = "npm:registry.npmjs.org"
# Publishers that publish the workspace's packages rather than the current one; the
# changesets/action sub-action `changesets/action/publish` has no `publish:` script to read.
# (A publishing action that does so says it in the known-actions table: `publishes_workspace`.)
_WORKSPACE_TOOLS = frozenset({cmds.Tool.LERNA, cmds.Tool.LERNA_LITE, cmds.Tool.CHANGESETS, cmds.Tool.NX})
# Tools that read NPM_TOKEN from the environment and write their own npmrc with it.
_READS_NPM_TOKEN = frozenset({cmds.Tool.SEMANTIC_RELEASE})
_PROJECT_NPMRC = lazy_regex.compile(r"^(?:\./)?(?:\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR|CIRCLE_WORKING_DIRECTORY|PWD)\}?/)?\.npmrc$")
_MATRIX_REF = lazy_regex.compile(r"\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")
_USER_NPMRC = lazy_regex.compile(r"^(?:~|\$\{?HOME\}?|/root|/home/[^/]+|\$\{?NPM_CONFIG_USERCONFIG\}?|\$\{?RUNNER_TEMP\}?/\.npmrc)(?:/\.npmrc)?$", re.I)


@frozen_dataclass
class _Found:
    """A publish step as found, before the job's ID token and packages are filled in."""

    location: Location  # the publish command's line, or the publishing action's `uses:` line
    tool: cmds.Tool | None  # the publishing tool; None when an action publishes by itself
    publisher_action: str | None  # then: the action's key in the publisher table
    display: str
    target: tuple[str, TargetOrigin, str]  # registry URL, where it comes from, that in words
    credential: Credential | None
    provenance: tuple[bool | None, str | None]
    package: PackageJson | None
    workspace: bool  # publishes the workspace's packages rather than `package`
    command: Command | None = None
    tool_pin: ToolPin | None = None
    action_pin: ToolPin | None = None
    script_location: Location | None = None
    id_token: IdToken | None = None
    stage: bool = False  # `npm stage publish`
    container_image: str | None = None  # the image a wrapper runs it in (`docker run IMAGE`)
    attribution: Attribution | None = None  # None: the package of `package`/`workspace` above
    unknowns: tuple[Unknown, ...] = ()


@dataclass
class _State:
    """What the runner carries from one step to the next."""

    env: dict[str, EnvVar]
    layers: list[NpmrcLayer] = field(default_factory=list)
    registry_url: str | None = None  # setup-node registry-url (unscoped)
    # setup-node registry-url written as `@scope:registry=` (its `scope` input, or the repository
    # owner for GitHub Packages): it applies only to packages of that scope.
    scoped_registries: dict[str, str] = field(default_factory=dict)
    id_token_exported: Location | None = None  # CircleCI: BASH_ENV export of NPM_ID_TOKEN
    id_token_unknown: Unknown | None = None  # ... whose audience is computed at run time
    yarn_lines: list[AuthLine] = field(default_factory=list)  # npmAuthToken written to a .yarnrc.yml
    # `registry=` / `@scope:registry=` lines written to an npmrc by a script.
    registries: list[WrittenRegistry] = field(default_factory=list)


@dataclass
class _Shell:
    """What one shell (a `run:`/`script:` block) carries from command to command."""

    index: int
    step: Step
    directory: str  # follows `cd`
    env: dict[str, EnvVar]  # the step's environment plus this shell's exports
    unexported: dict[str, cmds.IdTokenExport] = field(default_factory=dict)  # set, not yet exported
    id_token_here: Location | None = None  # where this shell exported the npm ID token
    variables: dict[str, str] = field(default_factory=dict)  # `X=value` set in this shell, as written
    # Why the current folder cannot be known (`cd $DIR`, `working-directory: ${{ vars.X }}`).
    directory_unknown: str | None = None
    # While it is unknown: how many folders below ``directory`` it is, when the loop words of
    # `for d in npm/*; do cd $d` tell (2); a `cd ../..` then comes back to ``directory``.
    unknown_depth: int | None = None
    # `pushd`: the folders `popd` comes back to (folder, why unknown, depth).
    pushed: list[tuple[str, str | None, int | None]] = field(default_factory=list)
    id_token_unknown: Unknown | None = None  # the exported ID token's audience is computed


@dataclass
class _Collector:
    """The facts of one job, gathered step by step before they are frozen into JobFacts."""

    publishes: list[PublishFact] = field(default_factory=list)
    installs: list[InstallFact] = field(default_factory=list)
    upgrades: list[NpmUpgradeFact] = field(default_factory=list)
    writes: list[NpmrcWriteFact] = field(default_factory=list)
    logins: list[tuple[Location, str]] = field(default_factory=list)
    runs_code: list[Location] = field(default_factory=list)
    node_setups: list[NodeSetup] = field(default_factory=list)
    unfollowed: list[UnfollowedCommand] = field(default_factory=list)
    local_publishes: list[Location] = field(default_factory=list)
    hops: dict[tuple[str, int], tuple[Related, ...]] = field(default_factory=dict)
    built_images: dict[str, Text] = field(default_factory=dict)


def _initial_env(job: Job) -> dict[str, EnvVar]:
    env: dict[str, EnvVar] = {}
    for variable in job.env:  # global first, then job: later wins, as on every provider
        env[variable.name] = variable
    return env


def _project_layers(project: Project, directory: str) -> list[NpmrcLayer]:
    """The committed .npmrc files npm reads for a command run in ``directory``."""
    package = package_for_dir(project, directory)
    prefix = package.directory if package is not None else ""
    folders = ("",) if not prefix else ("", prefix)
    layers: list[NpmrcLayer] = []
    for folder in folders:
        for npmrc in project.npmrcs_in(folder):
            if npmrc.kind is not NpmrcKind.NPMRC:
                continue
            lines = tuple(
                AuthLine(e.scope if e.scope and e.scope.startswith("//") else None, e.key, e.value, e.location, f"{npmrc.path} line {e.location.line}")
                for e in npmrc.entries
            )
            layers.append(NpmrcLayer("project", lines))
    return layers


def _script_display(result: cmds.Publish, fallback: str) -> str:
    """`npm run release` publishes through a package.json script: name both. A command run by
    another (`xargs ... sh -c 'npm publish'`) is named by itself."""
    if result.script_command is None:
        return _display(result.command, fallback)
    if not result.via_scripts:
        text = _display(result.script_command, fallback)
    elif result.through and result.wrapped is None:
        # `lerna run release` ran the script: the CI command names the wrapper already.
        return f"{_display(result.command, fallback)} → {_display(result.script_command, fallback)}"
    else:
        text = f"{_display(result.wrapped or result.command, fallback)} → {_display(result.script_command, fallback)}"
    # A wrapper ran it (`lerna exec -- npm publish`): say which.
    return f"{text} (through {', '.join(result.through)})" if result.through else text


def _input(inputs: Mapping[str, Text], name: str | None) -> Text | None:
    """An action's input by the name the known-actions table gives (None: no such input)."""
    return inputs.get(name) if name is not None else None


def _enabled(value: Text | None) -> bool:
    """An action input that switches something on: present and not ``false`` (``run_install: false``)."""
    return value is not None and value.value.strip().lower() not in ("", "false", "null", "0", "no")


_WHOLE_REFERENCE = lazy_regex.compile(r"^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_-]*\s*\}\})$")


def _whole_file_reference(result: cmds.NpmrcWrite) -> str | None:
    """The one variable or secret an npmrc is written from whole (``echo "$NPMRC" > ~/.npmrc``,
    ``echo $NPMRC | base64 -d > ~/.npmrc``, ``cat $NPMRC_FILE > .npmrc``), when its content has no
    setting the tool can read."""
    if result.entries:
        return None
    command = result.command
    words = [*(w for feeder in command.piped_from for w in feeder), *command.words[1:], *result.content.split()]
    found = {word.strip() for word in words if _WHOLE_REFERENCE.match(word.strip())}
    return found.pop() if len(found) == 1 else None


def _settings_npm_token(provider: Provider, where: Location) -> Credential | None:
    """The ``NPM_TOKEN`` semantic-release needs when no ID token is wired, on GitLab and CircleCI.

    Without the ID token semantic-release cannot publish unless ``NPM_TOKEN`` is set, and there
    project/group CI variables and contexts reach every job without a line in the file (on GitHub a
    secret must be mapped into ``env:``, so a missing one really means no token).
    """
    if provider is Provider.GITHUB:
        return None
    return Credential(
        ValueSource(ValueSourceKind.VARIABLE, "NPM_TOKEN"),
        where,
        "NPM_TOKEN (read by semantic-release; not set in the file, so a CI/CD variable or context)",
        CredentialChannel.ENVIRONMENT,
        variable="NPM_TOKEN",
        defined_in_file=False,
    )


_AUTH_FLAG = lazy_regex.compile(r"^--(?P<scope>//[^=]*?:)?(?P<key>_authToken|_auth|_password)=(?P<value>.+)$")


def _credential_flag(command: Command, target: str) -> tuple[str, str] | None:
    """A credential given as npm config on the command line (``--//host/:_authToken=...``) that
    applies to ``target``: the flag's name and its value as written."""
    words = list(command.words)
    for index, word in enumerate(words):
        match = _AUTH_FLAG.match(word)
        value = match.group("value") if match else None
        if match is None:
            # `--_auth VALUE`: npm reads a config flag's value from the next word too (issue #13).
            match = _AUTH_FLAG_BARE.match(word)
            following = words[index + 1] if index + 1 < len(words) else ""
            if match is None or not following or following.startswith("-"):
                continue
            value = following
        scope = match.group("scope")
        if scope is None or scope_matches(scope[:-1], target):
            return f"--{scope or ''}{match.group('key')}", value  # type: ignore[return-value]
    return None


_AUTH_FLAG_BARE = lazy_regex.compile(r"^--(?P<scope>//[^=]*?:)?(?P<key>_authToken|_auth|_password)$")


def _display(command: Command | None, fallback: str) -> str:
    """A command as messages quote it: its words, redacted, then shortened.

    Redacted before it is cut: reporters cannot recognise a token whose end the cut removed.
    """
    if command is None:
        return fallback
    text = redact(" ".join(w for w in command.words if w)) or fallback
    return text if len(text) <= 60 else text[:57].rstrip() + "..."


_COMMAND_VARIABLE = lazy_regex.compile(r"^\$(?:([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\}|\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\})$")


def _variable_command(command: Command, shell: _Shell) -> tuple[Command, ...]:
    """``$PUBLISH --tag next`` where the shell (``PUBLISH="npm publish"``) or the file's env sets
    ``PUBLISH`` to a literal: the commands it names; otherwise the command as written."""
    match = _COMMAND_VARIABLE.match(command.words[0]) if command.words else None
    if match is None:
        return (command,)
    name = match.group(1) or match.group(2) or match.group(3)
    value = shell.variables.get(name) if match.group(3) is None else None
    variable = shell.env.get(name)
    if value is None and variable is not None and variable.source.kind is ValueSourceKind.LITERAL:
        value = variable.value
    if value is None or "$" in value:
        return (command,)  # known only at run time: classification says it cannot be followed
    text = " ".join([value, *(shlex.quote(word) for word in command.words[1:])])
    where = command.location
    return split_script(text, path=where.path, first_line=where.line, column=where.column) or (command,)


def _reads_env_token(known: KnownAction, pin: ToolPin) -> bool:
    """Whether this version of the action reads its token variable (changesets/action < 2 writes an
    npmrc from NPM_TOKEN; v2 does not). An unknown version (a branch, a bare SHA) is taken to."""
    version = cmds.ref_version(pin.version)
    return known.env_token_until_major is None or version is None or version[0] < known.env_token_until_major


class _JobWalker:
    def __init__(self, project: Project, pipeline: Pipeline, job: Job) -> None:
        self.project = project
        self.pipeline = pipeline
        self.job = job
        self.provider = job.provider
        self.state = _State(env=_initial_env(job))
        self.out = _Collector()
        # Inside a followed repository script: the hops from the CI line, and the files on the way.
        self._chain: tuple[Related, ...] = ()
        self._following: frozenset[str] = frozenset()
        self._publishes_only = False  # a matrix leg after the first: only its publishes count
        self._members: tuple[cmds.WorkspaceMember, ...] | None = None
        # Folders whose package.json a command of the job may have renamed, and where.
        self._renamed: dict[str, Location] = {}
        # The first position of each folder in a tuple of packages (by the tuple's id), for
        # :meth:`_first_renamed`.
        self._package_positions: dict[int, tuple[tuple[PackageJson, ...], dict[str, int]]] = {}

    def _workspace(self) -> tuple[cmds.WorkspaceMember, ...]:
        """The monorepo's packages, for wrappers that run in each (`lerna run X`); built once."""
        if self._members is None:
            root = self.project.package_at("")
            self._members = cmds.workspace_members(workspace_packages(self.project, root)) if root is not None else ()
        return self._members

    # Steps ------------------------------------------------------------------------------

    def walk(self) -> JobFacts:
        if self.job.image is not None:
            self.out.node_setups.append(NodeSetup(-1, "image", self.job.image))
        for index, step in enumerate(self.job.steps):
            env = {**self.state.env, **{v.name: v for v in step.env}}
            if step.uses is not None:
                self._action(index, step, env)
            if step.commands:
                self._script(index, step, env)
        level = tuple(
            credential
            for variable in self.job.env
            if (credential := long_lived(Credential(
                variable.source, variable.location, variable.name, CredentialChannel.JOB_ENV, variable=variable.name, scope=variable.scope,
            )))
        )
        return JobFacts(
            pipeline=self.pipeline,
            job=self.job,
            publishes=tuple(self.out.publishes),
            installs=tuple(self.out.installs),
            npm_upgrades=tuple(self.out.upgrades),
            npmrc_writes=tuple(self.out.writes),
            logins=tuple(self.out.logins),
            runs_code=tuple(self.out.runs_code),
            node_setups=tuple(self.out.node_setups),
            job_level_credentials=level,
            unfollowed=tuple(self.out.unfollowed),
            local_publishes=tuple(self.out.local_publishes),
            hops=frozen_map(self.out.hops),
            built_images=frozen_map(self.out.built_images),
        )

    def _step_dir(self, step: Step) -> str:
        if step.working_directory is not None:
            return normalise_dir(step.working_directory)
        return normalise_dir(self.job.default_working_directory or "")

    # Actions ----------------------------------------------------------------------------

    def _action(self, index: int, step: Step, env: dict[str, EnvVar]) -> None:
        """A ``uses:`` step: what its row in the known-actions table says it does."""
        assert step.uses is not None
        ref = cmds.classify_action(step.uses.value)
        if ref.known is not None and ref.kind is cmds.ActionKind.SETUP_NODE:
            self._setup_node(index, step, ref.known, ref.ref)
            return
        if ref.known is not None and ref.kind is cmds.ActionKind.SETUP_VOLTA:
            self._setup_volta(index, step, ref.known)
            return
        if self.provider is Provider.CIRCLECI:
            self._orb_command(index, step)
        if ref.kind is cmds.ActionKind.INSTALL and (ref.condition is None or _enabled(step.inputs.get(ref.condition))):
            self._install(index, step, step.uses.location, ref.raw.split("@")[0], env, self._step_dir(step))
        elif ref.known is not None and ref.kind is cmds.ActionKind.PUBLISH:
            self._action_publish(index, step, ref, ref.known, env)

    def _setup_node(self, index: int, step: Step, known: KnownAction, action_ref: str | None) -> None:
        inputs = step.inputs
        registry = _input(inputs, known.registry_input)
        self.out.node_setups.append(
            NodeSetup(
                index, "setup-node", _input(inputs, known.node_version_input), _input(inputs, known.node_version_file_input),
                registry, action_ref, always_auth=_input(inputs, known.always_auth_input),
            )
        )
        if registry is None or not registry.value.strip():
            return
        url = registry.value.strip()
        scope = setup_node_scope(_input(inputs, known.scope_input), url, self.project)
        if scope is None:
            self.state.registry_url = url
        else:
            self.state.scoped_registries[scope] = url
        self.state.layers.append(setup_node_layer(url, registry.location))
        # setup-node exports NODE_AUTH_TOKEN to every later step: the step's own value,
        # or (v4-v6) a placeholder.
        own = next((v for v in step.env if v.name == "NODE_AUTH_TOKEN"), None)
        if own is not None:
            self.state.env["NODE_AUTH_TOKEN"] = replace(own, scope=EnvScope.RUNTIME)

    def _setup_volta(self, index: int, step: Step, known: KnownAction) -> None:
        # volta-cli/action installs `node-version`, else Volta runs the Node that package.json
        # (`package-json-path`, by default the checkout root's) pins in `volta.node`.
        assert step.uses is not None
        inputs = step.inputs
        manifest = _input(inputs, known.node_version_file_input) or Text("package.json", step.uses.location)
        self.out.node_setups.append(NodeSetup(index, "volta", _input(inputs, known.node_version_input), manifest))
        npm = _input(inputs, known.npm_version_input)
        if npm is None or not npm.value.strip():
            npm = volta_pins(self.project, manifest.value)[1]  # Volta's npm shim runs a pinned npm
        if npm is not None and npm.value.strip():
            self.out.upgrades.append(NpmUpgradeFact(index, npm.location, npm.value.strip(), "volta", f"volta npm@{npm.value.strip()}"))

    def _orb_command(self, index: int, step: Step) -> None:
        """A CircleCI orb command that installs Node (the circleci/node orb's ``node/install``;
        in orb 4.x it installs an npm too)."""
        assert step.uses is not None
        for orb in ORB_COMMANDS:
            if step.uses.value.endswith(orb.suffix) and orb.node_version_input in step.inputs:
                self.out.node_setups.append(NodeSetup(index, "orb", step.inputs.get(orb.node_version_input)))
                return

    def _action_pin(self, step: Step, ref: cmds.ActionRef) -> ToolPin:
        """The publishing action and the version its ref pins (`@<sha> # v1.7.0`: the comment's tag)."""
        assert step.uses is not None
        version = ref.ref or ""
        if cmds.ref_version(version) is None and step.uses_comment is not None:
            version = step.uses_comment.value.removeprefix("tag=")  # `@<sha> # v1.7.0`: the tag the SHA pins
        return ToolPin(ref.publisher or ref.raw, version, step.uses.location)

    def _script_input_publish(self, text: Text, package: PackageJson | None) -> cmds.Publish | None:
        """The first publish of the shell script an action runs (changesets/action `publish:`)."""
        commands = split_script(text.value, path=text.location.path, first_line=text.location.line)
        scripts = cmds.script_lookup(package)
        for command in commands:
            found = [r for r in cmds.classify(command, scripts, self._workspace()) if isinstance(r, cmds.Publish)]
            if found:
                return found[0]
        return None

    def _action_publish(self, index: int, step: Step, ref: cmds.ActionRef, known: KnownAction, env: dict[str, EnvVar]) -> None:
        assert step.uses is not None
        # An input a later major renamed (changesets/action v2 `publish-script`) reads as the old name.
        inputs = {**step.inputs, **{old: step.inputs[new] for new, old in known.renamed_inputs.items() if new in step.inputs}}
        if ref.condition is not None and ref.condition not in inputs:
            return  # changesets/action without `publish:` only opens version PRs
        pin = self._action_pin(step, ref)
        directory = self._step_dir(step)
        package = package_for_dir(self.project, directory)
        inner: cmds.Publish | None = None
        if known.script_input is not None and ref.condition == known.script_input:
            inner = self._script_input_publish(inputs[known.script_input], package)
            if inner is None:
                return  # the script does not publish (e.g. only tags)
        name = ref.publisher or ref.raw
        if known.token_input is not None:  # the action publishes with its own inputs
            credential, target, package, provenance = self._own_inputs(known, inputs, env, directory, package)
        else:
            target = publish_target(self.project, inner, env, self.state, package, directory)
            credential = npm_credential(target[0], env, self._layers(directory), self.provider)
            if known.env_token is not None and _reads_env_token(known, pin) and (credential is None or not credential.is_long_lived):
                credential = env_credential(known.env_token, env, f"read by {name}") or credential
            provenance = provenance_request(inner, env, package, self.project)
        if inner is not None:  # the action runs a publishing tool: the tool is the publisher
            attribution = self._moved_attribution(_Shell(index, step, directory, dict(env)), inner, env)
            found = _Found(
                step.uses.location, inner.tool, None, name, target, credential, provenance, package,
                workspace=inner.recursive or inner.tool in _WORKSPACE_TOOLS,
                tool_pin=tool_pin(inner.tool_package, self.project, package), action_pin=pin,
                attribution=attribution,
                unknowns=_package_unknown(attribution, inner.script_command.location) if attribution and inner.script_command else (),
            )
        else:
            version = _input(inputs, known.tool_version_input)
            tool = ToolPin(name, version.value.strip(), version.location) if version is not None and version.value.strip() else pin
            found = _Found(
                step.uses.location, None, name, name, target, credential, provenance, package,
                workspace=known.publishes_workspace, tool_pin=tool, action_pin=pin,
            )
        self._add_publish(index, step, found)

    def _own_inputs(
        self, known: KnownAction, inputs: Mapping[str, Text], env: dict[str, EnvVar], directory: str, package: PackageJson | None
    ) -> tuple[Credential | None, tuple[str, TargetOrigin, str], PackageJson | None, tuple[bool | None, str | None]]:
        """Credential, target, package and provenance of an action that publishes with its own
        registry client, read from its inputs (JS-DevTools/npm-publish)."""
        credential: Credential | None = None
        token = _input(inputs, known.token_input)
        if token is not None:
            credential = value_credential(token.value, token.location, f"the action's `{known.token_input}` input", env, self.provider, CredentialChannel.ACTION_INPUT)
        registry = _input(inputs, known.registry_input)
        if registry is not None:
            target = (registry.value, TargetOrigin.ACTION_INPUT, f"the action's `{known.registry_input}` input")
        else:
            target = (NPMJS, TargetOrigin.ACTION_DEFAULT, "the action's default registry")
        folder_input = _input(inputs, known.package_input)
        if folder_input is not None:
            folder = folder_input.value.removesuffix("package.json").rstrip("/")
            package = package_for_dir(self.project, join_dir(directory, folder) or directory)
        flag = _input(inputs, known.provenance_input)
        provenance = (flag.value.strip().lower() == "true", f"the action's `{known.provenance_input}` input") if flag else (None, None)
        return credential, target, package, provenance

    # Scripts ----------------------------------------------------------------------------

    def _layers(self, directory: str) -> list[NpmrcLayer]:
        return [*_project_layers(self.project, directory), *self.state.layers]

    def _script(self, index: int, step: Step, env: dict[str, EnvVar]) -> None:
        # A matrix that sets the working directory runs the step once per leg: each leg's
        # publishes count; the rest (writes, exports) is the same in every leg and counts once.
        legs = self._matrix_expansions(self._step_dir(step))
        for leg, directory in enumerate(legs or [self._step_dir(step)]):
            shell = _Shell(index, step, normalise_dir(directory), dict(env))
            if computed(directory) or (legs is None and step.working_directory is not None and computed(step.working_directory)):
                shell.directory_unknown = f"the folder `working-directory: {step.working_directory}` names"
            self._shell(shell, publishes_only=leg > 0)

    def _shell(self, shell: _Shell, publishes_only: bool) -> None:
        self._publishes_only = publishes_only
        try:
            self._run_commands(shell, shell.step.commands)
        finally:
            self._publishes_only = False

    def _run_commands(self, shell: _Shell, commands: tuple[Command, ...], makes_followed: bool = False) -> None:
        """Classify the commands of one shell in order; ``cd`` moves it. ``makes_followed``: a
        Makefile recipe line whose sub-makes the Makefile expansion already followed."""
        for written, nested in zip(commands, in_substitution(commands)):
            if self._chain:  # a line of a repository script: findings there show the way to it
                self.out.hops.setdefault((written.location.path, written.location.line), self._chain)
            if written.words[:1] in (("cd",), ("pushd",)) and len(written.words) >= 2:
                if not nested:  # `$(cd x; pwd)` moves only the substitution's subshell
                    if written.words[0] == "pushd":
                        shell.pushed.append((shell.directory, shell.directory_unknown, shell.unknown_depth))
                    _cd(shell, written.words[1], written.loops, written.words[0])
                continue
            if written.words[:1] == ("popd",):
                if shell.pushed and not nested:
                    shell.directory, shell.directory_unknown, shell.unknown_depth = shell.pushed.pop()
                continue
            if not written.words:
                for name, value in written.assignments:  # in order: `A=x B=$A` sees the new A
                    shell.variables[name] = expand_value(value, shell.variables)
            build = repo_scripts.docker_build(written)
            if build is not None:
                self._docker_build(shell, build)
            package = package_for_dir(self.project, shell.directory)
            scripts = cmds.script_lookup(package)
            for leg in self._matrix_commands(written, scripts):
                for command in _variable_command(leg, shell):
                    self._classified(shell, bind_arguments(command, shell.variables), package, scripts, makes_followed)

    def _classified(self, shell: _Shell, command: Command, package: PackageJson | None, scripts: cmds.ScriptLookup, makes_followed: bool) -> None:
        if shell.directory_unknown is None:
            for folder in renamed_package_folders(command, shell.directory):
                self._renamed.setdefault(folder, command.location)
        command_env = dict(shell.env)
        for name, value in command.assignments:
            command_env[name] = runtime_var(name, value, command.location, self.provider, shell.env)
        for result in cmds.classify(command, scripts, self._workspace()):
            if makes_followed and isinstance(result, cmds.RunsScript) and result.kind is cmds.ScriptKind.MAKE:
                continue  # the Makefile expansion already followed this sub-make
            if not self._publishes_only or isinstance(result, (cmds.Publish, cmds.RunsScript)):
                self._command_result(shell, command, result, command_env, package)

    def _matrix_expansions(self, text: str) -> list[str] | None:
        """``text`` once per value of the first matrix axis it names (``${{ matrix.pkg }}``);
        None when it names none, or an axis without values (then it stays as written)."""
        match = _MATRIX_REF.search(text)
        axis = next((a for a in self.job.matrix if match is not None and a.name == match.group(1)), None)
        if match is None or axis is None or not axis.values:
            return None
        name = axis.name

        def leg(value: str) -> str:
            return _MATRIX_REF.sub(lambda m: value if m.group(1) == name else m.group(0), text)

        return [leg(value.value) for value in axis.values]

    def _matrix_commands(self, command: Command, scripts: cmds.ScriptLookup) -> tuple[Command, ...]:
        """A command that names a matrix value (``run: ${{ matrix.cmd }}``, ``npm run ${{
        matrix.script }}``) and does not publish as written: one command per leg."""
        texts = self._matrix_expansions(command.text)
        if texts is None or any(isinstance(r, cmds.Publish) for r in cmds.classify(command, scripts, self._workspace())):
            return (command,)
        where = command.location
        legs = [split_script(text, path=where.path, first_line=where.line, column=where.column) for text in texts]
        publishes = any(isinstance(r, cmds.Publish) for leg in legs for c in leg for r in cmds.classify(c, scripts, self._workspace()))
        # When no leg publishes, one leg stands for all (its installs and writes are every leg's),
        # so `npm test -- --shard=${{ matrix.shard }}` is not counted once per shard.
        return tuple(c for leg in (legs if publishes else legs[:1]) for c in leg)

    # Repository scripts -----------------------------------------------------------------

    def _follow(self, shell: _Shell, command: Command, run: cmds.RunsScript, env: dict[str, EnvVar], package: PackageJson | None) -> None:
        """Run the repository file ``run`` names with this shell's state, as if its commands
        were written here (spec: "Publish step", repository scripts)."""
        target = repo_scripts.resolve(run, repo_scripts.run_directory(run, shell.directory, package))
        shown = repo_scripts.display(run)
        where = run.script_command.location if run.script_command is not None else command.location
        noted = repo_scripts.worth_a_note(run, run.script_command or command)
        if target.problem is not None:
            if noted:
                outside = target.directory == ".." or target.directory.startswith("../")
                self.out.unfollowed.append(UnfollowedCommand(where, f"`{shown}`: {target.problem}", run.path or run.runner, outside))
            return
        script = repo_scripts.script_at(self.project, target)
        if script is not None and script.path in self._following:
            return  # a cycle: the file is already being followed further out
        if len(self._following) >= repo_scripts.MAX_HOPS:
            self.out.unfollowed.append(UnfollowedCommand(where, f"`{shown}`: not followed, deeper than {repo_scripts.MAX_HOPS} files"))
            return
        if script is None:
            if noted and target.worth_noting:
                self.out.unfollowed.append(UnfollowedCommand(where, f"`{shown}`: {repo_scripts.missing_reason(self.project, target)}"))
            return
        hops = (Related(command.location, f"runs `{shown}`"), *(Related(loc, f"package.json script `{name}`") for name, loc in run.via_scripts))
        environment = {name: f"${{{name}}}" for name in env}  # make reads the environment as variables
        shells, notes = repo_scripts.shells_of(script, run, target, repo_scripts.project_makefiles(self.project), environment)
        self.out.unfollowed.extend(UnfollowedCommand(location, message) for location, message in notes)
        saved = self._chain, self._following
        self._following = self._following | {script.path}
        try:
            for inner in shells:
                self._chain = (*saved[0], *hops, *inner.hops)
                self._run_shell(shell, inner, env)
        finally:
            self._chain, self._following = saved

    def _docker_build(self, shell: _Shell, build: repo_scripts.DockerBuild) -> None:
        """``docker build -t T``: a later ``docker run T`` runs on the Node of the Dockerfile's
        ``FROM`` line."""
        from npm_auth_lint.parsers.dockerfile import Dockerfile  # loaded by now if a Dockerfile was read

        dockerfile = repo_scripts.script_at(self.project, repo_scripts.dockerfile_target(build, shell.directory))
        if not isinstance(dockerfile, Dockerfile):
            return
        image = repo_scripts.built_image(dockerfile, build.stage)
        if image is not None:
            for tag in build.tags:
                self.out.built_images[repo_scripts.image_name(tag)] = image

    def _run_shell(self, caller: _Shell, inner: repo_scripts.ScriptShell, env: dict[str, EnvVar]) -> None:
        """One shell of a followed file: the caller's own (``source``) or a child that starts
        with the caller's environment and folder and dies with its exports."""
        shell = caller if inner.shared else _Shell(caller.index, caller.step, inner.directory, dict(env), id_token_here=caller.id_token_here)
        if shell is not caller and inner.directory == caller.directory:
            # A child started where the caller is: in a folder it cannot know (`pushd "$path"`) too.
            shell.directory_unknown, shell.unknown_depth = caller.directory_unknown, caller.unknown_depth
        first = inner.commands[0].location if inner.commands else None
        for name, value in inner.env:
            shell.env[name] = runtime_var(name, value, first or caller.step.location, self.provider, shell.env)
        before = len(self.out.publishes), len(self.out.unfollowed)
        self._run_commands(shell, inner.commands, inner.makes_followed)
        # A JS call assembled at run time that neither publishes nor was noted as run-time already.
        if inner.computed is not None and first is not None and (len(self.out.publishes), len(self.out.unfollowed)) == before:
            self.out.unfollowed.append(UnfollowedCommand(first, f"`{redact(inner.computed)[:80]}` runs a command assembled at run time"))

    def _command_result(
        self, shell: _Shell, command: Command, result: cmds.Classified, env: dict[str, EnvVar], package: PackageJson | None
    ) -> None:
        """Record what one classified command does."""
        index, step = shell.index, shell.step
        if isinstance(result, cmds.Publish):
            self._command_publish(index, step, result, env, package, shell.directory, shell.id_token_here, shell)
        elif isinstance(result, cmds.Install):
            self._install(index, step, command.location, _display(command, result.tool), env, shell.directory)
            self.out.runs_code.append(command.location)
        elif isinstance(result, cmds.NpmUpgrade):
            self.out.upgrades.append(
                NpmUpgradeFact(index, command.location, result.spec, result.method, " ".join(command.words[:4]), result.method == "npx")
            )
        elif isinstance(result, cmds.Login):
            self.out.logins.append((command.location, _display(command, result.tool)))
        elif isinstance(result, cmds.NpmrcWrite):
            self._npmrc_write(index, result, env)
        elif isinstance(result, cmds.IdTokenExport):
            self._id_token_export(shell, command, result)
        elif isinstance(result, cmds.EnvExport):
            self._env_export(shell, command, result)
        elif isinstance(result, cmds.RunsCode):
            self.out.runs_code.append(command.location)
        elif isinstance(result, cmds.RunsScript):
            self._follow(shell, command, result, env, package)
        elif isinstance(result, cmds.Unfollowed):
            through = f" (through {', '.join(result.through)})" if result.through else ""
            program = command.words[0] if command.words else ""
            self.out.unfollowed.append(UnfollowedCommand(command.location, result.what + through, program))

    def _id_token_export(self, shell: _Shell, command: Command, result: cmds.IdTokenExport) -> None:
        """``NPM_ID_TOKEN=$(circleci run oidc get ...)``: exported to later steps (``$BASH_ENV``),
        to this shell, or set and exported by a later ``export``."""
        if result.target is cmds.ExportTarget.UNEXPORTED:
            shell.unexported[result.name] = result
        elif _npm_id_token(result):
            unknown = _audience_unknown(result, command.location)
            if result.target is cmds.ExportTarget.BASH_ENV:
                self.state.id_token_exported, self.state.id_token_unknown = command.location, unknown
            elif not result.via_scripts:
                shell.id_token_here, shell.id_token_unknown = command.location, unknown

    def _env_export(self, shell: _Shell, command: Command, result: cmds.EnvExport) -> None:
        token = shell.unexported.get(result.name)
        if token is not None and result.value is None and result.target is cmds.ExportTarget.SHELL:
            if _npm_id_token(token):
                shell.id_token_here, shell.id_token_unknown = command.location, _audience_unknown(token, token.command.location)
            return
        if result.value is None or (result.via_scripts and not result.target.persists):
            return  # an export inside a package script dies with the script's process
        variable = runtime_var(result.name, result.value, command.location, self.provider, shell.env)
        if result.target.persists:
            self.state.env[result.name] = variable
            shell.env[result.name] = variable
        elif result.target is cmds.ExportTarget.SHELL:
            shell.env[result.name] = variable

    def _install(self, index: int, step: Step, location: Location, display: str, env: dict[str, EnvVar], directory: str) -> None:
        credentials: list[Credential] = []
        layers = self._layers(directory)
        seen: set[str] = set()
        for layer in layers:
            for line in layer.lines:
                if line.key not in ("_authToken", "_auth", "_password"):
                    continue
                credential = long_lived(line_credential(line, env, self.provider))
                if credential is not None and credential.via not in seen:
                    seen.add(credential.via)
                    credentials.append(credential)
        order = len(self.out.installs) + len(self.out.writes)
        self.out.installs.append(InstallFact(self.pipeline, self.job, step, index, location, display, tuple(credentials), order))

    def _npmrc_write(self, index: int, result: cmds.NpmrcWrite, env: dict[str, EnvVar]) -> None:
        target = result.target.strip().strip("\"'")
        location = result.command.location
        credential: Credential | None = None
        auth_entries = [e for e in result.entries if e.key in ("_authToken", "_auth", "_password", "npmAuthToken", "npmAuthIdent")]
        if auth_entries and all(self._for_local_registry(e, result.entries) for e in auth_entries):
            # A token for a local test registry (Verdaccio) is test data (spec: "Publish credential").
            self._record_write(index, result, None, env, None)
            return
        for entry in auth_entries:
            credential = value_credential(entry.value, location, f"written to {target} at line {location.line}", env, self.provider, CredentialChannel.NPMRC_WRITE)
            if credential is not None:
                break
        if credential is None and result.literal_credential:
            credential = value_credential(result.literal_credential, location, f"written to {target}", env, self.provider, CredentialChannel.NPMRC_WRITE)
        if credential is not None and credential.variable in result.kept_references:
            credential = None  # the file holds `${VAR}`, not the token: npm expands it when it reads the file
        whole = _whole_file_reference(result) if result.kind is NpmrcKind.NPMRC else None
        if credential is None and whole is not None:
            credential = value_credential(
                whole, location, f"the whole npmrc, written to {target} at line {location.line}", env, self.provider, CredentialChannel.NPMRC_WRITE,
            )
        self._record_write(index, result, credential, env, whole)

    def _for_local_registry(self, entry: NpmrcEntry, entries: tuple[NpmrcEntry, ...]) -> bool:
        """An auth entry scoped to a local test registry, or unscoped beside a local `registry=`."""
        if entry.scope and entry.scope.startswith("//"):
            return is_local_registry(entry.scope, self.job.services)
        registry = next((e.value for e in entries if e.key == "registry" and not e.scope), None)
        return registry is not None and is_local_registry(registry, self.job.services)

    def _record_write(
        self, index: int, result: cmds.NpmrcWrite, credential: Credential | None, env: dict[str, EnvVar], whole: str | None
    ) -> None:
        """Record an npmrc write and what it puts in effect for later commands (registries, auth lines)."""
        target = result.target.strip().strip("\"'")
        location = result.command.location
        self.out.writes.append(
            NpmrcWriteFact(
                index, location, target, long_lived(credential), _display(result.command, "npmrc write"), result.kind, result.entries,
                order=len(self.out.installs) + len(self.out.writes),
            )
        )
        level = _npmrc_level(target)
        via = f"{'yarnrc' if result.kind is NpmrcKind.YARNRC_YML else 'npmrc'} written at {location.path}:{location.line}"
        if result.kind is NpmrcKind.NPMRC:
            for entry in result.entries:
                if entry.key == "registry" and entry.value.strip():
                    scope = entry.scope if entry.scope and entry.scope.startswith("@") else None
                    self.state.registries.append(WrittenRegistry(scope, entry.value.strip(), via, level))
        lines = tuple(
            AuthLine(
                e.scope if e.scope and e.scope.startswith("//") else None, e.key, e.value, location, via,
                written=self._written_credential(result, e.value, location, via, env),
            )
            for e in result.entries
        )
        if result.kind is NpmrcKind.YARNRC_YML:
            self.state.yarn_lines.extend(line for line in lines if line.key == "npmAuthToken")
            return
        if result.kind is not NpmrcKind.NPMRC:
            return
        if whole is not None and long_lived(credential) is not None:
            # Its lines are not known: take it as the token for every registry.
            lines = (AuthLine(None, "_authToken", whole, location, f"the whole npmrc written at {location.path}:{location.line}"),)
        self.state.layers.append(NpmrcLayer(level, lines))

    def _written_credential(
        self, result: cmds.NpmrcWrite, value: str, location: Location, via: str, env: dict[str, EnvVar]
    ) -> Credential | None:
        """The credential a written value already holds when the shell expanded it while writing."""
        if not expanded_when_written(result.command.text, value):
            return None
        credential = value_credential(value, location, via, env, self.provider, CredentialChannel.NPMRC)
        return replace(credential, written_at=location) if credential is not None else None

    def _command_publish(
        self,
        index: int,
        step: Step,
        result: cmds.Publish,
        env: dict[str, EnvVar],
        package: PackageJson | None,
        directory: str,
        id_token_here: Location | None,
        shell: _Shell | None = None,
    ) -> None:
        if result.tool is cmds.Tool.SEMANTIC_RELEASE and not publishes_to_npm(self.project, directory):
            return  # its configuration releases without @semantic-release/npm publishing
        if result.tool is cmds.Tool.RELEASE_IT and not release_it.publishes_to_npm(self.project, directory, result.command.words):
            return  # `"release-it": {"npm": {"publish": false}}` or `--no-npm`: bump and tag only
        directory_unknown = shell.directory_unknown if shell else None
        if result.script_cds and shell is not None and directory_unknown is None:
            package, directory, directory_unknown = self._script_folder(shell, result)
        attribution = self._attribution(result, env, package, directory, directory_unknown)
        if attribution.unknown is not None or attribution.directory is None:
            package = None  # not the package of the current folder (unknown, or one per matrix leg)
        elif len(attribution.packages) == 1 and attribution.directory is not None:
            package, directory = attribution.packages[0], attribution.directory
        elif attribution.directory is not None and not (result.recursive or result.tool in _WORKSPACE_TOOLS):
            package, directory = package_for_dir(self.project, attribution.directory), attribution.directory
        root = self.project.package_at("")
        result = cmds.refine_tool(result, {**(root.dependencies if root else {}), **(package.dependencies if package else {})})
        target = publish_target(self.project, result, env, self.state, package, directory)
        tool = result.tool
        flag = _credential_flag(result.script_command or result.command, target[0])
        if flag is not None:
            # npm reads `--//host/:_authToken=x` as config given on the command line: it wins.
            credential = value_credential(flag[1], result.command.location, f"the `{flag[0]}` flag", env, self.provider, CredentialChannel.CLI_FLAG)
        elif tool is cmds.Tool.YARN_BERRY:
            credential = self._yarn_credential(env, target[0])
        else:
            credential = npm_credential(target[0], env, self._layers(directory), self.provider)
            if tool is cmds.Tool.BUN and credential is None:
                credential = env_credential("NPM_CONFIG_TOKEN", env, "read by bun")
        if tool in _READS_NPM_TOKEN and (credential is None or not credential.is_long_lived):
            credential = env_credential("NPM_TOKEN", env, "read by semantic-release") or credential
            if long_lived(credential) is None and not self._id_token_wired(id_token_here):
                credential = _settings_npm_token(self.provider, result.command.location) or credential
        id_token = self.job.id_token
        # A folder a package script's `cd` moved to: its placeholder is at that script line, the
        # same for every pipeline that runs the script (one configuration, not one per workflow).
        moved_in_script = result.script_cds and result.script_command is not None
        where = result.script_command.location if moved_in_script and result.script_command else result.command.location
        unknowns = _package_unknown(attribution, where) + _registry_unknown(target, result.command.location)
        if self.provider is Provider.CIRCLECI:
            id_token = self._circleci_id_token(id_token_here)
            audience = shell.id_token_unknown if shell is not None and id_token_here is not None else self.state.id_token_unknown
            unknowns += (audience,) if audience is not None and id_token.granted else ()
        elif id_token is not None and id_token.computed_audience is not None:
            unknowns += (Unknown(
                UnknownKind.AUDIENCE, id_token.anchor,
                f"the ID-token audience `{id_token.computed_audience}` is set from a CI/CD variable (npm needs exactly `{NPM_AUDIENCE}`)",
            ),)
        self._add_publish(index, step, _Found(
            result.command.location, tool, None, _script_display(result, tool.value), target, credential,
            provenance_request(result, env, package, self.project), package,
            workspace=result.recursive or tool in _WORKSPACE_TOOLS,
            command=result.command,
            tool_pin=self._tool_pin(result, package),
            script_location=result.via_scripts[0][1] if result.via_scripts else None,
            id_token=id_token,
            stage=result.stage,
            container_image=result.image,
            attribution=attribution,
            unknowns=unknowns,
        ))

    def _script_folder(self, shell: _Shell, result: cmds.Publish) -> tuple[PackageJson | None, str, str | None]:
        """Where a package script's ``cd``s (``"release": "cd dist && changeset publish"``) take the
        publish: the package there, the folder, and why it is unknown (``cd $DIR``). The script
        starts in the folder of the package.json that holds it, as npm runs it."""
        start = posixpath.dirname(result.via_scripts[-1][1].path) if result.via_scripts else shell.directory
        moved = replace(shell, directory=normalise_dir(start), directory_unknown=None, unknown_depth=None, pushed=[])
        for target in result.script_cds:
            _cd(moved, target, verb="cd")
        return package_for_dir(self.project, moved.directory), moved.directory, moved.directory_unknown

    def _moved_attribution(self, shell: _Shell, inner: cmds.Publish, env: dict[str, EnvVar]) -> Attribution | None:
        """An action's script input that runs a package script with a ``cd`` (changesets/action
        ``publish: npm run release``, ``"release": "cd dist && changeset publish"``): the packages
        of the folder it moves to; None when the script does not move."""
        if not inner.script_cds:
            return None
        package, directory, unknown = self._script_folder(shell, inner)
        return self._attribution(inner, env, package, directory, unknown)

    def _tool_pin(self, result: cmds.Publish, package: PackageJson | None) -> ToolPin | None:
        """The publisher's version pin; for semantic-release without its own `@semantic-release/npm`
        pin, the semantic-release version (its bundled plugin decides)."""
        if result.tool is cmds.Tool.SEMANTIC_RELEASE:
            words = (result.script_command or result.command).words
            named = semantic_release_pin(words, result.command.location, self.project, package)
            if named is not None and named.location == result.command.location:
                # `npx semantic-release@24` runs from npx's cache: its default plugins load from
                # there first, so the bundled @semantic-release/npm publishes, not the project's.
                return named
        pin = tool_pin(result.tool_package, self.project, package)
        if result.tool is cmds.Tool.SEMANTIC_RELEASE:
            words = (result.script_command or result.command).words
            named = semantic_release_pin(words, result.command.location, self.project, package)
            if pin is None or (named is not None and _bundles_its_own_plugin(named)):
                pin = named or pin
        return pin

    def _attribution(
        self, result: cmds.Publish, env: dict[str, EnvVar], package: PackageJson | None, directory: str, directory_unknown: str | None
    ) -> Attribution:
        """The packages a publish command publishes (spec: each publish is attributed to the
        package in the directory it publishes; unknown → no guess)."""
        if result.workspace:
            if directory_unknown is not None and not result.workspace.startswith("@") and "/" in result.workspace:
                return Attribution((), None, directory_unknown)
            return selector_attribution(self.project, result.workspace, env, directory)
        if directory_unknown is not None:
            return Attribution((), None, directory_unknown)
        if result.recursive or result.tool in _WORKSPACE_TOOLS:
            root = self.project.package_at("") or package
            found = published_packages(self.project, root)
            # Without workspace globs the tool publishes the package of its own folder (changesets
            # falls back to the nearest package.json), not every package below the root.
            globbed = bool(self.project.workspace_patterns or (root is not None and root.workspaces))
            if not (found and globbed) and directory and self.project.package_at(directory) is None:
                # apollo-client: `cd dist && changeset publish`, dist/package.json written by the build.
                return Attribution((), None, f"the folder `{directory}` has no package.json in the repository (the build writes it)")
            return Attribution(found, directory)
        if result.spec is not None:
            return spec_attribution(self.project, result.spec, directory)
        if directory and package is not None and normalise_dir(package.directory) != normalise_dir(directory):
            # The job moved into a folder without a committed package.json (`cd wasm`, `cd dist`):
            # the build writes the one npm publishes there; the parent's package is no answer.
            return Attribution((), None, f"the folder `{directory}` has no package.json in the repository (the build writes it)")
        if package is None:  # ci-npm-publish: no package.json in the folder or above it
            return Attribution((), None, f"no package.json in `{directory or '.'}` or above it in the repository")
        return Attribution((package,) if not package.private else (), directory)

    def _id_token_wired(self, here: Location | None) -> bool:
        """Whether the npm ID token reaches this publish (GitLab ``id_tokens``, CircleCI export)."""
        if self.provider is Provider.CIRCLECI:
            return (here or self.state.id_token_exported) is not None
        return self.job.id_token is not None and self.job.id_token.granted

    def _circleci_id_token(self, here: Location | None) -> IdToken:
        granted_at = here or self.state.id_token_exported
        if granted_at is not None:
            return IdToken(True, granted_at)
        return IdToken(
            False,
            self.job.location,
            problem="the shell that publishes does not export NPM_ID_TOKEN from `circleci run oidc get` with the audience npm:registry.npmjs.org",
            fix="export NPM_ID_TOKEN=$(circleci run oidc get --claims '{\"aud\": \"npm:registry.npmjs.org\"}') in the same `run` as the publish",
        )

    def _yarn_credential(self, env: dict[str, EnvVar], target: str) -> Credential | None:
        credential = env_credential("YARN_NPM_AUTH_TOKEN", env, "read by Yarn")
        if credential is not None:
            return credential
        host_scope = nerf_dart(target)
        for line in reversed(self.state.yarn_lines):  # written by an earlier command of the job
            if line.scope and host_scope and not host_scope.startswith(line.scope.rstrip("/") + "/"):
                continue
            return line_credential(line, env, self.provider)
        for npmrc, entry in yarn_auth_entries(self.project):  # an index: asked for every Yarn publish
            if entry.scope and entry.scope.startswith("//") and host_scope and not host_scope.startswith(entry.scope.rstrip("/") + "/"):
                continue
            return value_credential(entry.value, entry.location, f"{npmrc.path} npmAuthToken", env, self.provider, CredentialChannel.NPMRC)
        return None

    def _add_publish(self, index: int, step: Step, found: _Found) -> None:
        if is_local_registry(found.target[0], self.job.services):
            # A publish to a local test registry (Verdaccio on localhost or a service container)
            # is not a publishing pipeline: no rule judges it, the strategy does not list it.
            self.out.local_publishes.append(found.location)
            return
        package = found.package
        directory: str | None = package.directory if package is not None else self._step_dir(step)
        if found.attribution is not None:
            packages, directory = found.attribution.packages, found.attribution.directory
        elif found.workspace:
            packages = published_packages(self.project, self.project.package_at("") or package)
        else:
            packages = (package,) if package is not None and not package.private else ()
        unknowns = found.unknowns
        renamed = self._renamed_package(directory, packages)
        if renamed is not None:
            packages, unknowns = (), (*unknowns, renamed)
        id_token = found.id_token
        if id_token is None and self.provider is not Provider.CIRCLECI:
            id_token = self.job.id_token
        if id_token is None and self.provider is Provider.CIRCLECI:
            id_token = self._circleci_id_token(None)
        # Only a credential the tool will actually use counts: an NPM_TOKEN that nothing reads
        # (npm itself never reads it) is not a fallback.
        credential = long_lived(found.credential)
        self.out.publishes.append(
            PublishFact(
                pipeline=self.pipeline,
                job=self.job,
                step=step,
                step_index=index,
                location=found.location,
                tool=found.tool,
                publisher_action=found.publisher_action,
                display=found.display,
                target=found.target[0],
                target_origin=found.target[1],
                target_via=found.target[2],
                credential=credential,
                fallback_credentials=(credential,) if credential is not None else (),
                provenance=found.provenance[0],
                provenance_via=found.provenance[1],
                packages=packages,
                command=found.command,
                tool_pin=found.tool_pin,
                action_pin=found.action_pin,
                script_location=found.script_location,
                id_token=id_token,
                hops=self._chain,
                stage=found.stage,
                container_image=found.container_image,
                opaque_credential=_opaque(found.credential),
                directory=directory,
                unknowns=unknowns,
            )
        )

    def _renamed_package(self, directory: str | None, packages: tuple[PackageJson, ...]) -> Unknown | None:
        """The unknown package of a publish whose package.json an earlier command renamed."""
        if not self._renamed:
            return None  # the common case: no look-up per package of a workspace publish
        folder = directory if directory is not None and directory in self._renamed else self._first_renamed(packages)
        if folder is None:
            return None
        path = posixpath.join(folder or "", "package.json")
        return Unknown(UnknownKind.PACKAGE, self._renamed[folder], f"which package it publishes: a command gives {path} another name at run time")

    def _first_renamed(self, packages: tuple[PackageJson, ...]) -> str | None:
        """The folder of the first of ``packages`` that a command renamed: through the renamed
        folders when they are fewer (every publish of the workspace shares its tuple of packages,
        whose folders are indexed once)."""
        if len(packages) <= len(self._renamed):
            return next((p.directory for p in packages if p.directory in self._renamed), None)
        slot = self._package_positions.get(id(packages))
        if slot is None or slot[0] is not packages:
            positions: dict[str, int] = {}
            for position, package in enumerate(packages):
                positions.setdefault(package.directory, position)
            slot = self._package_positions[id(packages)] = (packages, positions)
        found = [slot[1][folder] for folder in self._renamed if folder in slot[1]]
        return packages[min(found)].directory if found else None


_WORKSPACE_ROOT_REF = lazy_regex.compile(r"^[\"']?\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR|CIRCLE_WORKING_DIRECTORY)\b")
_SHELL_VARIABLE_REF = lazy_regex.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def _opaque(credential: Credential | None) -> Credential | None:
    """A credential from an expression the tool cannot see through (not a secret, variable or
    literal), or None."""
    if credential is not None and credential.source.kind is ValueSourceKind.EXPRESSION:
        return credential
    return None


_LOOP_VARIABLE = lazy_regex.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/?")


def _depth(word: str) -> int | None:
    """How many folders down a literal relative path goes (``npm/*`` → 2), or None."""
    parts = [part for part in word.split("/") if part not in ("", ".")]
    if not parts or word.startswith(("/", "~")) or any(part == ".." or "$" in part or "`" in part for part in parts):
        return None
    return len(parts)


def _loop_depth(target: str, loops: tuple[tuple[str, tuple[str, ...]], ...]) -> int | None:
    """``cd $d`` inside ``for d in WORDS``: the depth every word moves to, when they agree."""
    match = _LOOP_VARIABLE.fullmatch(target)
    for name, words in reversed(loops):
        if match and name == match.group(1):
            depths = {_depth(word) for word in words}
            return depths.pop() if len(depths) == 1 else None
    return None


def _climb(shell: _Shell, target: str) -> None:
    """A relative ``cd`` from a folder ``unknown_depth`` below ``shell.directory``."""
    assert shell.unknown_depth is not None
    parts = [part for part in target.split("/") if part not in ("", ".")]
    depth = shell.unknown_depth
    for index, part in enumerate(parts):
        depth += -1 if part == ".." else 1
        if depth == 0:
            moved = change_dir(shell.directory, "/".join(parts[index + 1:]) or ".")
            if moved is not None:
                shell.directory, shell.directory_unknown, shell.unknown_depth = moved, None, None
                return
    shell.unknown_depth = depth if depth > 0 else None


def _cd(shell: _Shell, target: str, loops: tuple[tuple[str, tuple[str, ...]], ...] = (), verb: str = "cd") -> None:
    """``cd target``: a known folder, or (``cd $DIR``) an unknown one until a ``cd`` to a known
    place (a relative ``cd`` from an unknown folder stays unknown, unless the loop that set the
    folder tells its depth). ``$DIR`` set to a literal earlier in the shell (``DIR=packages/a``)
    or in the file's env is filled in."""
    if shell.directory_unknown is not None and shell.unknown_depth is not None and not target.startswith(("/", "~", "$")) and "$" not in target:
        _climb(shell, target)
        return

    def fill(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        value = shell.variables.get(name)
        variable = shell.env.get(name)
        if value is None and variable is not None and variable.source.kind is ValueSourceKind.LITERAL:
            value = variable.value
        return value if value is not None and "$" not in value else match.group(0)

    if not _WORKSPACE_ROOT_REF.match(target):
        target = _SHELL_VARIABLE_REF.sub(fill, target)
    moved = change_dir(shell.directory, target)
    if moved is not None and "$" in moved:
        moved = None  # `cd "packages/$NAME"`: a folder named at run time
    relative = not target.startswith(("/", "~", "$")) and moved is not None
    if moved is None:
        depth = _loop_depth(target, loops)
        if shell.directory_unknown is None:
            shell.unknown_depth = depth
        elif shell.unknown_depth is not None and depth is not None:
            shell.unknown_depth += depth
        else:
            shell.unknown_depth = None
        shell.directory_unknown = f"the folder `{verb} {target}` moves to"
    elif shell.directory_unknown is None or not relative:
        shell.directory, shell.directory_unknown, shell.unknown_depth = moved, None, None


def _npmrc_level(target: str) -> str:
    """Which of npm's config layers an npmrc written at ``target`` is: "user" or "project"."""
    if _USER_NPMRC.match(target) or (target.endswith("/.npmrc") and not _PROJECT_NPMRC.match(target)):
        return "user"
    return "project"


def _npm_id_token(result: cmds.IdTokenExport) -> bool:
    """npm's ID token: ``NPM_ID_TOKEN`` with npm's audience, or with one computed at run time
    (``npm:$(npm config get registry | sed ...)``, npm's own CircleCI test repository): that is
    unknown, never reported as missing."""
    audience = result.audience
    return result.name == "NPM_ID_TOKEN" and audience is not None and (audience == NPM_AUDIENCE or computed(audience))


def _audience_unknown(result: cmds.IdTokenExport, where: Location) -> Unknown | None:
    if result.audience is None or result.audience == NPM_AUDIENCE:
        return None
    return Unknown(
        UnknownKind.AUDIENCE, where,
        f"the ID-token audience `{result.audience}` is computed at run time (npm needs exactly `{NPM_AUDIENCE}`)",
    )


def _registry_unknown(target: tuple[str, TargetOrigin, str], where: Location) -> tuple[Unknown, ...]:
    """A publish target from a variable (``--registry $REGISTRY``, ``NPM_CONFIG_REGISTRY: ${{ vars.R }}``)."""
    if not computed(target[0]):
        return ()
    return (Unknown(UnknownKind.REGISTRY, where, f"the registry it publishes to: `{target[0].strip()}` ({target[2]}) is set at run time"),)


def _bundles_its_own_plugin(named: ToolPin) -> bool:
    """A semantic-release older than the first to bundle an OIDC @semantic-release/npm (24
    depends on ^12): when the project installs plugin 13, npm nests 12 under semantic-release,
    whose ``loadPlugin`` resolves from its own folder first, so its own plugin publishes."""
    from npm_auth_lint.knowledge.publishing import semantic_release_oidc_floor
    from npm_auth_lint.toolchain import ranges

    text = named.version.strip()
    if text in ("latest", "next", "") or text.startswith(("workspace:", "npm:", "file:", "link:", "git", "http")):
        return False
    return ranges.can_reach(text, semantic_release_oidc_floor().semantic_release) is False


def _package_unknown(attribution: Attribution, where: Location) -> tuple[Unknown, ...]:
    if attribution.unknown is None:
        return ()
    return (Unknown(UnknownKind.PACKAGE, where, f"which package it publishes: {attribution.unknown}"),)


def analyze_job(project: Project, pipeline: Pipeline, job: Job) -> JobFacts:
    return _JobWalker(project, pipeline, job).walk()

