"""npm's version and range semantics (node-semver), made safe for any user string.

``nodesemver`` is a port of the ``semver`` package that npm and actions/setup-node use. Checked
against semver 7.8.5 (the copy inside npm 11) on ~2,500 generated ranges over every Node and npm
version in the data, it agreed everywhere except one place: it accepts an ``x`` followed by a
number (``22.x.3``, ``>=x.5``), which npm rejects except after ``~``/``^`` and in hyphen ranges;
:func:`_clean_range` rejects those too.

Every call into the port is wrapped in ``except Exception``: it is fed arbitrary user text, and
a linter must report on bad input, not crash on it.

The port is imported on first use: importing it compiles ~40 regular expressions (~15 ms, a
tenth of a one-workflow lint). Plain ``X.Y.Z`` versions and the partial versions CI files
write (``22``, ``24.x``, ``24.15``) are read and compared here, with the port's results (checked
against it by tests); everything else goes to the port.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterable
from types import ModuleType

from npm_auth_lint import lazy_regex

# Real specs are a few characters long; the port's regexes grow quadratically on long runs of
# blanks, so anything longer than this is not a version spec worth evaluating.
MAX_SPEC_LENGTH = 200

# A release version without pre-release or build: what the port reads as (major, minor, patch).
# Nine digits at most, far from the port's limits (JavaScript's largest safe integer).
_NUMBER = r"(0|[1-9][0-9]{0,8})"
_PLAIN = lazy_regex.compile(rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}")
_PRERELEASE = lazy_regex.compile(rf"{_NUMBER}\.{_NUMBER}\.{_NUMBER}-[0-9A-Za-z.-]+")
# `22`, `22.x`, `22.x.x`, `24.15`, `24.15.x`: every release of a line (or minor), no pre-release.
_PARTIAL = lazy_regex.compile(rf"{_NUMBER}(?:\.(?:[xX*](?:\.[xX*])?|{_NUMBER}(?:\.[xX*])?))?")


def _semver() -> ModuleType:
    import nodesemver

    return nodesemver


def _plain(version: str) -> tuple[int, int, int] | None:
    match = _PLAIN.fullmatch(version)
    return (int(match[1]), int(match[2]), int(match[3])) if match is not None else None


def _max_of_partial(versions: list[str], spec: str) -> str | bool | None:
    """``max_satisfying`` for a partial version over release-shaped versions; False when the
    spec or a version is of another shape (then the port answers)."""
    match = _PARTIAL.fullmatch(spec)
    if match is None:
        return False
    major, minor = int(match[1]), (int(match[2]) if match[2] is not None else None)
    best: tuple[int, int, int] | None = None
    found = None
    for version in versions:
        parts = _plain(version)
        if parts is None:
            if _PRERELEASE.fullmatch(version) is None:
                return False
            continue  # a pre-release satisfies no range that names none
        if parts[0] == major and (minor is None or parts[1] == minor) and (best is None or parts > best):
            best, found = parts, version
    return found


def _satisfies_plain(version: str, spec: str) -> bool | None:
    """``satisfies`` for a release version and an exact or partial version spec; None for
    other shapes (then the port answers)."""
    parts = _plain(version)
    if parts is None:
        return None
    exact = _plain(spec)
    if exact is not None:
        return parts == exact
    match = _PARTIAL.fullmatch(spec)
    if match is None:
        return None
    return parts[0] == int(match[1]) and (match[2] is None or parts[1] == int(match[2]))


_WILDCARD_THEN_NUMBER = lazy_regex.compile(r"(?:^|\.)[xX*]\.\d")
_OPERATOR_AND_V = lazy_regex.compile(r"^[<>=]*v?")
_HYPHEN_RANGE = lazy_regex.compile(r"\s*\S+\s+-\s+\S+\s*")
_OPERATOR_GAP = lazy_regex.compile(r"([<>=~^]+)\s+")


def _wildcard_then_number(spec: str) -> bool:
    """Whether npm's semver rejects ``spec`` for an ``x`` followed by a number (``22.x.3``)."""
    for comparator_set in spec.split("||"):
        if _HYPHEN_RANGE.fullmatch(comparator_set):
            continue
        for comparator in _OPERATOR_GAP.sub(r"\1", comparator_set).split():
            core = _OPERATOR_AND_V.sub("", comparator).split("-", 1)[0].split("+", 1)[0]
            if comparator[0] not in "~^" and _WILDCARD_THEN_NUMBER.search(core):
                return True
    return False
_PARTIAL_VERSION = lazy_regex.compile(r"v?(\d+)(?:\.(\d+))?")


def _clean_range(spec: str) -> str | None:
    """The spec ready for node-semver, or None when npm would not accept it as a range."""
    spec = spec.strip()
    if len(spec) > MAX_SPEC_LENGTH or not spec.isascii() or _wildcard_then_number(spec):
        return None
    return spec


def clean_version(text: str) -> str | None:
    """``semver.clean``: the exact version written (``v22.14.0``, `` =22.14.0``), else None."""
    spec = _clean_range(text)
    if spec is None:
        return None
    try:
        # semver.clean = trim, drop leading "=" / "v", then parse strictly; the port's own
        # clean() skips the first two steps.
        bare = spec.lstrip("=v")
        if _PLAIN.fullmatch(bare) is not None:
            return bare
        if _PARTIAL.fullmatch(bare) is not None:
            return None  # a partial version (`24`, `24.x`) is a range, not a version
        return _semver().clean(bare, False)
    except Exception:
        return None


