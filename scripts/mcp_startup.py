"""Time ``npm-auth-lint mcp`` as an MCP client meets it: start-up and a ``strategy`` call.

Usage:
    python scripts/mcp_startup.py [--runs 7] [--exe PATH] [--imports] [--json]

Speaks newline-delimited JSON-RPC on the server's stdin/stdout, as every stdio client does, and
reports medians of ``--runs`` runs (wall-clock and CPU, user + system, of the server process):

    start-up          from starting the process until the ``initialize`` answer is read
                      (CPU: the whole life of a server that is closed right after that answer)
    strategy, first   the first ``tools/call`` of ``strategy``, sent ``--think`` seconds (default 0)
                      after the ``tools/list`` answer, on a repository with one publishing
                      workflow (the analysis engine loads meanwhile, or during the call)
    strategy, next    the same call again on the running server
    start + strategy  process start until the first ``strategy`` answer (``--think`` included)
    CLI strategy      ``npm-auth-lint strategy --format json`` on the same folder (wall, CPU)
    floor             ``python -c pass`` and ``python -c "import mcp_types.methods"``: the SDK's
                      wire types, which any server built on the SDK's session imports

The server and the CLI take turns (and so do several ``--exe`` builds compared), so a busy
machine slows all alike. Every answer is checked:
the server's strategy document must equal the CLI's. ``--imports`` adds a table of the import
time of the start-up (``PYTHONPROFILEIMPORTTIME``), summed by top-level package: what costs what.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import selectors
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
PROTOCOL_VERSION = "2025-11-25"  # the newest revision reached through the initialize handshake
REPLY_TIMEOUT = 120.0
STDLIB = "(standard library)"


def _benchmark() -> Any:
    """scripts/benchmark.py: its one-workflow repository (case wf-1) and bytecode compiling."""
    spec = importlib.util.spec_from_file_location("npm_auth_lint_benchmark", HERE / "benchmark.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _message(ident: int | None, method: str, params: dict[str, Any] | None = None) -> bytes:
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method}
    if ident is not None:
        message["id"] = ident
    if params is not None:
        message["params"] = params
    return (json.dumps(message) + "\n").encode()


INITIALIZE = _message(
    1,
    "initialize",
    {"protocolVersion": PROTOCOL_VERSION, "capabilities": {}, "clientInfo": {"name": "mcp-startup", "version": "1"}},
)
INITIALIZED = _message(None, "notifications/initialized")
LIST_TOOLS = _message(2, "tools/list")


def _strategy_call(ident: int) -> bytes:
    return _message(ident, "tools/call", {"name": "strategy", "arguments": {"path": "."}})


class Server:
    """One ``npm-auth-lint mcp`` process and the replies read from its stdout."""

    def __init__(self, exe: str, root: Path, errors: IO[bytes]) -> None:
        self.errors = errors  # a file, not a pipe nobody reads
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([exe, "mcp", "--root", str(root)], cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.errors)
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.stdin, self.stdout = self.proc.stdin, self.proc.stdout
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stdout, selectors.EVENT_READ)
        self.buffer = b""

    def send(self, *messages: bytes) -> None:
        self.stdin.write(b"".join(messages))
        self.stdin.flush()

    def reply(self, ident: int) -> dict[str, Any]:
        """The response with id ``ident`` (notifications and log messages before it are skipped)."""
        deadline = time.perf_counter() + REPLY_TIMEOUT
        while True:
            line, newline, rest = self.buffer.partition(b"\n")
            if newline:
                self.buffer = rest
                message = json.loads(line)
                if message.get("id") == ident:
                    if "error" in message:
                        raise RuntimeError(f"the server answered an error: {message['error']}")
                    return dict(message["result"])
                continue
            if time.perf_counter() > deadline or not self.selector.select(deadline - time.perf_counter()):
                raise RuntimeError(f"no answer within {REPLY_TIMEOUT:g} s; stderr: {self._stderr()}")
            chunk = os.read(self.stdout.fileno(), 1 << 16)
            if not chunk:
                raise RuntimeError(f"the server exited ({self.proc.wait()}); stderr: {self._stderr()}")
            self.buffer += chunk

    def close(self) -> float:
        """Close stdin (the server exits) and return the CPU seconds of its whole life."""
        self.stdin.close()
        _, status, usage = os.wait4(self.proc.pid, 0)
        self.proc.returncode = os.waitstatus_to_exitcode(status)
        self.selector.close()
        self.stdout.close()
        if self.proc.returncode != 0:
            raise RuntimeError(f"the server exited with {self.proc.returncode}; stderr: {self._stderr()}")
        return usage.ru_utime + usage.ru_stime

    def _stderr(self) -> str:
        self.errors.seek(0)
        return self.errors.read().decode(errors="replace")[-2000:]


@dataclass(frozen=True)
class Figures:
    """One round: every time in seconds."""

    startup: float
    startup_cpu: float
    first_call: float
    next_call: float
    start_to_strategy: float
    cli: float
    cli_cpu: float


def _strategy_text(result: dict[str, Any]) -> Any:
    if result.get("isError"):
        raise RuntimeError(f"the strategy call failed: {result}")
    return json.loads("".join(part["text"] for part in result["content"] if part.get("type") == "text"))


def time_startup(exe: str, root: Path) -> tuple[float, float]:
    """Wall-clock until the initialize answer, and the CPU of a server closed right after it."""
    with tempfile.TemporaryFile() as errors:
        server = Server(exe, root, errors)
        server.send(INITIALIZE)
        result = server.reply(1)
        wall = time.perf_counter() - server.started
        if "serverInfo" not in result or "capabilities" not in result:
            raise RuntimeError(f"not an initialize result: {result}")
        return wall, server.close()


def time_strategy(exe: str, root: Path, think: float = 0.0) -> tuple[float, float, float, Any]:
    """The first and the next ``strategy`` call, process start to the first answer, the document."""
    with tempfile.TemporaryFile() as errors:
        server = Server(exe, root, errors)
        server.send(INITIALIZE)
        server.reply(1)
        server.send(INITIALIZED, LIST_TOOLS)  # as a client does before it calls a tool
        server.reply(2)
        time.sleep(think)  # an agent reads the tool list before it calls one
        sent = time.perf_counter()
        server.send(_strategy_call(3))
        document = _strategy_text(server.reply(3))
        first_done = time.perf_counter()
        server.send(_strategy_call(4))
        again = _strategy_text(server.reply(4))
        next_call = time.perf_counter() - first_done
        server.close()
    if again != document:
        raise RuntimeError("two strategy calls on the same repository answered differently")
    return first_done - sent, next_call, first_done - server.started, document


def time_cli(exe: str, root: Path) -> tuple[float, float, Any]:
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen([exe, "strategy", "--format", "json", "."], cwd=root, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise RuntimeError(f"the CLI exited with {os.waitstatus_to_exitcode(status)}")
        out.seek(0)
        return wall, usage.ru_utime + usage.ru_stime, json.loads(out.read())


def one_round(exe: str, root: Path, think: float = 0.0) -> Figures:
    startup, startup_cpu = time_startup(exe, root)
    first, following, cold, document = time_strategy(exe, root, think)
    cli, cli_cpu, cli_document = time_cli(exe, root)
    if document != cli_document:
        raise RuntimeError("the server's strategy document differs from the CLI's")
    return Figures(startup, startup_cpu, first, following, cold, cli, cli_cpu)


@dataclass(frozen=True)
class Floor:
    """What any Python, and any server on the SDK, pays before it does anything."""

    python: float
    python_cpu: float
    sdk_types: float
    sdk_types_cpu: float


def _run_python(code: str) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code])
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"python -c {code!r} failed")
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime


def time_floor() -> Floor:
    return Floor(*_run_python("pass"), *_run_python("import mcp_types.methods"))


def medians(rounds: list[Figures]) -> Figures:
    fields = Figures.__dataclass_fields__
    return Figures(**{name: statistics.median(getattr(r, name) for r in rounds) for name in fields})


def import_table(exe: str, root: Path) -> list[tuple[str, float]]:
    """Self import time of a start-up (process start to the initialize answer), per top-level
    package, in seconds, largest first. ``-X importtime`` adds its own overhead: compare shares."""
    env = {**os.environ, "PYTHONPROFILEIMPORTTIME": "1"}
    with tempfile.TemporaryFile() as errors:
        proc = subprocess.Popen([exe, "mcp", "--root", str(root)], cwd=root, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
        assert proc.stdin is not None and proc.stdout is not None
        proc.stdin.write(INITIALIZE)
        proc.stdin.flush()
        proc.stdout.readline()
        proc.stdin.close()
        proc.wait(REPLY_TIMEOUT)
        proc.stdout.close()
        errors.seek(0)
        lines = errors.read().decode(errors="replace").splitlines()
    return attribute_imports(lines)


@dataclass(frozen=True)
class Imported:
    module: str
    seconds: float  # its own import time, without its imports'
    imports: tuple[Imported, ...]


def import_tree(lines: list[str]) -> list[Imported]:
    """The ``-X importtime`` lines as trees: each module with the modules its import loaded."""
    stack: list[tuple[int, Imported]] = []  # finished subtrees; a parent's line follows its children's
    for line in lines:
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        self_us, _, name = line[len("import time:") :].split("|")
        if not self_us.strip().isdigit():
            continue  # the header line
        depth = (len(name) - len(name.lstrip(" "))) // 2
        children: list[Imported] = []
        while stack and stack[-1][0] > depth:
            children.insert(0, stack.pop()[1])
        stack.append((depth, Imported(name.strip(), int(self_us) / 1e6, tuple(children))))
    return [node for _, node in stack]


def attribute_imports(lines: list[str]) -> list[tuple[str, float]]:
    """Self import times summed per package, in seconds, largest first. A standard-library module
    counts for the package whose import loaded it (``email`` loaded by starlette is starlette's
    cost), so the table says what a start-up pays for."""
    totals: dict[str, float] = defaultdict(float)

    def charge(node: Imported, owner: str | None) -> None:
        package = _package(node.module)
        if package == STDLIB and owner is not None:
            package = owner
        totals[package] += node.seconds
        for child in node.imports:
            charge(child, None if package == STDLIB else package)

    for root in import_tree(lines):
        charge(root, None)
    return sorted(totals.items(), key=lambda item: -item[1])


def _package(module: str) -> str:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top.lstrip("_") in sys.stdlib_module_names:
        return STDLIB
    if module.startswith(("npm_auth_lint.mcp_server", "npm_auth_lint.api")):
        return "npm_auth_lint (mcp_server, api)"
    return top


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def _after(think: float) -> str:
    return f"{think:g} s" if think else "right"


def report(results: dict[str, Figures], floor: Floor, runs: int, think: float = 0.0) -> str:
    def row(name: str, cell: Callable[[Figures], str]) -> str:
        return f"| {name} | " + " | ".join(cell(figures) for figures in results.values()) + " |"

    lines = [
        f"Medians of {runs} runs, one-workflow repository; wall-clock (CPU of the process, user + system).",
        "",
        "| | " + " | ".join(f"`{exe}`" for exe in results) + " |",
        "|---|" + "---:|" * len(results),
        row("start-up: process start to the initialize answer", lambda f: f"{_ms(f.startup)} ({_ms(f.startup_cpu)} start, initialize, exit)"),
        row(f"strategy call, first ({_after(think)} after tools/list)", lambda f: _ms(f.first_call)),
        row("strategy call, next", lambda f: _ms(f.next_call)),
        row("start + initialize + first strategy", lambda f: _ms(f.start_to_strategy)),
        row("CLI `strategy --format json`", lambda f: f"{_ms(f.cli)} ({_ms(f.cli_cpu)})"),
        "",
        f"Floor, same rounds: `python -c pass` {_ms(floor.python)} ({_ms(floor.python_cpu)}); "
        f"`python -c 'import mcp_types.methods'` (the SDK's wire types, which its server session imports) "
        f"{_ms(floor.sdk_types)} ({_ms(floor.sdk_types_cpu)}).",
    ]
    return "\n".join(lines)


def _import_lines(imports: list[tuple[str, float]]) -> list[str]:
    total = sum(seconds for _, seconds in imports)
    lines = [f"Import time of a start-up (self time per package, total {_ms(total)} under -X importtime):", ""]
    lines += ["| package | import time | share |", "|---|---:|---:|"]
    lines += [f"| {name} | {_ms(seconds)} | {seconds / total:.0%} |" for name, seconds in imports if seconds >= 0.001]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--exe", action="append", help="an npm-auth-lint executable; repeat it to compare builds (they take turns). Default: the one beside this Python"
    )
    parser.add_argument("--think", type=float, default=0.0, help="seconds between the tools/list answer and the first call (default 0)")
    parser.add_argument("--imports", action="store_true", help="also the import time of a start-up, per package")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    exes = [shutil.which(exe) or exe for exe in args.exe or [str(Path(sys.executable).with_name("npm-auth-lint"))]]
    benchmark = _benchmark()
    benchmark.compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="mcp-startup-") as folder:
        root = Path(folder) / "repo"
        benchmark.generate_one(root)
        if args.runs > 1:
            for exe in exes:
                one_round(exe, root)  # warm the file cache; not counted
        rounds: dict[str, list[Figures]] = {exe: [] for exe in exes}
        floors = []
        for _ in range(max(1, args.runs)):
            floors.append(time_floor())
            for exe in exes:
                rounds[exe].append(one_round(exe, root, args.think))
        results = {exe: medians(figures) for exe, figures in rounds.items()}
        floor = Floor(*(statistics.median(getattr(f, name) for f in floors) for name in Floor.__dataclass_fields__))
        imports = {exe: import_table(exe, root) for exe in exes} if args.imports else {}
    if args.json:
        document = {
            "runs": args.runs,
            "floor": floor.__dict__,
            "results": [{"exe": exe, **figures.__dict__, "imports": dict(imports.get(exe, []))} for exe, figures in results.items()],
        }
        print(json.dumps(document, indent=2))
        return 0
    print(report(results, floor, args.runs, args.think))
    for exe, table in imports.items():
        print("", f"`{exe}`:", "", *_import_lines(table), sep="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
