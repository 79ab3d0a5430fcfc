"""The strategy as JSON-ready data and as the text section shown at the end of the output."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from npm_auth_lint.model import Provider
from npm_auth_lint.strategy.model import NPM_TRUST_REQUIRES, PipelineStrategy


def to_data(strategies: Sequence[PipelineStrategy]) -> list[dict[str, Any]]:
    """Plain JSON-ready data (built directly: ``dataclasses.asdict`` deep-copies every string)."""
    return [
        {
            "file": s.file,
            "job": s.job,
            "provider": s.provider,
            "packages": list(s.packages),
            "path": s.path,
            "path_title": s.path_title,
            "publish": s.publish,
            "location": s.location,
            "unknowns": [
                {"kind": u.kind.value, "what": u.what, "location": u.location, "resolve": u.resolve, "step": u.step} for u in s.unknowns
            ],
            "blockers": list(s.blockers),
            "checklist": list(s.checklist),
            "allowed_actions": list(s.allowed_actions),
            "trusted_publishers": [
                {
                    "packages": list(t.packages),
                    "provider": t.provider,
                    "fields": dict(t.fields),
                    "allowed_actions": list(t.allowed_actions),
                    "command": t.command,
                    "commands": list(t.commands),
                    "command_requires": NPM_TRUST_REQUIRES,
                    "chosen_because": t.chosen_because,
                }
                for t in s.trusted_publishers
            ],
            "consolidate": [
                {"packages": list(c.packages), "keep_file": c.keep_file, "keep_job": c.keep_job, "why": c.why, "how": c.how}
                for c in s.consolidate
            ],
        }
        for s in strategies
    ]


def render_text(strategies: Sequence[PipelineStrategy]) -> str:
    """The human-readable section shown at the end of the text output."""
    if not strategies:
        return ""
    lines = ["Publishing pipelines:"]
    for s in strategies:
        lines.extend(_pipeline_lines(s))
    return "\n".join(lines) + "\n"


def _pipeline_lines(s: PipelineStrategy) -> list[str]:
    packages = ", ".join(s.packages) or "(no package.json found)"
    lines = [
        "",
        f"  {s.file} · job {s.job} ({Provider(s.provider).title}) publishes {packages}",
        f"    {s.location}: `{s.publish}`",
        f"    path: {s.path_title}",
    ]
    for unknown in s.unknowns:
        step = f" (step {unknown.step} resolves it)" if unknown.step else ""
        lines.append(f"    unknown: {unknown.what} at {unknown.location}{step}")
    lines.extend(f"    blocker: {blocker}" for blocker in s.blockers)
    lines.extend(f"    {number}. {step}" for number, step in enumerate(s.checklist, start=1))
    for settings in s.trusted_publishers:
        count = len(settings.packages)
        target = settings.packages[0] if count == 1 else f"each of the {count} packages"
        lines.append(f"    trusted publisher for {target} ({settings.provider}):")
        if count > 1:
            # npm keeps one configuration per package: the same values are entered for each.
            lines.append(f"      one configuration per package on npmjs.com, for each of: {', '.join(settings.packages)}")
        if settings.chosen_because:
            lines.append(f"      kept here because {settings.chosen_because} (npm keeps one trusted publisher per package)")
        lines.extend(f"      {name}: {value}" for name, value in settings.fields.items())
        if settings.commands:
            lines.append(f"      or, with {NPM_TRUST_REQUIRES}:")
            lines.extend(f"        {command}" for command in settings.commands)
        else:
            lines.append(f"      or, with {NPM_TRUST_REQUIRES}: {settings.command}")
    for c in s.consolidate:
        lines.append(f"    {', '.join(c.packages)}: trusted publisher kept by {c.keep_file} · job {c.keep_job}, because {c.why}")
    return lines
