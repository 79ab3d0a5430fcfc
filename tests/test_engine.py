from __future__ import annotations

from npm_auth_lint.config import Config, parse_config
from npm_auth_lint.engine import lint
from npm_auth_lint.model import Severity
from npm_auth_lint.plugins import rules_by_id

KNOWN = list(rules_by_id())
TOKEN = "npm_" + "a1B2c3D4e5" * 3 + "F6g7H8"


def ids(result) -> list[tuple[str, int, str]]:
    return [(f.location.path, f.location.line, f.rule_id) for f in result.findings]


def test_inline_suppressions_hash_and_semicolon(repo) -> None:
    root = repo(
        {
            ".npmrc": "always-auth=true ; npm-auth-lint: ignore[legacy-npmrc-auth] kept for Yarn 1\nemail=a@b.c\n",
            ".yarnrc.yml": "npmAlwaysAuth: true  # npm-auth-lint: ignore[hardcoded-npm-token]\n",
        }
    )
    result = lint([root], Config())
    assert ids(result) == [
        (".npmrc", 2, "legacy-npmrc-auth"),
        (".yarnrc.yml", 1, "legacy-npmrc-auth"),
        (".yarnrc.yml", 1, "unused-suppression"),  # it names a rule that reports nothing there
    ]
    assert [(s.location.line, s.rule_ids, s.reason) for s in result.suppressions if s.location.path == ".npmrc"] == [
        (1, ("legacy-npmrc-auth",), "kept for Yarn 1")
    ]


def test_levels_and_ignore_globs(repo) -> None:
    root = repo(
        {
            ".npmrc": "always-auth=true\n",
            "examples/.npmrc": "always-auth=true\n",
            "legacy/.npmrc": "always-auth=true\n",
        }
    )
    config = parse_config(
        "ignore: ['examples/**']\nrules:\n  legacy-npmrc-auth:\n    level: error\n    ignore: ['legacy/**']\n", KNOWN
    )
    result = lint([root], config)
    assert ids(result) == [(".npmrc", 1, "legacy-npmrc-auth")]
    assert result.findings[0].severity is Severity.ERROR


def test_parse_error_file_yields_no_other_finding_and_run_goes_on(repo) -> None:
    root = repo(
        {
            "package.json": '{"name": "x", "scripts": {"t": "' + TOKEN + '"},}\n',
            "packages/ok/.npmrc": "//registry.npmjs.org/:_authToken=" + TOKEN + "\n",
        }
    )
    result = lint([root], Config())
    assert ids(result) == [("package.json", 1, "parse-error"), ("packages/ok/.npmrc", 1, "hardcoded-npm-token")]


def test_select_and_deselect(repo) -> None:
    root = repo({".npmrc": "_auth=abcdefgh\n"})
    both = lint([root], Config())
    assert sorted(f.rule_id for f in both.findings) == ["hardcoded-npm-token", "legacy-npmrc-auth"]
    only = lint([root], Config(select=("legacy-npmrc-auth",)))
    assert [f.rule_id for f in only.findings] == ["legacy-npmrc-auth"]
    without = lint([root], Config(deselect=("legacy-npmrc-auth",)))
    assert [f.rule_id for f in without.findings] == ["hardcoded-npm-token"]


def test_lines_are_counted_at_newlines_only(repo) -> None:
    # A form feed in an .npmrc comment and a U+2028 inside a quoted YAML string are not line
    # breaks for editors or GitHub: findings and suppressions must stay on their own lines.
    root = repo(
        {
            ".npmrc": f"; page\fbreak\n//registry.npmjs.org/:_authToken={TOKEN}\n",
            ".github/workflows/w.yml": (
                'on: push\nname: "a\u2028b"\njobs:\n  p:\n    runs-on: ubuntu-latest\n    steps:\n'
                "      - run: |\n          echo hi\n          npm login\n"
                "      - run: npm login  # npm-auth-lint: ignore[legacy-npm-login] kept\n"
            ),
        }
    )
    result = lint([root], Config(select=("hardcoded-npm-token", "legacy-npm-login", "unused-suppression")))
    assert [(*key, f.location.column) for key, f in zip(ids(result), result.findings)] == [
        (".github/workflows/w.yml", 9, "legacy-npm-login", 11),
        (".npmrc", 2, "hardcoded-npm-token", 34),
    ]
