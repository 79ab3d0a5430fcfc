"""npm-auth-lint against zizmor's `use-trusted-publishing` npm cases (issue #3).

The fixture rewrites the publish patterns of zizmor's own test data as steps named `flagged-N`
(zizmor flags them), `left-N` (zizmor leaves them alone) and `missed-by-zizmor` (the hybrid case:
`id-token: write` plus a NODE_AUTH_TOKEN secret). The answers differ on purpose in two places:

- `npm publish` with only `NPM_TOKEN` in its environment: npm never reads NPM_TOKEN, so the
  publish really relies on OIDC; we report `missing-id-token` for the job (zizmor: "use trusted
  publishing").
- `bun publish` in a job with `id-token: write` (`left-4`): bun has no OIDC support, so we
  report `oidc-blocker` where zizmor is silent.
- Node 18 (npm 10) cannot do trusted publishing: `outdated-node`/`outdated-npm` are reported on
  the token job too (as warnings: upgrade before migrating).
"""

from __future__ import annotations

from pathlib import Path

from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint

from .conftest import FIXTURES, materialize

CASE = FIXTURES / "comparisons" / "zizmor-use-trusted-publishing"
WORKFLOW = ".github/workflows/publish.yml"


def step_lines() -> dict[str, range]:
    """The lines of each named step, from its `- name:` to the line before the next step."""
    lines = (CASE / WORKFLOW).read_text().splitlines()
    starts = [(n, line.split(":", 1)[1].strip()) for n, line in enumerate(lines, start=1) if line.strip().startswith("- ")]
    found = {}
    for (start, name), (end, _) in zip(starts, [*starts[1:], (len(lines) + 1, "")]):
        found[name] = range(start, end)
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
    def rules_at(name: str) -> set[str]:
        return set().union(*(pointed.get(line, set()) for line in steps[name]))

    for name in steps:
        if name.startswith("flagged-"):
            assert rules_at(name), f"{name} is not reported"
    # Node 18 bundles npm 10: the toolchain rules also point at these publishes (zizmor does not
    # check versions).
    assert rules_at("flagged-1") == {"use-trusted-publishing", "outdated-node", "outdated-npm"}
    assert rules_at("setup-a") == {"outdated-node", "outdated-npm", "legacy-npmrc-auth"}
    # No setup-node in these jobs: the runner's default Node is a note, once per job.
    assert rules_at("flagged-3") == {"missing-id-token", "unresolved-toolchain"}
    assert rules_at("flagged-4") == {"missing-id-token"}
    assert rules_at("flagged-5") == {"use-trusted-publishing"}
    assert rules_at("flagged-7") == {"missing-id-token", "oidc-blocker", "unresolved-toolchain"}

    # The hybrid step zizmor misses is reported.
    assert rules_at("missed-by-zizmor") == {"oidc-token-fallback"}

    # What zizmor rightly leaves alone stays clean; bun under OIDC is the deliberate exception.
    for name in ("left-1", "left-2", "left-3"):
        assert not rules_at(name), f"{name} should be clean: {rules_at(name)}"
    assert rules_at("left-4") == {"oidc-blocker"}
