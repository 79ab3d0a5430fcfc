"""``strategy.matrix`` -> the axis values a job can actually run with.

GitHub builds the cartesian product of the axes, removes the ``exclude`` combinations, then
applies ``include``: an include entry extends every combination its original-axis values match
(without overwriting an original value), or else becomes a combination of its own. We do the same
and record, per axis, the values left in some combination, each at the line it is written.
Object values (``config: [{os: ..., node: ...}]``) become dotted axes (``config.node``), the
way expressions address them.
"""

from __future__ import annotations

import itertools
from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import Location, MatrixAxis, Text
from npm_auth_lint.parsers.github_common import Substitution, location, scalar_text

# Above this many combinations (GitHub allows 256 jobs) exclusion is not evaluated: every
# written value is kept.
MAX_COMBINATIONS = 4096
_MAX_OBJECT_DEPTH = 4


@frozen_dataclass
class _Cell:
    """One value of a matrix, where it is written, and a comparable form of it."""

    value: Any
    where: Location
    key: Any  # comparable form of value


def _canon(value: Any, depth: int = 0) -> Any:
    """A hashable, comparison-safe form of a YAML value (aliases may make cycles)."""
    if depth > _MAX_OBJECT_DEPTH:
        return ("...",)
    if isinstance(value, dict):
        return ("map", tuple(sorted((str(k), _canon(v, depth + 1)) for k, v in value.items())))
    if isinstance(value, list):
        return ("seq", tuple(_canon(v, depth + 1) for v in value))
    text = scalar_text(value)
    return ("scalar", text if text is not None else repr(type(value)))


def _cell(value: Any, pos: yamlio.Pos, path: str) -> _Cell:
    return _Cell(value, location(path, pos), _canon(value))


def _axes(matrix: yamlio.YMap, path: str) -> list[tuple[str, list[_Cell]]]:
    axes = []
    for key, value in matrix.items():
        if key in ("include", "exclude"):
            continue
        if isinstance(value, yamlio.YSeq):
            cells = [_cell(item, value.item_pos[i], path) for i, item in enumerate(value)]
        elif isinstance(value, yamlio.YMap):
            continue
        else:  # an expression such as ${{ fromJSON(...) }} stands for the whole axis
            cells = [_cell(value, matrix.value_pos[key], path)]
        axes.append((str(key), cells))
    return axes


def _entries(matrix: yamlio.YMap, key: str, path: str) -> list[dict[str, _Cell]]:
    entries = matrix.get(key)
    if not isinstance(entries, yamlio.YSeq):
        return []
    result = []
    for entry in entries:
        if isinstance(entry, yamlio.YMap):
            result.append({str(k): _cell(v, entry.value_pos[k], path) for k, v in entry.items()})
    return result


def _combinations(matrix: yamlio.YMap, path: str) -> list[dict[str, _Cell]]:
    axes = _axes(matrix, path)
    names = {name for name, _ in axes}
    size = 1
    for _, cells in axes:
        size *= max(len(cells), 1)
    if axes and size <= MAX_COMBINATIONS:
        combos = [dict(zip((n for n, _ in axes), cells)) for cells in itertools.product(*(c for _, c in axes))]
        for exclude in _entries(matrix, "exclude", path):
            combos = [c for c in combos if not _matches(c, exclude)]
    elif axes:  # too many to enumerate: one pseudo-combination per value keeps them all
        combos = [{name: cell} for name, cells in axes for cell in cells]
    else:
        combos = []
    for include in _entries(matrix, "include", path):
        originals = {k: v for k, v in include.items() if k in names}
        extra = {k: v for k, v in include.items() if k not in names}
        # Without axes every include entry is a combination of its own.
        matched = [c for c in combos if _matches(c, originals)] if axes else []
        for combo in matched:
            combo.update(extra)
        if not matched:
            combos.append(dict(include))
    return combos


def _matches(combo: dict[str, _Cell], entry: dict[str, _Cell]) -> bool:
    return all(name in combo and combo[name].key == cell.key for name, cell in entry.items())


def _flatten(name: str, cell_value: Any, where: Location, path: str, depth: int = 0) -> list[tuple[str, Any, Location]]:
    if isinstance(cell_value, yamlio.YMap):
        if depth >= _MAX_OBJECT_DEPTH:
            return []
        result = []
        for key, value in cell_value.items():
            pos = cell_value.value_pos[key]
            result.extend(_flatten(f"{name}.{key}", value, location(path, pos), path, depth + 1))
        return result
    if isinstance(cell_value, (list, dict)):
        return []
    return [(name, cell_value, where)]


def matrix_axes(job: yamlio.YMap, path: str, subst: Substitution) -> tuple[MatrixAxis, ...]:
    """The axes of ``strategy.matrix`` with the values that occur in some combination."""
    strategy = job.get("strategy")
    matrix = strategy.get("matrix") if isinstance(strategy, yamlio.YMap) else None
    if not isinstance(matrix, yamlio.YMap):
        return ()
    values: dict[str, dict[str, Text]] = {}
    for combo in _combinations(matrix, path):
        for name, cell in combo.items():
            for axis, value, where in _flatten(name, cell.value, cell.where, path):
                text = scalar_text(value)
                if text is None:
                    continue
                text = subst.expand(text)
                values.setdefault(axis, {}).setdefault(text, Text(text, where))
    return tuple(MatrixAxis(name, tuple(texts.values())) for name, texts in values.items())


def merge_axes(own: tuple[MatrixAxis, ...], outer: tuple[MatrixAxis, ...]) -> tuple[MatrixAxis, ...]:
    """A called job's axes plus its caller's (reachable through ``with:``); the job's own win."""
    names = {axis.name for axis in own}
    return own + tuple(axis for axis in outer if axis.name not in names)


def axis_values(axes: tuple[MatrixAxis, ...]) -> dict[str, tuple[str, ...]]:
    """Axis name -> its values, for resolving ``${{ matrix.x }}``."""
    return {axis.name: tuple(t.value for t in axis.values) for axis in axes}
