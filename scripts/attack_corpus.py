"""Build the attack corpus of issue #13 and run the real CLI on it under time and memory limits.

Every case is a small function that writes a repository into a folder at run time (nothing large
is committed). ``run_case`` runs ``python -m npm_auth_lint`` on it in a subprocess with
``RLIMIT_AS`` (address space) and a wall-clock deadline, in every output format, and
``check_run`` states what must hold: exit 0 or 1, no traceback, in time, in memory, no planted
secret in any output, nothing written into the repository.

    python scripts/attack_corpus.py [--slow] [CASE...]   # prints one line per case and format
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

FORMATS = ("concise", "text", "json", "sarif", "github")
TIME_LIMIT = 10.0  # seconds per run
MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space
SLOW_TIME_LIMIT = 240.0  # the large generated repositories: linear, but large (and CI is shared)

# Planted credentials: none of them may appear in any output.
UUID = "0d2f1c9e-58aa-4c4e-9a57-3b7e4fd2c6a1"
NPM_TOKEN = "npm_" + "Ab1" * 12
BASIC = "dXNlcjpodW50ZXIy"  # base64 of user:hunter2
PASSWORD = "hunter2correcthorse"
SECRETS = (UUID, NPM_TOKEN, BASIC, PASSWORD, "hunter2")
BIG = "9" * 5000  # more digits than Python's int-str limit (4,300)


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], None]
    slow: bool = False
    # Address space for the run. The 40,000-job repository needs more than 1 GiB: the SARIF writer
    # now adds ~0.1 GiB to what the engine and strategy hold for 40,000 publishing pipelines.
    memory: int = 1024 * 1024 * 1024


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _workflow(steps: str, jobs_extra: str = "") -> str:
    return f"on: push\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n{steps}{jobs_extra}"


def deep_flow(root: Path) -> None:
    _write(root, {".github/workflows/d.yml": "jobs: " + "[" * 30000 + "]" * 30000 + "\n"})


def deep_flow_mapping(root: Path) -> None:
    _write(root, {".gitlab-ci.yml": "a: " + "{a: " * 30000 + "}" * 30000 + "\n"})


def deep_block(root: Path) -> None:
    _write(root, {".circleci/config.yml": "jobs:\n  " + "- " * 30000 + "x\n"})


def deep_config(root: Path) -> None:
    _write(root, {".npm-auth-lint.yaml": "ignore: " + "[" * 30000 + "]" * 30000 + "\n", "package.json": "{}"})


def alias_bomb(root: Path) -> None:
    lines = [".l0: &l0 [npm publish]"]
    lines += [f".l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 12)]
    lines.append("publish: {script: *l11}")
    _write(root, {".gitlab-ci.yml": "\n".join(lines) + "\n"})


def reference_bomb(root: Path) -> None:
    lines = [".l0:\n  script: [npm publish]"]
    for i in range(1, 12):
        refs = ", ".join([f"!reference [.l{i - 1}, script]"] * 10)
        lines.append(f".l{i}:\n  script: [{refs}]")
    lines.append("publish:\n  script: !reference [.l11, script]")
    _write(root, {".gitlab-ci.yml": "\n".join(lines) + "\n"})


def symlink_loop(root: Path) -> None:
    _write(root, {"package.json": "{}"})
    os.symlink("x", root / "x")
    os.symlink(".npmrc", root / ".npmrc")


def bad_gitignore(root: Path) -> None:
    _write(root, {".gitignore": "[z-a]\nnode_modules/\n", ".npmrc": f"//registry.npmjs.org/:_authToken={UUID}\n"})


def bad_config_glob(root: Path) -> None:
    _write(root, {".npm-auth-lint.yaml": "ignore: ['[z-a]']\n", "package.json": "{}"})


def backtracking_globs(root: Path) -> None:
    evil = "*a" * 40 + "b"
    _write(root, {
        ".gitignore": evil + "\n" + "**/" * 40 + "x\n",
        ".npm-auth-lint.yaml": f"ignore: ['{evil}']\n",
        ".gitlab-ci.yml": f"include:\n  - local: '{'*a' * 30}.yml'\npublish:\n  script: [npm publish]\n",
        ".circleci/config.yml": (
            "version: 2.1\njobs:\n  a:\n    docker: [{image: 'cimg/node:22.0'}]\n    steps: [{run: npm publish}]\n"
            "workflows:\n  w:\n    when:\n      matches: {pattern: '(a*)*b', value: '" + "a" * 5000 + "'}\n    jobs: [a]\n"
        ),
        ("a" * 60) + ".yml": "x: 1\n",
    })


def huge_numbers(root: Path) -> None:
    _write(root, {
        "package.json": f'{{"name": "x", "version": "1.0.0", "n": {BIG}, "engines": {{"node": ">={BIG}"}}}}',
        ".github/workflows/p.yml": _workflow(
            f"      - uses: actions/setup-node@v{BIG}\n        with: {{node-version: '{BIG}'}}\n"
            f"      - uses: owner/action@v{BIG}\n      - run: npm install -g npm@{BIG} && npm publish\n"
        ),
        ".circleci/config.yml": (
            f"version: 2.1\norbs:\n  node: circleci/node@{BIG}.1.1\njobs:\n  a:\n    docker: [{{image: 'cimg/node:{BIG}'}}]\n"
            "    steps: [{run: npm publish}]\nworkflows:\n  w:\n    jobs: [a]\n"
        ),
        ".nvmrc": BIG + "\n",
    })


def special_files(root: Path) -> None:
    _write(root, {"package.json": "{}", "sub/package.json": "{}"})
    os.mkfifo(root / ".npmrc")
    os.mkfifo(root / "sub" / ".gitlab-ci.yml")
    os.symlink("/dev/stdin", root / ".gitignore")
    os.symlink("/dev/zero", root / "sub" / ".gitignore")


def links_out(root: Path) -> None:
    outside = root.parent / (root.name + "-outside")
    outside.mkdir(exist_ok=True)
    (outside / ".npmrc").write_text(f"//registry.npmjs.org/:_authToken={UUID}\n")
    _write(root, {"package.json": "{}"})
    os.symlink(outside / ".npmrc", root / ".npmrc")
    os.symlink(outside, root / "linked")


def committed_but_ignored(root: Path) -> None:
    _write(root, {".gitignore": ".npmrc\n", ".npmrc": f"//registry.npmjs.org/:_authToken={UUID}\n"})
    _git(root, "add", "-f", ".npmrc", ".gitignore")
    _git(root, "-c", "user.email=a@b.c", "-c", "user.name=a", "commit", "-qm", "x")


def printed_secrets(root: Path) -> None:
    steps = "".join(
        f"      - run: {command}\n"
        for command in (
            f"npm publish --_auth {BASIC}",
            f"npm publish --_authToken {UUID}",
            f"printf '//registry.npmjs.org/:_authToken=%s' {UUID} > .npmrc",
            f"npm-cli-login -u me -p {PASSWORD} -e me@example.com",
            f"npm adduser --password {PASSWORD}",
            f'npm config set _password "$(echo -n {PASSWORD} | base64)"',
            f"npm publish --//registry.npmjs.org/:_authToken={NPM_TOKEN}",
        )
    )
    _write(root, {".github/workflows/p.yml": _workflow(steps)})


def secret_in_config(root: Path) -> None:
    # The configuration error quotes the offending key: a token must not be printed raw.
    _write(root, {".npm-auth-lint.yaml": f"rules:\n  {NPM_TOKEN}: disable\n", "package.json": "{}"})


def escapes(root: Path) -> None:
    name = "evil\x1b]0;owned\x07\x1b[31m"
    _write(root, {
        ".github/workflows/p.yml": f'on: push\njobs:\n  "{name}":\n    runs-on: ubuntu-latest\n    steps: [{{run: npm publish}}]\n',
        f"pkg{name}/.npmrc": f"//registry.npmjs.org/:_authToken={UUID}\n",
    })


def many_steps(root: Path, count: int = 80_000) -> None:
    _write(root, {".github/workflows/p.yml": _workflow("      - run: npm publish\n" * count)})


def many_jobs(root: Path, count: int = 40_000) -> None:
    per_file = 10_000
    for start in range(0, count, per_file):
        jobs = "".join(f"  j{i}:\n    runs-on: ubuntu-latest\n    steps: [{{run: npm publish}}]\n" for i in range(start, start + per_file))
        _write(root, {f".github/workflows/p{start // per_file}.yml": "on: push\njobs:\n" + jobs})


def many_files(root: Path, count: int = 20_000) -> None:
    for i in range(count):
        _write(root, {f"packages/p{i}/package.json": f'{{"name": "p{i}", "version": "1.0.0"}}'})
    _write(root, {".github/workflows/p.yml": _workflow("      - run: npm publish --workspaces\n")})


CASES = {
    case.name: case
    for case in (
        Case("deep-flow", deep_flow),
        Case("deep-flow-mapping", deep_flow_mapping),
        Case("deep-block", deep_block),
        Case("deep-config", deep_config),
        Case("alias-bomb", alias_bomb),
        Case("reference-bomb", reference_bomb),
        Case("symlink-loop", symlink_loop),
        Case("bad-gitignore", bad_gitignore),
        Case("bad-config-glob", bad_config_glob),
        Case("backtracking-globs", backtracking_globs),
        Case("huge-numbers", huge_numbers),
        Case("special-files", special_files),
        Case("links-out", links_out),
        Case("committed-but-ignored", committed_but_ignored),
        Case("printed-secrets", printed_secrets),
        Case("secret-in-config", secret_in_config),
        Case("escapes", escapes),
        Case("many-steps", many_steps, slow=True),
        Case("many-jobs", many_jobs, slow=True, memory=2 * 1024 * 1024 * 1024),
        Case("many-files", many_files, slow=True),
    )
}
# A bad configuration file is the user's own input: a one-line usage error (exit 2) is right.
USAGE_ERROR_CASES = frozenset({"bad-config-glob", "deep-config", "secret-in-config"})


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, timeout=30)


def build(name: str, parent: Path) -> Path:
    """A fresh git work tree under ``parent`` holding the case's repository."""
    root = parent / name
    root.mkdir(parents=True)
    _git(root, "init", "-q")
    CASES[name].build(root)
    return root


