"""Benchmark npm-auth-lint on generated repositories of growing size, side by side with peers.

Usage:
    python scripts/benchmark.py [--sizes 10,100,500,2000] [--runs 5] [--peer zizmor=PATH] [--markdown]

Each size N is a repository with N GitHub workflows (publishing, testing, matrices, composite
actions), N/10 GitLab and CircleCI configurations' worth of jobs, N package.json files in a
monorepo and their .npmrc files. Every tool runs as a user runs it, as a subprocess on the whole
repository; the table shows the median wall-clock and CPU time of ``--runs`` runs.
Peers that are not installed are skipped (zizmor: ``pip install zizmor``; it runs ``--offline``).

``--hops 25,50,100,200`` measures following repository scripts instead (issue #11): the size-100
repository plus a workflow whose publish job runs N repository scripts (in chains of
``--hop-depth`` scripts, each running the next), against the same repository with the scripts'
commands written inline in the workflow, as in-process CPU time (best of ``--runs``). It prints
the cost ratio for each N and the cost per followed script, which stays flat when cost grows
linearly in hops.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORKFLOW_KINDS = ("token", "oidc", "matrix", "changesets", "composite", "test")


def _workflow(kind: str, index: int) -> str:
    head = f"name: wf-{index}\non:\n  push:\n    branches: [main]\n  release:\n    types: [published]\n"
    if kind == "token":
        return head + f"""jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: 22
          registry-url: https://registry.npmjs.org
      - run: npm ci
      - run: |
          npm run build
          cd packages/p{index % 50} && npm publish --access public
        env:
          NODE_AUTH_TOKEN: ${{{{ secrets.NPM_TOKEN }}}}
"""
    if kind == "oidc":
        return head + """jobs:
  publish:
    runs-on: ubuntu-latest
    permissions:
      contents: read
      id-token: write
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: 24
          registry-url: https://registry.npmjs.org
      - run: npm ci
      - run: npm publish --provenance
"""
    if kind == "matrix":
        return head + """jobs:
  test:
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, windows-latest, macos-latest]
        node: [20, 22, 24]
        include:
          - os: ubuntu-latest
            node: 26
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: ${{ matrix.node }}
      - run: npm ci && npm test
  publish:
    needs: test
    runs-on: ubuntu-latest
    permissions:
      id-token: write
    steps:
      - uses: actions/setup-node@v6
        with:
          node-version: ${{ matrix.node }}
      - run: npx semantic-release
        env:
          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}
"""
    if kind == "changesets":
        return head + """jobs:
  release:
    runs-on: ubuntu-latest
    permissions:
      contents: write
      pull-requests: write
      id-token: write
    steps:
      - uses: actions/checkout@v6
      - uses: pnpm/action-setup@v4
      - uses: actions/setup-node@v6
        with:
          node-version-file: .nvmrc
      - run: pnpm install --frozen-lockfile
      - uses: changesets/action@v1
        with:
          publish: pnpm changeset publish
"""
    if kind == "composite":
        return head + """jobs:
  publish:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: ./.github/actions/publish
        with:
          token: ${{ secrets.NPM_TOKEN }}
"""
    return head + """jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v6
      - uses: actions/setup-node@v6
        with:
          node-version: 24
          cache: npm
      - run: |
          npm ci
          npm run lint
          npm test -- --coverage
"""


COMPOSITE = """name: publish
inputs:
  token:
    required: true
runs:
  using: composite
  steps:
    - uses: actions/setup-node@v6
      with:
        node-version: 24
        registry-url: https://registry.npmjs.org
    - run: npm publish
      shell: bash
      env:
        NODE_AUTH_TOKEN: ${{ inputs.token }}
