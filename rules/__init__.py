"""The built-in rules, registered explicitly (one module per rule, named after its id)."""

from __future__ import annotations

from npm_auth_lint.rules.hardcoded_npm_token import HardcodedNpmToken
from npm_auth_lint.rules.legacy_npm_login import LegacyNpmLogin
from npm_auth_lint.rules.legacy_npmrc_auth import LegacyNpmrcAuth
from npm_auth_lint.rules.missing_id_token import MissingIdToken
from npm_auth_lint.rules.multiple_publishing_pipelines import MultiplePublishingPipelines
from npm_auth_lint.rules.oidc_blocker import OidcBlocker
from npm_auth_lint.rules.oidc_token_fallback import OidcTokenFallback
from npm_auth_lint.rules.outdated_node import OutdatedNode
from npm_auth_lint.rules.outdated_npm import OutdatedNpm
from npm_auth_lint.rules.parse_error import ParseErrorRule
from npm_auth_lint.rules.provenance_repository_mismatch import ProvenanceRepositoryMismatch
from npm_auth_lint.rules.publish_token_exposed import PublishTokenExposed
from npm_auth_lint.rules.shared_publish_install_token import SharedPublishInstallToken
from npm_auth_lint.rules.token_written_to_npmrc import TokenWrittenToNpmrc
from npm_auth_lint.rules.unresolved_reference import UnresolvedReference
from npm_auth_lint.rules.unresolved_toolchain import UnresolvedToolchain
from npm_auth_lint.rules.unused_suppression import UnusedSuppression
from npm_auth_lint.rules.use_trusted_publishing import UseTrustedPublishing

from npm_auth_lint.rule import Rule

ALL_RULES: tuple[type[Rule], ...] = tuple(
    sorted(
        (
            HardcodedNpmToken,
            LegacyNpmLogin,
            LegacyNpmrcAuth,
            MissingIdToken,
            MultiplePublishingPipelines,
            OidcBlocker,
            OidcTokenFallback,
            OutdatedNode,
            OutdatedNpm,
            ParseErrorRule,
            ProvenanceRepositoryMismatch,
            PublishTokenExposed,
            SharedPublishInstallToken,
            TokenWrittenToNpmrc,
            UnresolvedReference,
            UnresolvedToolchain,
            UnusedSuppression,
            UseTrustedPublishing,
        ),
        key=lambda rule: rule.id,
    )
)
