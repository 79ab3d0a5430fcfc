"""Which machine a GitHub Actions job runs on: ``runs-on`` -> :class:`Runner`.

npm trusted publishing accepts GitHub-hosted runners only, so the hosting decides whether OIDC
can work at all. Labels compare case-insensitively, as GitHub matches them.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping
from typing import Any

from npm_auth_lint import lazy_regex, yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Hosting, Runner
from npm_auth_lint.parsers.github_common import Substitution, key_location, scalar_text

# GitHub-hosted runner labels (standard and arm64 runners, and the macOS larger runners whose
# labels GitHub defines), from "GitHub-hosted runners reference" as of 2026. Any other label
# names a self-hosted runner or an organisation's own larger-runner label.
HOSTED_LABELS: frozenset[str] = frozenset(
    {
        "ubuntu-latest",
        "ubuntu-24.04",
        "ubuntu-22.04",
        "ubuntu-20.04",
        "ubuntu-24.04-arm",
        "ubuntu-22.04-arm",
        "ubuntu-slim",
        "windows-latest",
        "windows-2025",
        "windows-2022",
        "windows-2019",
        "windows-11-arm",
        "macos-latest",
        "macos-26",
        "macos-15",
        "macos-14",
        "macos-13",
    }
)
HOSTED_PATTERNS: tuple[str, ...] = ("macos-*-large", "macos-*-xlarge", "macos-*-intel")

_MATRIX_REF = lazy_regex.compile(r"^\$\{\{\s*matrix\.([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}$")


def is_hosted_label(label: str) -> bool:
    """Whether ``label`` names a GitHub-hosted runner (see :data:`HOSTED_LABELS`)."""
    name = label.strip().lower()
    return name in HOSTED_LABELS or any(fnmatch.fnmatchcase(name, p) for p in HOSTED_PATTERNS)


@frozen_dataclass
class Placement:
    """A job's runner and whether its default shell is PowerShell (Windows runners)."""

    runner: Runner | None
    windows: bool = False


def _labels(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [text for item in items if (text := scalar_text(item)) is not None and item is not None]


def _resolve(label: str, matrix: Mapping[str, tuple[str, ...]]) -> tuple[str, ...] | None:
    """A label's possible values: itself, the values of a ``${{ matrix.x }}`` axis, or None."""
    if "${{" not in label:
        return (label,)
    match = _MATRIX_REF.match(label.strip())
    if match is None:
        return None
    values = matrix.get(match.group(1))
    if not values or any("${{" in v for v in values):
        return None
    return values


def runs_on(job: yamlio.YMap, path: str, subst: Substitution, matrix: Mapping[str, tuple[str, ...]]) -> Placement:
    """The job's :class:`Runner` (None without ``runs-on``) located at the ``runs-on:`` key."""
    if "runs-on" not in job:
        return Placement(None)
    value = job["runs-on"]
    where = key_location(path, job, "runs-on")
    group = None
    if isinstance(value, yamlio.YMap):
        group = scalar_text(value.get("group")) if value.get("group") is not None else None
        labels = _labels(value.get("labels")) if value.get("labels") is not None else []
    else:
        labels = _labels(value)
    labels = [subst.expand(label) for label in labels]
    resolved = [(label, _resolve(label, matrix)) for label in labels]
    # A label list is a conjunction (`[self-hosted, windows]`), a matrix axis a set of
    # alternatives: the job runs PowerShell by default only when every alternative is Windows.
    windows = any(values and all(v.strip().lower().startswith("windows") for v in values) for _, values in resolved)
    hosting, why = _hosting(resolved, group and subst.expand(group))
    return Placement(Runner(tuple(labels), hosting, where, why), windows)


def _hosting(resolved: list[tuple[str, tuple[str, ...] | None]], group: str | None) -> tuple[Hosting, str]:
    for label, values in resolved:
        for value in values or ():
            if value.strip().lower() == "self-hosted":
                return Hosting.SELF_HOSTED, _because(label, value, "runs-on includes the 'self-hosted' label")
    if group is not None:
        return Hosting.UNKNOWN, f"runs-on names the runner group '{group}' (larger runners may be GitHub-hosted)"
    for label, values in resolved:
        for value in values or ():
            if not is_hosted_label(value):
                return Hosting.SELF_HOSTED, _because(label, value, f"label '{value}' is not a GitHub-hosted runner")
    for label, values in resolved:
        if values is None:
            return Hosting.UNKNOWN, f"runs-on is an expression ({label}) that cannot be resolved"
    if not resolved:
        return Hosting.UNKNOWN, "runs-on names no runner label"
    return Hosting.HOSTED, ""


def _because(label: str, value: str, why: str) -> str:
    return why if label == value else f"{why} (from {label.strip()})"
