from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from npm_auth_lint.toolchain.data import parse_release_data

ROOT = Path(__file__).resolve().parents[1]
DATA_FILE = ROOT / "npm_auth_lint" / "data" / "node_releases.json"
NODE_INDEX = ROOT / "tests" / "data" / "node-index-sample.json"
PACKUMENT = ROOT / "tests" / "data" / "npm-packument-sample.json"


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "refresh_node_data", ROOT / "scripts" / "refresh_node_data.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


refresh_node_data = _load_script()


@pytest.fixture()
def refreshed(tmp_path, capsys):
    """The packaged data refreshed from the samples; the script's report is in ``output.report``."""
    output = tmp_path / "node_releases.json"
    output.write_text(DATA_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    args = ["--node-index", str(NODE_INDEX), "--npm-packument", str(PACKUMENT)]
    code = refresh_node_data.main([*args, "--output", str(output), "--date", "2026-12-03"])
    assert code == 0
    report = capsys.readouterr().out
    return output, report


def _rows(data, kind):
    return {row["version"]: row for row in data[kind]}


def test_packaged_file_is_in_the_scripts_format():
    text = DATA_FILE.read_text(encoding="utf-8")
    assert refresh_node_data.dump_data(json.loads(text)) == text


def test_refresh_fills_adds_and_keeps(refreshed):
    path, report = refreshed
    data = json.loads(path.read_text(encoding="utf-8"))
    original = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    node = _rows(data, "node")
    # npm filled in where the data only had a lower bound
    assert node["22.23.3"] == {"version": "22.23.3", "date": "2026-09-23", "npm": "10.9.9", "lts": "Jod"}
    # a checked value is kept when the index disagrees, and the disagreement is reported
    assert node["22.14.0"]["npm"] == "10.9.2" and node["22.14.0"]["date"] == "2025-02-11"
    assert "node 22.14.0: kept npm 10.9.2, index says 10.9.3" in report.splitlines()
    # new releases: with the index's npm, or a lower bound from the previous release of the line
    assert node["26.14.0"] == {"version": "26.14.0", "date": "2026-11-25", "npm": "11.21.2", "lts": "Lithium"}
    assert node["26.14.1"] == {
        "version": "26.14.1",
        "date": "2026-12-02",
        "npm_min": "11.21.2",
        "lts": "Lithium",
    }
    assert node["28.0.0"]["npm"] == "12.3.0"
    assert "16.20.2" not in node  # older than the data's oldest line
    assert len(node) == len(original["node"]) + 3
    assert [row["version"] for row in data["node"]][-1] == "28.0.0"


def test_refresh_npm_rows_tags_and_provenance(refreshed):
    path, _ = refreshed
    data = json.loads(path.read_text(encoding="utf-8"))
    npm = _rows(data, "npm")
    assert npm["11.22.0"] == {
        "version": "11.22.0",
        "date": "2026-12-01",
        "engines_node": "^20.17.0 || >=22.9.0",
    }
    assert npm["12.3.0-pre.0"]["prerelease"] is True
    assert npm["11.21.2"]["date"] == "2026-11-04"  # the registry's time is not trusted over the data
    assert "9.9.4" not in npm
    assert data["npm_dist_tags"] == {"latest": "12.3.0", "latest-11": "11.22.0"}
    assert data["generated"] == "2026-12-03"
    assert data["oidc"] == {"npm_floor": "11.5.1", "npm_floor_circleci": "11.11.0", "node_floor": "22.14.0"}
    assert any("node-index-sample.json" in line for line in data["sources"])
    assert refresh_node_data.dump_data(data) == path.read_text(encoding="utf-8")


def test_refreshed_file_loads_and_resolves(refreshed):
    path, _ = refreshed
    data = parse_release_data(path.read_text(encoding="utf-8"))
    assert data.node_by_version["26.14.1"].npm_min == "11.21.2"
    assert data.npm_dist_tags["latest"] == "12.3.0"


def test_refresh_is_idempotent(refreshed):
    path, _ = refreshed
    first = path.read_text(encoding="utf-8")
    args = ["--node-index", str(NODE_INDEX), "--npm-packument", str(PACKUMENT), "--output", str(path)]
    assert refresh_node_data.main([*args, "--date", "2026-12-03"]) == 0
    assert path.read_text(encoding="utf-8") == first


def test_new_lts_codename_adds_a_line():
    index = [{"version": "v28.9.0", "date": "2027-10-20", "npm": "12.9.0", "lts": "Magnesium"}]
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    merged, _ = refresh_node_data.refresh(data, index, {}, "2027-10-21", [])
    assert merged["lts_lines"][-1] == {"major": 28, "codename": "Magnesium", "lts_start": "2027-10-20"}
    assert merged["node"] == sorted(
        merged["node"], key=lambda row: refresh_node_data.version_key(row["version"])
    )


def test_engines_change_is_taken_from_the_registry():
    existing = [{"version": "12.2.2", "date": "2026-11-04", "engines_node": "^22.22.2"}]
    packument = {
        "versions": {"12.2.2": {"engines": {"node": ">=22.22.2"}}},
        "time": {"12.2.2": "2026-11-04T23:02:59Z"},
    }
    rows, notes = refresh_node_data.merge_npm(existing, packument, 10)
    assert rows == [{"version": "12.2.2", "date": "2026-11-04", "engines_node": ">=22.22.2"}]
    assert notes == ["npm 12.2.2: engines.node ^22.22.2 -> >=22.22.2"]


def test_missing_input_fails_cleanly(tmp_path, capsys):
    output = tmp_path / "out.json"
    code = refresh_node_data.main(
        [
            "--node-index",
            str(tmp_path / "absent.json"),
            "--npm-packument",
            str(PACKUMENT),
            "--output",
            str(output),
        ]
    )
    assert code == 1
    assert not output.exists()
    assert "absent.json" in capsys.readouterr().err


def test_wrong_shapes_are_rejected(tmp_path, capsys):
    wrong = tmp_path / "index.json"
    wrong.write_text("{}", encoding="utf-8")
    output = tmp_path / "out.json"
    code = refresh_node_data.main(
        ["--node-index", str(wrong), "--npm-packument", str(PACKUMENT), "--output", str(output)]
    )
    assert code == 1 and not output.exists()
    assert "JSON list" in capsys.readouterr().err
