"""semantic-release configuration: package.json ``release``, ``.releaserc*``, ``release.config.*``.

Only what decides whether a release publishes to npm is kept: the top-level ``npmPublish`` and
the ``plugins`` list (each entry's name and its ``npmPublish`` option). ``.releaserc`` is JSON or
YAML (JSON is YAML); a JavaScript configuration is noted but never run, so it reads as
unreadable. Values are what ``json`` (package.json) or the YAML loader (rc files) make of the
text; positions come from the located loader. No function here raises on any text.
"""

from __future__ import annotations

from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.model import Flag, Location, ParseError, ReleaseConfig, ReleaseConfigSource, ReleasePlugin

RC_FILES = (".releaserc", ".releaserc.json", ".releaserc.yaml", ".releaserc.yml")
JAVASCRIPT_FILES = (
    ".releaserc.js", ".releaserc.cjs", ".releaserc.mjs", "release.config.js", "release.config.cjs", "release.config.mjs",
)


def parse_rc_file(path: str, text: str) -> ReleaseConfig:
    """A ``.releaserc`` / ``.releaserc.json/.yaml/.yml``: readable only when it is a mapping."""
    start = Location(path, 1, 1)
    try:
        data = yamlio.load(text, path=path)
    except yamlio.LoadError as exc:
        error = ParseError(Location(path, exc.line, exc.column), exc.message)
        return ReleaseConfig(path, ReleaseConfigSource.RC_FILE, start, readable=False, error=error)
    except RecursionError:
        error = ParseError(start, "document nested too deeply")
        return ReleaseConfig(path, ReleaseConfigSource.RC_FILE, start, readable=False, error=error)
    if not isinstance(data, dict):
        error = ParseError(start, "expected a mapping at the top level")
        return ReleaseConfig(path, ReleaseConfigSource.RC_FILE, start, readable=False, error=error)
    return _config(path, ReleaseConfigSource.RC_FILE, start, data, data)


def parse_javascript(path: str, text: str) -> ReleaseConfig:
    """A JavaScript configuration: present, but what it exports is only known by running it."""
    return ReleaseConfig(path, ReleaseConfigSource.JAVASCRIPT, Location(path, 1, 1), readable=False)


def parse_package_json(path: str, text: str) -> ReleaseConfig | None:
    """The ``release`` key of a package.json; None when the file is not a JSON object or has none
    (semantic-release then looks further, as cosmiconfig does)."""
    try:
        package = yamlio.json_document(text)  # shared with the other readers of the file
    except (ValueError, RecursionError):
        return None
    if not isinstance(package, dict) or "release" not in package:
        return None
    tree = _located(path, text)
    location = _value_location(path, tree, "release", Location(path, 1, 1))
    release = package["release"]
    if not isinstance(release, dict):
        error = ParseError(location, "the `release` key is not an object")
        return ReleaseConfig(path, ReleaseConfigSource.PACKAGE_JSON, location, readable=False, error=error)
    return _config(path, ReleaseConfigSource.PACKAGE_JSON, location, release, _child(tree, "release"))


def _located(path: str, text: str) -> Any:
    """The located tree of a JSON text, for positions only (None when the loader refuses it)."""
    try:
        return yamlio.load_json(text, path=path)
    except (yamlio.LoadError, RecursionError):
        return None


def _child(tree: Any, key: Any) -> Any:
    if isinstance(tree, yamlio.YMap):
        return tree.get(key)
    if isinstance(tree, yamlio.YSeq) and isinstance(key, int) and 0 <= key < len(tree):
        return tree[key]
    return None


def _value_location(path: str, tree: Any, key: Any, fallback: Location) -> Location:
    """Where the value of ``key`` (a mapping key or a sequence index) is written in ``tree``."""
    pos = None
    if isinstance(tree, yamlio.YMap):
        pos = tree.value_pos.get(key)
    elif isinstance(tree, yamlio.YSeq) and isinstance(key, int) and 0 <= key < len(tree.item_pos):
        pos = tree.item_pos[key]
    return Location(path, pos.line, pos.column) if pos is not None else fallback


def _flag(path: str, mapping: dict, tree: Any, key: str, fallback: Location) -> Flag | None:
    value = mapping.get(key)
    if not isinstance(value, bool):
        return None
    return Flag(value, _value_location(path, tree, key, fallback))


def _config(path: str, source: ReleaseConfigSource, location: Location, config: dict, tree: Any) -> ReleaseConfig:
    plugins = config.get("plugins")
    return ReleaseConfig(
        path,
        source,
        location,
        npm_publish=_flag(path, config, tree, "npmPublish", location),
        plugins=_plugins(path, plugins, _child(tree, "plugins"), location) if isinstance(plugins, list) else None,
    )


def _plugins(path: str, plugins: list, tree: Any, fallback: Location) -> tuple[ReleasePlugin, ...]:
    out = []
    for index, entry in enumerate(plugins):
        where = _value_location(path, tree, index, fallback)
        name, options = entry, None
        entry_tree = _child(tree, index)
        if isinstance(entry, list) and entry:  # ["name", {options}]
            name, options = entry[0], entry[1] if len(entry) > 1 else None
        npm_publish = None
        if isinstance(options, dict):
            npm_publish = _flag(path, options, _child(entry_tree, 1), "npmPublish", where)
        out.append(ReleasePlugin(where, name if isinstance(name, str) else None, npm_publish))
    return tuple(out)
