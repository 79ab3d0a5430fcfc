"""An inline suppression no longer suppresses anything.

## What it does
Reports an `npm-auth-lint: ignore[rule-id,...]` comment when a rule it names reports nothing on
that line any more, or when it names a rule that does not exist. Suppressions of rules that are
turned off (`--select`, `--ignore`, the configuration) are not judged. It points at the comment.

## Why is this bad?
A stale suppression hides the next real finding on that line: once the original problem is
fixed, a new problem of the same kind would be silenced without anyone reviewing it. A misspelt
rule id never suppressed anything in the first place.

## Example
```yaml
      - run: npm publish  # npm-auth-lint: ignore[use-trusted-publishing] migrated to OIDC in May
```

## Use instead
```yaml
      - run: npm publish
```

## References
- ruff's `unused-noqa` (RUF100): https://docs.astral.sh/ruff/rules/unused-noqa/
- zizmor, ignoring results: https://docs.zizmor.sh/usage/#ignoring-results
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding, Location


class UnusedSuppression(Rule):
    __doc__ = __doc__
    id = "unused-suppression"
    severity = Severity.WARNING
    tags = ("maintainability",)
    security_severity = 2.0

    def check(self, ctx: Context) -> Iterator[Finding]:
        # The engine reports these: only it knows which suppressions matched a finding.
        return iter(())

    def finding(self, location: Location, message: str, **kwargs: Any) -> Finding:
        """The engine's finding with its title and help: a stale suppression is removed, a
        misspelt rule id corrected (the engine words the message; the two kinds end differently)."""
        stale = message.removesuffix(_REMOVE)
        if stale != message:
            kwargs.setdefault("title", title(stale, "the suppression matches no finding on this line"))
            kwargs.setdefault("help", _REMOVE.removeprefix("; "))
        else:
            kwargs.setdefault("title", "a suppression names an unknown rule")
            kwargs.setdefault("help", "name a rule that `npm-auth-lint rules` lists, or remove the suppression")
        return super().finding(location, message, **kwargs)


_REMOVE = "; remove it"
