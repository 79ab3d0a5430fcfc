"""Benchmark npm-auth-lint side by side with zizmor on the same generated repositories.

Usage:
    python scripts/benchmark.py [--cases all|NAME,...] [--runs 7] [--stages] [--markdown]

Cases (each a generated repository; both tools run on its root, as a user runs them):
    start-up        ``--version``, ``rules`` and ``rule ID`` (ours), ``--version`` (zizmor)
    wf-1            one publishing workflow (and its package), SARIF output
    wf-200, wf-2000 200 / 2,000 workflows, as many packages, GitLab and CircleCI jobs, SARIF
    pkg-10000       a monorepo of 10,000 package.json files (and one workflow of each kind)
    files-50000     50,000 files: 5,000 packages with sources, tests and docs beside them
The tools run alternately (ours, zizmor, ours, ...) so that a busy machine slows both alike;
the table shows medians of ``--runs`` runs: wall-clock, CPU (user + system) and peak RSS.
zizmor (``pip install zizmor``, a test extra) runs ``--offline``; a missing tool is skipped.
``--stages`` times each stage of our run in-process (discover, read, parse, analyze, rules,
policy, strategy, report) on the same trees.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
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


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate_monorepo(root: Path, packages: int, extra_files: int = 0) -> int:
    """A workspace monorepo of ``packages`` package.json files, ``extra_files`` other files per
    package (sources, tests, docs: files the tools must walk past) and one workflow of each kind;
    returns the number of files."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    (root / ".git" / "config").write_text('[remote "origin"]\n\turl = https://github.com/acme/bench.git\n')
    _write(root, "package.json", json.dumps({"name": "bench", "private": True, "workspaces": ["packages/*"]}, indent=2))
    _write(root, ".nvmrc", "24\n")
    _write(root, ".github/actions/publish/action.yml", COMPOSITE)
    files = 3
    for index, kind in enumerate(WORKFLOW_KINDS):
        _write(root, f".github/workflows/{kind}.yml", _workflow(kind, index))
        files += 1
    extras = [f"src/module{i}.js" for i in range(max(0, extra_files - 2))] + ["README.md", "test/index.test.js"]
    for index in range(packages):
        package = {"name": f"@bench/p{index}", "version": "1.0.0", "repository": "github:acme/bench",
                   "scripts": {"build": "tsc", "test": "node --test"}}
        _write(root, f"packages/p{index}/package.json", json.dumps(package, indent=2))
        files += 1
        for rel in extras[:extra_files]:
            _write(root, f"packages/p{index}/{rel}", f"// {rel} of p{index}\nexport const value = {index};\n")
            files += 1
    return files


def generate_one(root: Path) -> int:
    """One publishing workflow and the package it publishes."""
    (root / ".git").mkdir(parents=True, exist_ok=True)
    _write(root, ".github/workflows/release.yml", _workflow("token", 0))
    _write(root, "package.json", json.dumps({"name": "@bench/p0", "version": "1.0.0"}, indent=2))
    return 2


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], int]  # writes the tree, returns its number of files
    fmt: str = "sarif"


CASES = {
    case.name: case
    for case in (
        Case("wf-1", generate_one),
        Case("wf-200", lambda root: generate(root, 200)),
        Case("wf-2000", lambda root: generate(root, 2000)),
        Case("pkg-10000", lambda root: generate_monorepo(root, 10_000)),
        Case("files-50000", lambda root: generate_monorepo(root, 5_000, extra_files=9)),
    )
}


@dataclass(frozen=True)
class Sample:
    wall: float
    cpu: float
    rss_mb: float


