"""Time and peak memory of the CLI on the attack corpus's large repositories at doubling sizes.

Usage:
    python scripts/hostile_sizes.py [--case jobs|steps|files|workflows] [--sizes 5000,10000,...]
                                    [--formats text,json,sarif] [--deadline 240] [--markdown]

Each repository is built by ``scripts/attack_corpus.py`` (``many_jobs``, ``many_steps``,
``many_files``) with the given count, or ``workflows``: that many one-job publishing workflows
(files of their own). The CLI runs as a subprocess per format (``attack_corpus.run_case``); the
table shows wall-clock seconds, the child's own peak RSS, and the cost per unit of size, which
stays flat when cost grows linearly.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
from collections.abc import Callable
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--case", default="jobs", choices=sorted(BUILDERS))
    parser.add_argument("--sizes", default="5000,10000,20000,40000")
    parser.add_argument("--formats", default="text,json,sarif")
    parser.add_argument("--deadline", type=float, default=corpus.SLOW_TIME_LIMIT)
    parser.add_argument("--memory", type=int, default=4096, help="address-space limit in MiB")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    if args.markdown:
        print("| case | size | format | wall | peak RSS | per 1,000 |\n|---|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            root = build(args.case, size, Path(tmp))
            for fmt in args.formats.split(","):
                run = corpus.run_case(root, fmt, args.deadline, args.memory * 1024 * 1024)
                wall = f"{run.seconds:.1f} s" if run.code is not None else f"> {args.deadline:.0f} s (killed)"
                rss = f"{run.max_rss_kb // 1024} MiB"
                per = f"{run.seconds * 1000 / size:.2f} s"
                problems = "; ".join(corpus.check_run(run, args.deadline, args.memory * 1024 * 1024)) or "ok"
                if args.markdown:
                    print(f"| {args.case} | {size:,} | {fmt} | {wall} | {rss} | {per} |", flush=True)
                else:
                    print(f"{args.case:9} {size:7d} {fmt:6} exit={run.code} {wall:>18} {rss:>9} {per:>8}/1000  {problems}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
