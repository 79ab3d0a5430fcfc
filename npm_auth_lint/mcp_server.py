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

The ``mcp`` SDK is an optional extra (``pip install 'npm-auth-lint[mcp]'``), imported only when
the server starts. Start-up is what an agent waits for, so (docs/mcp.md has the figures):

- the server is the SDK's low-level ``Server`` over its stdio transport: the high-level
  ``MCPServer`` adds nothing four fixed tools need but start-up time (its tool machinery and
  rich logging);
- the bodies of the ``mcp`` and ``mcp.server`` packages, which only re-export the client side and
  ``MCPServer``, run on first use of a name they define instead of at start-up
  (:func:`_defer_package_body`); the SDK modules the server runs are imported as they are;
- the cyclic garbage collector pauses while the SDK's modules load (:func:`load_sdk`);
- our analysis is imported on the first call, or ahead of it in a thread once the client has
  listed the tools (:func:`api.warm_up`).
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import json
import logging
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any, ClassVar, TypeVar

from npm_auth_lint import api, lazy_dataclass

SERVER_NAME = "npm-auth-lint"
DEFAULT_TIMEOUT = 60.0  # seconds per call; the engine's own limits keep real repositories far below
INSTALL_HINT = "the MCP server needs the optional `mcp` package: pip install 'npm-auth-lint[mcp]'"
RULES_URI = "npm-auth-lint://rules"

INSTRUCTIONS = """\
npm-auth-lint audits how a repository authenticates to npm from CI (GitHub Actions, GitLab CI/CD,
CircleCI, .npmrc, package.json) now that npm has revoked classic tokens. Start with `strategy` to
learn, per publishing pipeline, whether it should use trusted publishing (OIDC) or a granular token,
what blocks it, the ordered checklist of changes and the exact trusted-publisher settings for
npmjs.com. Use `lint` for every individual problem with file and line, `explain_rule` to read what
a rule id means and how to fix it, and `fix_preview` to see the edits `npm-auth-lint --fix` would
make, as a diff (nothing is written). Every `path` is a repository folder inside the server's root."""

logger = logging.getLogger(__name__)
T = TypeVar("T")


class SdkMissing(Exception):
    """The ``mcp`` SDK (2.x) cannot be imported: its message says how to install it."""


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


# ------------------------------------------------------------------------------------------
# The tools: what the client sees (name, title, description, argument schema) and the answer.

# The arguments are checked as JSON by pydantic (the SDK's own dependency): strictly (a string
# is not a boolean, 1 is not a path) and with no unknown names, so an agent's typo is an error
# it can read rather than an option silently ignored.
_ARGUMENT_CONFIG: dict[str, Any] = {"strict": True, "extra": "forbid"}

ARGUMENT_DESCRIPTIONS = {
    "path": "The repository folder: relative to the server's working folder, or absolute; it must lie inside the server's root.",
    "select": "Only these rule ids (as in a finding's `rule` field); default: every rule the repository's configuration enables.",
    "ignore": "Leave out these rule ids.",
    "rule": "A rule id such as `missing-id-token`.",
    "unsafe": "Also include the edits that change what a release does (like removing a token once OIDC is viable).",
}


@dataclass(frozen=True)
class PathArguments:
    __pydantic_config__: ClassVar[dict[str, Any]] = _ARGUMENT_CONFIG
    path: str


@dataclass(frozen=True)
class LintArguments:
    __pydantic_config__: ClassVar[dict[str, Any]] = _ARGUMENT_CONFIG
    path: str
    select: list[str] | None = None
    ignore: list[str] | None = None


@dataclass(frozen=True)
class RuleArguments:
    __pydantic_config__: ClassVar[dict[str, Any]] = _ARGUMENT_CONFIG
    rule: str


@dataclass(frozen=True)
class FixArguments:
    __pydantic_config__: ClassVar[dict[str, Any]] = _ARGUMENT_CONFIG
    path: str
    unsafe: bool = False


@dataclass(frozen=True)
class ToolSpec:
    """One tool as the client sees it: its name, title, the description an agent picks by and
    the dataclass its arguments are checked against (and its input schema made from)."""

    name: str
    title: str
    description: str
    arguments: type


