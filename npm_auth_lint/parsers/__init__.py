"""File parsers. Each turns one repository file into parts of the model.

A parser is ``parse(workspace, path) -> Parsed``; pipeline parsers may read other files of the
workspace (local actions, reusable workflows, includes) through ``workspace.read``. ``PARSERS``
holds the parser of each kind of linted file; ``AUX_PARSERS`` (by file name) those of the files
that only matter when something refers to them (Node version files, semantic-release
configuration), which the engine parses when they are in the repository.
"""

from __future__ import annotations

from collections.abc import Callable

from npm_auth_lint import yamlio
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import (
    Location,
    NodeVersionFile,
    NpmrcFile,
    NpmrcKind,
    PackageJson,
    ParseError,
    Pipeline,
    Reference,
    ReleaseConfig,
    Text,
)
from npm_auth_lint.parsers import semantic_release
from npm_auth_lint.workspace import Kind, Workspace


@frozen_dataclass
class Parsed:
    """What one parser read from one file, merged into the project."""

    pipelines: tuple[Pipeline, ...] = ()
    npmrcs: tuple[NpmrcFile, ...] = ()
    packages: tuple[PackageJson, ...] = ()
    references: tuple[Reference, ...] = ()
    parse_errors: tuple[ParseError, ...] = ()
    workspace_patterns: tuple[Text, ...] = ()
    version_files: tuple[NodeVersionFile, ...] = ()
    release_configs: tuple[ReleaseConfig, ...] = ()


Parser = Callable[[Workspace, str], Parsed]


def _npmrc(workspace: Workspace, path: str) -> Parsed:
    from npm_auth_lint.parsers.npmrc import parse_npmrc

    return Parsed(npmrcs=(parse_npmrc(path, workspace.read(path)),))


def _yarnrc(workspace: Workspace, path: str) -> Parsed:
    from npm_auth_lint.parsers.npmrc import parse_npmrc

    return Parsed(npmrcs=(parse_npmrc(path, workspace.read(path), NpmrcKind.YARNRC),))


def _yarnrc_yml(workspace: Workspace, path: str) -> Parsed:
    from npm_auth_lint.parsers import yarnrc_yml

    result = yarnrc_yml.parse(path, workspace.read(path))
    if isinstance(result, ParseError):
        return Parsed(parse_errors=(result,))
    return Parsed(npmrcs=(result,))


def _package_json(workspace: Workspace, path: str) -> Parsed:
    """The package, and what setup-node and semantic-release read from the same text (they read
    it their own way, even when it is not a valid package.json)."""
    from npm_auth_lint.parsers import package_json, version_files

    text = workspace.read(path)
    result = package_json.parse(path, text)
    release = semantic_release.parse_package_json(path, text)
    versions = (version_files.parse(path, text),)
    releases = (release,) if release else ()
    if isinstance(result, ParseError):
        return Parsed(version_files=versions, release_configs=releases, parse_errors=(result,))
    return Parsed(version_files=versions, release_configs=releases, packages=(result,))


def _github_workflow(workspace: Workspace, path: str) -> Parsed:
    from npm_auth_lint.parsers import github

    return github.parse(workspace, path)


def _workspace_patterns(workspace: Workspace, path: str) -> Parsed:
    """pnpm-workspace.yaml ``packages:`` and lerna.json ``packages``: globs of workspace packages."""
    from npm_auth_lint.parsers import monorepo

    result = monorepo.parse(path, workspace.read(path))
    if isinstance(result, ParseError):
        return Parsed(parse_errors=(result,))
    return Parsed(workspace_patterns=result)


def _circleci(workspace: Workspace, path: str) -> Parsed:
    from npm_auth_lint.parsers import circleci

    return circleci.parse(workspace, path)


def _gitlab(workspace: Workspace, path: str) -> Parsed:
    from npm_auth_lint.parsers import gitlab

    return gitlab.parse(workspace, path)


def _yaml_only(workspace: Workspace, path: str) -> Parsed:
    """Files read only when something refers to them: here we only check they parse."""
    try:
        data = yamlio.load(workspace.read(path))
    except yamlio.LoadError as exc:
        return Parsed(parse_errors=(ParseError(Location(path, exc.line, exc.column), exc.message),))
    if data is not None and not isinstance(data, dict):
        return Parsed(parse_errors=(ParseError(Location(path, 1, 1), "expected a mapping at the top level"),))
    return Parsed()


PARSERS: dict[Kind, Parser] = {
    Kind.NPMRC: _npmrc,
    Kind.YARNRC: _yarnrc,
    Kind.YARNRC_YML: _yarnrc_yml,
    Kind.PACKAGE_JSON: _package_json,
    Kind.PNPM_WORKSPACE: _workspace_patterns,
    Kind.LERNA_JSON: _workspace_patterns,
    Kind.GITHUB_WORKFLOW: _github_workflow,
    # Local actions are parsed through the workflows that use them; alone they are only
    # checked for syntax (and scanned for leaked tokens).
    Kind.GITHUB_ACTION: _yaml_only,
    Kind.GITLAB_CI: _gitlab,
    Kind.CIRCLECI: _circleci,
}


def _version_file(workspace: Workspace, path: str) -> Parsed:
    from npm_auth_lint.parsers import version_files

    return Parsed(version_files=(version_files.parse(path, workspace.read(path)),))


def _release_rc(workspace: Workspace, path: str) -> Parsed:
    return Parsed(release_configs=(semantic_release.parse_rc_file(path, workspace.read(path)),))


def _release_javascript(workspace: Workspace, path: str) -> Parsed:
    return Parsed(release_configs=(semantic_release.parse_javascript(path, workspace.read(path)),))


VERSION_FILE_NAMES = (".nvmrc", ".node-version", ".tool-versions", "mise.toml", ".mise.toml")

# By file name: the names discovery collects as ``workspace.AUX_NAMES``.
AUX_PARSERS: dict[str, Parser] = {
    **{name: _version_file for name in VERSION_FILE_NAMES},
    **{name: _release_rc for name in semantic_release.RC_FILES},
    **{name: _release_javascript for name in semantic_release.JAVASCRIPT_FILES},
}
