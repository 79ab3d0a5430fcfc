"""CircleCI 2.1 compile-time expressions: ``<< parameters.x >>`` substitution and logic statements.

CircleCI resolves these when it compiles the configuration, before anything runs, so the parser
can resolve them too wherever the values are written in the file. Whatever cannot be resolved
(``<< pipeline.git.branch >>``, a parameter without a value) stays as written, and a condition that
depends on it is *unknown*: the caller then keeps the steps it guards.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location
from npm_auth_lint.workspace import linear_regex

# `<< parameters.x >>`, `<< pipeline.parameters.x >>`, `<< matrix.x >>` (spaces optional).
REFERENCE = lazy_regex.compile(r"<<\s*(parameters|pipeline\.parameters|matrix)\.([A-Za-z_][\w-]*)\s*>>")
# Mustache sections that orbs use: `<<#parameters.x>>text<</parameters.x>>` (and `^` = unless).
_SECTION = lazy_regex.compile(r"<<([#^])\s*parameters\.([\w-]+)\s*>>(.*?)<</\s*parameters\.\2\s*>>", re.S)
_UNRESOLVED = lazy_regex.compile(r"<<.*?>>", re.S)
_MAX_DEPTH = 50
_MAX_PATTERN = 200  # `matches` patterns come from the file: keep regex work bounded


@frozen_dataclass
class Bound:
    """A parameter's value, where it is written, and the context it was written in.

    ``context`` matters for ``steps`` and ``executor`` values: they are expanded where they were
    written (the caller's parameters and names), not inside the definition that receives them.
    ``from_pipeline`` marks values taken from a pipeline parameter's default, which a trigger
    may override: conditions on them are unknown.
    """

    value: Any
    location: Location | None = None
    context: Any = None
    from_pipeline: bool = False


Lookup = Callable[[str, str], "Bound | None"]


class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


def sole_reference(value: Any, lookup: Lookup) -> Bound | None:
    """The bound value when ``value`` is exactly one reference (``<< parameters.steps >>``)."""
    if not isinstance(value, str):
        return None
    match = REFERENCE.fullmatch(value.strip())
    if not match:
        return None
    return lookup(match.group(1), match.group(2))


def as_text(value: Any) -> str | None:
    """How CircleCI writes a scalar into text: booleans lower-case, null empty."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, (int, float, str)):
        return str(value)
    return None


def substitute(value: Any, lookup: Lookup) -> Any:
    """``value`` with its references replaced; a lone reference keeps the value's type."""
    if not isinstance(value, str) or "<<" not in value:
        return value
    bound = sole_reference(value, lookup)
    if bound is not None:
        return bound.value

    def section(match: re.Match[str]) -> str:
        found = lookup("parameters", match.group(2))
        if found is None:
            return match.group(3)  # unknown: keep the text it guards
        keep = truthy(found.value)
        if match.group(1) == "^":
            keep = not keep
        return match.group(3) if keep else ""

    def replace(match: re.Match[str]) -> str:
        found = lookup(match.group(1), match.group(2))
        if found is None:
            return match.group(0)
        text = as_text(found.value)
        return match.group(0) if text is None else text

    return REFERENCE.sub(replace, _SECTION.sub(section, value))


def referenced(value: Any, lookup: Lookup) -> list[Bound]:
    """The bound values that ``value`` refers to, in order."""
    if not isinstance(value, str):
        return []
    found = (lookup(m.group(1), m.group(2)) for m in REFERENCE.finditer(value))
    return [bound for bound in found if bound is not None]


def unresolved(value: Any) -> bool:
    """Whether text still holds a ``<< ... >>`` the parser could not resolve."""
    return isinstance(value, str) and bool(_UNRESOLVED.search(value))


def truthy(value: Any) -> bool:
    """CircleCI's truthiness: false, null, 0, NaN and empty strings are falsy."""
    if value is None or value is False:
        return False
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return not (value == 0 or (isinstance(value, float) and math.isnan(value)))
    if isinstance(value, (str, list, dict)):
        return len(value) > 0
    return True


def evaluate(condition: Any, lookup: Lookup, depth: int = 0) -> bool | None:
    """A logic statement's value at compile time, or None when it cannot be known."""
    if depth > _MAX_DEPTH:
        return None
    if isinstance(condition, dict):
        if len(condition) != 1:
            return None
        operator, argument = next(iter(condition.items()))
        return _operator(str(operator), argument, lookup, depth)
    if isinstance(condition, list):
        return None
    value = _resolve(condition, lookup)
    if value is UNKNOWN:
        return None
    if isinstance(value, (dict, list)):
        return None
    return truthy(value)


def _operator(operator: str, argument: Any, lookup: Lookup, depth: int) -> bool | None:
    if operator in ("and", "or"):
        if not isinstance(argument, list):
            return None
        results = [evaluate(item, lookup, depth + 1) for item in argument]
        decisive = operator == "or"  # `or` is decided by a true, `and` by a false
        if decisive in results:
            return decisive
        if None in results:
            return None
        return not decisive
    if operator == "not":
        result = evaluate(argument, lookup, depth + 1)
        return None if result is None else not result
    if operator == "equal":
        if not isinstance(argument, list) or not argument:
            return None
        values = [_resolve(item, lookup) for item in argument]
        if any(v is UNKNOWN or isinstance(v, (dict, list)) for v in values):
            return None
        # CircleCI compares YAML values; comparing their text keeps `18` equal to `"18"`, which
        # errs on the side of keeping steps.
        texts = [as_text(v) for v in values]
        return all(t == texts[0] for t in texts)
    if operator == "matches":
        if not isinstance(argument, dict):
            return None
        pattern = _resolve(argument.get("pattern"), lookup)
        value = _resolve(argument.get("value"), lookup)
        if pattern is UNKNOWN or value is UNKNOWN or not isinstance(pattern, str):
            return None
        text = as_text(value)
        if text is None or len(pattern) > _MAX_PATTERN:
            return None
        try:  # RE2: a pattern from the repository must not backtrack (issue #13)
            return linear_regex(pattern).fullmatch(text) is not None
        except ValueError:
            return None
    return None


def _resolve(value: Any, lookup: Lookup) -> Any:
    result = substitute(value, lookup)
    if unresolved(result):
        return UNKNOWN
    return result
