"""`npm-auth-lint mcp` spoken to as an agent's client would: the SDK's own client starts the
server as a subprocess over stdio, lists its tools and calls each; the answers must equal what
the command line prints as JSON for the same repository."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import FIXTURES, PROJECT_ROOT, materialize

mcp = pytest.importorskip("mcp", reason="the optional mcp extra is part of the test extra")

from mcp import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

EXE = str(Path(sys.executable).with_name("npm-auth-lint"))
TOKEN = "npm_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8"


def _cli_json(*args: str, cwd: Path) -> Any:
    done = subprocess.run([EXE, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


def _server(root: Path, *extra: str) -> StdioServerParameters:
    return StdioServerParameters(command=EXE, args=["mcp", "--root", str(root), *extra], cwd=str(root))


def _run(coro: Any) -> Any:
    return asyncio.run(coro)


def _text_of(result: Any) -> str:
    return "".join(part.text for part in result.content if getattr(part, "type", "") == "text")


@pytest.fixture
def repos(tmp_path: Path) -> Path:
    """A folder with two fixture repositories and a hostile one side by side."""
    root = tmp_path / "repos"
    materialize(
        FIXTURES / "use-trusted-publishing" / next(iter(sorted(p.name for p in (FIXTURES / "use-trusted-publishing").iterdir() if p.is_dir()))), root / "token"
    )
    materialize(FIXTURES / "missing-id-token" / "github-no-permissions", root / "oidc")
    hostile = root / "hostile"
    (hostile / ".github" / "workflows").mkdir(parents=True)
    (hostile / ".git").mkdir()
    (hostile / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={TOKEN}\n", encoding="utf-8")
    (hostile / ".github" / "workflows" / "bad.yml").write_text("jobs: [\n  unclosed: {\n", encoding="utf-8")
    (hostile / "outside").symlink_to(tmp_path)
    return root


def test_tools_are_listed_with_descriptions_and_schemas(repos: Path) -> None:
    async def session() -> Any:
        async with Client(_server(repos)) as client:
            return await client.list_tools()

    tools = {tool.name: tool for tool in _run(session()).tools}
    assert set(tools) == {"lint", "strategy", "explain_rule", "fix_preview"}
    for tool in tools.values():
        assert len(tool.description or "") > 80, tool.name
        assert tool.input_schema["type"] == "object"
    assert tools["lint"].input_schema["required"] == ["path"]
    assert set(tools["lint"].input_schema["properties"]) == {"path", "select", "ignore"}
    assert set(tools["fix_preview"].input_schema["properties"]) == {"path", "unsafe"}
    for tool in tools.values():  # every argument explained, and no argument the tool would ignore
        assert all(len(field["description"]) > 10 for field in tool.input_schema["properties"].values()), tool.name
        assert tool.input_schema["additionalProperties"] is False
    assert tools["explain_rule"].input_schema["required"] == ["rule"]
    assert tools["strategy"].annotations.read_only_hint is True


def test_lint_and_strategy_equal_the_cli_json(repos: Path) -> None:
    async def session() -> tuple[Any, ...]:
        async with Client(_server(repos)) as client:
            lint_token = await client.call_tool("lint", {"path": "token"})
            lint_selected = await client.call_tool("lint", {"path": str(repos / "oidc"), "select": ["missing-id-token"]})
            strategy = await client.call_tool("strategy", {"path": "token"})
            return lint_token, lint_selected, strategy

    lint_token, lint_selected, strategy = _run(session())
    assert not lint_token.is_error and not strategy.is_error and not lint_selected.is_error
    assert json.loads(_text_of(lint_token)) == _cli_json("--format", "json", "token", cwd=repos)
    assert json.loads(_text_of(lint_selected)) == _cli_json("--format", "json", "--select", "missing-id-token", "oidc", cwd=repos)
    selected = json.loads(_text_of(lint_selected))
    assert selected["findings"] and {f["rule"] for f in selected["findings"]} == {"missing-id-token"}
    document = json.loads(_text_of(strategy))
    assert document == _cli_json("strategy", "--format", "json", "token", cwd=repos)
    assert document["schema"] == "npm-auth-lint/strategy" and document["pipelines"]


def test_explain_rule_and_the_rules_resource(repos: Path) -> None:
    async def session() -> tuple[Any, ...]:
        async with Client(_server(repos)) as client:
            known = await client.call_tool("explain_rule", {"rule": "missing-id-token"})
            unknown = await client.call_tool("explain_rule", {"rule": "no-such-rule"})
            resource = await client.read_resource("npm-auth-lint://rules")
            return known, unknown, resource

    known, unknown, resource = _run(session())
    cli = subprocess.run([EXE, "rule", "missing-id-token"], capture_output=True, text=True, check=True)
    assert _text_of(known).strip() == cli.stdout.strip()
    assert unknown.is_error and "unknown rule" in _text_of(unknown) and "missing-id-token" in _text_of(unknown)
    rules = json.loads(resource.contents[0].text)
    listed = subprocess.run([EXE, "rules"], capture_output=True, text=True, check=True).stdout
    assert [r["id"] for r in rules] == [line.split()[0] for line in listed.splitlines()]


def test_bad_paths_are_tool_errors_and_the_server_goes_on(repos: Path, tmp_path: Path) -> None:
    async def session() -> tuple[Any, ...]:
        async with Client(_server(repos)) as client:
            answers = [
                await client.call_tool("lint", {"path": "does-not-exist"}),
                await client.call_tool("lint", {"path": str(tmp_path)}),  # outside the root
                await client.call_tool("strategy", {"path": "hostile/outside"}),  # a link out of the root
                await client.call_tool("lint", {"path": "token/package.json"}),  # a file, not a folder
                await client.call_tool("lint", {"path": "token", "select": ["no-such-rule"]}),
                await client.call_tool("lint", {}),
                await client.call_tool("fix_preview", {"path": "token", "unsafe": "yes"}),  # not a boolean
                await client.call_tool("strategy", {"path": "token", "paths": ["oidc"]}),  # a typo
                await client.call_tool("no_such_tool", {"path": "token"}),
            ]
            after = await client.call_tool("lint", {"path": "token"})
            return answers, after

    answers, after = _run(session())
    messages = [_text_of(answer) for answer in answers]
    assert all(answer.is_error for answer in answers), messages
    assert "does not exist" in messages[0]
    assert "outside the server's root" in messages[1] and "outside the server's root" in messages[2]
    assert "not a folder" in messages[3]
    assert "no-such-rule" in messages[4]
    assert messages[5] == "invalid arguments for lint: path: Field required"
    assert messages[6] == "invalid arguments for fix_preview: unsafe: Input should be a valid boolean"
    assert messages[7].startswith("invalid arguments for strategy: paths:")
    assert messages[8].startswith("Unknown tool: no_such_tool")
    assert not after.is_error  # one server, many calls


def test_a_hostile_repository_is_answered_redacted(repos: Path) -> None:
    async def session() -> tuple[Any, ...]:
        async with Client(_server(repos)) as client:
            return await client.call_tool("lint", {"path": "hostile"}), await client.call_tool("strategy", {"path": "hostile"})

    lint, strategy = _run(session())
    assert not lint.is_error and not strategy.is_error
    text = _text_of(lint)
    assert TOKEN not in text and TOKEN not in _text_of(strategy)
    rules = {finding["rule"] for finding in json.loads(text)["findings"]}
    assert {"hardcoded-npm-token", "parse-error"} <= rules


def test_server_starts_quickly_and_answers_faster_than_the_cli(repos: Path) -> None:
    """The figures the issue sets (start < 300 ms, a strategy call < the CLI's time) are measured
    by scripts/mcp_startup.py (docs/mcp.md); here the ordering only, which holds with any load."""

    async def session() -> float:
        async with Client(_server(repos)) as client:
            await client.call_tool("strategy", {"path": "oidc"})  # warm
            started = time.perf_counter()
            await client.call_tool("strategy", {"path": "oidc"})
            return time.perf_counter() - started

    call = _run(session())
    started = time.perf_counter()
    _cli_json("strategy", "--format", "json", "oidc", cwd=repos)
    cli = time.perf_counter() - started
    assert call < cli


def test_missing_extra_is_explained(tmp_path: Path) -> None:
    # A Python where `mcp` cannot be imported: a sitecustomize that blocks it.
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "sitecustomize.py").write_text(
        "import sys\nclass _Block:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'mcp' or name.startswith('mcp.'):\n            raise ImportError(name)\n"
        "sys.meta_path.insert(0, _Block())\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(blocker)}
    done = subprocess.run([EXE, "mcp"], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == "npm-auth-lint: error: the MCP server needs the optional `mcp` package: pip install 'npm-auth-lint[mcp]'"


def test_fix_preview_equals_the_cli_diff_and_writes_nothing(repos: Path) -> None:
    workflow = next((repos / "oidc" / ".github" / "workflows").iterdir())
    before = workflow.read_bytes()

    async def session() -> Any:
        async with Client(_server(repos)) as client:
            return await client.call_tool("fix_preview", {"path": "oidc"})

    preview = _run(session())
    assert not preview.is_error
    diff = _text_of(preview)
    cli = subprocess.run([EXE, "--diff", "oidc"], cwd=repos, capture_output=True, text=True, timeout=120)
    assert cli.returncode == 1  # there is something to fix
    assert diff == cli.stdout and "+" in diff and "id-token: write" in diff
    assert workflow.read_bytes() == before


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_the_sdk_package_bodies_run_on_first_use() -> None:
    """Start-up leaves out the client and MCPServer the `mcp` packages re-export, yet the packages
    stay whole: the first name asked of them runs their own __init__, as a plain import would."""
    done = _python(
        "import sys\n"
        "from npm_auth_lint.mcp_server import load_sdk\n"
        "sdk = load_sdk()\n"
        "assert sdk.Server.__module__ == 'mcp.server.lowlevel.server'\n"
        "assert 'mcp.client' not in sys.modules and 'mcp.server.mcpserver' not in sys.modules\n"
        "import mcp, mcp.server\n"
        "from mcp import Client, ClientSession, stdio_server\n"
        "from mcp.server import MCPServer, Server\n"
        "assert Server is sdk.Server and stdio_server is sdk.stdio_server\n"
        "assert 'mcp.client' in sys.modules and mcp.types is sdk.types\n"
        "assert not hasattr(mcp, 'no_such_name')\n"
    )
    assert done.returncode == 0, done.stderr


def test_warm_up_loads_the_analysis() -> None:
    done = _python(
        "import sys\n"
        "from npm_auth_lint import api\n"
        "assert 'npm_auth_lint.engine' not in sys.modules\n"
        "api.warm_up()\n"
        "assert {'npm_auth_lint.engine', 'npm_auth_lint.fixes', 'npm_auth_lint.reporters.json'} <= set(sys.modules)\n"
    )
    assert done.returncode == 0, done.stderr


def test_startup_measurement_script_runs(tmp_path: Path) -> None:
    """scripts/mcp_startup.py keeps working (one run); it checks each answer itself. Never a time."""
    script = PROJECT_ROOT / "scripts" / "mcp_startup.py"
    done = subprocess.run(
        [sys.executable, str(script), "--runs", "1", "--exe", EXE, "--imports", "--json"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    [figures] = document["results"]
    names = {"startup", "startup_cpu", "first_call", "next_call", "start_to_strategy", "cli", "cli_cpu"}
    assert figures["exe"] == EXE and names <= set(figures) and all(figures[name] > 0 for name in names)
    assert "mcp_types" in figures["imports"]
    assert all(value > 0 for value in document["floor"].values())


def test_import_times_are_charged_to_the_package_that_loaded_them() -> None:
    spec = importlib.util.spec_from_file_location("mcp_startup", PROJECT_ROOT / "scripts" / "mcp_startup.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = script  # its dataclasses look their module up there
    spec.loader.exec_module(script)
    lines = [
        "import time: self [us] | cumulative | imported package",
        "import time:       100 |        100 | site",
        "import time:       200 |        200 |     email.utils",
        "import time:        50 |        250 |   email",
        "import time:       300 |        300 |   starlette.routing",
        "import time:      1000 |       1550 | starlette",
        "import time:      2000 |       2000 |   mcp_types._types",
        "import time:         1 |       2001 | mcp_types",
        "not an import line",
    ]
    [site, starlette, mcp_types] = script.import_tree(lines)
    assert site.module == "site" and not site.imports
    assert [child.module for child in starlette.imports] == ["email", "starlette.routing"]
    assert starlette.imports[0].imports[0].module == "email.utils"
    assert mcp_types.imports[0].seconds == 0.002
    charged = script.attribute_imports(lines)
    assert [name for name, _ in charged] == ["mcp_types", "starlette", "(standard library)"]
    assert [seconds for _, seconds in charged] == pytest.approx([0.002001, 0.00155, 0.0001])
