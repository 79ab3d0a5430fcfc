"""Walk one job's steps in order, as the runner executes them, and collect its facts.

State carried from step to step mirrors what the runner carries: the environment (including
``$GITHUB_ENV``/``$BASH_ENV`` exports and setup-node's ``NODE_AUTH_TOKEN``), the npmrc files in
effect (setup-node's user npmrc, npmrc files written by scripts) and npm upgrades. Within a step,
``cd`` and ``export`` change what later commands of the same shell see.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from npm_auth_lint import commands as cmds
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
    InstallFact,
    JobFacts,
    NodeSetup,
    NpmrcWriteFact,
    NpmUpgradeFact,
    PublishFact,
    ToolPin,
)
from npm_auth_lint.analysis.packages import (
    join_dir,
    normalise_dir,
    package_for_dir,
    selected_package,
    spec_package,
    tool_pin,
    workspace_packages,
)
from npm_auth_lint.analysis.targets import provenance as provenance_request
from npm_auth_lint.analysis.targets import publish_target, setup_node_scope
from npm_auth_lint.analysis.registry_urls import NPMJS, nerf_dart, scope_matches
from npm_auth_lint.analysis.semantic_release import publishes_to_npm
from npm_auth_lint.model import (
    Command,
    EnvScope,
    EnvVar,
    IdToken,
    Job,
    Location,
    NpmrcKind,
    PackageJson,
    Pipeline,
    Project,
    Provider,
    Step,
    Text,
    ValueSource,
    ValueSourceKind,
)
from npm_auth_lint.analysis.job_toolchain import volta_pins
from npm_auth_lint.redact import redact
from npm_auth_lint.shell import split_script
from npm_auth_lint.workspace import split_lines

NPM_AUDIENCE = "npm:registry.npmjs.org"
# Publishers that publish the workspace's packages rather than the current one; the
# changesets/action sub-action `changesets/action/publish` has no `publish:` script to read.
_WORKSPACE_PUBLISHERS = frozenset(
    {cmds.Tool.LERNA.value, cmds.Tool.LERNA_LITE.value, cmds.Tool.CHANGESETS.value, cmds.Tool.NX.value, "action:changesets/action"}
)
# Tools that read NPM_TOKEN from the environment and write their own npmrc with it.
_READS_NPM_TOKEN = frozenset({cmds.Tool.SEMANTIC_RELEASE.value})
_PROJECT_NPMRC = re.compile(r"^(?:\./)?(?:\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR|CIRCLE_WORKING_DIRECTORY|PWD)\}?/)?\.npmrc$")
_USER_NPMRC = re.compile(r"^(?:~|\$\{?HOME\}?|/root|/home/[^/]+|\$\{?NPM_CONFIG_USERCONFIG\}?|\$\{?RUNNER_TEMP\}?/\.npmrc)(?:/\.npmrc)?$", re.I)
_TRAILING_COMMENT = re.compile(r"#\s*(.*)$")


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
    yarn_lines: list[AuthLine] = field(default_factory=list)  # npmAuthToken written to a .yarnrc.yml
    # `registry=` / `@scope:registry=` lines written to an npmrc by a script: (scope, url, where).
    registries: list[tuple[str | None, str, str]] = field(default_factory=list)


@dataclass
class _Collector:
    publishes: list[PublishFact] = field(default_factory=list)
    installs: list[InstallFact] = field(default_factory=list)
    upgrades: list[NpmUpgradeFact] = field(default_factory=list)
    writes: list[NpmrcWriteFact] = field(default_factory=list)
    logins: list[tuple[Location, str]] = field(default_factory=list)
    runs_code: list[Location] = field(default_factory=list)
    node_setups: list[NodeSetup] = field(default_factory=list)


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
        return _display(result.script_command, fallback)
    return f"{_display(result.command, fallback)} → {_display(result.script_command, fallback)}"


def _enabled(value: Text | None) -> bool:
    """An action input that switches something on: present and not ``false`` (``run_install: false``)."""
    return value is not None and value.value.strip().lower() not in ("", "false", "null", "0", "no")


_WHOLE_REFERENCE = re.compile(r"^(?:\$\{?[A-Za-z_][A-Za-z0-9_]*\}?|\$\{\{\s*secrets\.[A-Za-z_][A-Za-z0-9_-]*\s*\}\})$")


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
        variable="NPM_TOKEN",
        defined_in_file=False,
    )


_AUTH_FLAG = re.compile(r"^--(?P<scope>//[^=]*?:)?(?P<key>_authToken|_auth|_password)=(?P<value>.+)$")


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


_AUTH_FLAG_BARE = re.compile(r"^--(?P<scope>//[^=]*?:)?(?P<key>_authToken|_auth|_password)$")


def _display(command: Command | None, fallback: str) -> str:
    """A command as messages quote it: its words, redacted, then shortened.

    Redacted before it is cut: reporters cannot recognise a token whose end the cut removed.
    """
    if command is None:
        return fallback
    text = redact(" ".join(w for w in command.words if w)) or fallback
    return text if len(text) <= 60 else text[:57].rstrip() + "..."


class _JobWalker:
    def __init__(self, project: Project, pipeline: Pipeline, job: Job) -> None:
        self.project = project
        self.pipeline = pipeline
        self.job = job
        self.provider = job.provider
        self.state = _State(env=_initial_env(job))
        self.out = _Collector()

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
            if (credential := long_lived(Credential(variable.source, variable.location, variable.name, variable=variable.name, scope=variable.scope)))
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
        )

    def _step_dir(self, step: Step) -> str:
        if step.working_directory is not None:
            return normalise_dir(step.working_directory)
        return normalise_dir(self.job.default_working_directory or "")

    # Actions ----------------------------------------------------------------------------

    def _uses_comment(self, step: Step) -> str | None:
        assert step.uses is not None
        text = self.project.files.get(step.uses.location.path)
        if text is None:
            return None
        lines = split_lines(text)
        line = step.uses.location.line
        if 0 < line <= len(lines):
            match = _TRAILING_COMMENT.search(lines[line - 1].partition(step.uses.value)[2])
            return match.group(1) if match else None
        return None

    def _action(self, index: int, step: Step, env: dict[str, EnvVar]) -> None:
        assert step.uses is not None
        ref = cmds.classify_action(step.uses.value)
        inputs = step.inputs
        if ref.kind is cmds.ActionKind.SETUP_NODE:
            registry = inputs.get("registry-url")
            self.out.node_setups.append(
                NodeSetup(
                    index, "setup-node", inputs.get("node-version"), inputs.get("node-version-file"), registry, ref.ref,
                    always_auth=inputs.get("always-auth"),
                )
            )
            if registry is not None and registry.value.strip():
                scope = setup_node_scope(inputs.get("scope"), registry.value.strip(), self.project)
                if scope is None:
                    self.state.registry_url = registry.value.strip()
                else:
                    self.state.scoped_registries[scope] = registry.value.strip()
                self.state.layers.append(setup_node_layer(registry.value.strip(), registry.location))
                # setup-node exports NODE_AUTH_TOKEN to every later step: the step's own value,
                # or (v4-v6) a placeholder.
                own = next((v for v in step.env if v.name == "NODE_AUTH_TOKEN"), None)
                if own is not None:
                    self.state.env["NODE_AUTH_TOKEN"] = replace(own, scope=EnvScope.RUNTIME)
            return
        if ref.kind is cmds.ActionKind.SETUP_VOLTA:
            # volta-cli/action installs `node-version`, else Volta runs the Node that package.json
            # (`package-json-path`, by default the checkout root's) pins in `volta.node`.
            manifest = inputs.get("package-json-path") or Text("package.json", step.uses.location)
            self.out.node_setups.append(NodeSetup(index, "volta", inputs.get("node-version"), manifest))
            npm = inputs.get("npm-version")
            if npm is None or not npm.value.strip():
                npm = volta_pins(self.project, manifest.value)[1]  # Volta's npm shim runs a pinned npm
            if npm is not None and npm.value.strip():
                self.out.upgrades.append(NpmUpgradeFact(index, npm.location, npm.value.strip(), "volta", f"volta npm@{npm.value.strip()}"))
            return
        if self.provider is Provider.CIRCLECI and step.uses.value.endswith("/install") and "node-version" in inputs:
            # The circleci/node orb's node/install: installs that Node (and, in orb 4.x, an npm).
            self.out.node_setups.append(NodeSetup(index, "orb", inputs.get("node-version")))
        if ref.kind is cmds.ActionKind.INSTALL and (ref.condition is None or _enabled(inputs.get(ref.condition))):
            self._install(index, step, step.uses.location, ref.raw.split("@")[0], env, self._step_dir(step))
            return
        if ref.kind is not cmds.ActionKind.PUBLISH:
            return
        if ref.condition is not None and ref.condition not in inputs:
            return  # changesets/action without `publish:` only opens version PRs
        version = ref.ref or ""
        if cmds.ref_version(version) is None and (comment := self._uses_comment(step)):
            version = comment.removeprefix("tag=")  # `@<sha> # v1.7.0`: the tag the SHA pins
        pin = ToolPin(ref.publisher or ref.raw, version, step.uses.location)
        directory = self._step_dir(step)
        package = package_for_dir(self.project, directory)
        inner: cmds.Publish | None = None
        if ref.condition == "publish":
            text = inputs["publish"]
            commands = split_script(text.value, path=text.location.path, first_line=text.location.line)
            scripts = cmds.script_lookup(package)
            for command in commands:
                found = [r for r in cmds.classify(command, scripts) if isinstance(r, cmds.Publish)]
                if found:
                    inner = found[0]
                    break
            if inner is None:
                return  # the `publish` script does not publish (e.g. only tags)
        credential: Credential | None = None
        if ref.publisher == "JS-DevTools/npm-publish":
            token = inputs.get("token")
            if token is not None:
                credential = value_credential(token.value, token.location, "the action's `token` input", env, self.provider)
            target_text = inputs.get("registry")
            target, target_via = (target_text.value, "the action's `registry` input") if target_text else (NPMJS, "the action's default registry")
            package_input = inputs.get("package")
            if package_input is not None:
                folder = package_input.value.removesuffix("package.json").rstrip("/")
                package = package_for_dir(self.project, join_dir(directory, folder) or directory)
            provenance_input = inputs.get("provenance")
            provenance = (provenance_input.value.strip().lower() == "true", "the action's `provenance` input") if provenance_input else (None, None)
        else:
            target, target_via = publish_target(self.project, inner, env, self.state, package, directory)
            credential = npm_credential(target, env, self._layers(directory), self.provider)
            if credential is None or not credential.is_long_lived:
                credential = env_credential("NPM_TOKEN", env, f"read by {ref.publisher or ref.raw}") or credential
            provenance = provenance_request(inner, env, package, self.project)
        tool = inner.tool.value if inner is not None else f"action:{ref.publisher or ref.raw}"
        recursive = inner is not None and inner.recursive
        self._add_publish(
            index, step, step.uses.location, tool, ref.publisher or ref.raw, target, target_via,
            credential, provenance, package, recursive, None,
            pin if inner is None else tool_pin(inner.tool_package, self.project, package), None, env,
            action_pin=pin,
        )

    # Scripts ----------------------------------------------------------------------------

    def _layers(self, directory: str) -> list[NpmrcLayer]:
        return [*_project_layers(self.project, directory), *self.state.layers]

    def _script(self, index: int, step: Step, env: dict[str, EnvVar]) -> None:
        directory = self._step_dir(step)
        shell_env = dict(env)
        unexported: dict[str, cmds.IdTokenExport] = {}
        id_token_here: Location | None = None
        for command in step.commands:
            if command.words[:1] == ("cd",) and len(command.words) >= 2:
                moved = join_dir(directory, command.words[1])
                if moved is not None:
                    directory = moved
                continue
            package = package_for_dir(self.project, directory)
            command_env = dict(shell_env)
            for name, value in command.assignments:
                command_env[name] = runtime_var(name, value, command.location, self.provider, shell_env)
            for result in cmds.classify(command, cmds.script_lookup(package)):
                if isinstance(result, cmds.Publish):
                    self._command_publish(index, step, result, command_env, package, directory, id_token_here)
                elif isinstance(result, cmds.Install):
                    self._install(index, step, command.location, _display(command, result.tool), command_env, directory)
                    self.out.runs_code.append(command.location)
                elif isinstance(result, cmds.NpmUpgrade):
                    self.out.upgrades.append(
                        NpmUpgradeFact(index, command.location, result.spec, result.method, " ".join(command.words[:4]), result.method == "npx")
                    )
                elif isinstance(result, cmds.Login):
                    self.out.logins.append((command.location, _display(command, result.tool)))
                elif isinstance(result, cmds.NpmrcWrite):
                    self._npmrc_write(index, result, command_env)
                elif isinstance(result, cmds.IdTokenExport):
                    if result.target is cmds.ExportTarget.UNEXPORTED:
                        unexported[result.name] = result
                    elif result.name == "NPM_ID_TOKEN" and result.audience == NPM_AUDIENCE:
                        if result.target is cmds.ExportTarget.BASH_ENV:
                            self.state.id_token_exported = command.location
                        elif not result.via_scripts:
                            id_token_here = command.location
                elif isinstance(result, cmds.EnvExport):
                    token = unexported.get(result.name)
                    if token is not None and result.value is None and result.target is cmds.ExportTarget.SHELL:
                        if token.name == "NPM_ID_TOKEN" and token.audience == NPM_AUDIENCE:
                            id_token_here = command.location
                        continue
                    if result.value is None or result.via_scripts and not result.target.persists:
                        continue
                    variable = runtime_var(result.name, result.value, command.location, self.provider, shell_env)
                    if result.target.persists:
                        self.state.env[result.name] = variable
                        shell_env[result.name] = variable
                    elif result.target is cmds.ExportTarget.SHELL:
                        shell_env[result.name] = variable
                elif isinstance(result, cmds.RunsCode):
                    self.out.runs_code.append(command.location)

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
        self.out.installs.append(InstallFact(self.pipeline, self.job, step, index, location, display, tuple(credentials)))

    def _npmrc_write(self, index: int, result: cmds.NpmrcWrite, env: dict[str, EnvVar]) -> None:
        target = result.target.strip().strip("\"'")
        location = result.command.location
        credential: Credential | None = None
        auth_entries = [e for e in result.entries if e.key in ("_authToken", "_auth", "_password", "npmAuthToken", "npmAuthIdent")]
        for entry in auth_entries:
            credential = value_credential(entry.value, location, f"written to {target} at line {location.line}", env, self.provider)
            if credential is not None:
                break
        if credential is None and result.literal_credential:
            credential = value_credential(result.literal_credential, location, f"written to {target}", env, self.provider)
        if credential is not None and credential.variable in result.kept_references:
            credential = None  # the file holds `${VAR}`, not the token: npm expands it when it reads the file
        whole = _whole_file_reference(result) if result.kind is NpmrcKind.NPMRC else None
        if credential is None and whole is not None:
            credential = value_credential(whole, location, f"the whole npmrc, written to {target} at line {location.line}", env, self.provider)
        self.out.writes.append(
            NpmrcWriteFact(index, location, target, long_lived(credential), _display(result.command, "npmrc write"), result.kind, result.entries)
        )
        via = f"{'yarnrc' if result.kind is NpmrcKind.YARNRC_YML else 'npmrc'} written at {location.path}:{location.line}"
        if result.kind is NpmrcKind.NPMRC:
            for entry in result.entries:
                if entry.key == "registry" and entry.value.strip():
                    scope = entry.scope if entry.scope and entry.scope.startswith("@") else None
                    self.state.registries.append((scope, entry.value.strip(), via))
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
        if _USER_NPMRC.match(target) or target.endswith("/.npmrc") and not _PROJECT_NPMRC.match(target):
            level = "user"
        else:
            level = "project"
        self.state.layers.append(NpmrcLayer(level, lines))

    def _written_credential(
        self, result: cmds.NpmrcWrite, value: str, location: Location, via: str, env: dict[str, EnvVar]
    ) -> Credential | None:
        """The credential a written value already holds when the shell expanded it while writing."""
        if not expanded_when_written(result.command.text, value):
            return None
        credential = value_credential(value, location, via, env, self.provider)
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
    ) -> None:
        if result.tool is cmds.Tool.SEMANTIC_RELEASE and not publishes_to_npm(self.project, directory):
            return  # its configuration releases without @semantic-release/npm publishing
        if result.spec is not None and not result.recursive:
            package, directory = spec_package(self.project, result.spec, directory)
        if result.workspace and not result.recursive:
            package = selected_package(self.project, result.workspace, env, directory) or package
        root = self.project.package_at("")
        result = cmds.refine_tool(result, {**(root.dependencies if root else {}), **(package.dependencies if package else {})})
        target, target_via = publish_target(self.project, result, env, self.state, package, directory)
        tool = result.tool.value
        flag = _credential_flag(result.script_command or result.command, target)
        if flag is not None:
            # npm reads `--//host/:_authToken=x` as config given on the command line: it wins.
            credential = value_credential(flag[1], result.command.location, f"the `{flag[0]}` flag", env, self.provider)
        elif tool == cmds.Tool.YARN_BERRY.value:
            credential = self._yarn_credential(env, target)
        else:
            credential = npm_credential(target, env, self._layers(directory), self.provider)
            if tool == cmds.Tool.BUN.value and credential is None:
                credential = env_credential("NPM_CONFIG_TOKEN", env, "read by bun")
        if tool in _READS_NPM_TOKEN and (credential is None or not credential.is_long_lived):
            credential = env_credential("NPM_TOKEN", env, "read by semantic-release") or credential
            if long_lived(credential) is None and not self._id_token_wired(id_token_here):
                credential = _settings_npm_token(self.provider, result.command.location) or credential
        provenance = provenance_request(result, env, package, self.project)
        pin = tool_pin(result.tool_package, self.project, package)
        script_location = result.via_scripts[0][1] if result.via_scripts else None
        id_token = self.job.id_token
        if self.provider is Provider.CIRCLECI:
            id_token = self._circleci_id_token(id_token_here)
        self._add_publish(
            index, step, result.command.location, tool, _script_display(result, tool),
            target, target_via, credential, provenance, package, result.recursive, result.command, pin,
            script_location, env, id_token=id_token,
        )

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
        for npmrc in self.project.npmrcs:
            if npmrc.kind is not NpmrcKind.YARNRC_YML:
                continue
            for entry in npmrc.entries:
                if entry.key != "npmAuthToken":
                    continue
                if entry.scope and entry.scope.startswith("//") and host_scope and not host_scope.startswith(entry.scope.rstrip("/") + "/"):
                    continue
                return value_credential(entry.value, entry.location, f"{npmrc.path} npmAuthToken", env, self.provider)
        return None

    def _add_publish(
        self,
        index: int,
        step: Step,
        location: Location,
        tool: str,
        display: str,
        target: str,
        target_via: str,
        credential: Credential | None,
        provenance: tuple[bool | None, str | None],
        package: PackageJson | None,
        recursive: bool,
        command: Command | None,
        pin: ToolPin | None,
        script_location: Location | None,
        env: dict[str, EnvVar],
        *,
        id_token: IdToken | None = None,
        action_pin: ToolPin | None = None,
    ) -> None:
        if recursive or tool in _WORKSPACE_PUBLISHERS:
            packages = workspace_packages(self.project, self.project.package_at("") or package)
        else:
            packages = (package,) if package is not None and not package.private else ()
        if id_token is None and self.provider is not Provider.CIRCLECI:
            id_token = self.job.id_token
        if id_token is None and self.provider is Provider.CIRCLECI:
            id_token = self._circleci_id_token(None)
        # Only a credential the tool will actually use counts: an NPM_TOKEN that nothing reads
        # (npm itself never reads it) is not a fallback.
        in_scope = (long_lived(credential),) if long_lived(credential) is not None else ()
        self.out.publishes.append(
            PublishFact(
                pipeline=self.pipeline,
                job=self.job,
                step=step,
                step_index=index,
                location=location,
                tool=tool,
                display=display,
                target=target,
                target_via=target_via,
                credential=long_lived(credential),
                fallback_credentials=in_scope,
                provenance=provenance[0],
                provenance_via=provenance[1],
                packages=packages,
                command=command,
                tool_pin=pin,
                action_pin=action_pin,
                script_location=script_location,
                id_token=id_token,
            )
        )


def analyze_job(project: Project, pipeline: Pipeline, job: Job) -> JobFacts:
    return _JobWalker(project, pipeline, job).walk()

