"""Which Node and npm a publish step runs, resolved the way the CI resolves them.

The Node comes from the last toolchain pin before the publish: an ``actions/setup-node`` step
(``node-version``, a matrix or ``env`` value, or ``node-version-file``), ``volta-cli/action``
(``node-version``, else package.json ``volta.node``), a CircleCI ``node/install`` orb step, else
the job's container image. The npm is the one that Node bundles unless an earlier
command upgrades it (``npm install -g npm@X``, corepack, volta). Resolution itself lives in
:mod:`npm_auth_lint.toolchain`; this module only finds the pins in the analysed job.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis.facts import JobFacts, NodeSetup, NpmUpgradeFact, PublishFact
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location, PackageJson, Project, Provider, Text, ValueSourceKind

if TYPE_CHECKING:
    from npm_auth_lint.toolchain.node import NodeResolution

_MATRIX = lazy_regex.compile(r"^\$\{\{\s*matrix\.([A-Za-z0-9_.-]+)\s*\}\}$")
_ENV = lazy_regex.compile(r"^\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$")
_SHELL_VARIABLE = lazy_regex.compile(r"\$(?:[A-Za-z_]|\{[A-Za-z_])")


@frozen_dataclass
class NodePin:
    """One Node version a publish may run with, and where it is written."""

    text: str  # as written: "22", "lts/jod", "node:20", "v20.11.1"
    location: Location
    source: str  # "node-version", "node-version-file .nvmrc", "image", "matrix value", "orb node/install"
    resolution: NodeResolution | None  # None when it cannot be resolved
    why: str | None = None  # why it cannot be resolved, when more can be said than "it cannot"


@frozen_dataclass
class NpmState:
    """The npm a publish runs with, for one Node pin."""

    version: str | None
    exact: bool  # False when only a lower bound is known
    explanation: str
    location: Location  # the last upgrade command, else the Node pin
    upgrade: NpmUpgradeFact | None = None
    upgrade_problem: str | None = None  # an upgrade that cannot work (EBADENGINE, broken npm)
    broken: bool = False  # the upgrade installs a known-broken npm (12.0.0)


@frozen_dataclass
class PublishToolchain:
    """The Node pins a publish runs under, or why its Node version cannot be told."""

    publish: PublishFact
    pins: tuple[NodePin, ...]
    unresolved: str | None  # why the Node version cannot be told, if it cannot

    @property
    def circleci(self) -> bool:
        return self.publish.provider is Provider.CIRCLECI


def _file_pin(project: Project, setup: NodeSetup, file: Text) -> NodePin | None:
    """``node-version-file``: the spec setup-node reads and the line it reads it from."""
    from npm_auth_lint import toolchain

    path = file.value.strip().removeprefix("./")
    version_file = project.version_file(path)
    if version_file is None:
        why = f"the `node-version-file` `{path}` is not in the repository as scanned (setup-node fails without it)"
        return NodePin(file.value, file.location, f"node-version-file {path} (not found)", None, why)
    spec = version_file.node.value if version_file.node is not None else None
    if path.endswith("package.json"):
        package = project.package_at(path.rpartition("/")[0])
        location = _package_node_line(package) if package is not None else None
        if spec is None and version_file.extends_path is not None:
            target = version_file.extends_path  # setup-node follows `volta.extends`
            other = project.version_file(target)
            spec = other.node.value if other is not None and other.node is not None else None
            other_package = project.package_at(target.rpartition("/")[0])
            location = _package_node_line(other_package) if other_package else location
        where = location or Location(path, 1, 1)
    else:
        where = version_file.node.location if version_file.node is not None else Location(path, 1, 1)
    if spec is None:
        return NodePin(file.value, file.location, f"node-version-file {path}", None, f"`{path}` holds no Node version setup-node can read")
    return NodePin(spec, where, f"node-version-file {path}", toolchain.resolve_node_spec(spec))


def volta_pins(project: Project, manifest: str) -> tuple[Text | None, Text | None]:
    """The ``volta.node`` and ``volta.npm`` pins Volta reads from ``manifest`` (a package.json
    path), following ``volta.extends`` for the keys it does not set."""
    path = manifest.strip().removeprefix("./") or "package.json"
    node: Text | None = None
    npm: Text | None = None
    seen: set[str] = set()
    while path not in seen and len(seen) < 8:  # extends chains are short; cycles end here
        seen.add(path)
        package = project.package_at(path.rpartition("/")[0]) if path.endswith("package.json") else None
        if package is None:
            break
        node = node or package.volta.get("node")
        npm = npm or package.volta.get("npm")
        extends = package.volta.get("extends")
        if (node and npm) or extends is None or not extends.value.strip():
            break
        path = _join(path, extends.value.strip())
    return node, npm


def _volta_pins(project: Project, setup: NodeSetup) -> list[NodePin]:
    """volta-cli/action: its `node-version` input, else the `volta.node` of its package.json."""
    from npm_auth_lint import toolchain

    if setup.version is not None and setup.version.value.strip():
        text = setup.version.value.strip()
        return [NodePin(text, setup.version.location, "volta-cli/action node-version", toolchain.resolve_node_spec(text))]
    manifest = setup.version_file.value if setup.version_file is not None else "package.json"
    node, _ = volta_pins(project, manifest)
    if node is None:
        where = setup.version_file.location if setup.version_file is not None else Location(manifest, 1, 1)
        why = f"volta-cli/action has no `node-version` and `{manifest}` pins no `volta.node`"
        return [NodePin("volta-cli/action", where, f"no `volta.node` in {manifest}", None, why)]
    return [NodePin(node.value, node.location, "volta.node", toolchain.resolve_node_spec(node.value))]


def _join(base_file: str, relative: str) -> str:
    import posixpath

    return posixpath.normpath(posixpath.join(posixpath.dirname(base_file), relative)).lstrip("./")


def _package_node_line(package: PackageJson) -> Location | None:
    if "node" in package.volta:
        return package.volta["node"].location
    for entry in package.dev_engines_runtime:
        if entry.get("name") is not None and entry["name"].value == "node" and "version" in entry:
            return entry["version"].location
    if "node" in package.engines:
        return package.engines["node"].location
    return None


def _env_pin(facts: JobFacts, setup: NodeSetup, version: Text, name: str) -> NodePin:
    """``node-version: ${{ env.X }}``: the value the workflow, job or step ``env:`` gives X.

    GitHub's ``env`` context in a step's ``with:`` holds the workflow, job and step variables
    (the innermost wins); property names are matched case-insensitively, as expressions do.
    """
    from npm_auth_lint import toolchain

    steps = facts.job.steps
    step_env = steps[setup.step_index].env if 0 <= setup.step_index < len(steps) else ()
    found = [v for v in (*facts.job.env, *step_env) if v.name.lower() == name.lower()]
    if not found:
        return NodePin(version.value, version.location, "node-version (env)", None, f"no `env:` of the workflow, job or step sets `{name}`")
    if found[-1].source.kind is not ValueSourceKind.LITERAL or "${{" in found[-1].value:
        why = f"`{found[-1].name}` is set from `{found[-1].value.strip()}`, which npm-auth-lint cannot evaluate"
        return NodePin(version.value, version.location, "node-version (env)", None, why)
    variable = found[-1]
    value = variable.value.strip()
    return NodePin(value, variable.location, f"env {variable.name}", toolchain.resolve_node_spec(value))


# `matrix.node == '20.x'`, `matrix['node-version'] == 16`, `'20' == matrix.node` in a step's `if:`.
_MATRIX_KEY = r"""matrix(?:\.([A-Za-z0-9_-]+)|\[\s*'([^']+)'\s*\])"""
_LITERAL = r"""'([^']*)'|"([^"]*)"|(\d+(?:\.\d+)?)"""
_MATRIX_EQUALS = (
    re.compile(rf"{_MATRIX_KEY}\s*==\s*(?:{_LITERAL})"),
    re.compile(rf"(?:{_LITERAL})\s*==\s*{_MATRIX_KEY}"),
)


