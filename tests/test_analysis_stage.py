"""The analysis stage: one Analysis per project handed to every rule, typed facts, the
known-actions table, and the engine's removal of repeated findings."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npm_auth_lint import commands as cmds
from npm_auth_lint.analysis import Analysis
from npm_auth_lint.analysis.facts import CredentialChannel, TargetOrigin
from npm_auth_lint.config import Config
from npm_auth_lint.engine import lint, run_rules
from npm_auth_lint.knowledge.publishing import KNOWN_ACTIONS, PUBLISHERS, ActionKind, PublisherKind
from npm_auth_lint.model import Finding, Location, Severity
from npm_auth_lint.rule import Context, Repeats, Rule

WORKFLOW = ".github/workflows/release.yml"


def _analysis(root: Path) -> Analysis:
    (analysis,) = lint([root], Config()).analyses
    return analysis


def test_every_rule_reads_the_same_analysis(repo, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine analyses a project once, however many rules read the facts."""
    import npm_auth_lint.engine as engine

    calls: list[object] = []
    real = engine.analyze
    monkeypatch.setattr(engine, "analyze", lambda project: calls.append(project) or real(project))
    root = repo({WORKFLOW: "on: push\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n      - run: npm publish\n"})
    result = lint([root], Config())
    assert len(calls) == 1 and result.analyses[0].project is result.projects[0]
    assert len(result.analyses[0].publishes) == 1


def test_js_devtools_inputs_are_typed(repo) -> None:
    root = repo({
        WORKFLOW: (
            "on: push\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: JS-DevTools/npm-publish@v3\n        with:\n          token: ${{ secrets.NPM_TOKEN }}\n"
            "          registry: https://registry.npmjs.org/\n"
        ),
    })
    (publish,) = _analysis(root).publishes
    assert publish.tool is None and publish.publisher_action == "JS-DevTools/npm-publish"
    assert publish.publisher == "JS-DevTools/npm-publish" and publish.kind is PublisherKind.NPM_CLI
    assert publish.target_origin is TargetOrigin.ACTION_INPUT
    assert publish.credential is not None and publish.credential.channel is CredentialChannel.ACTION_INPUT


def test_command_publish_facts_are_typed(repo) -> None:
    root = repo({
        WORKFLOW: (
            "on: push\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: actions/setup-node@v4\n        with:\n          registry-url: https://npm.pkg.github.com\n"
            "          scope: '@acme'\n"
            "      - run: npm publish --//registry.npmjs.org/:_authToken=npm_abcdefghijklmnopqrstuvwxyz0123456789\n"
        ),
        "package.json": '{"name": "widget", "version": "1.0.0"}',
    })
    (publish,) = _analysis(root).publishes
    assert publish.tool is cmds.Tool.NPM and publish.publisher_action is None
    assert publish.target_origin is TargetOrigin.NPM_DEFAULT_BESIDE_SCOPED
    assert publish.credential is not None and publish.credential.channel is CredentialChannel.CLI_FLAG


def test_semantic_release_action_bundles_npm(repo) -> None:
    root = repo({
        WORKFLOW: (
            "on: push\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n"
            "      - uses: cycjimmy/semantic-release-action@v4\n        env:\n          NPM_TOKEN: ${{ secrets.NPM_TOKEN }}\n"
        ),
    })
    (publish,) = _analysis(root).publishes
    assert publish.kind is PublisherKind.BUNDLED_NPM
    assert publish.credential is not None and publish.credential.channel is CredentialChannel.ENVIRONMENT


def test_known_actions_table_is_consistent() -> None:
    for action in KNOWN_ACTIONS.values():
        assert action.name == action.name.lower()
        if action.kind is ActionKind.PUBLISH:
            assert action.publisher in PUBLISHERS, action.name
            # A publishing action either takes its token as an input or leaves it to npm/env.
            assert (action.token_input is None) or (action.env_token is None)
        else:
            assert action.publisher is None
    for tool in cmds.Tool:
        assert tool.value in PUBLISHERS
    assert {k for k, s in PUBLISHERS.items() if s.kind is PublisherKind.OWN_CLIENT} == {"yarn-berry", "yarn-classic", "bun", "lerna", "lerna-lite"}
    assert {k for k, s in PUBLISHERS.items() if s.kind is PublisherKind.BUNDLED_NPM} == {"semantic-release"}


