"""The distributions a user installs: ``python -m build`` makes an sdist and a wheel (from that
sdist, as build does), each is installed into a fresh venv (not editable) and run on a repository
whose findings depend on the data files shipped in the package."""

from __future__ import annotations

import json
import re
import sys
import tarfile
import zipfile
from pathlib import Path

import jsonschema
import pytest

from npm_auth_lint.plugins import builtin_rules

from .conftest import FIXTURES, PROJECT_ROOT, materialize
from .tooling import clean_env, copy_working_tree, describe, run

pytestmark = pytest.mark.external

PACKAGE = PROJECT_ROOT / "npm_auth_lint"
RULE_MODULES = sorted(p.name for p in (PROJECT_ROOT / "rules").glob("*.py"))
DATA_FILES = sorted(p.name for p in (PACKAGE / "data").glob("*.json"))
# Every package of the source tree, as it is named when installed.
PACKAGES = sorted(
    ["npm_auth_lint.rules"] + [".".join(init.parent.relative_to(PROJECT_ROOT).parts) for init in PACKAGE.rglob("__init__.py")]
)
# Findings in fixtures/distribution/circleci-orb. Without the circleci/node orb data, the orb's
# executor and command would be `unresolved-reference` notes instead.
ORB_FINDINGS = {
    (".circleci/config.yml", 14, "token-written-to-npmrc"),
    (".circleci/config.yml", 15, "use-trusted-publishing"),
    (".github/workflows/release.yml", 15, "multiple-publishing-pipelines"),
    (".github/workflows/release.yml", 15, "use-trusted-publishing"),
}


@pytest.fixture(scope="module")
def dists(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and wheel that ``python -m build`` makes from this working tree."""
    source = copy_working_tree(tmp_path_factory.mktemp("src") / "npm-auth-lint")
    out = tmp_path_factory.mktemp("dist")
    proc = run([sys.executable, "-m", "build", "--outdir", out, source], timeout=300, env=clean_env())
    assert proc.returncode == 0, describe(proc)
    wheels, sdists = sorted(out.glob("*.whl")), sorted(out.glob("*.tar.gz"))
    assert len(wheels) == 1 and len(sdists) == 1, f"expected one wheel and one sdist in {sorted(out.iterdir())}"
    return {"wheel": wheels[0], "sdist": sdists[0]}


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def venv(request: pytest.FixtureRequest, dists: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with one of the distributions installed (not editable); returns its bin/."""
    env_dir = tmp_path_factory.mktemp(f"venv-{request.param}") / "env"
    proc = run([sys.executable, "-m", "venv", env_dir], timeout=120)
    assert proc.returncode == 0, describe(proc)
    bin_dir = env_dir / "bin"
    proc = run([bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check", dists[request.param]], timeout=300, env=clean_env())
    assert proc.returncode == 0, describe(proc)
    return bin_dir


def test_installed_tool_lists_every_rule(venv: Path, tmp_path: Path) -> None:
    proc = run([venv / "npm-auth-lint", "rules"], cwd=tmp_path, timeout=60, env=clean_env())
    assert proc.returncode == 0, describe(proc)
    listed = [line.split()[0] for line in proc.stdout.splitlines()]
    assert listed == sorted(rule.id for rule in builtin_rules()), describe(proc)


def test_installed_tool_lints_with_its_package_data(venv: Path, tmp_path: Path) -> None:
    repo = materialize(FIXTURES / "distribution" / "circleci-orb", tmp_path / "repo")
    proc = run([venv / "npm-auth-lint", repo, "--format", "json", "--fail-on", "note"], cwd=tmp_path, timeout=60, env=clean_env())
    assert proc.returncode == 1, describe(proc)
    report = json.loads(proc.stdout)
    assert {(f["path"], f["line"], f["rule"]) for f in report["findings"]} == ORB_FINDINGS, describe(proc)
    # The JSON matches the schema the installed package ships.
    where = run([venv / "python", "-c", "import importlib.resources as r; print(r.files('npm_auth_lint.data').joinpath('findings.schema.json'))"], cwd=tmp_path, timeout=60, env=clean_env())
    assert where.returncode == 0, describe(where)
    schema_file = Path(where.stdout.strip())
    assert schema_file.is_relative_to(venv.parent), f"the schema was read from {schema_file}, not from the installed package"
    jsonschema.validate(report, json.loads(schema_file.read_text(encoding="utf-8")))


def test_wheel_contents(dists: dict[str, Path]) -> None:
    with zipfile.ZipFile(dists["wheel"]) as wheel:
        names = set(wheel.namelist())
        dist_info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
        metadata = wheel.read(f"{dist_info}/METADATA").decode()
        entry_points = wheel.read(f"{dist_info}/entry_points.txt").decode()
    missing = [f"npm_auth_lint/rules/{m}" for m in RULE_MODULES if f"npm_auth_lint/rules/{m}" not in names]
    missing += [f"npm_auth_lint/data/{d}" for d in DATA_FILES if f"npm_auth_lint/data/{d}" not in names]
    missing += [f"{p.replace('.', '/')}/__init__.py" for p in PACKAGES if f"{p.replace('.', '/')}/__init__.py" not in names]
    assert not missing, f"missing from {dists['wheel'].name}: {missing}"
    assert RULE_MODULES and "circleci_orbs.json" in DATA_FILES
    assert not [n for n in names if n.startswith(("tests/", "fixtures/", "rules/"))], "test files or an unmapped rules/ in the wheel"
    assert re.search(r"^Requires-Python: >=3\.10$", metadata, re.M), metadata
    assert re.search(r"^npm-auth-lint = npm_auth_lint\.cli:main$", entry_points, re.M), entry_points


def test_sdist_contents(dists: dict[str, Path]) -> None:
    with tarfile.open(dists["sdist"]) as sdist:
        names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
    expected = {"pyproject.toml", "README.md", *(f"rules/{m}" for m in RULE_MODULES), *(f"npm_auth_lint/data/{d}" for d in DATA_FILES)}
    assert not expected - names, f"missing from {dists['sdist'].name}: {sorted(expected - names)}"
