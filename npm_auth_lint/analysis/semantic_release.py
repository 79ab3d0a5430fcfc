"""Whether a semantic-release run publishes to npm, from its configuration in the repository.

semantic-release publishes to npm through ``@semantic-release/npm``, one of its default plugins.
A configuration that lists ``plugins`` without it, or sets ``npmPublish: false`` (globally or as
that plugin's option), releases without publishing (tags, changelog, GitLab/GitHub releases).
The configuration is the first of cosmiconfig's places found from the working directory upward:
package.json ``release``, ``.releaserc`` (JSON or YAML), ``.releaserc.json/.yaml/.yml``; a
JavaScript configuration or a shareable one (``extends``) cannot be read, so it counts as
publishing.
"""

from __future__ import annotations

import json
import posixpath
from typing import Any

from npm_auth_lint import yamlio
from npm_auth_lint.model import Project

NPM_PLUGIN = "@semantic-release/npm"
CONFIG_FILES = (".releaserc", ".releaserc.json", ".releaserc.yaml", ".releaserc.yml")
_UNREADABLE = (".releaserc.js", ".releaserc.cjs", ".releaserc.mjs", "release.config.js", "release.config.cjs", "release.config.mjs")


def publishes_to_npm(project: Project, directory: str) -> bool:
    """False only when the configuration in effect for ``directory`` clearly skips npm."""
    config = _config(project, directory)
    return config is None or _config_publishes(config)


def _config(project: Project, directory: str) -> dict[str, Any] | None:
    folder = directory.strip("/")
    while True:
        found = _config_in(project, folder)
        if found is not False:
            return found if isinstance(found, dict) else None
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _config_in(project: Project, folder: str) -> dict[str, Any] | None | bool:
    """The configuration found in ``folder``; None when one is there but unreadable; False when none."""

    def at(name: str) -> str:
        return f"{folder}/{name}" if folder else name

    package_text = project.files.get(at("package.json"))
    if package_text is not None:
        try:
            package = json.loads(package_text)
        except ValueError:
            package = None
        if isinstance(package, dict) and "release" in package:
            release = package["release"]
            return release if isinstance(release, dict) else None
    for name in CONFIG_FILES:
        text = project.files.get(at(name))
        if text is None:
            continue
        try:
            data = yamlio.load(text, path=at(name))
        except (yamlio.LoadError, RecursionError):
            return None
        return data if isinstance(data, dict) else None
    if any(at(name) in project.files for name in _UNREADABLE):
        return None
    return False


def _config_publishes(config: dict[str, Any]) -> bool:
    if config.get("npmPublish") is False:
        return False
    plugins = config.get("plugins")
    if not isinstance(plugins, list):
        return True  # default plugins (or a shareable configuration's): @semantic-release/npm included
    for plugin in plugins:
        name, options = _plugin(plugin)
        if name == NPM_PLUGIN:
            return not (isinstance(options, dict) and options.get("npmPublish") is False)
    return False  # a local `plugins` list replaces the defaults (and a shareable configuration's)


def _plugin(entry: Any) -> tuple[Any, Any]:
    """A ``plugins`` entry as (name, options): ``"name"`` or ``["name", {options}]``."""
    if isinstance(entry, list) and entry:
        return entry[0], entry[1] if len(entry) > 1 else None
    return entry, None
