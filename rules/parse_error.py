"""A file the tool reads cannot be parsed.

## What it does
Reports a file that npm-auth-lint reads but cannot parse: a YAML or JSON syntax error, a
duplicate key, the wrong top-level type (a list where a mapping is expected), a file that is not
UTF-8 text, or one that is too large or nested too deeply. The finding points at the line where
the parser detected the error (for a duplicate key, its second occurrence). The file yields no
other finding, and the run goes on with the other files.

## Why is this bad?
A file that cannot be parsed cannot be checked, so a leaked token or a broken publishing job in
it would go unreported. CI providers and npm reject most of these files too: GitHub refuses a
workflow with a duplicate key, and npm fails on an invalid `package.json`.

## Example
```json
{
  "name": "my-package",
  "version": "1.0.0",
}
```

## Use instead
```json
{
  "name": "my-package",
  "version": "1.0.0"
}
```

## References
- YAML 1.2 specification, §3.2.1.3 (mapping keys are unique): https://yaml.org/spec/1.2.2/
- npm-auth-lint spec, "Meta" rules (`shared/spec/rules.md`).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from npm_auth_lint.rules._wording import title

from npm_auth_lint.kinds import Severity
from npm_auth_lint.rule import Context, Rule

if TYPE_CHECKING:
    from npm_auth_lint.model import Finding, Location


class ParseErrorRule(Rule):
    __doc__ = __doc__
    id = "parse-error"
    severity = Severity.ERROR
    tags = ("correctness",)
    security_severity = 4.0

    def check(self, ctx: Context) -> Iterator[Finding]:
        # The engine turns the parsers' errors into findings of this rule, so that files
        # which fail to parse are known before any other rule's findings are filtered.
        return iter(())

    def finding(self, location: Location, message: str, **kwargs: Any) -> Finding:
        """A parse error as the engine reports it, with its title and help: the parser's own
        words are the title when they are short."""
        kwargs.setdefault("title", title(message, "the file cannot be parsed"))
        kwargs.setdefault("help", "fix the file so that it parses: no other rule checks it until then")
        return super().finding(location, message, **kwargs)
