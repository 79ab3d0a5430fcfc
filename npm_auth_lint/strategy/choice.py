"""One trusted-publisher configuration per package (npm keeps one per package, npm-facts §1.4).

Where several pipelines publish a package, the one that runs on a release (a tag push, `on:
release`, `$CI_COMMIT_TAG`, CircleCI tag filters) is kept, else the first by file and line; the
others are told how to hand their publish over to it.
"""

from __future__ import annotations

from npm_auth_lint.analysis.facts import PublishFact
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location, Provider
from npm_auth_lint.strategy.unknowns import unread_ci_file


@frozen_dataclass
class Binding:
    """What npm's trusted publisher binds to: provider, entry CI file, deployment environment."""

    provider: Provider
    file: str
    environment: str


@frozen_dataclass
class Candidate:
    """One pipeline (entry file + job) that publishes a package to npmjs."""

    key: tuple[str, str]  # (entry file, job id)
    binding: Binding
    first: Location  # its first publish
    release_trigger: str | None
    triggers: tuple[str, ...]
    runs: bool = True  # False: its CI file is not where the provider reads it (never runs)


@frozen_dataclass
class Choice:
    """Which candidate pipeline a package's trusted publisher is given to, and why."""

    kept: Candidate
    why: str


def candidate(key: tuple[str, str], publish: PublishFact) -> Candidate:
    environment = publish.job.environment.value if publish.job.environment is not None else ""
    binding = Binding(publish.provider, publish.pipeline.entry_file, environment)
    runs = unread_ci_file(publish) is None
    return Candidate(key, binding, publish.location, publish.job.release_trigger, publish.pipeline.triggers, runs)


def _order(c: Candidate) -> tuple[str, int]:
    return (c.first.path, c.first.line)


def choose(candidates: list[Candidate]) -> Choice:
    """The pipeline whose settings a package gets, and why (``candidates`` is not empty)."""
    bindings = {c.binding for c in candidates}
    ordered = sorted(candidates, key=_order)
    if len(bindings) == 1:
        return Choice(ordered[0], "")
    # A CI file its provider never runs (`examples/.github/workflows/`) keeps the package only
    # when no pipeline that runs publishes it.
    running = [c for c in ordered if c.runs]
    if running and len(running) < len(ordered):
        choice = choose(running)
        unread = "the other pipelines' CI files are not where their provider reads them"
        return Choice(choice.kept, f"{choice.why}; {unread}" if choice.why else unread)
    on_release = [c for c in ordered if c.release_trigger]
    if on_release:
        kept = on_release[0]
        return Choice(kept, f"it runs on a release ({kept.release_trigger})")
    return Choice(ordered[0], f"none of the {len(bindings)} pipelines that publish it runs on a release, and it is the first by file and line")


def how_to_consolidate(this: Candidate, kept: Candidate) -> str:
    """How the pipeline ``this`` hands its publish of a package over to ``kept``."""
    if this.binding.file == kept.binding.file:
        wanted = f"`{kept.binding.environment}`" if kept.binding.environment else "no environment"
        return f"Use {wanted} for job `{this.key[1]}` too: npm's trusted publisher names one environment per package"
    kept_name = f"`{kept.binding.file}`"
    if this.binding.provider is Provider.GITHUB and kept.binding.provider is Provider.GITHUB:
        triggers = f" ({', '.join(this.triggers)})" if this.triggers else ""
        return (
            f"Move the triggers of `{this.binding.file}`{triggers} into {kept_name} and drop the publish here; or move the publish "
            f"into a reusable workflow (`on: workflow_call`) that only {kept_name} calls (npm checks the calling workflow's filename)"
        )
    return f"Publish only from {kept_name} ({kept.binding.provider.title}, job `{kept.key[1]}`) and drop the publish here"
