"""What a pipeline's verdict rests on but the tool cannot determine, read from the analysis.

Each unknown names the value, where it is written, and the checklist step that resolves it
(spec: "Unknown": computed values are never guessed and never an error).
"""

from __future__ import annotations

from npm_auth_lint import commands as cmds
from npm_auth_lint.analysis import Analysis
from npm_auth_lint.analysis.facts import PublishFact, TargetOrigin
from npm_auth_lint.analysis.facts import Unknown as AnalysisUnknown
from npm_auth_lint.analysis.facts import UnknownKind as AnalysisKind
from npm_auth_lint.model import Hosting, Provider, ValueSourceKind
from npm_auth_lint.strategy.model import DECISIVE, Unknown, UnknownKind

_REGISTRY_VARIABLES = ("NPM_CONFIG_REGISTRY", "npm_config_registry")


def _where(location: object) -> str:
    return f"{location.path}:{location.line}"  # type: ignore[attr-defined]


def computed(text: str) -> bool:
    """Whether a configured value is only known at run time (a variable or an expression)."""
    return "$" in text


_RECURSIVE_FLAGS = frozenset({"-r", "--recursive", "--workspaces", "-ws", "--ws"})


def publishes_several(publish: PublishFact) -> bool:
    """Whether one publish line stands for several packages: inside a shell loop, run once per
    input (`xargs`, `find -exec`), or a recursive publish (`pnpm -r`, a negated or repeated
    `--filter`): its placeholder is then one per package, not one. (A workspace tool such as
    changesets is not counted: in a folder without workspace globs it publishes one package.)"""
    command = publish.command
    if command is None:
        return False
    words = command.words
    filters = [w for i, w in enumerate(words) if w.startswith("--filter=") or (i and words[i - 1] in ("--filter", "-F"))]
    return bool(
        command.loops
        or (words and words[0] == "xargs")
        or (words and words[0] == "find" and any(w in ("-exec", "-execdir") for w in words))
        or _RECURSIVE_FLAGS.intersection(words)
        or len(filters) > 1
        or any(f.removeprefix("--filter=").startswith("!") for f in filters)
    )


def unknowns_of(analysis: Analysis, publish: PublishFact) -> list[Unknown]:
    """The unknowns of one publish: the analysis's (:meth:`Analysis.unknowns`), each with the
    step that resolves it, then what only the strategy needs (a runner label, a credential or an
    environment computed at run time), in checklist order: what decides viability first."""
    found = [*_ci_file(publish), *(_from_analysis(publish, unknown) for unknown in analysis.unknowns(publish))]
    kinds = {u.kind for u in found}
    if UnknownKind.TARGET not in kinds:
        found += _target(publish)
    if UnknownKind.PUBLISHER not in kinds:
        found += _semantic_release(publish) or _circleci_unconfirmed(publish)
    found += [*_runner(publish), *_credential(publish), *_environment(publish)]
    return sorted(found, key=lambda u: u.kind not in DECISIVE)


# Where each provider reads the file that starts a pipeline: only at the repository root.
# (GitLab reads `.gitlab-ci.yml` by default but a project may set any path as its CI file, so a
# GitLab entry file anywhere is taken as that project's setting.)
_ROOT_CI_FOLDER = {Provider.GITHUB: ".github/workflows/", Provider.CIRCLECI: ".circleci/"}
_PROVIDER_NAME = {Provider.GITHUB: "GitHub", Provider.CIRCLECI: "CircleCI"}


def unread_ci_file(publish: PublishFact) -> str | None:
    """The folder the provider reads pipelines from, when the publish's entry file is not in it
    (`examples/.github/workflows/release.yml`: discovery reads CI files at any depth for the
    rules, but GitHub runs only the root's `.github/workflows/`); None when it runs."""
    folder = _ROOT_CI_FOLDER.get(publish.provider)
    entry = publish.pipeline.entry_file
    if folder is None or (entry.startswith(folder) and "/" not in entry[len(folder):]):
        return None
    return folder


