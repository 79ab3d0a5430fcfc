"""Fuzz every parser and the whole lint pipeline for a fixed time (issue #13); not part of the tests.

    python scripts/fuzz.py [--seconds 600] [--seed-dir DIR]

With ``atheris`` (``pip install -e '.[fuzz]'``) it is coverage-guided (libFuzzer, one input per
call, ``-rss_limit_mb=1024`` and a 10 s per-input timeout); without it, an own mutation loop over
the seed corpus runs instead. Each input is written as one file of the kind its first byte picks
(workflow, action, GitLab, CircleCI, .npmrc, package.json, ...) into a scratch repository, then
linted in process and rendered in every format. Anything but a clean result is a crash: an
exception, an internal error, or a rule that raised.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

KINDS = (
    ".github/workflows/ci.yml",
    "action.yml",
    ".gitlab-ci.yml",
    ".circleci/config.yml",
    ".npmrc",
    "package.json",
    ".yarnrc.yml",
    ".yarnrc",
    "pnpm-workspace.yaml",
    "lerna.json",
    ".gitignore",
    ".nvmrc",
    ".npm-auth-lint.yaml",
)

SEEDS = [
    b"on: push\njobs:\n  p:\n    runs-on: ubuntu-latest\n    permissions: {id-token: write}\n    steps:\n"
    b"      - uses: actions/setup-node@v4\n        with: {node-version: 22, registry-url: 'https://registry.npmjs.org'}\n"
    b"      - run: npm publish --provenance\n        env: {NODE_AUTH_TOKEN: '${{ secrets.NPM_TOKEN }}'}\n",
    b"include:\n  - local: ci/*.yml\n.t: &t\n  image: node:22\npublish:\n  <<: *t\n  script: [!reference [.t, image], npm publish]\n",
    b"version: 2.1\norbs:\n  node: circleci/node@5.2\njobs:\n  a:\n    docker: [{image: 'cimg/node:22.1'}]\n"
    b"    steps: [checkout, {run: 'echo \"//registry.npmjs.org/:_authToken=$NPM_TOKEN\" > ~/.npmrc'}, {run: npm publish}]\n"
    b"workflows:\n  w:\n    when: {matches: {pattern: '^main$', value: << pipeline.git.branch >>}}\n    jobs: [a]\n",
    b"//registry.npmjs.org/:_authToken=${NPM_TOKEN}\nregistry=https://registry.npmjs.org/\n_auth=dXNlcjpwYXNz\n",
    b'{"name": "x", "version": "1.0.0", "engines": {"node": ">=20"}, "publishConfig": {"provenance": true},'
    b' "workspaces": ["packages/*"], "scripts": {"release": "semantic-release"}}',
    b"npmRegistryServer: https://registry.npmjs.org\nnpmAuthToken: ${NPM_TOKEN}\n",
    b"ignore: ['examples/**']\nrules:\n  use-trusted-publishing: {level: error}\n",
    b"[\n" * 20 + b"]\n" * 20,
    b"a: &a [x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n",
]


def _setup_imports(instrument: bool) -> object:
    if instrument:
        import atheris

        with atheris.instrument_imports(include=["npm_auth_lint"]):
            from npm_auth_lint import cli  # noqa: F401
            from npm_auth_lint import engine
    from npm_auth_lint import engine
    return engine


class Target:
    """One scratch repository reused for every input (a fresh one per input costs more)."""

    def __init__(self) -> None:
        from npm_auth_lint.config import Config, ConfigError, parse_config
        from npm_auth_lint.engine import lint
        from npm_auth_lint.plugins import all_rules
        from npm_auth_lint.reporters import REPORTERS, Report

        self._lint, self._config, self._parse_config, self._config_error = lint, Config(), parse_config, ConfigError
        self._reporters, self._report, self._known = REPORTERS, Report, [r.id for r in all_rules()]
        self.root = Path(tempfile.mkdtemp(prefix="npm-auth-lint-fuzz-"))
        (self.root / ".git").mkdir()
        self.count = 0

    def __call__(self, data: bytes) -> None:
        self.count += 1
        if not data:
            return
        rel = KINDS[data[0] % len(KINDS)]
        text = data[1:].decode("utf-8", errors="replace")  # the CLI decodes strictly: no surrogates
        for old in self.root.rglob("*"):
            if old.is_file() and ".git" not in old.parts:
                old.unlink()
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data[1:])
        if rel == ".npm-auth-lint.yaml":
            try:
                self._parse_config(text, self._known)
            except self._config_error:
                pass
            return
        result = self._lint([self.root], self._config)
        if result.internal_errors:
            raise RuntimeError(f"internal errors: {result.internal_errors}")
        report = self._report(findings=result.findings, rules=result.rules, root=result.root,
                              files_scanned=result.files_scanned, version="0")
        for name, render in self._reporters.items():
            render(report).encode("utf-8")


def _mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    buf = bytearray(data or b"\x00")
    for _ in range(rng.randint(1, 8)):
        choice = rng.randrange(7)
        pos = rng.randrange(len(buf) + 1)
        if choice == 0 and buf:
            del buf[pos % len(buf)]
        elif choice == 1:
            buf[pos:pos] = bytes([rng.randrange(256)])
        elif choice == 2:
            token = rng.choice([b"[", b"{", b"&a ", b"*a", b"- ", b": ", b"!reference [", b"<<: ", b"${{", b"\n  ",
                                b"_authToken=", b"npm publish", b"9" * 5000, b"\x1b[31m", b"'", b'"', b"\t"])
            buf[pos:pos] = token * rng.choice([1, 1, 2, 10, 100])
        elif choice == 3 and buf:
            start = rng.randrange(len(buf))
            chunk = buf[start : start + rng.randint(1, 64)]
            buf[pos:pos] = chunk * rng.randint(1, 4)
        elif choice == 4:
            other = rng.choice(pool)
            cut = rng.randrange(len(other) + 1)
            buf[pos:] = other[cut:]
        elif choice == 5 and buf:
            buf[0] = rng.randrange(256)
        elif buf:
            buf[pos % len(buf)] ^= 1 << rng.randrange(8)
    return bytes(buf[:200_000])


def own_loop(target: Target, seconds: float, seed: int) -> int:
    """A mutation loop without coverage feedback, for when atheris is not installed."""
    rng = random.Random(seed)
    pool = [bytes([k]) + s for s in SEEDS for k in range(len(KINDS))]
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        data = _mutate(rng, rng.choice(pool), pool)
        try:
            target(data)
        except Exception:
            crash = Path(f"crash-{target.count}.bin")
            crash.write_bytes(data)
            print(f"crash after {target.count} inputs; input saved to {crash}", file=sys.stderr)
            raise
        if len(pool) < 5000 and rng.random() < 0.05:
            pool.append(data)
    return target.count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--own-loop", action="store_true", help="use the mutation loop even when atheris is installed")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args(argv)
    try:
        import atheris
    except ImportError:
        atheris = None
    use_atheris = atheris is not None and not args.own_loop
    _setup_imports(use_atheris)
    target = Target()
    if not use_atheris:
        count = own_loop(target, args.seconds, args.seed)
        print(f"fuzz: {count} inputs in {args.seconds:.0f} s, no crash (own mutation loop)")
        return 0
    corpus = Path(tempfile.mkdtemp(prefix="npm-auth-lint-corpus-"))
    for number, seed in enumerate(SEEDS):
        for kind in range(len(KINDS)):
            (corpus / f"seed-{number}-{kind}").write_bytes(bytes([kind]) + seed)
    started = time.monotonic()

    def report() -> None:
        print(f"fuzz: {target.count} inputs in {time.monotonic() - started:.0f} s (atheris)", file=sys.stderr)

    import atexit

    atexit.register(report)
    flags = [sys.argv[0], str(corpus), f"-max_total_time={int(args.seconds)}", "-timeout=10", "-rss_limit_mb=1024",
             "-max_len=65536", f"-seed={args.seed}", "-print_final_stats=1"]
    os.environ.setdefault("PYTHONHASHSEED", "0")
    atheris.Setup(flags, target)
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
