"""What a pipeline's verdict rests on but the tool cannot determine, read from the analysis.

Each unknown names the value, where it is written, and the checklist step that resolves it
(spec: "Unknown": computed values are never guessed and never an error).
"""

from __future__ import annotations

from npm_auth_lint import commands as cmds
from npm_auth_lint.analysis import Analysis, pin_can_reach
from npm_auth_lint.analysis.facts import PublishFact, TargetOrigin
from npm_auth_lint.knowledge.publishing import PublisherKind
from npm_auth_lint.model import Hosting, Provider, ValueSourceKind
from npm_auth_lint.strategy.model import Unknown, UnknownKind

# Public forges other than gitlab.com: a `.gitlab-ci.yml` in a repository whose origin is one of
# these is a mirror, and where its pipeline runs cannot be told from the repository.
OTHER_PUBLIC_FORGES = frozenset({"github.com", "bitbucket.org", "codeberg.org"})
_REGISTRY_VARIABLES = ("NPM_CONFIG_REGISTRY", "npm_config_registry")


def _where(location: object) -> str:
    return f"{location.path}:{location.line}"  # type: ignore[attr-defined]


def computed(text: str) -> bool:
    """Whether a configured value is only known at run time (a variable or an expression)."""
    return "$" in text


def is_mirror(analysis: Analysis, publish: PublishFact) -> bool:
    remote = analysis.project.remote
    return publish.provider is Provider.GITLAB and remote is not None and remote.host in OTHER_PUBLIC_FORGES


def unknowns_of(analysis: Analysis, publish: PublishFact) -> list[Unknown]:
    """The unknowns of one publish, in checklist order (what decides viability first)."""
    found = [*_target(publish), *_host(analysis, publish), *_runner(publish)]
    if publish.is_npmjs or found:
        found += [*_toolchain(analysis, publish), *_publisher(publish), *_credential(publish), *_environment(publish)]
    return found


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


def _host(analysis: Analysis, publish: PublishFact) -> list[Unknown]:
    if not is_mirror(analysis, publish):
        return []
    host = analysis.project.remote.host  # type: ignore[union-attr]
    return [Unknown(
        UnknownKind.CI_HOST,
        f"the repository's origin is on {host}: whether this GitLab pipeline runs on GitLab.com (the only GitLab npm supports) cannot be told",
        _where(publish.job.location),
        "Check that the pipeline runs on GitLab.com and enter its namespace and project in the settings below",
    )]


def _runner(publish: PublishFact) -> list[Unknown]:
    runner = publish.job.runner
    if runner is None or runner.hosting is not Hosting.UNKNOWN:
        return []
    where = runner.location or publish.job.location
    return [Unknown(
        UnknownKind.RUNNER, f"whether job `{publish.job.id}` runs on a hosted runner cannot be told ({runner.why or ', '.join(runner.labels)})",
        _where(where), f"Run job `{publish.job.id}` on a hosted runner named literally (npm supports hosted runners only)",
    )]


def _toolchain(analysis: Analysis, publish: PublishFact) -> list[Unknown]:
    reason = analysis.toolchain_unknown(publish)
    if reason is None:
        return []
    from npm_auth_lint import toolchain
    from npm_auth_lint.analysis.advice import node_pin_example

    circleci = publish.provider is Provider.CIRCLECI
    floor = toolchain.npm_floor(circleci)
    if reason.startswith("the npm that"):
        resolve = f"Install a fixed npm before the publish (`npm install -g npm@^{floor}`) so the npm that publishes is known"
    else:
        resolve = (
            f"Pin Node in job `{publish.job.id}` (e.g. {node_pin_example(publish.provider)}) so the publish gets "
            f"Node >= {toolchain.NODE_OIDC_FLOOR} and npm >= {floor}"
        )
    return [Unknown(UnknownKind.TOOLCHAIN, f"the toolchain of `{publish.display}` cannot be determined: {reason}", _where(publish.location), resolve)]


def _publisher(publish: PublishFact) -> list[Unknown]:
    """A publisher with its own registry client whose version is not pinned where the tool reads."""
    support = cmds.OIDC_PUBLISHER_SUPPORT.get(publish.publisher)
    if publish.kind is not PublisherKind.OWN_CLIENT or support is None or support.never or support.minimum is None:
        return []
    pin = publish.tool_pin
    if pin is not None and pin_can_reach(pin.version, support.minimum) is not None:
        return []
    return [Unknown(
        UnknownKind.PUBLISHER, f"`{publish.display}` publishes with its own registry client; its version cannot be determined",
        _where(publish.location), f"Pin {support.package} {support.minimum} or newer (its first release with trusted publishing)",
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
