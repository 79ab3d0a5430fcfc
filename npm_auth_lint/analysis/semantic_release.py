"""Whether a semantic-release run publishes to npm, from its configuration in the repository.

semantic-release publishes to npm through ``@semantic-release/npm``, one of its default plugins.
A configuration that lists ``plugins`` without it, or sets ``npmPublish: false`` (globally or as
that plugin's option), releases without publishing (tags, changelog, GitLab/GitHub releases).
The configuration is the first of cosmiconfig's places found from the working directory upward:
package.json ``release``, ``.releaserc`` (JSON or YAML), ``.releaserc.json/.yaml/.yml``; a
JavaScript configuration or a shareable one (``extends``) cannot be read, so it counts as
publishing. The parsers read each place into a :class:`~npm_auth_lint.model.ReleaseConfig`.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence

from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis.facts import ToolPin
from npm_auth_lint.model import Location, PackageJson, Project, ReleaseConfig

NPM_PLUGIN = "@semantic-release/npm"
# cosmiconfig's search order within one folder (package.json `release` comes first).
CONFIG_FILES = (".releaserc", ".releaserc.json", ".releaserc.yaml", ".releaserc.yml")
_UNREADABLE = (".releaserc.js", ".releaserc.cjs", ".releaserc.mjs", "release.config.js", "release.config.cjs", "release.config.mjs")


def publishes_to_npm(project: Project, directory: str) -> bool:
    """False only when the configuration in effect for ``directory`` clearly skips npm."""
    config = _config(project, directory)
    return config is None or not config.readable or _config_publishes(config)


def _config(project: Project, directory: str) -> ReleaseConfig | None:
    """The configuration in effect: the first found in ``directory`` or a folder above it."""
    folder = directory.strip("/")
    while True:
        found = _config_in(project, folder)
        if found is not None:
            return found
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _config_in(project: Project, folder: str) -> ReleaseConfig | None:
    for name in ("package.json", *CONFIG_FILES, *_UNREADABLE):
        config = project.release_config(f"{folder}/{name}" if folder else name)
        if config is not None:
            return config
    return None


def _config_publishes(config: ReleaseConfig) -> bool:
    if config.npm_publish is not None and config.npm_publish.value is False:
        return False
    if config.plugins is None:
        return True  # default plugins (or a shareable configuration's): @semantic-release/npm included
    for plugin in config.plugins:
        if plugin.name == NPM_PLUGIN:
            return not (plugin.npm_publish is not None and plugin.npm_publish.value is False)
    return False  # a local `plugins` list replaces the defaults (and a shareable configuration's)


_VERSIONED = lazy_regex.compile(r"^semantic-release@(?P<version>[^\s]+)$")


def semantic_release_pin(words: Sequence[str], where: Location, project: Project, package: PackageJson | None) -> ToolPin | None:
    """The semantic-release version a publish runs: ``npx semantic-release@19``,
    ``npx -p semantic-release@17 semantic-release``, else a ``semantic-release`` dependency of the
    package or the root. Its bundled ``@semantic-release/npm`` decides trusted publishing unless
    the repository installs that plugin itself (then the plugin's own pin is used)."""
    for word in words:
        match = _VERSIONED.match(word)
        if match:
            return ToolPin("semantic-release", match.group("version"), where)
    for candidate in (package, project.package_at("")):
        if candidate is not None and "semantic-release" in candidate.dependencies:
            text = candidate.dependencies["semantic-release"]
            return ToolPin("semantic-release", text.value, text.location)
    return None