def _values_the_step_runs_on(condition: str | None, axis: str) -> set[str] | None:
    """The values of matrix ``axis`` a step's ``if:`` lets it run on, compared as GitHub does
    (strings case-insensitively); None when the condition does not pin the axis to values."""
    if not condition or "||" in condition or "!" in condition:
        return None  # an alternative or a negation may let other values through
    values: set[str] = set()
    for pattern in _MATRIX_EQUALS:
        for match in pattern.finditer(condition):
            groups = match.groups()
            key, literal = (groups[:2], groups[2:]) if pattern is _MATRIX_EQUALS[0] else (groups[3:], groups[:3])
            if (key[0] or key[1]) == axis:
                values.add(next(g for g in literal if g is not None).lower())
    return values or None


def _same_value(written: str, wanted: str) -> bool:
    text = written.strip().lower()
    if text == wanted:
        return True
    try:
        return float(text) == float(wanted)  # `16 == '16'`: GitHub compares as numbers
    except ValueError:
        return False


def _setup_pins(project: Project, facts: JobFacts, setup: NodeSetup, publish: PublishFact | None = None) -> list[NodePin]:
    from npm_auth_lint import toolchain

    if setup.kind == "volta":
        return _volta_pins(project, setup)
    version = setup.version
    if version is not None and version.value.strip():
        env = _ENV.match(version.value.strip())
        if env and setup.kind == "setup-node":
            return [_env_pin(facts, setup, version, env.group(1))]
        matrix = _MATRIX.match(version.value.strip())
        if matrix:
            axis = next((a for a in facts.job.matrix if a.name == matrix.group(1)), None)
            if axis is None or not axis.values:
                missing = f"`{version.value.strip()}` names no matrix axis of the job with values"
                return [NodePin(version.value, version.location, "node-version (matrix)", None, missing)]
            values = list(axis.values)
            # A publish step that runs on one matrix leg only (`if: matrix.node == '20.x'`).
            wanted = _values_the_step_runs_on(publish.step.condition if publish is not None else None, axis.name)
            if wanted is not None:
                values = [v for v in values if any(_same_value(v.value, w) for w in wanted)] or values
            return [NodePin(v.value, v.location, "matrix value", toolchain.resolve_node_spec(v.value)) for v in values]
        if setup.kind == "image":
            return [NodePin(version.value, version.location, "image", toolchain.resolve_docker_image(version.value))]
        label = "orb node/install" if setup.kind == "orb" else "node-version"
        text = version.value.strip()
        why: str | None = f"`{text}` is an expression npm-auth-lint cannot evaluate" if "${{" in text or "<<" in text else None
        if why is None and setup.kind == "setup-node" and _SHELL_VARIABLE.search(text):
            why = (
                f"`{text}` reaches setup-node as written: GitHub does not expand shell variables in `with:` "
                "(`${{ env.X }}` does), so setup-node cannot find that version"
            )
        return [NodePin(version.value, version.location, label, toolchain.resolve_node_spec(version.value), why)]
    if setup.version_file is not None:
        pin = _file_pin(project, setup, setup.version_file)
        return [pin] if pin is not None else []
    return []