"""


def generate(root: Path, size: int) -> int:
    """Write a repository with ``size`` workflows and packages; returns the number of files."""
    files = 0

    def write(rel: str, text: str) -> None:
        nonlocal files
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        files += 1

    (root / ".git").mkdir(parents=True, exist_ok=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/bench.git\n')
    write(".nvmrc", "24\n")
    write("package.json", json.dumps({"name": "bench", "private": True, "workspaces": ["packages/*"]}, indent=2))
    write(".github/actions/publish/action.yml", COMPOSITE)
    for index in range(size):
        write(f".github/workflows/wf-{index}.yml", _workflow(WORKFLOW_KINDS[index % len(WORKFLOW_KINDS)], index))
        package = {"name": f"@bench/p{index}", "version": "1.0.0", "repository": "github:acme/bench",
                   "scripts": {"build": "tsc", "release": "npm publish"}}
        write(f"packages/p{index}/package.json", json.dumps(package, indent=2))
        if index % 5 == 0:
            write(f"packages/p{index}/.npmrc", "//registry.npmjs.org/:_authToken=${NPM_TOKEN}\n")
    jobs = "\n".join(
        f"publish-{i}:\n  image: node:2{2 + 2 * (i % 2)}\n  id_tokens:\n    NPM_ID_TOKEN:\n      aud: npm:registry.npmjs.org\n"
        f"  script:\n    - npm ci\n    - npm publish\n"
        for i in range(max(1, size // 10))
    )
    write(".gitlab-ci.yml", jobs)
    circle_jobs = "\n".join(
        f"  publish-{i}:\n    docker:\n      - image: cimg/node:24.15\n    steps:\n      - checkout\n"
        f"      - run: npm publish\n"
        for i in range(max(1, size // 10))
    )
    workflow_jobs = "\n".join(f"      - publish-{i}" for i in range(max(1, size // 10)))
    write(".circleci/config.yml", f"version: 2.1\njobs:\n{circle_jobs}\nworkflows:\n  release:\n    jobs:\n{workflow_jobs}\n")
    return files


HOP_COMMANDS = ('echo "step {i}"', "npm run build --if-present", "test -f package.json", "npm publish --dry-run")


def generate_hops(root: Path, scripts: int, *, inline: bool, depth: int = 1, base: int = 100) -> int:
    """:func:`generate` of ``base`` plus a workflow whose job runs ``scripts`` repository shell
    scripts (chains of ``depth``), or, with ``inline``, the same commands in its ``run:`` steps."""
    files = generate(root, base)
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
        generate(base_root, 100)
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


def _time(command: list[str], runs: int) -> tuple[float, float] | None:
    """Median wall-clock and CPU (user + system) seconds of ``runs`` runs.

    CPU time is reported too because it barely moves when the machine is busy with other work.
    """
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        proc = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=900)
        elapsed = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        if proc.returncode not in (0, 1, 10, 11, 12, 13, 14):
            print(f"  {command[0]} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[:300]}", file=sys.stderr)
            return None
        walls.append(elapsed)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100,500,2000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--peer", action="append", default=[], help="NAME=EXECUTABLE (default: zizmor from PATH)")
    parser.add_argument("--markdown", action="store_true", help="print a Markdown table")
    parser.add_argument("--hops", help="numbers of repository scripts followed, e.g. 25,50,100,200 (see above)")
    parser.add_argument("--hop-depth", type=int, default=1, help="scripts per chain (each runs the next); at most 8 are followed")
    args = parser.parse_args(argv)
    if args.hops:
        return hops_main([int(n) for n in args.hops.split(",") if n.strip()], args.hop_depth, args.runs, args.markdown)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    peers = dict(p.split("=", 1) for p in args.peer)
    if "zizmor" not in peers and shutil.which("zizmor"):
        peers["zizmor"] = shutil.which("zizmor") or "zizmor"
    tools = {"npm-auth-lint": [sys.executable, "-m", "npm_auth_lint", "--format", "json", "--fail-on", "never", "--no-config"]}
    for name, exe in peers.items():
        tools[name] = [exe, "--offline", "--no-exit-codes", "--format", "plain"] if name == "zizmor" else [exe]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in sizes:
            root = Path(tmp) / f"repo-{size}"
            files = generate(root, size)
            row: dict[str, object] = {"workflows": size, "files": files}
            for name, command in tools.items():
                target = [str(root / ".github" / "workflows")] if name == "zizmor" else [str(root)]
                row[name] = _time([*command, *target], args.runs)
            rows.append(row)
            print(json.dumps(row), file=sys.stderr)
    names = list(tools)
    if args.markdown:
        print("| workflows | files | " + " | ".join(f"{n}: wall / CPU (s)" for n in names) + " |")
        print("|---:|---:|" + "---:|" * len(names))
        for row in rows:
            cells = [f"{row[n][0]:.2f} / {row[n][1]:.2f}" if row[n] is not None else "n/a" for n in names]
            print(f"| {row['workflows']} | {row['files']} | " + " | ".join(cells) + " |")
    else:
        print(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
