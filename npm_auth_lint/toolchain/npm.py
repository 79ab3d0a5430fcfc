"""What ``npm install -g npm@<spec>`` installs, and whether it can work on a given Node.

npm picks the version like ``npm-pick-manifest``: a dist-tag gives its version as is; a range
(also the bare ``npm``, which means ``*``) gives the ``latest`` tag when that is in range and
supports the running Node, else the newest version in range that supports it, else the newest in
range. Updating npm itself is strict about engines (npm's ``install`` command), so a version whose
``engines.node`` rejects the running Node fails with EBADENGINE: ``npm i -g npm@latest`` (npm 12)
on Node 20 fails, while ``npm i -g npm`` there installs the newest npm 11 (both checked with npm
10.8.2 and 11.19.1 against the registry on 2026-11-28).
"""

from __future__ import annotations

from functools import lru_cache

from npm_auth_lint import lazy_regex
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.toolchain import ranges
from npm_auth_lint.toolchain.data import NpmRelease, ReleaseData, release_data
from npm_auth_lint.toolchain.floors import meets_npm_floor, npm_floor
from npm_auth_lint.toolchain.node import NpmBound

# A dist-tag name: what npm-package-arg accepts (it must survive encodeURIComponent unchanged).
_TAG = lazy_regex.compile(r"[A-Za-z0-9\-_.!~*'()]+")
_QUOTES = "'\""
# ``9``, ``^9``, ``~9.1``, ``9.x``: a range wholly inside one major.
_ONE_MAJOR = lazy_regex.compile(r"[=v^~]*\s*(\d{1,4})(?:\.(?:\d{1,6}|[xX*]))?(?:\.(?:\d{1,6}|[xX*]))?")


@frozen_dataclass
class NpmResolution:
    """The npm an ``npm install -g npm@<spec>`` installs and whether it works on the given Node."""

    spec: str
    version: str | None  # None when it cannot be told (unknown tag, no release in range)
    version_bound: NpmBound  # EXACT, or BELOW for ranges wholly older than the release data
    engines_node: str | None
    node_ok: bool | None  # engines.node accepts the Node version; None when either is unknown
    broken: str | None  # what is known to be broken in that version
    explanation: str

    @property
    def installable(self) -> bool | None:
        """False when npm refuses the upgrade (EBADENGINE); None when it cannot be told."""
        return self.node_ok

    def meets_floor(self, circleci: bool = False) -> bool | None:
        """Whether the installed npm is new enough for trusted publishing; None if unknown."""
        if self.version is None:
            return None
        if self.version_bound is NpmBound.BELOW:
            # Below a version that is itself at most the floor: certainly too old.
            return False if ranges.compare(self.version, npm_floor(circleci)) <= 0 else None
        return meets_npm_floor(self.version, circleci)


def _strip_npm_prefix(spec: str) -> str:
    spec = spec.strip().strip(_QUOTES).strip()
    if spec == "npm":
        return ""
    return spec[len("npm@") :] if spec.startswith("npm@") else spec


def _engine_ok(release: NpmRelease, node_version: str | None) -> bool | None:
    if node_version is None or release.engines_node is None:
        return None
    # npm-install-checks tests engines with includePrerelease, so Node 27 alphas count as 27.
    return ranges.satisfies(node_version, release.engines_node, include_prerelease=True)


def _pick_from_range(data: ReleaseData, spec: str, node: str | None) -> NpmRelease | None:
    in_range = [release for release in data.npm if ranges.satisfies(release.version, spec or "*")]
    if not in_range:
        return None
    latest = data.npm_by_version.get(data.npm_dist_tags.get("latest", ""))
    if latest in in_range and _engine_ok(latest, node) is not False:
        return latest
    # The newest in range, preferring versions whose engines accept the running Node.
    return max(
        in_range,
        key=lambda release: (_engine_ok(release, node) is not False, ranges.version_key(release.version)),
    )


def _node_version(node_version: str | None) -> str | None:
    """The running Node as a full version (``16`` -> ``16.0.0``: npm 10+ rejects all of 16.x)."""
    return ranges.padded(node_version) if isinstance(node_version, str) else None


@lru_cache(maxsize=4096)  # pure, and asked again for every job and matrix value
def resolve_npm_spec(spec: str, node_version: str | None = None) -> NpmResolution:
    """Resolve the ``X`` of ``npm install -g npm@X`` (``""`` or ``"npm"`` for a bare ``npm``)."""
    data = release_data()
    text = _strip_npm_prefix(spec) if isinstance(spec, str) else ""
    node = _node_version(node_version)
    shown = f"npm@{text}" if text else "npm"
    not_accepted = f"`{shown}` is not a version, range or dist-tag npm accepts"
    if len(text) > ranges.MAX_SPEC_LENGTH or not text.isascii():
        return _unknown(text, not_accepted)
    exact = ranges.clean_version(text)
    how = ""
    if exact is not None:
        release = data.npm_by_version.get(exact)
    elif not text or ranges.is_valid_range(text):
        release = _pick_from_range(data, text, node)
    elif _TAG.fullmatch(text):
        release = data.npm_by_version.get(data.npm_dist_tags.get(text, ""))
        if release is None:
            return _unknown(
                text,
                f"`{shown}`: the dist-tag `{text}` is not in the release data of {data.generated} "
                "(npm fails with ETARGET when the registry lacks it)",
            )
        how = f" (dist-tag `{text}`)"
    else:
        return _unknown(text, not_accepted)
    if release is None:
        return _outside_data(data, text, shown, exact)
    lead = f"`{shown}` installs npm {release.version}{how}"
    node_shown = node_version.strip() if node is not None else ""  # type: ignore[union-attr]
    return _resolved(data, text, release, node, node_shown, lead)


def _unknown(text: str, explanation: str) -> NpmResolution:
    return NpmResolution(text, None, NpmBound.EXACT, None, None, None, explanation)


def _outside_data(data: ReleaseData, text: str, shown: str, exact: str | None) -> NpmResolution:
    """A version or range with no npm release in the data: older majors are still known to be old."""
    oldest = next(release for release in data.npm if not release.prerelease)
    match = _ONE_MAJOR.fullmatch(text.strip()) if ranges.is_valid_range(text) else None
    major = int(exact.split(".", 1)[0]) if exact else int(match.group(1)) if match else None
    if major is None or major >= oldest.major:
        return _unknown(text, f"`{shown}` matches no npm release in the release data of {data.generated}")
    if exact is not None:
        return NpmResolution(text, exact, NpmBound.EXACT, None, None, None, f"`{shown}` installs npm {exact}")
    return NpmResolution(
        text,
        oldest.version,
        NpmBound.BELOW,
        None,
        None,
        None,
        f"`{shown}` installs an npm {major}.x, older than {oldest.version}",
    )


def _resolved(
    data: ReleaseData, text: str, release: NpmRelease, node: str | None, node_shown: str, lead: str
) -> NpmResolution:
    ok = _engine_ok(release, node)
    broken = data.npm_broken.get(release.version)
    explanation = lead
    if ok is False:
        explanation += (
            f", which needs Node {release.engines_node}, so on Node {node_shown} it fails with EBADENGINE"
        )
    if broken:
        explanation += f"; npm {release.version} {broken}"
    return NpmResolution(text, release.version, NpmBound.EXACT, release.engines_node, ok, broken, explanation)
