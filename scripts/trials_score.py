#!/usr/bin/env python3
"""Score npm-auth-lint against hand-made trial labels (docs/trials/*-labels.json).

For every labelled repository the script runs
``PYTHON -m npm_auth_lint --format json --no-config CHECKOUT`` (CHECKOUT is
``<checkouts>/<owner>__<name>``), matches the findings to the labels and prints
per-rule true positives, false positives and false negatives with precision and
recall, the overall figures, and for each repository what was missed and what
was extra. Markdown by default, ``--json`` for machine output.

A finding matches a label when the rule and the repository-relative path are
the same and the line is the same; a label whose ``line`` is null matches any
line of that path (for a fact whose line the spec leaves open). Each finding
matches at most one label and the other way round.

A repository whose run times out, fails or prints something that is not the
findings JSON is counted and reported, never fatal: its labels are left out of
the figures (they could not be judged) and listed under "errors".
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class Item:
    """One expected or reported finding, reduced to what is compared."""

    rule: str
    path: str
    line: int | None
    text: str = ""  # the label's reason or the finding's message, for the report

    def key(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        return f"{self.rule} @ {where}"


@dataclass
class RepoResult:
    repo: str
    status: str  # "ok", "timeout", "error", "missing"
    detail: str = ""
    tp: list[tuple[Item, Item]] = field(default_factory=list)
    fn: list[Item] = field(default_factory=list)
    fp: list[Item] = field(default_factory=list)


def checkout_dir(checkouts: Path, repo: str) -> Path:
    return checkouts / repo.replace("/", "__")


def run_tool(python: str, checkout: Path, timeout: int) -> tuple[str, Any]:
    """Return ("ok", findings) or (status, detail); never raises."""
    # -I and a neutral cwd: a project checkout in the current folder must not shadow
    # the installed package under test.
    cmd = [python, "-I", "-m", "npm_auth_lint", "--format", "json", "--no-config", str(checkout.resolve())]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False, cwd=tempfile.gettempdir())
    except subprocess.TimeoutExpired:
        return "timeout", f"no answer within {timeout} s"
    except OSError as exc:
        return "error", f"could not start {python}: {exc}"
    try:
        data = json.loads(proc.stdout)
        findings = data["findings"]
    except (ValueError, KeyError, TypeError):
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no output"]
        return "error", f"exit status {proc.returncode}: {tail[0][:200]}"
    return "ok", findings


def expected_items(label: dict[str, Any]) -> list[Item]:
    return [Item(e["rule"], e["path"], e.get("line"), e.get("why", "")) for e in label.get("expected", [])]


def reported_items(findings: list[dict[str, Any]]) -> list[Item]:
    return [Item(f.get("rule", "?"), f.get("path", ""), f.get("line"), f.get("message", "")) for f in findings]


def match(expected: list[Item], reported: list[Item]) -> RepoResult:
    """Pair labels with findings: labels with a line first, then labels without one."""
    result = RepoResult(repo="", status="ok")
    left = list(reported)
    ordered = [e for e in expected if e.line is not None] + [e for e in expected if e.line is None]
    for exp in ordered:
        hit = next(
            (r for r in left if r.rule == exp.rule and r.path == exp.path and (exp.line is None or r.line == exp.line)),
            None,
        )
        if hit is None:
            result.fn.append(exp)
        else:
            left.remove(hit)
            result.tp.append((exp, hit))
    result.fp = left
    return result


def score_repo(label: dict[str, Any], python: str, checkouts: Path, timeout: int) -> RepoResult:
    repo = label["repo"]
    checkout = checkout_dir(checkouts, repo)
    if not checkout.is_dir():
        return RepoResult(repo, "missing", f"no checkout at {checkout}")
    status, payload = run_tool(python, checkout, timeout)
    if status != "ok":
        return RepoResult(repo, status, payload)
    result = match(expected_items(label), reported_items(payload))
    result.repo = repo
    return result


def ratio(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def per_rule(results: list[RepoResult]) -> dict[str, dict[str, Any]]:
    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    for res in results:
        tp.update(exp.rule for exp, _ in res.tp)
        fp.update(item.rule for item in res.fp)
        fn.update(item.rule for item in res.fn)
    rules = sorted(set(tp) | set(fp) | set(fn))
    return {
        rule: {
            "tp": tp[rule],
            "fp": fp[rule],
            "fn": fn[rule],
            "precision": ratio(tp[rule], tp[rule] + fp[rule]),
            "recall": ratio(tp[rule], tp[rule] + fn[rule]),
        }
        for rule in rules
    }


def overall(results: list[RepoResult]) -> dict[str, Any]:
    tp = sum(len(r.tp) for r in results)
    fp = sum(len(r.fp) for r in results)
    fn = sum(len(r.fn) for r in results)
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": ratio(tp, tp + fp),
        "recall": ratio(tp, tp + fn),
    }


def as_json(results: list[RepoResult]) -> dict[str, Any]:
    scored = [r for r in results if r.status == "ok"]
    return {
        "repositories": len(results),
        "scored": len(scored),
        "errors": [{"repo": r.repo, "status": r.status, "detail": r.detail} for r in results if r.status != "ok"],
        "overall": overall(scored),
        "rules": per_rule(scored),
        "per_repository": [
            {
                "repo": r.repo,
                "tp": [exp.key() for exp, _ in r.tp],
                "missed": [{"key": i.key(), "why": i.text} for i in r.fn],
                "extra": [{"key": i.key(), "message": i.text} for i in r.fp],
            }
            for r in scored
        ],
    }


def fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def as_markdown(data: dict[str, Any]) -> str:
    out = [f"Repositories: {data['repositories']} (scored {data['scored']})", ""]
    out += ["| rule | TP | FP | FN | precision | recall |", "|---|---|---|---|---|---|"]
    for rule, row in data["rules"].items():
        out.append(f"| `{rule}` | {row['tp']} | {row['fp']} | {row['fn']} | {fmt(row['precision'])} | {fmt(row['recall'])} |")
    tot = data["overall"]
    out.append(f"| **all** | {tot['tp']} | {tot['fp']} | {tot['fn']} | {fmt(tot['precision'])} | {fmt(tot['recall'])} |")
    if data["errors"]:
        out += ["", "Not scored:", ""]
        out += [f"- {e['repo']}: {e['status']} ({e['detail']})" for e in data["errors"]]
    out += ["", "Per repository (misses and extras):", ""]
    for repo in data["per_repository"]:
        if not repo["missed"] and not repo["extra"]:
            out.append(f"- {repo['repo']}: all {len(repo['tp'])} found, nothing extra")
            continue
        out.append(f"- {repo['repo']}: {len(repo['tp'])} found")
        out += [f"  - missed {m['key']}: {m['why']}" for m in repo["missed"]]
        out += [f"  - extra {x['key']}: {x['message'][:160]}" for x in repo["extra"]]
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", required=True, help="python executable with npm-auth-lint installed")
    parser.add_argument("--labels", type=Path, required=True, help="labels JSON file")
    parser.add_argument("--checkouts", type=Path, required=True, help="folder holding <owner>__<name> checkouts")
    parser.add_argument("--json", action="store_true", help="print JSON instead of Markdown")
    parser.add_argument("--timeout", type=int, default=TIMEOUT_SECONDS, help="seconds per repository")
    parser.add_argument("--repo", action="append", default=[], help="only these owner/name (repeatable)")
    args = parser.parse_args(argv)
    try:
        labels = json.loads(args.labels.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"cannot read labels {args.labels}: {exc}", file=sys.stderr)
        return 2
    if args.repo:
        labels = [lab for lab in labels if lab["repo"] in args.repo]
    results = [score_repo(lab, args.python, args.checkouts, args.timeout) for lab in labels]
    data = as_json(results)
    print(json.dumps(data, indent=2) if args.json else as_markdown(data), end="" if not args.json else "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
