"""The rule plugin API.

A rule is a small class: metadata as class attributes, its user documentation as the class
docstring (ruff's headings: What it does / Why is this bad? / Example / Use instead /
References), and one generator, :meth:`Rule.check`, over a :class:`Context`:

- ``ctx.project`` — the :class:`~npm_auth_lint.model.Project` (every parsed file, located);
- ``ctx.facts`` — the :class:`~npm_auth_lint.analysis.Analysis` the engine computed once for
  the project (publishing jobs, their credentials, targets, toolchains and blockers).

The engine applies policy afterwards: configured severities, ignores, suppressions, and it drops
repeated findings (see :class:`Repeats`), so a rule states its default severity and need not
track what it already reported.
"""

from __future__ import annotations

import enum
import functools
import inspect
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar

from npm_auth_lint.kinds import Confidence, Severity
from npm_auth_lint.lazy_dataclass import frozen_dataclass

if TYPE_CHECKING:
    # Only for the annotations: listing or documenting rules (and the reporters, which read rule
    # metadata) must not load the analysis, nor build the model's dataclasses.
    from npm_auth_lint.analysis import Analysis
    from npm_auth_lint.model import Finding, Fix, Location, Project, Related

DOCS_URL = "https://github.com/npm-auth-lint/npm-auth-lint/blob/main/README.md"

REQUIRED_HEADINGS = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


class Repeats(enum.Enum):
    """Which findings of one rule the engine takes as repeats of an earlier one (and drops).

    A line is often reached more than once: a template shared by two jobs, a reusable workflow
    with two callers, a publish with several credentials in scope.
    """

    SAME_MESSAGE = "same-message"  # same location and message (every rule)
    SAME_LOCATION = "same-location"  # same path, line and column, whatever the message
    SAME_LINE = "same-line"  # same path and line, whatever the column or message
    SAME_SUBJECT = "same-subject"  # same ``Finding.subject`` (a job, a package), wherever it is


@frozen_dataclass
class Context:
    """What a rule reads: the project and the facts the analysis derived from it."""

    project: Project
    facts: Analysis


class Rule:
    """Base class of every rule (built-in or third-party)."""

    id: ClassVar[str]
    severity: ClassVar[Severity]
    confidence: ClassVar[Confidence] = Confidence.HIGH
    # SARIF tags; "security" is added to every rule by the SARIF reporter.
    tags: ClassVar[tuple[str, ...]] = ()
    # GitHub code scanning's "security-severity" (0.1-10.0).
    security_severity: ClassVar[float] = 5.0
    # What the engine drops as a repeat: it keeps the first finding of each location/line.
    repeats: ClassVar[Repeats] = Repeats.SAME_MESSAGE

    def check(self, ctx: Context) -> Iterator[Finding]:
        """Yield the findings of this rule on ``ctx.project`` / ``ctx.facts``."""
        raise NotImplementedError  # pragma: no cover - every rule overrides it

    def finding(
        self,
        location: Location,
        message: str,
        *,
        severity: Severity | None = None,
        related: Iterable[Related] = (),
        secrets: Iterable[str] = (),
        confidence: Confidence | None = None,
        subject: tuple[str, ...] = (),
        title: str = "",
        help: str = "",
        fix: Fix | None = None,
    ) -> Finding:
        """A finding pre-filled with this rule's id, default severity and confidence.

        ``subject`` names what the finding is about for a rule with ``Repeats.SAME_SUBJECT``.
        ``title`` (the problem in a few words) and ``help`` (the change to make) are optional;
        the text output shows them instead of splitting ``message`` for display. ``fix`` is the
        edit that resolves the finding (see :mod:`npm_auth_lint.fixes`), None when there is none.
        """
        from npm_auth_lint.model import Finding  # loaded by then: the rule was given a project

        return Finding(
            location=location,
            rule_id=self.id,
            message=message,
            severity=severity or self.severity,
            confidence=confidence or self.confidence,
            related=tuple(related),
            secrets=tuple(s for s in secrets if s),
            subject=subject,
            title=title,
            help=help,
            fix=fix if fix is not None and fix.edits else None,
        )

    # Documentation ---------------------------------------------------------------------------

    @classmethod
    def docs(cls) -> str:
        """The full Markdown documentation (the class docstring, dedented)."""
        # Asked four times per rule by a SARIF log (help, summary, description): dedented once.
        return _dedented(cls.__doc__ or "")

    @classmethod
    def summary(cls) -> str:
        """The first line of the docs: SARIF shortDescription and the `rules` listing."""
        return cls.docs().splitlines()[0].strip() if cls.docs() else cls.id

    @classmethod
    def full_description(cls) -> str:
        """The 'What it does' section as one paragraph (SARIF fullDescription)."""
        section = cls.section("What it does")
        return re.sub(r"\s+", " ", section).strip() or cls.summary()

    @classmethod
    def section(cls, heading: str) -> str:
        """The text under ``## heading`` in the docs, without the heading."""
        lines = cls.docs().splitlines()
        out: list[str] = []
        inside = False
        for line in lines:
            if line.startswith("## "):
                inside = line[3:].strip().rstrip(":") == heading.rstrip(":")
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip()

    @classmethod
    def help_uri(cls) -> str:
        return f"{DOCS_URL}#{cls.id}"


@functools.lru_cache(maxsize=256)
def _dedented(docstring: str) -> str:
    return inspect.cleandoc(docstring)
