"""Which rules exist: the built-ins, plus third-party rules from the entry-point group
``npm_auth_lint.rules`` (each entry point names a :class:`~npm_auth_lint.rule.Rule` subclass)."""

from __future__ import annotations

import os
import sys
from functools import lru_cache

from npm_auth_lint import lazy_regex
from npm_auth_lint.rule import Rule

ENTRY_POINT_GROUP = "npm_auth_lint.rules"
_ID = lazy_regex.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")


class RegistryError(Exception):
    """A plugin that cannot be loaded or clashes with another rule."""


def builtin_rules() -> tuple[type[Rule], ...]:
    from npm_auth_lint.rules import ALL_RULES

    return ALL_RULES


def _may_declare_plugins() -> bool:
    """Whether an installed distribution may declare a rule plugin.

    importlib.metadata costs ~15-20 ms to import and scan, a fifth of ``npm-auth-lint rules``;
    most installs have no plugin. Its default finder reads ``entry_points.txt`` in the
    ``*.dist-info``/``*.egg-info`` folders of the ``sys.path`` folders, so when none of those files
    names the group there is no plugin. Anything this scan does not cover (a zip on the path, a
    meta-path finder that lists distributions of its own) answers yes, and importlib decides.
    """
    from importlib.machinery import PathFinder

    if any(f is not PathFinder and hasattr(f, "find_distributions") for f in sys.meta_path):
        return True
    group = ENTRY_POINT_GROUP.encode()
    for entry in sys.path:
        try:
            with os.scandir(entry or ".") as listing:
                names = [e.path for e in listing if e.name.endswith((".dist-info", ".egg-info"))]
        except NotADirectoryError:
            return True  # a zip archive on sys.path
        except OSError:
            continue  # a missing folder holds no distribution
        for folder in names:
            try:
                with open(os.path.join(folder, "entry_points.txt"), "rb") as handle:
                    if group in handle.read():
                        return True
            except OSError:
                continue
    return False


def plugin_rules() -> tuple[type[Rule], ...]:
    if not _may_declare_plugins():
        return ()
    from importlib.metadata import entry_points

    found: list[type[Rule]] = []
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            obj = entry_point.load()
        except Exception as exc:  # a broken plugin must not take the run down with a traceback
            raise RegistryError(f"cannot load rule plugin {entry_point.name!r}: {type(exc).__name__}: {exc}") from None
        if not (isinstance(obj, type) and issubclass(obj, Rule)):
            raise RegistryError(f"rule plugin {entry_point.name!r} ({entry_point.value}) is not a Rule subclass")
        found.append(obj)
    return tuple(found)


@lru_cache(maxsize=1)
def all_rules() -> tuple[type[Rule], ...]:
    """Every rule, sorted by id; raises :class:`RegistryError` on clashes or bad ids."""
    rules = [*builtin_rules(), *plugin_rules()]
    seen: dict[str, type[Rule]] = {}
    for rule in rules:
        rule_id = getattr(rule, "id", None)
        if not isinstance(rule_id, str) or not _ID.match(rule_id):
            raise RegistryError(f"rule {rule.__module__}.{rule.__name__} has no valid kebab-case id")
        if rule_id in seen and seen[rule_id] is not rule:
            raise RegistryError(f"rule id {rule_id!r} is defined twice ({seen[rule_id].__module__} and {rule.__module__})")
        seen[rule_id] = rule
    return tuple(sorted(seen.values(), key=lambda r: r.id))


def rules_by_id() -> dict[str, type[Rule]]:
    return {rule.id: rule for rule in all_rules()}
