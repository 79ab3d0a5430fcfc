"""Rebuild ``npm_auth_lint/data/node_releases.json`` from nodejs.org and the npm registry.

Reads nodejs.org's ``dist/index.json`` (entries with ``version``, ``date``, ``npm``, ``lts``) and
the registry packument of the ``npm`` package (``versions`` -> ``engines.node``, ``time``,
``dist-tags``), from local files when given, else over HTTPS. The result is merged into the
existing data file:

- a Node release already in the data keeps its values (they were checked against release posts);
  where its bundled npm was unknown (``npm_min``) and the index gives it, the npm is filled in;
- a Node release new to the data is added with the index's npm (or, without one, ``npm_min`` = the
  npm of the previous release in its line: npm never goes down within a line);
- npm releases keep their dates (the registry's ``time`` is wrong for old versions); new ones take
  the registry time; ``engines.node`` and the dist-tags come from the packument;
- an LTS codename seen for the first time adds a line to ``lts_lines`` (start = its first LTS
  release); the OIDC floors and known-broken npm versions are kept as they are.

Usage::

    python scripts/refresh_node_data.py [--node-index FILE] [--npm-packument FILE]
                                        [--output FILE] [--date YYYY-MM-DD]
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import re
import sys
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import nodesemver

NODE_INDEX_URL = "https://nodejs.org/dist/index.json"
NPM_PACKUMENT_URL = "https://registry.npmjs.org/npm"
DATA_FILE = Path(__file__).resolve().parents[1] / "npm_auth_lint" / "data" / "node_releases.json"
# Used only when the data file is new; afterwards the oldest major already in the data decides.
DEFAULT_MIN_NODE_MAJOR = 18
DEFAULT_MIN_NPM_MAJOR = 10
FETCH_TIMEOUT_SECONDS = 60

_VERSION = re.compile(r"^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
_TOP_LEVEL_ORDER = (
    "generated",
    "sources",
    "oidc",
    "npm_broken",
    "npm_dist_tags",
    "lts_lines",
    "node",
    "npm",
)


# npm's own ordering (node-semver), so a pre-release sorts before its release.
version_key = functools.cmp_to_key(lambda a, b: nodesemver.compare(a, b, False))


def major_of(version: str) -> int:
    return int(version.split(".", 1)[0])


def is_prerelease(version: str) -> bool:
    return "-" in version.split("+", 1)[0]


def fetch_json(url: str) -> Any:
    """GET a JSON document (the full packument: the abbreviated one has no ``time``)."""
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:
        return json.load(response)


def load_source(path: Path | None, url: str) -> tuple[Any, str]:
    """Read a local JSON file, or fetch ``url``; also return where it came from."""
    if path is not None:
        return json.loads(path.read_text(encoding="utf-8")), path.name
    return fetch_json(url), url.removeprefix("https://")


def merge_node(
    existing: Sequence[dict], index: Iterable[dict], min_major: int
) -> tuple[list[dict], list[str]]:
    """Merge dist/index.json entries into the Node release rows; return rows and change notes."""
    rows = {row["version"]: dict(row) for row in existing}
    notes: list[str] = []
    for entry in index:
        version = str(entry.get("version", "")).removeprefix("v")
        if not _VERSION.match(version) or major_of(version) < min_major:
            continue
        npm = entry.get("npm") or None
        lts = entry.get("lts") or False
        row = rows.get(version)
        if row is None:
            rows[version] = _new_node_row(version, str(entry.get("date", "")), npm, lts)
            notes.append(f"node {version}: added" + (f" (npm {npm})" if npm else ""))
            continue
        if row.get("npm") is None and npm:
            if "npm_min" in row and version_key(npm) < version_key(row["npm_min"]):
                notes.append(f"node {version}: index npm {npm} is below npm_min {row['npm_min']}")
            row["npm"] = npm
            row.pop("npm_min", None)
            notes.append(f"node {version}: npm filled in ({npm})")
        elif npm and row.get("npm") != npm:
            notes.append(f"node {version}: kept npm {row['npm']}, index says {npm}")
        if row.get("lts", False) != lts:
            notes.append(f"node {version}: kept lts {row.get('lts')!r}, index says {lts!r}")
    ordered = sorted(rows.values(), key=lambda row: version_key(row["version"]))
    return _fill_npm_min(ordered), notes


def _new_node_row(version: str, date: str, npm: str | None, lts: str | bool) -> dict:
    row: dict[str, Any] = {"version": version, "date": date}
    if npm:
        row["npm"] = npm
    row["lts"] = lts
    if is_prerelease(version):
        row["prerelease"] = True
    return row


def _fill_npm_min(rows: list[dict]) -> list[dict]:
    """Give each row without a known npm a lower bound: the previous release's npm in its line."""
    last_npm_by_major: dict[int, str] = {}
    filled = []
    for row in rows:
        major = major_of(row["version"])
        if row.get("npm"):
            row = {key: value for key, value in row.items() if key != "npm_min"}
            last_npm_by_major[major] = row["npm"]
        else:
            row = {key: value for key, value in row.items() if key != "npm"}
            bound = last_npm_by_major.get(major) or row.get("npm_min")
            if bound:
                row = _with_npm_min(row, bound)
                last_npm_by_major[major] = bound
        filled.append(row)
    return filled