@dataclass(frozen=True)
class Run:
    case: str
    fmt: str
    code: int | None  # None: killed at the deadline
    seconds: float
    max_rss_kb: int
    stdout: str
    stderr: str


def _limits(memory: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return apply


def run_case(root: Path, fmt: str, deadline: float = TIME_LIMIT, memory: int = MEMORY_LIMIT) -> Run:
    """The CLI on ``root`` in ``fmt``, in a subprocess under ``RLIMIT_AS`` and a deadline.

    ``os.wait4`` gives this child's own peak memory (``RUSAGE_CHILDREN`` would be the largest
    of all children so far).
    """
    env = {**os.environ, "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, "-m", "npm_auth_lint", "--format", fmt, "."],
            cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
            preexec_fn=_limits(memory),  # noqa: PLW1509 - no threads in the parent at this point
        )
        code: int | None = None
        rss = 0
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                code, rss = os.waitstatus_to_exitcode(status), usage.ru_maxrss
                process.returncode = code
                break
            if time.perf_counter() - started > deadline:
                process.kill()
                _, _, usage = os.wait4(process.pid, 0)
                process.returncode, rss = -9, usage.ru_maxrss
                break
            time.sleep(0.01)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    return Run(root.name, fmt, code, seconds, rss, stdout.decode("utf-8", "replace"), stderr.decode("utf-8", "replace"))


def snapshot(root: Path) -> dict[str, str]:
    """Every entry of the tree (links and special files by their kind), to see nothing was written."""
    out: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files + dirs:
            path = Path(folder) / name
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = "link:" + os.readlink(path)
            elif path.is_file():
                out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                out[rel] = "dir" if path.is_dir() else "special"
    return out


def check_run(run: Run, deadline: float = TIME_LIMIT, memory: int = MEMORY_LIMIT) -> list[str]:
    """What is wrong with a run (empty when it kept every promise of issue #13)."""
    problems = []
    allowed = {0, 1, 2} if run.case in USAGE_ERROR_CASES else {0, 1}
    if run.code is None:
        problems.append(f"still running after {deadline:.0f} s")
    elif run.code not in allowed:
        problems.append(f"exit status {run.code}")
    if run.seconds > deadline:
        problems.append(f"took {run.seconds:.1f} s")
    if run.max_rss_kb * 1024 > memory:
        problems.append(f"used {run.max_rss_kb // 1024} MiB")
    for stream, text in (("stdout", run.stdout), ("stderr", run.stderr)):
        if "Traceback" in text or "internal error" in text:
            problems.append(f"a traceback or internal error on {stream}")
        for secret in SECRETS:
            if secret in text:
                problems.append(f"the planted secret {secret[:6]}... on {stream}")
        if "\x1b" in text or "\x07" in text:
            problems.append(f"a raw terminal control character on {stream}")
    if run.code == 2 and len(run.stderr.strip().splitlines()) != 1:
        problems.append("a usage error must be one line on stderr")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", help="case names (default: all quick ones)")
    parser.add_argument("--slow", action="store_true", help="include the large generated repositories")
    args = parser.parse_args(argv)
    names = args.cases or [n for n, c in CASES.items() if args.slow or not c.slow]
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            root = build(name, Path(tmp))
            deadline = SLOW_TIME_LIMIT if CASES[name].slow else TIME_LIMIT
            memory = CASES[name].memory
            for fmt in FORMATS:
                run = run_case(root, fmt, deadline, memory)
                problems = check_run(run, deadline, memory)
                failed += bool(problems)
                print(f"{name:24} {fmt:7} exit={run.code} {run.seconds:6.2f}s {run.max_rss_kb // 1024:5d} MiB "
                      f"{'; '.join(problems) or 'ok'}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
