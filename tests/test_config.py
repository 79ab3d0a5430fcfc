from __future__ import annotations

import pytest

from npm_auth_lint.config import ConfigError, RuleConfig, parse_config, parse_rule_list
from npm_auth_lint.model import Severity

KNOWN = ["hardcoded-npm-token", "legacy-npmrc-auth", "parse-error"]


def test_valid_config() -> None:
    config = parse_config(
        "ignore: [examples/**]\nrules:\n  legacy-npmrc-auth: disable\n  hardcoded-npm-token:\n    level: warning\n    ignore: [test/**]\n",
        KNOWN,
    )
    assert config.ignore == ("examples/**",)
    assert config.rule("legacy-npmrc-auth") == RuleConfig(enabled=False)
    assert config.rule("hardcoded-npm-token") == RuleConfig(level=Severity.WARNING, ignore=("test/**",))
    assert not config.is_enabled("legacy-npmrc-auth")
    assert config.is_enabled("parse-error")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rulez: {}\n", 'unknown key "rulez"'),
        ("rules:\n  no-such-rule: disable\n", 'unknown rule "no-such-rule"'),
        ("rules:\n  parse-error: {levle: error}\n", 'unknown option "levle" for rule "parse-error"'),
        ("rules:\n  parse-error: {level: fatal}\n", "must be note, warning or error"),
        ("rules:\n  parse-error: maybe\n", 'must be "enable", "disable" or a mapping'),
        ("ignore: 3\n", "list of glob strings"),
        ("- a\n", "mapping at the top level"),
        ("rules: [\n", ".npm-auth-lint.yaml:2:1"),
    ],
)
def test_invalid_config_names_the_culprit(text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("(", r"\(")):
        parse_config(text, KNOWN)


def test_rule_lists() -> None:
    assert parse_rule_list(["parse-error,legacy-npmrc-auth", "hardcoded-npm-token"], KNOWN, "--select") == (
        "parse-error",
        "legacy-npmrc-auth",
        "hardcoded-npm-token",
    )
    with pytest.raises(ConfigError, match='--ignore: unknown rule "nope"'):
        parse_rule_list(["nope"], KNOWN, "--ignore")


def test_exclude_globs_are_never_read(tmp_path) -> None:
    from npm_auth_lint.cli import build_config
    from npm_auth_lint.engine import lint

    (tmp_path / ".git").mkdir()
    (tmp_path / "vendor" / "x").mkdir(parents=True)
    (tmp_path / "vendor" / "x" / ".npmrc").write_text("_auth=dXNlcjpwYXNz\n")
    (tmp_path / ".npmrc").write_text("always-auth=true\n")
    (tmp_path / ".npm-auth-lint.yaml").write_text('exclude: ["vendor/**"]\n')
    result = lint([tmp_path], build_config(tmp_path, None, False, (), ()))
    assert {f.location.path for f in result.findings} == {".npmrc"}
    assert result.files_scanned == 1  # the root .npmrc; the excluded one is never read
