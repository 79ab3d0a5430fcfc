"""Benchmark following repository scripts (issue #11): a repository whose CI runs N repository
scripts against the same repository with the scripts' commands written inline.

Usage:
    python scripts/bench_hops.py [--hops 25,50,100,200] [--hop-depth 1] [--runs 5] [--markdown]

The repository is :func:`benchmark.generate`'s size-100 tree plus a workflow whose publish job
runs N repository shell scripts (in chains of ``--hop-depth`` scripts, each running the next), or,
inline, the same commands in its ``run:`` steps. Times are in-process CPU seconds of one lint
(best of ``--runs``): interpreter start-up is the same for both variants and would only hide the
difference being measured. It prints the cost ratio for each N and the cost per followed script
over the base repository, which stays flat when cost grows linearly in hops.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from pathlib import Path


def _generate(root: Path, size: int) -> None:
    """The benchmark's generated repository (scripts/benchmark.py)."""
    spec = importlib.util.spec_from_file_location("benchmark", Path(__file__).with_name("benchmark.py"))
    assert spec is not None and spec.loader is not None
    module = sys.modules.get("benchmark") or importlib.util.module_from_spec(spec)
    sys.modules["benchmark"] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    module.generate(root, size)


HOP_COMMANDS = ('echo "step {i}"', "npm run build --if-present", "test -f package.json", "npm publish --dry-run")


def generate_hops(root: Path, scripts: int, *, inline: bool, depth: int = 1, base: int = 100) -> int:
    """:func:`generate` of ``base`` plus a workflow whose job runs ``scripts`` repository shell
    scripts (chains of ``depth``), or, with ``inline``, the same commands in its ``run:`` steps."""
    _generate(root, base)
    files = 0
    steps = []
    for chain in range(0, scripts, depth):
        members = list(range(chain, min(chain + depth, scripts)))
        if inline:
            lines = [c.format(i=i) for i in members for c in HOP_COMMANDS]
            steps.append("      - run: |\n" + "".join(f"          {line}\n" for line in lines))
            continue
        steps.append(f"      - run: ./scripts/hop-{members[0]}.sh\n")
        for position, i in enumerate(members):
            body = "".join(c.format(i=i) + "\n" for c in HOP_COMMANDS)
            if position + 1 < len(members):
                body += f"./scripts/hop-{members[position + 1]}.sh\n"
            (root / "scripts").mkdir(exist_ok=True)
            (root / "scripts" / f"hop-{i}.sh").write_text("#!/bin/sh\nset -e\n" + body, encoding="utf-8")
            files += 1
    workflow = (
        "on: push\njobs:\n  hops:\n    runs-on: ubuntu-latest\n    permissions:\n      id-token: write\n"
        "    steps:\n      - uses: actions/checkout@v6\n" + "".join(steps)
    )
    (root / ".github" / "workflows" / "hops.yml").write_text(workflow, encoding="utf-8")
    return files + 1


def _lint_cpu(root: Path, runs: int) -> float:
    """Best-of-``runs`` CPU seconds of one in-process lint of ``root``: interpreter start-up is
    the same for both variants and would only hide the difference being measured."""
    from npm_auth_lint.config import Config
    from npm_auth_lint.engine import lint

    lint([root], Config())  # warm the imports and the grammars once
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        lint([root], Config())
        best = min(best, time.process_time() - start)
    return best


def hops_main(counts: list[int], depth: int, runs: int, markdown: bool) -> int:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        base_root = Path(tmp) / "base"
        _generate(base_root, 100)
        base = _lint_cpu(base_root, runs)
        for count in counts:
            cpu = {}
            for inline in (True, False):
                root = Path(tmp) / f"hops-{count}-{'inline' if inline else 'scripts'}"
                generate_hops(root, count, inline=inline, depth=depth)
                cpu[inline] = _lint_cpu(root, runs)
            rows.append({
                "scripts": count, "depth": depth, "base_cpu": round(base, 3), "inline_cpu": round(cpu[True], 3),
                "scripts_cpu": round(cpu[False], 3), "ratio": round(cpu[False] / cpu[True], 3),
                "ms_per_script": round(1000 * (cpu[False] - base) / count, 2),
            })
            print(json.dumps(rows[-1]), file=sys.stderr)
    if markdown:
        print("| scripts followed | chain depth | base repo CPU (s) | inline CPU (s) | scripts CPU (s) | ratio | ms per script over the base |")
        print("|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows:
            print(
                f"| {row['scripts']} | {row['depth']} | {row['base_cpu']:.3f} | {row['inline_cpu']:.3f} | {row['scripts_cpu']:.3f} "
                f"| {row['ratio']:.2f} | {row['ms_per_script']:.2f} |"
            )
    else:
        print(json.dumps(rows, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--hops", default="25,50,100,200", help="numbers of repository scripts followed")
    parser.add_argument("--hop-depth", type=int, default=1, help="scripts per chain (each runs the next); at most 8 are followed")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    args = parser.parse_args(argv)
    return hops_main([int(n) for n in args.hops.split(",") if n.strip()], args.hop_depth, args.runs, args.markdown)


if __name__ == "__main__":
    raise SystemExit(main())
