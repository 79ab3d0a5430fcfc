"""The strategy report's data: a path per publishing pipeline, what is unknown, the checklist and
the trusted-publisher settings (JSON keys in docs/json-schema.md, ``strategy``)."""

from __future__ import annotations

import enum
from dataclasses import field

from npm_auth_lint.lazy_dataclass import frozen_dataclass


class PublishingPath(str, enum.Enum):
    TRUSTED_WORKING = "trusted-publishing"
    TRUSTED_BROKEN = "trusted-publishing-broken"
    TRUSTED_WITH_FALLBACK = "trusted-publishing-with-token-fallback"
    UNVERIFIED = "unverified"
    TOKEN_MIGRATE = "token-oidc-viable"
    TOKEN_NOT_VIABLE = "token-oidc-not-viable"
    OTHER_REGISTRY = "other-registry"

    @property
    def title(self) -> str:  # type: ignore[override]  # str.title() is never called on a path
        return {
            "trusted-publishing": "trusted publishing (OIDC) — set up",
            "trusted-publishing-broken": "trusted publishing (OIDC) — broken",
            "trusted-publishing-with-token-fallback": "trusted publishing (OIDC) with a long-lived token as fallback",
            "unverified": "unverified — a value the verdict rests on cannot be determined",
            "token-oidc-viable": "long-lived token — trusted publishing is viable: migrate",
            "token-oidc-not-viable": "long-lived token — trusted publishing is not viable here",
            "other-registry": "another registry (trusted publishing does not apply)",
        }[self.value]


# When one job has several publishes, the pipeline is on the most troubled path among them; a
# verdict that rests on an unknown comes right after a known defect.
PATH_ORDER = (
    PublishingPath.TOKEN_NOT_VIABLE,
    PublishingPath.TRUSTED_BROKEN,
    PublishingPath.UNVERIFIED,
    PublishingPath.TOKEN_MIGRATE,
    PublishingPath.TRUSTED_WITH_FALLBACK,
    PublishingPath.TRUSTED_WORKING,
    PublishingPath.OTHER_REGISTRY,
)


class UnknownKind(str, enum.Enum):
    """What kind of value the verdict rests on but the tool cannot determine (spec: "Unknown")."""

    TARGET = "registry"  # the registry, from a variable or expression
    CI_FILE = "ci-file"  # a CI file outside the folder the provider reads (`examples/.github/workflows/`)
    CI_HOST = "ci-host"  # where the pipeline runs (a GitLab pipeline of a repository on github.com)
    RUNNER = "runner"  # whether the runner is hosted (a label from a variable)
    TOOLCHAIN = "node-version"  # the Node the publish runs
    NPM = "npm-version"  # the npm the publish runs
    PUBLISHER = "publisher-version"  # the version of a publisher with its own registry client
    PACKAGE = "package"  # which package a publish publishes
    AUDIENCE = "id-token-audience"  # an ID-token audience computed at run time
    CREDENTIAL = "credential"  # a credential computed at run time
    ENVIRONMENT = "environment"  # the deployment environment, from an expression


# Unknowns that decide whether trusted publishing is viable at all: the pipeline is unverified
# whatever else is known. The others only keep a "set up" verdict from being said.
DECISIVE = frozenset({UnknownKind.CI_FILE, UnknownKind.TARGET, UnknownKind.RUNNER, UnknownKind.CI_HOST})


@frozen_dataclass
class Unknown:
    """A value the strategy needs but cannot read from the repository, and how to resolve it."""

    kind: UnknownKind
    what: str  # the value and why it cannot be determined, in words
    location: str  # path:line where it is written
    resolve: str  # the checklist step that resolves it
    step: int = 0  # that step's 1-based number in the pipeline's checklist


@frozen_dataclass
class PublisherSettings:
    """What to enter on npmjs.com for some packages of one pipeline, and the `npm trust` command.

    ``command`` names the one package, or holds ``<package>`` when there are several
    (``commands`` then lists each for up to :data:`MAX_COMMANDS` packages).
    """

    packages: tuple[str, ...]
    provider: str
    fields: dict[str, str]
    command: str
    commands: tuple[str, ...] = ()
    allowed_actions: tuple[str, ...] = ("npm publish",)
    chosen_because: str = ""  # why this pipeline keeps the packages' one trusted publisher


MAX_COMMANDS = 10
# `npm trust` exists since npm 11.10.0; its --allow-publish/--allow-stage-publish flags and npm's
# v12 docs need npm 11.15.0 (npm-facts §1.1).
NPM_TRUST_REQUIRES = "npm >= 11.15.0"


@frozen_dataclass
class Consolidation:
    """Packages this pipeline publishes whose one trusted publisher another pipeline keeps."""

    packages: tuple[str, ...]
    keep_file: str
    keep_job: str
    why: str
    how: str


@frozen_dataclass
class PipelineStrategy:
    """One publishing pipeline's path (trusted publishing or tokens) and exactly what to change."""

    file: str  # the entry CI file npm binds to
    job: str
    provider: str
    packages: tuple[str, ...]
    path: str
    path_title: str
    publish: str  # the publish command
    location: str  # path:line of the publish
    blockers: tuple[str, ...] = ()
    checklist: tuple[str, ...] = ()
    trusted_publishers: tuple[PublisherSettings, ...] = field(default=())
    unknowns: tuple[Unknown, ...] = ()
    allowed_actions: tuple[str, ...] = ()
    consolidate: tuple[Consolidation, ...] = ()