def _ci_file(publish: PublishFact) -> list[Unknown]:
    folder = unread_ci_file(publish)
    if folder is None:
        return []
    entry = publish.pipeline.entry_file
    provider = _PROVIDER_NAME[publish.provider]
    own_root = entry[: entry.rfind(folder)]
    return [Unknown(
        UnknownKind.CI_FILE,
        f"whether `{entry}` runs: {provider} reads only `{folder}` at the repository root, so settings for it would "
        "name a pipeline file that never runs",
        f"{entry}:1",
        f"Move `{entry}` into `{folder}` at the repository root ({provider} runs only those), or confirm that `{own_root}` "
        "is the root of its own repository and run the tool there",
    )]


def _from_analysis(publish: PublishFact, unknown: AnalysisUnknown) -> Unknown:
    kind = _KINDS[unknown.kind]
    what = unknown.what
    if kind is UnknownKind.PACKAGE and publishes_several(publish):
        # One placeholder stands for every package the line publishes: npm needs one each.
        what += "; it publishes several packages, and each needs its own trusted-publisher configuration (the settings below, once per package)"
    return Unknown(kind, what, _where(unknown.location), _resolve(publish, kind))


_KINDS = {
    AnalysisKind.PACKAGE: UnknownKind.PACKAGE,
    AnalysisKind.AUDIENCE: UnknownKind.AUDIENCE,
    AnalysisKind.REGISTRY: UnknownKind.TARGET,
    AnalysisKind.NODE_VERSION: UnknownKind.TOOLCHAIN,
    AnalysisKind.NPM_VERSION: UnknownKind.NPM,
    AnalysisKind.PUBLISHER_VERSION: UnknownKind.PUBLISHER,
    AnalysisKind.RUNNER: UnknownKind.CI_HOST,
}


def _resolve(publish: PublishFact, kind: UnknownKind) -> str:
    """The checklist step that makes an unknown of the analysis known."""
    from npm_auth_lint import toolchain
    from npm_auth_lint.analysis.advice import id_token_fix, node_pin_example

    floor = toolchain.npm_floor(publish.provider is Provider.CIRCLECI)
    job = f"`{publish.job.id}`"
    if kind is UnknownKind.TOOLCHAIN:
        return (f"Pin Node in job {job} (e.g. {node_pin_example(publish.provider)}) so the publish gets "
                f"Node >= {toolchain.NODE_OIDC_FLOOR} and npm >= {floor}")
    if kind is UnknownKind.NPM:
        return f"Install a fixed npm before the publish (`npm install -g npm@^{floor}`) so the npm that publishes is known"
    if kind is UnknownKind.PUBLISHER and publish.publisher == "semantic-release" and publish.tool_pin is None:
        # Its default plugins load from its own install: pinning the plugin alone would not do.
        from npm_auth_lint.knowledge.publishing import semantic_release_upgrade_advice

        advice = semantic_release_upgrade_advice()
        return f"Pin semantic-release in package.json and run that one: {advice}"
    if kind is UnknownKind.PUBLISHER:
        support = cmds.OIDC_PUBLISHER_SUPPORT.get(publish.publisher)
        package = support.package if support is not None else publish.display
        minimum = f" {support.minimum} or newer" if support is not None and support.minimum else ""
        return f"Pin {package}{minimum} in package.json so the version that publishes is known"
    if kind is UnknownKind.PACKAGE and publish.remote_workflow is not None:
        return (f"Check which packages `{publish.remote_workflow}` publishes and that it publishes them with trusted publishing "
                f"(npm binds the trusted publisher to this calling workflow, {publish.pipeline.entry_file})")
    if kind is UnknownKind.PACKAGE:
        return f"Name the package folder of `{publish.display}` literally (a path argument or the step's working directory)"
    if kind is UnknownKind.AUDIENCE:
        return f"Write the ID token's audience literally: {id_token_fix(publish.job)}"
    if kind is UnknownKind.TARGET:
        return f"Write the registry literally where {publish.target_via} sets it (`https://registry.npmjs.org/` for npmjs)"
    return "Check that the pipeline runs on GitLab.com (the only GitLab npm supports) and enter its namespace and project in the settings below"


