"""The model's enumerations (levels, providers, kinds of files and values).

They live apart from :mod:`npm_auth_lint.model`, which re-exports them, so that what only needs a
rule's metadata (``npm-auth-lint rules``, ``rule ID``) does not build the model's ~30 dataclasses
at import (about half a millisecond each on Python 3.11).
"""

from __future__ import annotations

import enum


class Severity(str, enum.Enum):
    """Finding levels; the values are SARIF's result levels."""

    NOTE = "note"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return _SEVERITY_RANK[self]


_SEVERITY_RANK = {Severity.NOTE: 1, Severity.WARNING: 2, Severity.ERROR: 3}


class Confidence(str, enum.Enum):
    """How sure a rule is; goes to SARIF ``properties.precision``."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    VERY_HIGH = "very-high"


class Provider(str, enum.Enum):
    GITHUB = "github"
    GITLAB = "gitlab"
    CIRCLECI = "circleci"

    @property
    def title(self) -> str:  # type: ignore[override]  # str.title() is never called on a Provider
        return {"github": "GitHub Actions", "gitlab": "GitLab CI/CD", "circleci": "CircleCI"}[self.value]


class NpmrcKind(str, enum.Enum):
    NPMRC = "npmrc"  # .npmrc, or an npmrc written by a CI script
    YARNRC = "yarnrc"  # Yarn 1 .yarnrc (`key value` or `key=value`)
    YARNRC_YML = "yarnrc-yml"  # Yarn Berry .yarnrc.yml


class ReleaseConfigSource(str, enum.Enum):
    """Where a semantic-release configuration is written."""

    PACKAGE_JSON = "package.json"  # the `release` key
    RC_FILE = "rc-file"  # .releaserc (JSON or YAML), .releaserc.json/.yaml/.yml
    JAVASCRIPT = "javascript"  # .releaserc.js/.cjs/.mjs, release.config.js/.cjs/.mjs: not read


class ValueSourceKind(str, enum.Enum):
    """Where a configured value comes from."""

    SECRET = "secret"  # ${{ secrets.X }}
    VARIABLE = "variable"  # $X / ${X} / ${{ vars.X }} / a CI variable or context defined outside
    LITERAL = "literal"  # text committed in the file
    JOB_TOKEN = "job-token"  # GITHUB_TOKEN, CI_JOB_TOKEN: short-lived
    PLACEHOLDER = "placeholder"  # setup-node's XXXXX-XXXXX-XXXXX-XXXXX
    EXPRESSION = "expression"  # any other expression (inputs, steps outputs, ...)
    EMPTY = "empty"


class EnvScope(str, enum.Enum):
    GLOBAL = "global"  # GitHub workflow env, GitLab global variables
    JOB = "job"  # job env / variables / environment (incl. executors)
    STEP = "step"  # step env, run environment
    RUNTIME = "runtime"  # exported at run time ($GITHUB_ENV, BASH_ENV), from the step that wrote it on


class Hosting(str, enum.Enum):
    HOSTED = "hosted"  # GitHub-hosted, GitLab.com shared, CircleCI cloud
    SELF_HOSTED = "self-hosted"
    UNKNOWN = "unknown"  # e.g. an expression in runs-on


class Applicability(str, enum.Enum):
    """Whether ``--fix`` applies a fix by itself (ruff's words): a *safe* fix keeps what a release
    does; an *unsafe* one changes it (removes a token, moves a job) and needs ``--unsafe-fixes``."""

    SAFE = "safe"
    UNSAFE = "unsafe"
