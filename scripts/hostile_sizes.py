"""Time and peak memory of the CLI on the attack corpus's large repositories at doubling sizes.

Usage:
    python scripts/hostile_sizes.py [--case jobs|steps|files|workflows] [--sizes 5000,10000,...]
                                    [--formats text,json,sarif] [--deadline 240] [--markdown]

Each repository is built by ``scripts/attack_corpus.py`` (``many_jobs``, ``many_steps``,
``many_files``) with the given count, or ``workflows``: that many one-job publishing workflows
(files of their own). The CLI runs as a subprocess per format; the table shows wall-clock
seconds, the child's own CPU seconds (user + system: on a shared machine the figure that shows
the cost), CPU per 1,000 units of size (flat when cost grows linearly) and peak RSS.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_spec = importlib.util.spec_from_file_location("attack_corpus", Path(__file__).with_name("attack_corpus.py"))
assert _spec is not None and _spec.loader is not None
corpus = sys.modules.get("attack_corpus") or importlib.util.module_from_spec(_spec)
sys.modules["attack_corpus"] = corpus  # its dataclasses look their module up
_spec.loader.exec_module(corpus)


def many_workflows(root: Path, count: int) -> None:
    """``count`` workflow files of one publishing job each."""
    workflow = "on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps: [{run: npm publish}]\n"
    folder = root / ".github" / "workflows"
    folder.mkdir(parents=True)
    for index in range(count):
        (folder / f"p{index}.yml").write_text(workflow, encoding="utf-8")


BUILDERS: dict[str, Callable[[Path, int], None]] = {
    "jobs": corpus.many_jobs,  # workflows of 10,000 jobs each
    "steps": corpus.many_steps,
    "files": corpus.many_files,
    "workflows": many_workflows,
}


def _jobs(root: Path, count: int) -> None:
    corpus._write(
        root,
        {
            ".github/workflows/p.yml": "on: push\njobs:\n"
            + "".join(f"  j{i}:\n    runs-on: ubuntu-latest\n    steps: [{{run: npm publish}}]\n" for i in range(count))
        },
    )


def build(case: str, size: int, parent: Path) -> Path:
    root = parent / f"{case}-{size}"
    root.mkdir(parents=True)
    corpus._git(root, "init", "-q")
    if case == "jobs" and size % 10_000:
        _jobs(root, size)  # one workflow of them all
    else:
        BUILDERS[case](root, size)
    return root


@dataclass(frozen=True)
class Sample:
    code: int | None  # None: killed at the deadline
    wall: float
    cpu: float  # user + system seconds of the child
    rss_mib: int


def run(root: Path, fmt: str, deadline: float) -> Sample:
    """The CLI on ``root`` in ``fmt`` (output discarded), with its own CPU time and peak RSS: on
    a shared machine the CPU time is the figure that shows the cost."""
    env = {**os.environ, "NO_COLOR": "1"}
    started = time.perf_counter()
    command = [sys.executable, "-m", "npm_auth_lint", "--format", fmt, "."]
    process = subprocess.Popen(command, cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            code: int | None = os.waitstatus_to_exitcode(status)
            break
        if time.perf_counter() - started > deadline:
            process.kill()
            _, _, usage = os.wait4(process.pid, 0)
            code = None
            break
        time.sleep(0.02)
    process.returncode = -9 if code is None else code
    return Sample(code, time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss // 1024)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--case", default="jobs", choices=sorted(BUILDERS))
    parser.add_argument("--sizes", default="5000,10000,20000,40000")
    parser.add_argument("--formats", default="text,json,sarif")
    parser.add_argument("--deadline", type=float, default=corpus.SLOW_TIME_LIMIT)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    if args.markdown:
        print("| case | size | format | wall | CPU | CPU per 1,000 | peak RSS |\n|---|---:|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            root = build(args.case, size, Path(tmp))
            for fmt in args.formats.split(","):
                sample = run(root, fmt, args.deadline)
                wall = f"{sample.wall:.1f} s" if sample.code is not None else f"> {args.deadline:.0f} s (killed)"
                cells = [args.case, f"{size:,}", fmt, wall, f"{sample.cpu:.1f} s", f"{sample.cpu * 1000 / size:.2f} s", f"{sample.rss_mib} MiB"]
                if args.markdown:
                    print("| " + " | ".join(cells) + " |", flush=True)
                else:
                    print("  ".join(f"{cell:>12}" for cell in cells) + f"  exit={sample.code}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
