"""Trusted-publishing support of publishers: which publisher does npm's OIDC exchange from which
version (reference/npm-facts.md §4). The table is :data:`npm_auth_lint.knowledge.publishing.PUBLISHERS`;
this module keeps the name the classifiers and their callers import."""

from __future__ import annotations

from npm_auth_lint.knowledge.publishing import PUBLISHERS as OIDC_PUBLISHER_SUPPORT
from npm_auth_lint.knowledge.publishing import OidcSupport, PublisherKind

__all__ = ["OIDC_PUBLISHER_SUPPORT", "OidcSupport", "PublisherKind"]
