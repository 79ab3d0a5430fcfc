"""The documents the tool produces, as functions: what the MCP server serves and the command
line prints in its JSON formats, built by the same code so they cannot drift apart.

Each function takes a repository folder and returns JSON-ready data, already redacted; usage
problems (an unknown rule id, a bad configuration) raise :class:`ApiError` with a one-line message.

A caller that calls these from several threads calls
:func:`npm_auth_lint.lazy_dataclass.process_eagerly` before it starts them, as the MCP server
does (the model's classes are otherwise completed at first use, which is not thread-safe).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any


class ApiError(Exception):
    """A request that cannot be answered: its message is one line for the user."""


def _config(root: Path, select: Sequence[str], ignore: Sequence[str]) -> Any:
    from npm_auth_lint.cli import UsageError, build_config
    from npm_auth_lint.config import ConfigError
    from npm_auth_lint.plugins import RegistryError

    try:
        return build_config(root, None, False, list(select), list(ignore))
    except (ConfigError, RegistryError, UsageError, ValueError) as exc:
        raise ApiError(str(exc)) from None


def _lint(repository: Path, select: Sequence[str], ignore: Sequence[str]) -> Any:
    from npm_auth_lint.cli import UsageError, repository_root
    from npm_auth_lint.engine import lint

    try:
        root = repository_root([repository])
    except UsageError as exc:
        raise ApiError(str(exc)) from None
    return lint([repository], _config(root, select, ignore))


def lint_document(repository: Path, select: Sequence[str] = (), ignore: Sequence[str] = ()) -> dict[str, Any]:
    """The ``npm-auth-lint/findings`` document of ``npm-auth-lint --format json REPOSITORY``."""
    from npm_auth_lint.cli import LintOptions, build_report
    from npm_auth_lint.reporters.json import document

    result = _lint(repository, select, ignore)
    return document(build_report(result, result.findings, LintOptions(output_format="json")))


def strategy_document(repository: Path) -> dict[str, Any]:
    """The ``npm-auth-lint/strategy`` document of ``npm-auth-lint strategy --format json REPOSITORY``."""
    from npm_auth_lint.cli import strategy_document as document
    from npm_auth_lint.cli import strategy_of

    result = _lint(repository, (), ())
    secrets = tuple({secret for finding in result.findings for secret in finding.secrets})
    return document(strategy_of(result.analyses), secrets)


def rule_documentation(rule_id: str) -> str:
    """``npm-auth-lint rule ID``: the rule's Markdown documentation under a title line."""
    from npm_auth_lint.plugins import rules_by_id

    rules = rules_by_id()
    rule = rules.get(rule_id)
    if rule is None:
        raise ApiError(f'unknown rule "{rule_id}"; known rules: {", ".join(sorted(rules))}')
    return f"# {rule.id} ({rule.severity.value})\n\n{rule.docs()}\n"


def rule_list() -> list[dict[str, str]]:
    """Every rule with its default level and summary (``npm-auth-lint rules``)."""
    from npm_auth_lint.plugins import all_rules

    return [{"id": rule.id, "level": rule.severity.value, "summary": rule.summary()} for rule in all_rules()]


def fix_diff(repository: Path, *, unsafe: bool = False) -> str:
    """The unified diff ``npm-auth-lint --diff`` (``--unsafe-fixes`` with ``unsafe``) prints,
    redacted the same way; nothing is written. '' when there is nothing to fix."""
    from npm_auth_lint.cli import UsageError, repository_root
    from npm_auth_lint.engine import lint_and_fix
    from npm_auth_lint.fixes import redacted_diff

    try:
        root = repository_root([repository])
    except UsageError as exc:
        raise ApiError(str(exc)) from None
    outcome = lint_and_fix([repository], _config(root, (), ()), unsafe=unsafe)
    return redacted_diff(outcome.before, outcome.after, outcome.result.findings)


def warm_up() -> None:
    """Import what the documents need (the engine, the reporters, the fixes) and load the rules,
    so that a long-running caller (the MCP server) pays for it before its first request."""
    import npm_auth_lint.engine
    import npm_auth_lint.fixes
    import npm_auth_lint.reporters.json  # noqa: F401
    from npm_auth_lint.plugins import all_rules

    all_rules()