def is_valid_range(spec: str) -> bool:
    """Whether npm would parse ``spec`` as a version range."""
    cleaned = _clean_range(spec)
    if cleaned is None:
        return False
    if _PARTIAL.fullmatch(cleaned) is not None or _PLAIN.fullmatch(cleaned) is not None:
        return True
    try:
        return _semver().valid_range(cleaned, False) is not None
    except Exception:
        return False


def max_satisfying(versions: Iterable[str], spec: str) -> str | None:
    """The highest of ``versions`` in range ``spec`` (pre-releases only where the range names one)."""
    cleaned = _clean_range(spec)
    if cleaned is None:
        return None
    candidates = list(versions)
    fast = _max_of_partial(candidates, cleaned)
    if fast is not False:
        return fast if isinstance(fast, str) else None
    try:
        return _semver().max_satisfying(candidates, cleaned, loose=False)
    except Exception:
        return None


def satisfies(version: str, spec: str, include_prerelease: bool = False) -> bool:
    """Whether ``version`` is in range ``spec``; False for an unusable spec.

    ``include_prerelease`` is npm's ``includePrerelease`` (how ``engines`` are checked): a
    pre-release may satisfy any range by plain ordering. The port's own flag also stops ordering
    by pre-release tags (it lets ``26.0.0-rc.1`` satisfy ``>=26.0.0``), so it is done here.
    Not reproduced: npm also moves the bounds it derives from partial versions, carets and
    tildes onto ``-0`` (``<27`` and ``^26.0.0`` end at ``<27.0.0-0``), which matters only for a
    pre-release Node on such a bound (``27.0.0-alpha`` against ``^26.0.0``). No pre-release in
    the data sits on a bound of npm 10-12's ``engines``.
    """
    cleaned = _clean_range(spec)
    if cleaned is None:
        return False
    fast = _satisfies_plain(version, cleaned)
    if fast is not None:
        return fast
    try:
        nodesemver = _semver()
        if nodesemver.satisfies(version, cleaned):
            return True
        if not include_prerelease or "-" not in version:
            return False
        parsed = nodesemver.make_semver(version, False)
        comparator_sets = nodesemver.make_range(cleaned, False).set
        return any(all(comparator.test(parsed) for comparator in group) for group in comparator_sets)
    except Exception:
        return False


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` sorts before, with or after ``b`` (both valid versions)."""
    plain_a, plain_b = _plain(a), _plain(b)
    if plain_a is not None and plain_b is not None:
        return (plain_a > plain_b) - (plain_a < plain_b)
    return int(_semver().compare(a, b, False))


version_key = functools.cmp_to_key(compare)


def padded(version: str) -> str | None:
    """A version or partial version (``16``, ``16.13``) as X.Y.Z with missing parts zero."""
    exact = clean_version(version)
    if exact is not None:
        return exact
    match = _PARTIAL_VERSION.fullmatch(version.strip())
    if match is None:
        return None
    return clean_version(f"{match.group(1)}.{match.group(2) or 0}.0")


def at_least(version: str, floor: str) -> bool:
    """Whether ``version`` (partial versions count from .0) is >= ``floor``; False if unparsable."""
    full = padded(version)
    return full is not None and compare(full, floor) >= 0


_VERSION_IN_SPEC = lazy_regex.compile(r"(\d+)(?:\.(\d+))?(?:\.(\d+))?")


def can_reach(spec: str, minimum: str) -> bool | None:
    """Can range ``spec`` resolve to ``minimum`` or newer? None when it is not a range.

    ``^8.1.0``, ``<9`` and ``8.0.0 - 8.9.0`` cannot reach 9.0.0; ``^4.8.0`` can reach 4.9.0;
    ``>=8`` and ``*`` can; a partial version is a floating tag (``1`` reaches 1.7.0). The range
    reaches the minimum when one of a few candidates satisfies both: the minimum, every version
    the range names and the next minor and major of each, and a very large version.
    """
    text = spec.strip()
    if not is_valid_range(text):
        return None
    candidates = {minimum, "99999.0.0"}
    for match in _VERSION_IN_SPEC.finditer(text):
        major, minor, patch = (int(part) if part is not None else 0 for part in match.groups())
        candidates.update({f"{major}.{minor}.{patch}", f"{major}.{minor + 1}.0", f"{major + 1}.0.0"})
    return any(at_least(v, minimum) and satisfies(v, text) for v in candidates)


def spec_text(spec: object) -> str | None:
    """A node-version value as the runner sees it (YAML numbers become strings), else None."""
    if isinstance(spec, bool):
        return None
    if isinstance(spec, int):
        return str(spec) if abs(spec) < 10**21 else None
    if isinstance(spec, float):
        if not math.isfinite(spec):
            return None
        # JavaScript's String(): 22.0 -> "22", 22.10 (parsed as 22.1) -> "22.1".
        return str(int(spec)) if spec.is_integer() and abs(spec) < 1e21 else repr(spec)
    if isinstance(spec, str):
        return spec.strip()
    return None
