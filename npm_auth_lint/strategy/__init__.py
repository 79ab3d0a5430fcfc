"""The strategy report: which path each publishing pipeline is on, and what to change.

For every publishing pipeline (entry CI file + job) it says whether it uses trusted publishing
(set up, broken, or *unverified* where a value the verdict rests on cannot be determined) or a
long-lived token (OIDC viable — migrate — or not viable, with the blockers), lists the changes in
the order to make them, and gives each package exactly one trusted-publisher configuration to
enter on npmjs.com with the matching ``npm trust`` command. Values the tool cannot know are
shown as placeholders, never guessed.

Modules: :mod:`.model` (the data), :mod:`.unknowns` (what cannot be determined),
:mod:`.checklist` (path and changes of one publish), :mod:`.settings` (npm's fields),
:mod:`.choice` (one configuration per package), :mod:`.build` (assembly), :mod:`.render`.
"""

from __future__ import annotations

from npm_auth_lint.strategy.build import strategy
from npm_auth_lint.strategy.model import (
    MAX_COMMANDS,
    Consolidation,
    PipelineStrategy,
    PublisherSettings,
    PublishingPath,
    Unknown,
    UnknownKind,
)
from npm_auth_lint.strategy.render import render_text, to_data

# The `npm-auth-lint/strategy` document's version: 2 added the path `unverified` and made
# `trusted_publishers` hold only the packages whose one configuration the pipeline keeps.
SCHEMA_VERSION = 2

__all__ = [
    "MAX_COMMANDS",
    "SCHEMA_VERSION",
    "Consolidation",
    "PipelineStrategy",
    "PublisherSettings",
    "PublishingPath",
    "Unknown",
    "UnknownKind",
    "render_text",
    "strategy",
    "to_data",
]