LINT = ToolSpec(
    "lint",
    "Lint a repository's npm publishing authentication",
    "Find every problem in how the repository authenticates to npm from CI: legacy or committed tokens, "
    "a missing OIDC ID token, Node/npm too old for trusted publishing, tokens shared between publish and "
    "install. Returns the `npm-auth-lint/findings` JSON document (the same as `npm-auth-lint --format json`): "
    "each finding with rule id, severity, message, path, line, column and related locations, plus the "
    "strategy section. `select`/`ignore` take rule ids (see explain_rule).",
    LintArguments,
)
STRATEGY = ToolSpec(
    "strategy",
    "Which publishing path each pipeline should take",
    "For each pipeline that publishes to npm: the path it is on (trusted publishing set up or broken, "
    "a long-lived token where OIDC is viable or not, unverified where a value is only known at run time), "
    "what blocks OIDC, the ordered checklist of changes, and the exact trusted-publisher settings to enter "
    "on npmjs.com with the matching `npm trust` command. Returns the `npm-auth-lint/strategy` JSON document "
    "(the same as `npm-auth-lint strategy --format json`). Use this first to answer 'trusted publishing or "
    "granular token, and what do I change?'.",
    PathArguments,
)
EXPLAIN_RULE = ToolSpec(
    "explain_rule",
    "Explain an npm-auth-lint rule",
    "The documentation of one rule (what it finds, why it matters, an example, what to write instead, "
    "references to npm's docs), as Markdown. `rule` is a rule id such as `missing-id-token` or "
    "`use-trusted-publishing`, as found in a finding's `rule` field. An unknown id lists the known ones.",
    RuleArguments,
)
FIX_PREVIEW = ToolSpec(
    "fix_preview",
    "Preview the edits --fix would make",
    "The unified diff that `npm-auth-lint --fix --diff` would apply to the repository (for example adding "
    "`id-token: write`, raising a Node pin, GitLab `id_tokens`), without writing anything. Set "
    "`unsafe` to also include edits that change what a release does (removing a token once OIDC is "
    "viable). An empty string means there is nothing to fix automatically.",
    FixArguments,
)
TOOLS = (LINT, STRATEGY, EXPLAIN_RULE, FIX_PREVIEW)


class Tools:
    """Checks a call's arguments and answers it; every failure is a :class:`ToolFailure`."""

    def __init__(self, options: ServerOptions) -> None:
        self.options = options
        self.specs = {spec.name: spec for spec in TOOLS}
        self._adapters: dict[str, Any] = {}  # pydantic TypeAdapters, built on first use

    def _adapter(self, spec: ToolSpec) -> Any:
        if spec.name not in self._adapters:
            from pydantic import TypeAdapter

            self._adapters[spec.name] = TypeAdapter(spec.arguments)
        return self._adapters[spec.name]

    def input_schema(self, spec: ToolSpec) -> dict[str, Any]:
        schema: dict[str, Any] = self._adapter(spec).json_schema()
        schema.pop("title", None)
        for name, field in schema.get("properties", {}).items():
            field.pop("title", None)
            field["description"] = ARGUMENT_DESCRIPTIONS[name]
        return schema

    def arguments(self, spec: ToolSpec, given: Mapping[str, Any] | None) -> Any:
        from pydantic import ValidationError

        try:
            return self._adapter(spec).validate_json(json.dumps(dict(given or {})))
        except ValidationError as exc:
            # Where and what, never the value: the caller already has it.
            problems = "; ".join(f"{'.'.join(map(str, error['loc'])) or 'arguments'}: {error['msg']}" for error in exc.errors())
            raise ToolFailure(f"invalid arguments for {spec.name}: {problems}") from None

    async def answer(self, name: str, given: Mapping[str, Any] | None) -> str:
        spec = self.specs.get(name)
        if spec is None:
            raise ToolFailure(f"Unknown tool: {name} (the tools are {', '.join(self.specs)})")
        arguments = self.arguments(spec, given)
        if isinstance(arguments, RuleArguments):
            try:
                return api.rule_documentation(arguments.rule)
            except api.ApiError as exc:
                raise ToolFailure(str(exc)) from None
        repository = resolve_repository(arguments.path, self.options)
        return await _bounded(lambda: self._document(arguments, repository), self.options.timeout)

    @staticmethod
    def _document(arguments: Any, repository: Path) -> str:
        if isinstance(arguments, LintArguments):
            return _text(api.lint_document(repository, arguments.select or (), arguments.ignore or ()))
        if isinstance(arguments, FixArguments):
            return api.fix_diff(repository, unsafe=arguments.unsafe)
        return _text(api.strategy_document(repository))


# ------------------------------------------------------------------------------------------
# The SDK: loaded at start-up without what a stdio server never runs.


def _defer_package_body(name: str) -> None:
    """Register package ``name`` without running its ``__init__`` yet.

    Importing ``mcp.server.stdio`` runs ``mcp/__init__.py`` and ``mcp/server/__init__.py``
    first, and those import the whole client and ``MCPServer``: about 0.3 s of CPU, a third of
    the SDK's start-up, none of it used by a low-level stdio server. The package module is made from its real
    spec (``__path__`` and all), so its submodules import as usual; the first time anything
    asks the package for a name it does not have yet, its ``__init__`` runs in place, as it
    would have at start-up, and the name is looked up again. Nothing is replaced or skipped.
    """
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        raise SdkMissing(INSTALL_HINT)
    module = importlib.util.module_from_spec(spec)
    loader = spec.loader

    def run_body(attribute: str) -> Any:
        del module.__dict__["__getattr__"]
        loader.exec_module(module)
        return getattr(module, attribute)

    module.__dict__["__getattr__"] = run_body
    sys.modules[name] = module
    parent, _, child = name.rpartition(".")
    if parent:
        setattr(sys.modules[parent], child, module)