def node_pins(project: Project, facts: JobFacts, publish: PublishFact) -> tuple[list[NodePin], str | None]:
    """The Node pins in effect at ``publish`` (several for a matrix), or why there are none."""
    if publish.container_image is not None:
        built = built_image_pin(facts, publish.container_image)  # `docker build -t T` earlier in the job
        if built is not None:
            return [built], built.why
        return _container_pins(publish, publish.container_image)
    setups = [s for s in facts.node_setups if s.kind != "image" and s.step_index < publish.step_index]
    setups = [s for s in setups if s.version is not None or s.version_file is not None]
    if setups:
        pins = _setup_pins(project, facts, setups[-1], publish)
        if pins:
            return pins, None
    image = next((s for s in facts.node_setups if s.kind == "image"), None)
    if image is not None and image.version is not None:
        from npm_auth_lint import toolchain

        text = image.version.value.strip()
        matrix = _MATRIX.search(text)
        if matrix or "$" in text:
            return [NodePin(text, image.version.location, "image", None)], f"the image `{text}` depends on a variable"
        if toolchain.is_node_image(text):
            resolution = toolchain.resolve_docker_image(text)
            if resolution is None:
                return [NodePin(text, image.version.location, "image", None)], f"the tag of image `{text}` cannot be resolved"
            return [NodePin(text, image.version.location, "image", resolution)], None
        return [], f"the image `{text}` is not a Node image the tool knows"
    if setups:
        return [], "the `node-version` cannot be resolved"
    return [], _no_pin_reason(facts, publish)


def built_image_pin(facts: JobFacts, image: str) -> NodePin | None:
    """The Node of an image the job built from the repository's Dockerfile (``docker build -t T``
    then ``docker run T``): the image on the Dockerfile's ``FROM`` line, pinned at that line."""
    from npm_auth_lint import toolchain

    tag = image[: -len(":latest")] if image.endswith(":latest") else image
    base = facts.built_images.get(tag)
    if base is None:
        return None
    text = base.value.strip()
    why = None if toolchain.is_node_image(text) else f"the Dockerfile's `FROM {text}` is not a Node image the tool knows"
    return NodePin(text, base.location, "Dockerfile FROM", toolchain.resolve_docker_image(text), why)


