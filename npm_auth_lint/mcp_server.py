"""`npm-auth-lint mcp`: the linter as a Model Context Protocol server over stdio.

Coding agents ask "which path should this repository take now that npm revoked classic tokens,
and what exactly do I change?". This server answers from the repository's real files with the
same engine, JSON documents and redaction as the command line:

- ``lint``: the findings, the ``npm-auth-lint/findings`` document of ``--format json``;
- ``strategy``: the ``npm-auth-lint/strategy`` document of ``strategy --format json``;
- ``explain_rule``: a rule's documentation;
- ``fix_preview``: the unified diff ``--fix --diff`` would apply (nothing is written).

Every tool takes a repository ``path``, resolved against the server's working folder and
confined to its root (``--root``, default: the working folder), like the command line's paths.
Nothing is ever written. A call runs in a worker thread under a time limit, so one slow
repository cannot stall the server; every failure is an MCP tool error, never a crash.

The ``mcp`` SDK is an optional extra (``pip install 'npm-auth-lint[mcp]'``): it is imported only
here, and only when the server starts.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from npm_auth_lint import api

SERVER_NAME = "npm-auth-lint"
DEFAULT_TIMEOUT = 60.0  # seconds per call; the engine's own limits keep real repositories far below
INSTALL_HINT = "the MCP server needs the optional `mcp` package: pip install 'npm-auth-lint[mcp]'"

INSTRUCTIONS = """\
npm-auth-lint audits how a repository authenticates to npm from CI (GitHub Actions, GitLab CI/CD,
CircleCI, .npmrc, package.json) now that npm has revoked classic tokens. Start with `strategy` to
learn, per publishing pipeline, whether it should use trusted publishing (OIDC) or a granular token,
what blocks it, the ordered checklist of changes and the exact trusted-publisher settings for
npmjs.com. Use `lint` for every individual problem with file and line, `explain_rule` to read what
a rule id means and how to fix it, and `fix_preview` to see the edits `npm-auth-lint --fix` would
make, as a diff (nothing is written). Every `path` is a repository folder inside the server's root."""

T = TypeVar("T")


class ToolFailure(Exception):
    """A call that cannot be answered; its message reaches the client as a tool error."""


@dataclass(frozen=True)
class ServerOptions:
    root: Path  # every path must resolve inside it
    timeout: float = DEFAULT_TIMEOUT


def resolve_repository(path: str, options: ServerOptions) -> Path:
    """``path`` as an existing folder inside the server's root (links resolved first)."""
    if not isinstance(path, str) or not path.strip():
        raise ToolFailure("path must be a non-empty string naming a repository folder")
    if "\0" in path:
        raise ToolFailure("path must not contain NUL characters")
    candidate = Path(path)
    if not candidate.is_absolute():
        candidate = options.root / candidate
    try:
        resolved = candidate.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a link loop, unreadable
        raise ToolFailure(f"path does not exist: {path}") from None
    root = options.root.resolve()
    if resolved != root and root not in resolved.parents:
        raise ToolFailure(f"path is outside the server's root {root}: {path} (start the server with --root to widen it)")
    if not resolved.is_dir():
        raise ToolFailure(f"path is not a folder: {path} (give the repository folder)")
    return resolved


async def _bounded(call: Callable[[], T], timeout: float) -> T:
    """Run ``call`` in a worker thread; give up (the thread finishes alone) after ``timeout``."""
    try:
        return await asyncio.wait_for(asyncio.to_thread(call), timeout)
    except asyncio.TimeoutError:
        raise ToolFailure(f"the analysis did not finish within {timeout:g} s") from None
    except api.ApiError as exc:
        raise ToolFailure(str(exc)) from None


def _text(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False)


