"""Time ``npm-auth-lint mcp`` as an MCP client meets it: start-up and a ``strategy`` call.

Usage:
    python scripts/mcp_startup.py [--runs 7] [--exe PATH] [--imports] [--json]

Speaks newline-delimited JSON-RPC on the server's stdin/stdout, as every stdio client does, and
reports medians of ``--runs`` runs (wall-clock and CPU, user + system, of the server process):

    start-up          from starting the process until the ``initialize`` answer is read
                      (CPU: the whole life of a server that is closed right after that answer)
    strategy, first   the first ``tools/call`` of ``strategy``, sent as soon as ``tools/list`` is
                      answered, on a repository with one publishing workflow (it waits for the
                      analysis engine to load: no agent calls that fast)
    strategy, next    the same call again on the running server
    start + strategy  process start until the first ``strategy`` answer: a client's cold path
    CLI strategy      ``npm-auth-lint strategy --format json`` on the same folder (wall, CPU)

The server and the CLI take turns, so a busy machine slows both alike. Every answer is checked:
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
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
PROTOCOL_VERSION = "2025-11-25"  # the newest revision reached through the initialize handshake
REPLY_TIMEOUT = 120.0


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


def time_strategy(exe: str, root: Path) -> tuple[float, float, float, Any]:
    """The first and the next ``strategy`` call, process start to the first answer, the document."""
    with tempfile.TemporaryFile() as errors:
        server = Server(exe, root, errors)
        server.send(INITIALIZE)
        server.reply(1)
        server.send(INITIALIZED, LIST_TOOLS)  # as a client does before it calls a tool
        server.reply(2)
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


def one_round(exe: str, root: Path) -> Figures:
    startup, startup_cpu = time_startup(exe, root)
    first, following, cold, document = time_strategy(exe, root)
    cli, cli_cpu, cli_document = time_cli(exe, root)
    if document != cli_document:
        raise RuntimeError("the server's strategy document differs from the CLI's")
    return Figures(startup, startup_cpu, first, following, cold, cli, cli_cpu)


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
    totals: dict[str, float] = defaultdict(float)
    for line in lines:
        if not line.startswith("import time:") or "|" not in line:
            continue
        self_us, _, name = (part.strip() for part in line[len("import time:") :].split("|"))
        if self_us.isdigit():
            totals[_package(name)] += int(self_us) / 1e6
    return sorted(totals.items(), key=lambda item: -item[1])


def _package(module: str) -> str:
    top = module.split(".")[0]
    if top in sys.stdlib_module_names or top.lstrip("_") in sys.stdlib_module_names:
        return "(standard library)"
    if module.startswith(("npm_auth_lint.mcp_server", "npm_auth_lint.api")):
        return "npm_auth_lint (mcp_server, api)"
    return top


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def report(figures: Figures, runs: int) -> str:
    rows = [
        ("start-up (to the initialize answer)", _ms(figures.startup), f"{_ms(figures.startup_cpu)} (start, initialize, exit)"),
        ("strategy call, first", _ms(figures.first_call), ""),
        ("strategy call, next", _ms(figures.next_call), ""),
        ("start + initialize + first strategy", _ms(figures.start_to_strategy), ""),
        ("CLI `strategy --format json`", _ms(figures.cli), _ms(figures.cli_cpu)),
    ]
    lines = [f"Medians of {runs} runs, one-workflow repository.", "", "| | wall | CPU |", "|---|---:|---:|"]
    lines += [f"| {name} | {wall} | {cpu} |" for name, wall, cpu in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--exe", default=str(Path(sys.executable).with_name("npm-auth-lint")), help="the npm-auth-lint executable")
    parser.add_argument("--imports", action="store_true", help="also the import time of a start-up, per package")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    exe = shutil.which(args.exe) or args.exe
    benchmark = _benchmark()
    benchmark.compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="mcp-startup-") as folder:
        root = Path(folder) / "repo"
        benchmark.generate_one(root)
        if args.runs > 1:
            one_round(exe, root)  # warm the file cache; not counted
        figures = medians([one_round(exe, root) for _ in range(max(1, args.runs))])
        imports = import_table(exe, root) if args.imports else []
    if args.json:
        print(json.dumps({"runs": args.runs, **figures.__dict__, "imports": dict(imports)}, indent=2))
        return 0
    print(report(figures, args.runs))
    if imports:
        total = sum(seconds for _, seconds in imports)
        print(f"\nImport time of a start-up (self time per package, total {_ms(total)} under -X importtime):\n")
        print("| package | import time | share |\n|---|---:|---:|")
        for name, seconds in imports:
            if seconds >= 0.001:
                print(f"| {name} | {_ms(seconds)} | {seconds / total:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