def load_sdk() -> SimpleNamespace:
    """The SDK names the server uses; :class:`SdkMissing` when the extra is not installed."""
    # Importing the SDK builds some 500 pydantic classes (its wire types), and the cyclic garbage
    # collector would walk the growing heap again and again while nothing of it is garbage:
    # paused, the import takes about a tenth less. Frozen afterwards, the collector never walks
    # these long-lived objects again while the server runs.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _import_sdk()
    finally:
        if collecting:
            gc.freeze()
            gc.enable()


def _import_sdk() -> SimpleNamespace:
    try:
        if importlib.util.find_spec("mcp_types") is None:  # mcp 1.x has no separate types package
            raise SdkMissing(f"{INSTALL_HINT} (version 2.2 or later)")
        for package in ("mcp", "mcp.server"):
            _defer_package_body(package)
        import anyio
        import mcp.types as types
        from mcp.server.lowlevel import Server
        from mcp.server.stdio import stdio_server
        from mcp.shared.exceptions import MCPError
    except ImportError:
        raise SdkMissing(INSTALL_HINT) from None
    return SimpleNamespace(anyio=anyio, types=types, Server=Server, stdio_server=stdio_server, MCPError=MCPError)


class _WarmUp:
    """Imports the analysis in a thread, once, so that the first call does not wait for it."""

    def __init__(self) -> None:
        self.started = False

    def start(self) -> None:
        if not self.started:
            self.started = True
            # Not a daemon: the interpreter waits for it at exit instead of freezing it mid-import.
            threading.Thread(target=self._run, name="npm-auth-lint warm-up").start()

    @staticmethod
    def _run() -> None:
        try:
            api.warm_up()
        except Exception:  # e.g. a broken rule plugin: the call that needs it reports it
            logger.debug("warming up failed", exc_info=True)


def _handlers(sdk: SimpleNamespace, options: ServerOptions) -> dict[str, Callable[..., Any]]:
    """The low-level server's request handlers, by keyword."""
    types, tools, warm_up = sdk.types, Tools(options), _WarmUp()
    # Every tool only reads: a client may call them without asking the user each time.
    read_only = types.ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

    async def on_list_tools(ctx: Any, params: Any) -> Any:
        listing = [
            types.Tool(name=spec.name, title=spec.title, description=spec.description, input_schema=tools.input_schema(spec), annotations=read_only)
            for spec in TOOLS
        ]
        warm_up.start()  # an agent lists the tools, then thinks: time to load the analysis
        return types.ListToolsResult(tools=listing)

    async def on_call_tool(ctx: Any, params: Any) -> Any:
        try:
            text = await tools.answer(params.name, params.arguments)
        except ToolFailure as exc:
            return _tool_error(types, str(exc))
        except Exception as exc:  # a bug of ours: the server logs it and goes on
            logger.exception("tool %r failed", params.name)
            return _tool_error(types, f"npm-auth-lint failed on this call ({type(exc).__name__}); the server's log has the details")
        return types.CallToolResult(content=[types.TextContent(type="text", text=text)], is_error=False)

    rules = types.Resource(
        uri=RULES_URI,
        name="rules",
        title="Every npm-auth-lint rule",
        description="Every rule id with its default level and one-line summary, as JSON.",
        mime_type="application/json",
    )

    async def on_list_resources(ctx: Any, params: Any) -> Any:
        warm_up.start()
        return types.ListResourcesResult(resources=[rules])

    async def on_read_resource(ctx: Any, params: Any) -> Any:
        if str(params.uri) != RULES_URI:
            raise sdk.MCPError(code=types.INVALID_PARAMS, message=f"Unknown resource: {params.uri}", data={"uri": str(params.uri)})
        text = _text(api.rule_list())
        return types.ReadResourceResult(contents=[types.TextResourceContents(uri=RULES_URI, mime_type="application/json", text=text)])

    return {"on_list_tools": on_list_tools, "on_call_tool": on_call_tool, "on_list_resources": on_list_resources, "on_read_resource": on_read_resource}


def _tool_error(types: Any, message: str) -> Any:
    return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)


def build_server(options: ServerOptions, sdk: SimpleNamespace | None = None) -> Any:
    """The SDK's low-level server with the four tools and the rules resource."""
    import npm_auth_lint

    sdk = sdk or load_sdk()
    return sdk.Server(SERVER_NAME, version=npm_auth_lint.__version__, instructions=INSTRUCTIONS, **_handlers(sdk, options))


def serve(root: Path, timeout: float = DEFAULT_TIMEOUT) -> None:
    """Run the server over stdio until the client closes it (:class:`SdkMissing` without the SDK)."""
    sdk = load_sdk()
    server = build_server(ServerOptions(root=root, timeout=timeout), sdk)
    # Calls run in worker threads: classes are processed at import, not at first use.
    lazy_dataclass.process_eagerly()

    async def run() -> None:
        async with sdk.stdio_server() as (read_stream, write_stream):
            await server.run(read_stream, write_stream, server.create_initialization_options())

    sdk.anyio.run(run)