def build_server(options: ServerOptions) -> Any:
    """The MCP server with its four tools (imports the SDK)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.types import ToolAnnotations

    import npm_auth_lint

    server = MCPServer(SERVER_NAME, version=npm_auth_lint.__version__, instructions=INSTRUCTIONS)
    read_only = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

    def failure(exc: ToolFailure) -> Exception:
        from mcp.server.mcpserver.exceptions import ToolError

        return ToolError(str(exc))

    @server.tool(
        name="lint",
        title="Lint a repository's npm publishing authentication",
        description=(
            "Find every problem in how the repository authenticates to npm from CI: legacy or committed tokens, "
            "a missing OIDC ID token, Node/npm too old for trusted publishing, tokens shared between publish and "
            "install. Returns the `npm-auth-lint/findings` JSON document (the same as `npm-auth-lint --format json`): "
            "each finding with rule id, severity, message, path, line, column and related locations, plus the "
            "strategy section. `select`/`ignore` take rule ids (see explain_rule)."
        ),
        annotations=read_only,
    )
    async def lint(path: str, select: list[str] | None = None, ignore: list[str] | None = None) -> str:
        try:
            repository = resolve_repository(path, options)
            document = await _bounded(lambda: api.lint_document(repository, select or (), ignore or ()), options.timeout)
        except ToolFailure as exc:
            raise failure(exc) from None
        return _text(document)

    @server.tool(
        name="strategy",
        title="Which publishing path each pipeline should take",
        description=(
            "For each pipeline that publishes to npm: the path it is on (trusted publishing set up or broken, "
            "a long-lived token where OIDC is viable or not, unverified where a value is only known at run time), "
            "what blocks OIDC, the ordered checklist of changes, and the exact trusted-publisher settings to enter "
            "on npmjs.com with the matching `npm trust` command. Returns the `npm-auth-lint/strategy` JSON document "
            "(the same as `npm-auth-lint strategy --format json`). Use this first to answer 'trusted publishing or "
            "granular token, and what do I change?'."
        ),
        annotations=read_only,
    )
    async def strategy(path: str) -> str:
        try:
            repository = resolve_repository(path, options)
            document = await _bounded(lambda: api.strategy_document(repository), options.timeout)
        except ToolFailure as exc:
            raise failure(exc) from None
        return _text(document)

    @server.tool(
        name="explain_rule",
        title="Explain an npm-auth-lint rule",
        description=(
            "The documentation of one rule (what it finds, why it matters, an example, what to write instead, "
            "references to npm's docs), as Markdown. `rule` is a rule id such as `missing-id-token` or "
            "`use-trusted-publishing`, as found in a finding's `rule` field. An unknown id lists the known ones."
        ),
        annotations=read_only,
    )
    async def explain_rule(rule: str) -> str:
        try:
            return api.rule_documentation(rule)
        except api.ApiError as exc:
            raise failure(ToolFailure(str(exc))) from None

    @server.tool(
        name="fix_preview",
        title="Preview the edits --fix would make",
        description=(
            "The unified diff that `npm-auth-lint --fix --diff` would apply to the repository (for example adding "
            "`id-token: write`, raising a Node pin, GitLab `id_tokens`), without writing anything. Set "
            "`unsafe` to also include edits that change what a release does (removing a token once OIDC is "
            "viable). An empty string means there is nothing to fix automatically."
        ),
        annotations=read_only,
    )
    async def fix_preview(path: str, unsafe: bool = False) -> str:
        try:
            repository = resolve_repository(path, options)
            return await _bounded(lambda: api.fix_diff(repository, unsafe=unsafe), options.timeout)
        except ToolFailure as exc:
            raise failure(exc) from None

    @server.resource(
        "npm-auth-lint://rules",
        name="rules",
        title="Every npm-auth-lint rule",
        description="Every rule id with its default level and one-line summary, as JSON.",
        mime_type="application/json",
    )
    def rules_resource() -> str:
        return _text(api.rule_list())

    return server


def serve(root: Path, timeout: float = DEFAULT_TIMEOUT, argv: Sequence[str] = ()) -> None:
    """Run the server over stdio until the client closes it."""
    server = build_server(ServerOptions(root=root, timeout=timeout))
    server.run("stdio")