def _container_pins(publish: PublishFact, image: str) -> tuple[list[NodePin], str | None]:
    """A publish a wrapper runs in an image (``docker run node:22 npm publish``): the image's Node,
    pinned on the publish command's line; the job's own Node does not apply."""
    from npm_auth_lint import toolchain

    if "$" not in image and toolchain.is_node_image(image):
        resolution = toolchain.resolve_docker_image(image)
        if resolution is not None:
            return [NodePin(image, publish.location, "image", resolution)], None
        return [NodePin(image, publish.location, "image", None)], f"the tag of image `{image}` cannot be resolved"
    return [], f"the publish runs in `{image}`, whose Node the tool cannot read"


# Actions that may well install Node (`org/config/.github/setup`, `pnpm/setup`, `jdx/mise-action`).
_MAY_SET_UP_NODE = lazy_regex.compile(r"setup|node|mise|asdf|proto|nvm|toolchain|runtime", re.IGNORECASE)


def _no_pin_reason(facts: JobFacts, publish: PublishFact) -> str:
    """Why a job without any Node pin runs an unknown Node, in the provider's terms."""
    provider = facts.job.provider
    if provider is Provider.GITLAB:
        return "the job sets no `image:`, so the runner's default image decides"
    if provider is Provider.CIRCLECI:
        return "the job's executor gives no Node image the tool can read (a machine, a custom or an orb executor it does not know)"
    installer = _first_node_installer(facts.job.steps)
    if installer is not None and installer[0] < max(publish.step_index, 0):
        return f"no setup-node or Node image the tool can read; `{installer[1]}` may install Node, but npm-auth-lint cannot follow it"
    return "the job uses the runner's default Node (no setup-node, no Node image)"


# The first step of a job that may install Node, per job: asked for every publish of the job,
# scanning the steps each time made 80,000 publish steps quadratic (issue #13). Keyed by the
# identity of the steps tuple (hashing it would cost a scan again), holding it against reuse.
_INSTALLERS: dict[int, tuple[object, tuple[int, str] | None]] = {}


def _first_node_installer(steps: Sequence[Any]) -> tuple[int, str] | None:
    cached = _INSTALLERS.get(id(steps))
    if cached is not None and cached[0] is steps:
        return cached[1]
    from npm_auth_lint import commands as cmds

    found: tuple[int, str] | None = None
    for index, step in enumerate(steps):
        if step.uses is None:
            continue
        ref = cmds.classify_action(step.uses.value)
        if ref.kind is cmds.ActionKind.OTHER and ref.name and _MAY_SET_UP_NODE.search(step.uses.value.split("@")[0]):
            found = (index, step.uses.value)
            break
    if len(_INSTALLERS) > 1024:
        _INSTALLERS.clear()
    _INSTALLERS[id(steps)] = (steps, found)
    return found


def resolve(project: Project, facts: JobFacts, publish: PublishFact) -> PublishToolchain:
    pins, reason = node_pins(project, facts, publish)
    if pins and all(pin.resolution is None for pin in pins) and reason is None:
        reason = pins[0].why or f"`{pins[0].text}` ({pins[0].source}) cannot be resolved to a Node release"
    return PublishToolchain(publish, tuple(pins), reason)


def _upgrades_before(facts: JobFacts, publish: PublishFact) -> list[NpmUpgradeFact]:
    out = []
    for upgrade in facts.npm_upgrades:
        before = upgrade.step_index < publish.step_index or (
            upgrade.step_index == publish.step_index and upgrade.location.line <= publish.location.line
        )
        if upgrade.scoped_to_command:
            before = upgrade.location == publish.location  # `npx npm@X publish` runs only that command
        if before:
            out.append(upgrade)
    return out


def npm_state(facts: JobFacts, chain: PublishToolchain, pin: NodePin) -> NpmState | None:
    """The npm the publish runs with ``pin``'s Node; None when the Node is unknown."""
    from npm_auth_lint import toolchain

    node = pin.resolution
    if node is None:
        return None
    upgrades = _upgrades_before(facts, chain.publish)
    bundled = f"{node.explanation}"
    if not upgrades:
        return NpmState(node.npm, node.npm_exact, bundled, pin.location)
    last = upgrades[-1]
    upgraded = toolchain.resolve_npm_spec(last.spec, node.version)
    if upgraded.broken:
        return NpmState(upgraded.version, True, upgraded.explanation, last.location, last, upgraded.broken, broken=True)
    if upgraded.installable is False:
        problem = upgraded.explanation
        return NpmState(node.npm, node.npm_exact, f"{problem}, so npm stays at the bundled {node.npm_text}", last.location, last, problem)
    if upgraded.version is None:
        return NpmState(None, False, upgraded.explanation, last.location, last)
    return NpmState(upgraded.version, upgraded.version_bound.value == "exact", upgraded.explanation, last.location, last)
