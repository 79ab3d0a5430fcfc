"""Whether a job's ``GITHUB_TOKEN`` permissions let it request the OIDC ID token.

Effective permissions are the job's ``permissions`` if it has them, else the workflow's, else
GitHub's default, which never includes ``id-token: write``. In a called (reusable) workflow that
sets no permissions at all, the jobs get the calling job's permissions; a called workflow can
only narrow them, so every job along a call chain must grant ``id-token: write``.
"""

from __future__ import annotations

from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import IdToken, Location
from npm_auth_lint.parsers.github_common import key_location


@frozen_dataclass
class Permissions:
    """A ``permissions:`` value as written: whether it grants the ID token, and its key."""

    grants: bool
    lacks: str  # "job permissions <lacks>", for messages
    location: Location
    scoped: bool = False  # a non-empty scope mapping, which the fix extends
    scopes: tuple[str, ...] = ()  # the scopes of a mapping as written, e.g. "contents: write"


@frozen_dataclass
class Level:
    """One job along a call chain (the entry job first) and the permissions around it."""

    job_id: str
    location: Location
    path: str
    job: Permissions | None
    workflow: Permissions | None


def read_permissions(mapping: Any, path: str) -> Permissions | None:
    """The ``permissions:`` of a workflow or job mapping; None when it has none."""
    if not isinstance(mapping, yamlio.YMap) or "permissions" not in mapping:
        return None
    value = mapping["permissions"]
    where = key_location(path, mapping, "permissions")
    if isinstance(value, str):
        shown = value.strip()
        return Permissions(shown == "write-all", f"are `{shown}`, which does not include `id-token: write`", where)
    if isinstance(value, yamlio.YMap):
        if not value:
            return Permissions(False, "are `{}`, which grants nothing", where)
        grants = isinstance(value.get("id-token"), str) and value["id-token"].strip() == "write"
        scopes = tuple(f"{key}: {level.strip()}" for key, level in value.items() if isinstance(level, str))
        return Permissions(grants, "lack `id-token: write`", where, scoped=True, scopes=scopes)
    return Permissions(False, "are empty" if value is None else "are not a valid value", where)


def _effective(levels: tuple[Level, ...]) -> list[bool]:
    granted: list[bool] = []
    for index, level in enumerate(levels):
        declared = level.job or level.workflow
        if declared is not None:
            granted.append(declared.grants)
        else:  # the entry workflow's default, or a called workflow inheriting its caller's
            granted.append(granted[index - 1] if index else False)
    return granted


def id_token(levels: tuple[Level, ...]) -> IdToken:
    """The ID-token state of the innermost job of ``levels`` (a plain job is one level)."""
    granted = _effective(levels)
    failing = next((i for i, ok in enumerate(granted) if not ok), None)
    anchor_level = levels[-1] if failing is None else levels[failing]
    anchor = anchor_level.job.location if anchor_level.job is not None else anchor_level.location
    if failing is None:
        return IdToken(True, anchor, sigstore=True)
    return IdToken(False, anchor, _problem(levels, failing), False, _fix(levels[failing]))


def _reason(level: Level) -> str:
    if level.job is not None:
        return f"job permissions {level.job.lacks}"
    if level.workflow is not None:
        return "the workflow-level permissions do not grant `id-token: write` and the job has no permissions of its own"
    return "no `permissions` grant `id-token: write` (GitHub's default token permissions never include it)"


def _problem(levels: tuple[Level, ...], failing: int) -> str:
    level = levels[failing]
    if len(levels) == 1:
        return _reason(level)
    entry = levels[0]
    if failing == 0:
        called = levels[-1]
        return (
            f"in the calling job `{entry.job_id}`, {_reason(level)}; both the calling job `{entry.job_id}` "
            f"and the called job `{called.job_id}` ({called.path}) need it"
        )
    return (
        f"in the called job `{level.job_id}` ({level.path}), {_reason(level)}; both the calling job "
        f"`{entry.job_id}` and the called job need it"
    )


def _fix(level: Level) -> str:
    if level.job is not None and level.job.scoped:
        return f"add `id-token: write` to the `permissions` of job `{level.job_id}` ({level.path})"
    if level.job is not None:
        return (
            f"replace the `permissions` of job `{level.job_id}` ({level.path}) "
            "with `id-token: write` (and `contents: read`)"
        )
    workflow = level.workflow
    if workflow is not None and workflow.scoped:
        # A job-level block replaces the workflow's: keep what the job gets today.
        kept = ", ".join(f"`{scope}`" for scope in workflow.scopes if not scope.startswith("id-token:"))
        return (
            f"add `permissions:` to job `{level.job_id}` ({level.path}) with `id-token: write`"
            + (f" and the workflow's {kept}" if kept else "")
        )
    return (
        f"add `permissions:` to job `{level.job_id}` ({level.path}) with `id-token: write` and every scope its "
        "steps use (at least `contents: read`): a `permissions:` block drops the default token's other scopes"
    )