def _target(publish: PublishFact) -> list[Unknown]:
    if computed(publish.target):
        return [Unknown(
            UnknownKind.TARGET, f"the publish target `{publish.target}` ({publish.target_via}) is only known at run time",
            _where(publish.location), f"Write the registry literally where {publish.target_via} sets it (`https://registry.npmjs.org/` for npmjs)",
        )]
    if publish.target_origin in (TargetOrigin.REGISTRY_FLAG, TargetOrigin.ENVIRONMENT):
        return []
    env = {variable.name: variable for variable in (*publish.job.env, *publish.step.env)}
    for name in _REGISTRY_VARIABLES:
        variable = env.get(name)
        if variable is not None and variable.source.kind is not ValueSourceKind.LITERAL:
            return [Unknown(
                UnknownKind.TARGET, f"the publish target comes from {name}, which is only known at run time",
                _where(variable.location), f"Set {name} to a literal registry URL (`https://registry.npmjs.org/` for npmjs)",
            )]
    return []


def _runner(publish: PublishFact) -> list[Unknown]:
    runner = publish.job.runner
    if runner is None or runner.hosting is not Hosting.UNKNOWN:
        return []
    where = runner.location or publish.job.location
    return [Unknown(
        UnknownKind.RUNNER, f"whether job `{publish.job.id}` runs on a hosted runner cannot be told ({runner.why or ', '.join(runner.labels)})",
        _where(where), f"Run job `{publish.job.id}` on a hosted runner named literally (npm supports hosted runners only)",
    )]


def _credential(publish: PublishFact) -> list[Unknown]:
    opaque = publish.opaque_credential
    if opaque is None or publish.credential is not None:
        return []
    return [Unknown(
        UnknownKind.CREDENTIAL, f"the credential {opaque.via} is computed at run time: whether it is a long-lived token cannot be told",
        _where(opaque.location), f"Check what {opaque.via} holds; if it is a long-lived token, remove it from the publish job",
    )]


def _environment(publish: PublishFact) -> list[Unknown]:
    environment = publish.job.environment
    if environment is None or not computed(environment.value):
        return []
    return [Unknown(
        UnknownKind.ENVIRONMENT, f"the deployment environment `{environment.value}` is only known at run time",
        _where(environment.location), f"Name the environment of job `{publish.job.id}` literally (npm's trusted publisher names one environment)",
    )]


# Publishers whose CircleCI support npm-facts §4 does not confirm in a release: semantic-release
# (semantic-release/npm#1121 is not in the v13.1.5 snapshot) and Yarn Berry (CircleCI later).
_CIRCLECI_UNCONFIRMED = ("semantic-release", "yarn-berry")


def _circleci_unconfirmed(publish: PublishFact) -> list[Unknown]:
    """On CircleCI, "viable" for these publishers would rest on a release the facts do not confirm."""
    if publish.provider is not Provider.CIRCLECI or publish.publisher not in _CIRCLECI_UNCONFIRMED:
        return []
    support = cmds.OIDC_PUBLISHER_SUPPORT.get(publish.publisher)
    package = support.package if support is not None else publish.publisher
    return [Unknown(
        UnknownKind.PUBLISHER,
        f"whether {package} does trusted publishing on CircleCI: no release confirmed to exchange CircleCI's ID token",
        _where(publish.location),
        f"Confirm that the {package} release you run supports CircleCI's ID token (its changelog), or publish with "
        "`npm publish` (npm >= 11.11.0) instead",
    )]


def _semantic_release(publish: PublishFact) -> list[Unknown]:
    """semantic-release run with no version the tool can read (no `npx semantic-release@X`, no
    package.json dependency on it or on @semantic-release/npm): the bundled
    @semantic-release/npm, which decides whether the token can go, is unknown (html-validate
    installs it through a shared configuration at run time)."""
    if publish.publisher != "semantic-release" or publish.tool_pin is not None or publish.action_pin is not None:
        return []
    return [Unknown(
        UnknownKind.PUBLISHER,
        f"the semantic-release that `{publish.display}` runs: no version pin or package.json dependency names it (its bundled "
        "@semantic-release/npm decides trusted publishing)",
        _where(publish.location), _resolve(publish, UnknownKind.PUBLISHER),
    )]
