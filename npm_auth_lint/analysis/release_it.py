"""Whether a release-it run publishes to npm: its `npm.publish` option (release-it's own
configuration: package.json `release-it`, or `.release-it.json` next to it) and the `--no-npm`
/ `--npm.publish=false` flags. axios runs release-it with `"npm": {"publish": false}` to bump and
tag only, and publishes with `npm publish` in another workflow (docs/trials/strategy-recheck.md).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Sequence
from typing import Any

from npm_auth_lint.analysis.packages import package_for_dir
from npm_auth_lint.model import Project

_SKIP_FLAGS = frozenset({"--no-npm", "--npm.publish=false", "--no-npm.publish"})


def _json(text: str | None) -> Any:
    try:
        return json.loads(text) if text else None
    except ValueError:
        return None


def _skips(config: Any) -> bool | None:
    """True/False when a configuration says whether release-it publishes to npm, else None."""
    if not isinstance(config, dict) or "npm" not in config:
        return None
    npm = config["npm"]
    if npm is False:
        return True
    if isinstance(npm, dict) and isinstance(npm.get("publish"), bool):
        return not npm["publish"]
    return None


def publishes_to_npm(project: Project, directory: str, words: Sequence[str]) -> bool:
    """False only when a flag or a configuration the tool reads clearly turns npm off."""
    if any(word in _SKIP_FLAGS for word in words):
        return False
    package = package_for_dir(project, directory)
    folder = package.directory if package is not None else ""
    rc = _skips(_json(project.files.get(posixpath.join(folder, ".release-it.json"))))
    if rc is not None:
        return not rc
    manifest = _json(project.files.get(package.path)) if package is not None else None
    embedded = _skips(manifest.get("release-it")) if isinstance(manifest, dict) else None
    return not embedded
