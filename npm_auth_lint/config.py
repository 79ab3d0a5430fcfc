"""The ``.npm-auth-lint.yaml`` configuration, validated into frozen dataclasses.

```yaml
exclude: ["test/fixtures/**"]    # paths never read (gitignore-style globs)
ignore: ["examples/**"]          # paths never reported on (gitignore-style globs)
rules:
  legacy-npmrc-auth: disable     # or: enable
  use-trusted-publishing:
    level: error                 # note | warning | error
    ignore: ["legacy/**"]        # paths where this rule is not reported
```

Unknown keys, rule ids and levels are errors that name the culprit (like yamllint's), so a typo
never silently turns a rule off.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import field
from pathlib import Path
from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Severity, frozen_map
from npm_auth_lint.workspace import MAX_FILE_BYTES, FileReadError, glob_error, read_regular

CONFIG_NAME = ".npm-auth-lint.yaml"
CONFIG_NAMES = (CONFIG_NAME, ".npm-auth-lint.yml")


class ConfigError(Exception):
    """An invalid configuration (file or command line); the message is shown to the user."""


@frozen_dataclass
class RuleConfig:
    """One rule's settings: enabled, level, and the paths it ignores."""

    enabled: bool = True
    level: Severity | None = None
    ignore: tuple[str, ...] = ()


@frozen_dataclass
class Config:
    """The settings of a run: the .npm-auth-lint.yaml file and the command line's --select/--ignore."""

    rules: Mapping[str, RuleConfig] = field(default_factory=frozen_map)
    ignore: tuple[str, ...] = ()
    # Paths never read (gitignore-style globs), like ruff's `extend-exclude`: test fixtures that
    # are repositories of their own, vendored trees. `ignore` only hides findings.
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] | None = None  # --select: only these rules
    deselect: tuple[str, ...] = ()  # --ignore: never these rules
    path: str | None = None  # the file it came from, for messages

    def rule(self, rule_id: str) -> RuleConfig:
        return self.rules.get(rule_id, RuleConfig())

    def is_enabled(self, rule_id: str) -> bool:
        """--ignore wins; --select picks exactly its rules, even ones the file disables (as ruff)."""
        if rule_id in self.deselect:
            return False
        if self.select is not None:
            return rule_id in self.select
        return self.rule(rule_id).enabled


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        for glob in value:
            why = glob_error(glob)
            if why is not None:
                raise ConfigError(f"{where}: invalid glob {glob!r} ({why})")
        return tuple(value)
    raise ConfigError(f"{where} must be a list of glob strings")


def _rule_config(rule_id: str, value: Any, where: str) -> RuleConfig:
    if value in ("enable", True):
        return RuleConfig()
    if value in ("disable", False):
        return RuleConfig(enabled=False)
    if not isinstance(value, dict):
        raise ConfigError(f'{where}: rule "{rule_id}" must be "enable", "disable" or a mapping')
    unknown = sorted(set(value) - {"enabled", "level", "ignore"})
    if unknown:
        raise ConfigError(f'{where}: unknown option "{unknown[0]}" for rule "{rule_id}" (known: enabled, level, ignore)')
    enabled = value.get("enabled", True)
    if not isinstance(enabled, bool):
        raise ConfigError(f'{where}: "enabled" of rule "{rule_id}" must be true or false')
    level = value.get("level")
    if level is not None:
        try:
            level = Severity(level)
        except ValueError:
            raise ConfigError(f'{where}: level of rule "{rule_id}" must be note, warning or error, not {level!r}') from None
    ignore = _string_list(value.get("ignore", []), f'{where}: "ignore" of rule "{rule_id}"')
    return RuleConfig(enabled=enabled, level=level, ignore=ignore)


def parse_config(text: str, known_rules: Iterable[str], where: str = CONFIG_NAME) -> Config:
    """Validate configuration text; raises :class:`ConfigError` naming what is wrong."""
    known = set(known_rules)
    try:
        data = yamlio.load(text)
    except yamlio.LoadError as exc:
        raise ConfigError(f"{where}:{exc.line}:{exc.column}: {exc.message}") from None
    if data is None:
        return Config(path=where)
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping at the top level")
    unknown = sorted(set(map(str, data)) - {"rules", "ignore", "exclude"})
    if unknown:
        raise ConfigError(f'{where}: unknown key "{unknown[0]}" (known: exclude, ignore, rules)')
    rules_value = data.get("rules") or {}
    if not isinstance(rules_value, dict):
        raise ConfigError(f'{where}: "rules" must be a mapping of rule ids')
    rules: dict[str, RuleConfig] = {}
    for rule_id, value in rules_value.items():
        if rule_id not in known:
            raise ConfigError(f'{where}: unknown rule "{rule_id}"')
        rules[rule_id] = _rule_config(rule_id, value, where)
    ignore = _string_list(data.get("ignore", []), f'{where}: "ignore"')
    exclude = _string_list(data.get("exclude", []), f'{where}: "exclude"')
    return Config(rules=frozen_map(rules), ignore=ignore, exclude=exclude, path=where)


def find_config(root: Path) -> Path | None:
    for name in CONFIG_NAMES:
        candidate = root / name
        if candidate.exists() or candidate.is_symlink():  # a FIFO or a broken link is reported
            return candidate
    return None


def load_config(path: Path, known_rules: Iterable[str]) -> Config:
    try:  # a regular file only: a FIFO or `-> /dev/zero` must not hang or fill memory
        text = read_regular(path, MAX_FILE_BYTES).decode("utf-8")
    except FileReadError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.message}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read config file {path}: not UTF-8 text") from None
    return parse_config(text, known_rules, where=str(path))


def parse_rule_list(values: Iterable[str], known_rules: Iterable[str], option: str) -> tuple[str, ...]:
    """``--select a,b --select c`` -> ("a", "b", "c"), rejecting unknown ids."""
    known = set(known_rules)
    ids: list[str] = []
    for value in values:
        for rule_id in (part.strip() for part in value.split(",")):
            if not rule_id:
                continue
            if rule_id not in known:
                raise ConfigError(f'{option}: unknown rule "{rule_id}"')
            ids.append(rule_id)
    return tuple(ids)