def run_once(command: list[str], env: dict[str, str] | None = None) -> Sample | None:
    """One run of ``command``: wall-clock, CPU and peak RSS of that process alone (wait4)."""
    # stderr goes to a file, not a pipe: zizmor logs a line per file, and a full pipe that
    # nobody reads while we wait would block it for ever.
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        print(f"  {' '.join(command[:3])} failed ({proc.returncode}): {stderr[:300]}", file=sys.stderr)
        return None
    # ru_maxrss is in KiB on Linux.
    return Sample(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def median(samples: list[Sample]) -> Sample | None:
    if not samples:
        return None
    return Sample(
        statistics.median(s.wall for s in samples),
        statistics.median(s.cpu for s in samples),
        max(s.rss_mb for s in samples),
    )


def compile_bytecode() -> None:
    """Compile our modules as ``pip install`` does, so that an editable install (or a session
    with PYTHONDONTWRITEBYTECODE) is measured as users run the tool, not recompiling each run."""
    import compileall
    import importlib.util

    for name in ("npm_auth_lint", "npm_auth_lint.rules"):
        spec = importlib.util.find_spec(name)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            compileall.compile_dir(folder, quiet=1)


PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The command that runs our tool: this Python's ``-m npm_auth_lint`` unless ``--install`` made a
# regular install (then its console script, which, unlike ``-m``, never imports a source tree
# from the working directory).
OURS: list[str] = [sys.executable, "-m", "npm_auth_lint"]


def ours(*args: str) -> list[str]:
    return [*OURS, *args]


def install(where: Path) -> list[str]:
    """A fresh virtual environment at ``where`` with this checkout installed as users install it
    (a built wheel, bytecode compiled by pip); returns its console script. An editable install,
    as in a development venv, adds ~10 ms to every start-up (its import hook loads at start)."""
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(where)], check=True)
    folder = where / ("Scripts" if os.name == "nt" else "bin")
    python = folder / ("python.exe" if os.name == "nt" else "python")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(PROJECT_ROOT)], check=True)
    return [str(folder / ("npm-auth-lint.exe" if os.name == "nt" else "npm-auth-lint"))]


def measure(commands: dict[str, list[str]], runs: int) -> dict[str, Sample | None]:
    """Medians of ``runs`` runs of each command, taking turns, after one untimed run of each
    (ours writes its compiled-method cache then, as a user's first run after installing does)."""
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for name, command in commands.items():
        run_once(command, _environment(name))
    for _ in range(runs):
        for name, command in commands.items():
            sample = run_once(command, _environment(name))
            if sample is not None:
                samples[name].append(sample)
    return {name: median(found) for name, found in samples.items()}


# Our run without the compiled-method cache (npm_auth_lint/method_cache.py): what the first run
# after installing costs, or every run where the cache cannot be kept.
FIRST_RUN = "npm-auth-lint, no method cache"


def _environment(name: str) -> dict[str, str] | None:
    return {**os.environ, "NPM_AUTH_LINT_CACHE_DIR": ""} if name == FIRST_RUN else None


def lint_commands(root: Path, fmt: str, zizmor: str | None) -> dict[str, list[str]]:
    commands = {"npm-auth-lint": ours("--format", fmt, "--fail-on", "never", "--no-config", str(root))}
    commands[FIRST_RUN] = commands["npm-auth-lint"]
    if zizmor:
        commands["zizmor"] = [zizmor, "--offline", "--no-exit-codes", "--format", fmt, str(root)]
    return commands


def startup_rows(runs: int, zizmor: str | None) -> list[dict[str, object]]:
    rows = []
    for label, args in (("--version", ["--version"]), ("rules", ["rules"]), ("rule ID", ["rule", "hardcoded-npm-token"])):
        commands = {"npm-auth-lint": ours(*args)}
        if zizmor and label == "--version":
            commands["zizmor"] = [zizmor, "--version"]
        rows.append({"case": label, "files": 0, **measure(commands, runs)})
    return rows


def stages(root: Path) -> dict[str, float]:
    """CPU seconds spent in each stage of one in-process run on ``root`` (the engine's own
    steps; CPU rather than wall-clock time, which a busy machine inflates)."""
    from npm_auth_lint import analysis, engine
    from npm_auth_lint.cli import LintOptions, build_report
    from npm_auth_lint.config import Config
    from npm_auth_lint.plugins import all_rules
    from npm_auth_lint.reporters import render
    from npm_auth_lint.rule import Context
    from npm_auth_lint.workspace import Workspace

    timings: dict[str, float] = {}
    clock = time.process_time()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.process_time()
        timings[name] = now - clock
        clock = now

    rules = tuple(r for r in all_rules() if Config().is_enabled(r.id))
    lap("set-up")
    workspace = Workspace(root)
    files = workspace.discover([root])
    lap("discover")
    for rel in files:
        workspace.try_read(rel)
    lap("read")
    project = engine.build_project(workspace, files)
    lap("parse")
    facts = analysis.analyze(project)
    lap("analyze")
    raw, _ = engine.run_rules(Context(project, facts), rules)
    lap("rules")
    kept, _, _ = engine.apply_policy(raw, project, Config())
    result = engine.LintResult(tuple(sorted(kept)), rules, root, len(files), (project,), (facts,))
    lap("policy")
    report = build_report(result, result.findings, LintOptions(output_format="sarif"))
    lap("strategy")
    render("sarif", report)
    lap("report")
    return timings