def test_classify_action_carries_its_table_row() -> None:
    assert cmds.classify_action("actions/setup-node@v4").known is KNOWN_ACTIONS["actions/setup-node"]
    assert cmds.classify_action("changesets/action/version@v1").known is None  # a sub-action that does not publish
    assert cmds.classify_action("actions/checkout@v4").known is None


class _Repeating(Rule):
    """Repeats on purpose."""

    id = "repeating"
    severity = Severity.NOTE
    repeats = Repeats.SAME_MESSAGE

    def check(self, ctx: Context) -> Iterator[Finding]:
        here, there = Location("a", 1, 1), Location("a", 1, 5)
        yield self.finding(here, "one")
        yield self.finding(here, "one")  # the same finding twice: dropped
        yield self.finding(here, "two")
        yield self.finding(there, "one")


@pytest.mark.parametrize(
    ("repeats", "kept"),
    [
        (Repeats.SAME_MESSAGE, [("a", 1, 1, "one"), ("a", 1, 1, "two"), ("a", 1, 5, "one")]),
        (Repeats.SAME_LOCATION, [("a", 1, 1, "one"), ("a", 1, 5, "one")]),
        (Repeats.SAME_LINE, [("a", 1, 1, "one")]),
    ],
)
def test_engine_drops_repeated_findings(repo, repeats: Repeats, kept: list[tuple[str, int, int, str]]) -> None:
    rule = type("Rule", (_Repeating,), {"repeats": repeats})
    result = lint([repo({})], Config())
    findings, errors = run_rules(Context(result.projects[0], result.analyses[0]), [rule])
    assert not errors
    assert [(f.location.path, f.location.line, f.location.column, f.message) for f in findings] == kept


def test_context_is_frozen(repo) -> None:
    result = lint([repo({})], Config())
    ctx = Context(result.projects[0], result.analyses[0])
    with pytest.raises(AttributeError):
        ctx.facts = result.analyses[0]  # type: ignore[misc]


class _PerJob(Rule):
    """Reports each job once."""

    id = "per-job"
    severity = Severity.NOTE
    repeats = Repeats.SAME_SUBJECT

    def check(self, ctx: Context) -> Iterator[Finding]:
        yield self.finding(Location("a", 1, 1), "job a, first publish", subject=("a",))
        yield self.finding(Location("a", 9, 1), "job a, second publish", subject=("a",))  # dropped
        yield self.finding(Location("a", 9, 1), "job b", subject=("b",))
        yield self.finding(Location("c", 1, 1), "no subject")  # only exact repeats dropped
        yield self.finding(Location("c", 1, 1), "no subject")


def test_engine_keeps_one_finding_per_subject(repo) -> None:
    result = lint([repo({})], Config())
    findings, _ = run_rules(Context(result.projects[0], result.analyses[0]), [_PerJob])
    assert [f.message for f in findings] == ["job a, first publish", "job b", "no subject"]


def _floating_tag_at_least(version: tuple[int, ...], minimum: str) -> bool:
    """The rule for action refs, stated directly: ``v1`` stands for its newest 1.x, so missing
    parts are unbounded; compare part by part."""
    for have, need in zip(version, (int(p) for p in minimum.split("."))):
        if have != need:
            return have > need
    return True


@settings(max_examples=300)
@given(
    st.lists(st.integers(0, 30), min_size=1, max_size=3),
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 30)),
)
def test_ref_versions_compare_through_ranges(version: list[int], minimum: tuple[int, int, int]) -> None:
    """Action refs are compared with the same range code as dependency pins, and agree with
    the floating-tag rule."""
    from npm_auth_lint.toolchain.ranges import can_reach

    floor = ".".join(map(str, minimum))
    assert can_reach(".".join(map(str, version)), floor) is _floating_tag_at_least(tuple(version), floor)