def _with_npm_min(row: dict, bound: str) -> dict:
    # Keep the key order of the file: version, date, npm_min, lts, prerelease.
    ordered = {"version": row["version"], "date": row["date"], "npm_min": bound}
    ordered.update({key: value for key, value in row.items() if key not in ordered})
    return ordered


def merge_npm(existing: Sequence[dict], packument: dict, min_major: int) -> tuple[list[dict], list[str]]:
    """Merge the packument's npm versions (major >= ``min_major``) into the npm release rows."""
    rows = {row["version"]: dict(row) for row in existing}
    notes: list[str] = []
    times = packument.get("time") or {}
    for version, manifest in (packument.get("versions") or {}).items():
        if not _VERSION.match(version) or major_of(version) < min_major:
            continue
        engines = ((manifest or {}).get("engines") or {}).get("node")
        row = rows.get(version)
        if row is None:
            row = {"version": version, "date": str(times.get(version, ""))[:10]}
            if engines:
                row["engines_node"] = engines
            if is_prerelease(version):
                row["prerelease"] = True
            rows[version] = row
            notes.append(f"npm {version}: added")
        elif engines and row.get("engines_node") != engines:
            notes.append(f"npm {version}: engines.node {row.get('engines_node')} -> {engines}")
            row["engines_node"] = engines
    return sorted(rows.values(), key=lambda row: version_key(row["version"])), notes


def merge_lts_lines(existing: Sequence[dict], node_rows: Sequence[dict]) -> list[dict]:
    """Add a line for every LTS codename the releases carry that the data does not know yet."""
    lines = {line["major"]: dict(line) for line in existing}
    for row in node_rows:  # ascending, so the first LTS release of a line is its start
        major = major_of(row["version"])
        if row.get("lts") and major not in lines:
            lines[major] = {"major": major, "codename": row["lts"], "lts_start": row["date"]}
    return [lines[major] for major in sorted(lines)]


def refresh(
    data: dict, index: Sequence[dict], packument: dict, date: str, provenance: Sequence[str]
) -> tuple[dict, list[str]]:
    """Return the merged data and notes on what changed."""
    min_node = min((major_of(r["version"]) for r in data.get("node", ())), default=DEFAULT_MIN_NODE_MAJOR)
    min_npm = min((major_of(r["version"]) for r in data.get("npm", ())), default=DEFAULT_MIN_NPM_MAJOR)
    node_rows, node_notes = merge_node(data.get("node", ()), index, min_node)
    npm_rows, npm_notes = merge_npm(data.get("npm", ()), packument, min_npm)
    known_npm = {row["version"] for row in npm_rows}
    dist_tags = {
        tag: version
        for tag, version in sorted((packument.get("dist-tags") or {}).items())
        if version in known_npm
    }
    sources = list(data.get("sources", ()))
    for line in provenance:
        if line not in sources:
            sources.append(line)
    merged = dict(data)
    merged.update(
        generated=date,
        sources=sources,
        npm_dist_tags=dist_tags,
        lts_lines=merge_lts_lines(data.get("lts_lines", ()), node_rows),
        node=node_rows,
        npm=npm_rows,
    )
    return merged, node_notes + npm_notes


def dump_data(data: dict) -> str:
    """Serialise the data one release (one list item) per line, in a fixed key order."""
    keys = [key for key in _TOP_LEVEL_ORDER if key in data]
    keys += sorted(key for key in data if key not in _TOP_LEVEL_ORDER)
    parts = []
    for key in keys:
        value = data[key]
        if isinstance(value, list):
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            text = "[\n" + items + "\n  ]" if value else "[]"
        else:
            text = json.dumps(value, ensure_ascii=False)
        parts.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--node-index", type=Path, help="a local copy of nodejs.org/dist/index.json")
    parser.add_argument("--npm-packument", type=Path, help="a local copy of registry.npmjs.org/npm")
    parser.add_argument("--output", type=Path, default=DATA_FILE, help="the data file to update")
    parser.add_argument("--date", default=dt.datetime.now(dt.timezone.utc).date().isoformat())
    args = parser.parse_args(argv)
    try:
        data = json.loads(args.output.read_text(encoding="utf-8")) if args.output.exists() else {}
        index, index_from = load_source(args.node_index, NODE_INDEX_URL)
        packument, packument_from = load_source(args.npm_packument, NPM_PACKUMENT_URL)
    except (OSError, ValueError) as error:
        print(f"refresh_node_data: {error}", file=sys.stderr)
        return 1
    if not isinstance(index, list) or not isinstance(packument, dict):
        print("refresh_node_data: index must be a JSON list, packument a JSON object", file=sys.stderr)
        return 1
    provenance = [
        f"refresh {args.date}: Node releases and bundled npm from {index_from}"
        " (nodejs.org dist/index.json format)",
        f"refresh {args.date}: npm versions, engines.node, dist-tags from {packument_from}"
        " (npm registry packument of npm)",
    ]
    merged, notes = refresh(data, index, packument, args.date, provenance)
    args.output.write_text(dump_data(merged), encoding="utf-8")
    for note in notes:
        print(note)
    print(f"wrote {args.output} ({len(merged['node'])} Node releases, {len(merged['npm'])} npm releases)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