def stages_in_child(root: Path) -> dict[str, float]:
    """:func:`stages` in a fresh process: this one stays small, so that the peak RSS of the
    tools it forks next is theirs (a forked child starts with its parent's pages)."""
    proc = subprocess.run([sys.executable, __file__, "--stages-of", str(root)], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def _stages_main(root: Path) -> int:
    import gc

    gc.set_threshold(100_000, 50, 100)  # as the CLI's main() does
    with tempfile.TemporaryDirectory() as tmp:  # warm up: imports are start-up, not a stage
        generate(Path(tmp), 3)
        stages(Path(tmp))
    print(json.dumps(stages(root)))
    return 0


def _cell(sample: object) -> str:
    if not isinstance(sample, Sample):
        return "n/a"
    return f"{sample.wall * 1000:.0f} ms" if sample.wall < 1 else f"{sample.wall:.2f} s"


def _cpu(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _ratio(row: dict[str, object], key: str) -> str:
    a, b = row.get("npm-auth-lint"), row.get("zizmor")
    if not (isinstance(a, Sample) and isinstance(b, Sample)):
        return ""
    return f"{getattr(a, key) / getattr(b, key):.2f}×"


def print_markdown(rows: list[dict[str, object]]) -> None:
    print(
        "| work | files | npm-auth-lint wall (CPU) | zizmor wall (CPU) | ratio wall | ratio CPU | peak RSS ours / zizmor "
        "| no method cache: CPU (ratio) |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        a, b, cold = row.get("npm-auth-lint"), row.get("zizmor"), row.get(FIRST_RUN)
        ours_cell = f"{_cell(a)} ({_cpu(a.cpu)})" if isinstance(a, Sample) else "n/a"
        peer_cell = f"{_cell(b)} ({_cpu(b.cpu)})" if isinstance(b, Sample) else "—"
        rss = f"{a.rss_mb:.0f} MB" if isinstance(a, Sample) else "n/a"
        if isinstance(b, Sample):
            rss += f" / {b.rss_mb:.0f} MB"
        cold_cell = "—"
        if isinstance(cold, Sample):
            cold_cell = _cpu(cold.cpu) + (f" ({cold.cpu / b.cpu:.2f}×)" if isinstance(b, Sample) and b.cpu else "")
        print(f"| {row['case']} | {row['files']} | {ours_cell} | {peer_cell} | {_ratio(row, 'wall')} | {_ratio(row, 'cpu')} | {rss} | {cold_cell} |")


def print_stages(table: dict[str, dict[str, float]]) -> None:
    names = list(next(iter(table.values())))
    print("| work | " + " | ".join(names) + " | total |")
    print("|---|" + "---:|" * (len(names) + 1))
    for case, timings in table.items():
        cells = [f"{timings[n]:.2f}" for n in names]
        print(f"| {case} | " + " | ".join(cells) + f" | {sum(timings.values()):.2f} |")


def _row_json(row: dict[str, object]) -> dict[str, object]:
    return {k: (v.__dict__ if isinstance(v, Sample) else v) for k, v in row.items()}


def repositories_main(folder: Path, runs: int, zizmor: str | None, markdown: bool) -> int:
    """Each checkout in ``folder`` linted by both tools (as the generated cases are), then a
    summary: total CPU, and the spread of the per-repository ratio."""
    checkouts = sorted(p for p in folder.iterdir() if p.is_dir())
    rows = []
    for root in checkouts:
        row: dict[str, object] = {"case": root.name}
        row.update(measure(lint_commands(root, "sarif", zizmor), runs))
        rows.append(row)
        print(json.dumps(_row_json(row)), file=sys.stderr)
    summary = summarise_repositories(rows)
    if markdown and not summary["repositories"]:
        print("No checkout was linted by both tools (zizmor missing, or it found no workflow anywhere).")
    elif markdown:
        print("| | npm-auth-lint | zizmor | ratio |")
        print("|---|---:|---:|---:|")
        print(f"| {summary['repositories']} checkouts: total CPU | {_cpu(summary['ours'])} | {_cpu(summary['zizmor'])} | {summary['total_ratio']:.2f}× |")
        print(
            f"| median of the per-checkout ratios | | | {summary['median_ratio']:.2f}× (quartiles {summary['q1_ratio']:.2f}× and "
            f"{summary['q3_ratio']:.2f}×); ours faster on {summary['faster']} |"
        )
        if "ours_no_cache" in summary:
            print(f"| same checkouts, ours without the method cache | {_cpu(summary['ours_no_cache'])} | | {summary['ours_no_cache'] / summary['zizmor']:.2f}× |")
    else:
        print(json.dumps({"rows": [_row_json(r) for r in rows], "summary": summary}, indent=2))
    return 0


def summarise_repositories(rows: list[dict[str, object]]) -> dict[str, float]:
    """Totals and per-checkout ratio quartiles of the rows both tools ran on."""
    both = [row for row in rows if isinstance(row.get("npm-auth-lint"), Sample) and isinstance(b := row.get("zizmor"), Sample) and b.cpu > 0]
    pairs = [(row["npm-auth-lint"].cpu, row["zizmor"].cpu) for row in both]  # type: ignore[union-attr]
    if not pairs:
        return {"repositories": 0}
    ratios = [a / b for a, b in pairs]
    quartiles = statistics.quantiles(ratios, n=4, method="inclusive") if len(ratios) > 1 else [ratios[0]] * 3
    ours, peer = sum(a for a, _ in pairs), sum(b for _, b in pairs)
    summary: dict[str, float] = {
        "repositories": len(pairs), "ours": ours, "zizmor": peer, "total_ratio": ours / peer,
        "median_ratio": statistics.median(ratios), "q1_ratio": quartiles[0], "q3_ratio": quartiles[2],
        "faster": sum(r < 1 for r in ratios),
    }  # fmt: skip
    cold = [row.get(FIRST_RUN) for row in both]
    if all(isinstance(sample, Sample) for sample in cold):
        summary["ours_no_cache"] = sum(sample.cpu for sample in cold)  # type: ignore[union-attr]
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", default="all", help="start-up and/or case names, comma-separated (default: all)")
    parser.add_argument("--runs", type=int, default=7)
    # Installed by the test extra next to this Python, or anywhere on PATH.
    found = shutil.which("zizmor", path=str(Path(sys.executable).parent)) or shutil.which("zizmor")
    parser.add_argument("--zizmor", default=found, help="zizmor executable (default: beside this Python, or on PATH)")
    parser.add_argument("--no-zizmor", action="store_true", help="measure npm-auth-lint alone")
    parser.add_argument("--stages", action="store_true", help="also time each stage in-process")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")
    parser.add_argument("--sizes", help="instead of --cases: N,N,... repositories of N workflows (wf-N)")
    parser.add_argument(
        "--install", type=Path, metavar="DIR",
        help="measure a regular install of this checkout, made in a fresh venv at DIR (as users run the tool)",
    )
    parser.add_argument(
        "--repos-in", type=Path, metavar="FOLDER",
        help="instead of generated trees: every checkout (sub-folder) of FOLDER, summarised (real repositories)",
    )
    parser.add_argument("--stages-of", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stages_of:
        return _stages_main(args.stages_of)
    if args.install:
        OURS[:] = install(args.install)
    zizmor = None if args.no_zizmor else args.zizmor
    cases = dict(CASES)
    if args.sizes:
        cases = {f"wf-{n}": Case(f"wf-{n}", lambda root, n=int(n): generate(root, n)) for n in args.sizes.split(",") if n.strip()}
        wanted = list(cases)
    else:
        wanted = list(cases) + ["start-up"] if args.cases == "all" else [c.strip() for c in args.cases.split(",") if c.strip()]
    unknown = [name for name in wanted if name not in cases and name != "start-up"]
    if unknown:
        parser.error(f"unknown case(s) {unknown}; known: start-up, {', '.join(CASES)}")
    compile_bytecode()
    # Users' environment: bytecode and the compiled-method cache may be written (these sessions
    # set PYTHONDONTWRITEBYTECODE); the method cache in a folder of this run, empty at its start.
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    cache_folder = tempfile.TemporaryDirectory(prefix="benchmark-method-cache-")
    os.environ["NPM_AUTH_LINT_CACHE_DIR"] = cache_folder.name
    if args.repos_in:
        return repositories_main(args.repos_in, args.runs, zizmor, args.markdown)
    rows: list[dict[str, object]] = []
    stage_table: dict[str, dict[str, float]] = {}
    if "start-up" in wanted:
        rows.extend(startup_rows(args.runs, zizmor))
    with tempfile.TemporaryDirectory() as tmp:
        for name in (n for n in wanted if n in cases):
            case = cases[name]
            root = Path(tmp) / name
            files = case.build(root)
            row: dict[str, object] = {"case": f"{name} ({case.fmt})", "files": files}
            row.update(measure(lint_commands(root, case.fmt, zizmor), args.runs))
            rows.append(row)
            print(json.dumps(_row_json(row)), file=sys.stderr)
            if args.stages:
                stage_table[name] = stages_in_child(root)
            shutil.rmtree(root)
    if args.markdown:
        print_markdown(rows)
        if stage_table:
            print()
            print_stages(stage_table)
    else:
        print(json.dumps({"rows": [_row_json(r) for r in rows], "stages": stage_table}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
