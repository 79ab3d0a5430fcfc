"""Issue #14: the analysis, the rules and the strategy cost linear in files, jobs, steps and hops.

Without timing: the work of a stage is counted in steps (the calls it makes, to Python functions
and to built-ins and methods, and the lines it runs: a scan is a step per item), on generated
repositories of N, 2N and 4N workflows (packages, jobs). For linear work the second doubling adds
twice the steps of the first (fixed costs cancel out): a growth of 2. Each quadratic look-up this
guards against (a scan of every .npmrc per publish, of every package of a workspace publish per
publish, rule or pipeline) made it 2.2-2.76 at these sizes, and the merge of the ways to a script
line that every workflow runs (engine.with_hops), a scan per way, 3.3; the linear code 1.99-2.01.
Each stage runs once untraced before it is counted, so that memoised look-ups are as warm at
every size.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

from npm_auth_lint import analysis, engine
from npm_auth_lint.config import Config
from npm_auth_lint.plugins import all_rules
from npm_auth_lint.rule import Context
from npm_auth_lint.strategy import strategy
from npm_auth_lint.workspace import Workspace

from .test_benchmark_script import load_benchmark

# Multiples of 60: each kind of generated workflow (one in 6), GitLab and CircleCI job (one in
# 10) and .npmrc (one in 5) grows exactly 2× with each doubling.
SIZES = (60, 120, 240)
MOST = 2.1


def _gitlab(root: Path, size: int) -> None:
    """One .gitlab-ci.yml of ``size`` jobs (templates, variables, ID tokens), a package each."""
    root.mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "bench", "private": True, "workspaces": ["packages/*"]}))
    jobs = [".base:\n  image: node:24\n  before_script:\n    - npm ci\n"]
    for index in range(size):
        folder = root / "packages" / f"p{index}"
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": f"@bench/p{index}", "version": "1.0.0"}))
        if index % 2:
            jobs.append(f"p{index}:\n  variables:\n    NPM_TOKEN: $T{index}\n  script:\n    - npm publish -w @bench/p{index}\n")
        else:
            jobs.append(
                f"p{index}:\n  extends: .base\n  id_tokens:\n    NPM_ID_TOKEN:\n      aud: npm:registry.npmjs.org\n"
                f"  script:\n    - cd packages/p{index}\n    - npm publish\n"
            )
    (root / ".gitlab-ci.yml").write_text("\n".join(jobs))


def _circleci(root: Path, size: int) -> None:
    """One CircleCI config of ``size`` jobs and a workflow that runs each, a package each."""
    root.mkdir(parents=True)
    jobs, runs = [], []
    for index in range(size):
        folder = root / "packages" / f"p{index}"
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": f"@bench/p{index}", "version": "1.0.0"}))
        jobs.append(
            f"  p{index}:\n    docker:\n      - image: cimg/node:24.15\n    steps:\n      - checkout\n"
            f"      - run: echo \"//registry.npmjs.org/:_authToken=$NPM_TOKEN\" >> ~/.npmrc\n"
            f"      - run: cd packages/p{index} && npm publish\n"
        )
        runs.append(f"      - p{index}:\n          context: [npm]\n")
    (root / ".circleci").mkdir()
    (root / ".circleci" / "config.yml").write_text("version: 2.1\njobs:\n" + "".join(jobs) + "workflows:\n  release:\n    jobs:\n" + "".join(runs))


def _scripts(root: Path, size: int) -> None:
    """``size`` workflows that run one package script, which runs one repository script that
    publishes: every finding there has a way from each workflow (hops)."""
    (root / "scripts").mkdir(parents=True)
    (root / "package.json").write_text(json.dumps({"name": "bench", "version": "1.0.0", "scripts": {"release": "./scripts/release.sh"}}))
    (root / "scripts" / "release.sh").write_text("#!/bin/sh\n./scripts/publish.sh\n")
    (root / "scripts" / "publish.sh").write_text('#!/bin/sh\necho "//registry.npmjs.org/:_authToken=$NPM_TOKEN" > ~/.npmrc\nnpm publish\n')
    (root / ".github" / "workflows").mkdir(parents=True)
    for index in range(size):
        (root / ".github" / "workflows" / f"wf{index}.yml").write_text(
            "on:\n  release:\n    types: [published]\njobs:\n  publish:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - run: npm run release\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
        )


def _counted(work: Callable[[], Any]) -> tuple[Any, int]:
    """``work()`` and the steps it took: the calls it made (Python functions and built-ins) and
    the lines it ran (a loop over items that calls nothing still runs a line per item)."""
    steps = 0

    def call(frame: FrameType, event: str, arg: object) -> None:
        nonlocal steps
        if event in ("call", "c_call"):
            steps += 1

    def line(frame: FrameType, event: str, arg: object) -> Callable[..., object]:
        nonlocal steps
        if event == "line":
            steps += 1
        return line

    tracer, profiler = sys.gettrace(), sys.getprofile()  # a coverage run's: put back after
    sys.setprofile(call)
    sys.settrace(line)
    try:
        result = work()
    finally:
        sys.settrace(tracer)
        sys.setprofile(profiler)
    return result, steps


def _stage_calls(root: Path) -> dict[str, int]:
    workspace = Workspace(root)
    files = workspace.discover([root])
    project = engine.build_project(workspace, files)
    rules = tuple(r for r in all_rules() if Config().is_enabled(r.id))
    stages: dict[str, Callable[[Any], Any]] = {
        "analyze": lambda _: analysis.analyze(project),
        # The rules' findings with the ways CI reaches a script line (engine.with_hops), as lint() does.
        "rules": lambda facts: engine.with_hops(engine.run_rules(Context(project, facts), rules)[0], facts),
        "strategy": lambda facts: strategy(facts),
    }
    # Once untraced first: the memoised look-ups (versions, folders, action refs) are then as warm
    # at every size, and each count is of this size's work alone.
    facts = analysis.analyze(project)
    for stage in stages.values():
        stage(facts)
    return {name: _counted(partial(stage, facts))[1] for name, stage in stages.items()}


GENERATORS: dict[str, Callable[[Path, int], object]] = {
    "workflows": lambda root, size: load_benchmark().generate(root, size),
    "monorepo": lambda root, size: load_benchmark().generate_monorepo(root, size * 5),
    "gitlab": _gitlab,
    "circleci": _circleci,
    "scripts": _scripts,
}


@pytest.mark.parametrize("kind", GENERATORS)
def test_stages_grow_linearly(kind: str, tmp_path: Path) -> None:
    generate = GENERATORS[kind]
    steps = {}
    for size in SIZES:
        generate(tmp_path / str(size), size)
        steps[size] = _stage_calls(tmp_path / str(size))
    small, middle, large = (steps[size] for size in SIZES)
    # Each doubling adds as many steps as the one before twice: fixed costs cancel out.
    growth = {stage: round((large[stage] - middle[stage]) / max(1, middle[stage] - small[stage]), 2) for stage in small}
    assert all(ratio <= MOST for ratio in growth.values()), (growth, steps)
