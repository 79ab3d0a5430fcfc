"""npm-auth-lint against zizmor's `use-trusted-publishing` npm cases (issue #3).

The fixture rewrites the publish patterns of zizmor's own test data as steps named `flagged-N`
(zizmor flags them), `left-N` (zizmor leaves them alone) and `missed-by-zizmor` (the hybrid case:
`id-token: write` plus a NODE_AUTH_TOKEN secret). The answers differ on purpose in two places:

- `npm publish` with only `NPM_TOKEN` in its environment: npm never reads NPM_TOKEN, so the
  publish really relies on OIDC; we report `missing-id-token` for the job (zizmor: "use trusted
  publishing").
- `bun publish` in a job with `id-token: write` (`left-4`): bun has no OIDC support, so we
  report `oidc-blocker` where zizmor is silent.
"""

from __future__ import annotations

from pathlib import Path

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint

from .conftest import FIXTURES, materialize

CASE = FIXTURES / "comparisons" / "zizmor-use-trusted-publishing"
WORKFLOW = ".github/workflows/publish.yml"


def step_lines() -> dict[str, int]:
    """The line of each named step's command (`run:`/`uses:` follows `- name:`)."""
    lines = (CASE / WORKFLOW).read_text().splitlines()
    found = {}
    for number, line in enumerate(lines, start=1):
        if line.strip().startswith("- name:"):
            name = line.split(":", 1)[1].strip()
            found[name] = number + 1
    return found


def test_against_zizmor(tmp_path: Path) -> None:
    root = materialize(CASE, tmp_path / "repo")
    findings = lint([root], Config()).findings
    steps = step_lines()
    pointed = {}
    for finding in findings:
        for line in (finding.location.line, *(r.location.line for r in finding.related)):
            pointed.setdefault(line, set()).add(finding.rule_id)

    # Every publish zizmor flags is reported by one of our rules (primary or related location).
    for name, line in steps.items():
        if name.startswith("flagged-"):
            assert pointed.get(line), f"{name} (line {line}) is not reported"
    assert pointed[steps["flagged-1"]] >= {"use-trusted-publishing"}
    assert pointed[steps["flagged-3"]] == {"missing-id-token"}
    assert pointed[steps["flagged-5"]] == {"use-trusted-publishing"}
    assert "oidc-blocker" in pointed[steps["flagged-7"]]

    # The hybrid step zizmor misses is reported.
    assert pointed[steps["missed-by-zizmor"] + 2] == {"oidc-token-fallback"}  # its NODE_AUTH_TOKEN line

    # What zizmor rightly leaves alone stays clean; bun under OIDC is the deliberate exception.
    for name in ("left-1", "left-2", "left-3"):
        assert steps[name] not in pointed, f"{name} should be clean: {pointed.get(steps[name])}"
    assert pointed[steps["left-4"]] == {"oidc-blocker"}
