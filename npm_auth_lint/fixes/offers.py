"""The fix each rule offers with its finding, from the facts the rule already holds.

A rule calls one function here (``fix=offers.node_pin(...)``) so that rules stay about what is
wrong; the edits themselves are built in :mod:`npm_auth_lint.fixes.edits`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis.facts import Credential, CredentialChannel, NpmUpgradeFact, PublishFact
from npm_auth_lint.fixes import edits
from npm_auth_lint.fixes.yaml_edits import scalar_text
from npm_auth_lint.model import Fix, Location, Provider

# Node pin sources whose value is written as-is where the pin points (a YAML value or a
# version file's line); matrix values are left alone (raising one leg would duplicate another).
_PLAIN_PIN_SOURCES = ("node-version", "volta-cli/action node-version", "orb node/install", "env ")
_VERSION_FILES = (".nvmrc", ".node-version")


def id_token(files: Mapping[str, str], publish: PublishFact, npm: bool, sigstore: bool) -> Fix | None:
    """Wire the provider's ID token where ``missing-id-token`` points."""
    token = publish.id_token
    if token is None:
        return None
    provider = publish.provider
    if provider is Provider.GITHUB:
        return edits.github_id_token(files, token.anchor)
    if provider is Provider.GITLAB:
        return edits.gitlab_id_tokens(files, token.anchor, npm, sigstore)
    if publish.command is None:
        return None
    # An `export NPM_ID_TOKEN=...` already in the publishing shell: its audience is what is wrong.
    export = next((c for c in publish.step.commands if "NPM_ID_TOKEN=" in c.text and c.location < publish.command.location), None)
    return edits.circleci_export(files, publish.command.location, export.location if export is not None else None)


def id_token_for_migration(files: Mapping[str, str], publish: PublishFact) -> Fix | None:
    """Wire the ID token for a publish that still uses a token (GitHub, GitLab): npm then tries
    OIDC first and falls back to the token, so the release keeps working while the trusted
    publisher is set up; once OIDC is viable the token is a fallback (``oidc-token-fallback``)
    whose removal is the unsafe fix. CircleCI's ID token is read from the publishing shell,
    not a job setting, so it is not offered there."""
    token = publish.id_token
    if token is None or token.granted or publish.provider is Provider.CIRCLECI:
        return None
    return id_token(files, publish, npm=True, sigstore=publish.provenance is True and not token.sigstore)


def node_version(circleci: bool) -> str:
    """The Node pin the checklist names: ``24`` (``24.15`` on CircleCI, whose floor is npm
    11.11.0: a cimg tag needs major.minor), checked against the floors."""
    from npm_auth_lint import toolchain

    wanted = "24.15" if circleci else "24"
    resolved = toolchain.resolve_node_spec(wanted)
    if resolved is None or not toolchain.meets_node_floor(resolved.version):
        return ""
    npm = toolchain.bundled_npm(resolved.version)
    if circleci and (npm is None or not toolchain.meets_npm_floor(npm[0], True)):
        return ""
    return wanted


def node_pin(files: Mapping[str, str], text: str, location: Location, source: str, circleci: bool) -> Fix | None:
    """Raise a Node pin (``node-version``, an image tag, ``.nvmrc``) to the version the
    checklist names."""
    new = node_version(circleci)
    if not new:
        return None
    old = text.strip()
    description = f"raise the Node pin to {new}"
    if source == "image":
        return _image_tag(files, old, location, new, description)
    if source == "volta.node":
        return _volta_pin(files, old, location, circleci)
    if source.startswith("node-version-file "):
        name = source.removeprefix("node-version-file ").rpartition("/")[2]
        if name not in _VERSION_FILES:
            return None
        return edits.replace_text_at(files, location, old, new, description)
    if not source.startswith(_PLAIN_PIN_SOURCES):
        return None
    return edits.replace_text_at(files, location, old, new, description)


def _image_tag(files: Mapping[str, str], image: str, location: Location, new: str, description: str) -> Fix | None:
    from npm_auth_lint import toolchain

    match = re.fullmatch(r"(?P<name>[\w./-]*node):v?(?P<version>\d+(?:\.\d+){0,2})(?P<variant>-[\w.-]+)?", image)
    if match is None:
        return None
    replaced = f"{match['name']}:{new}{match['variant'] or ''}"
    resolved = toolchain.resolve_docker_image(replaced)
    if resolved is None or not toolchain.meets_node_floor(resolved.version):
        return None
    whole = edits.replace_text_at(files, location, image, replaced, description)
    if whole is not None:
        return whole
    # `image: node:$NODE` with `NODE: "18"`: the pin points at the variable holding the tag.
    source = edits.source_of(files, location.path)
    line = source.key_line(location.line) if source is not None and 1 <= location.line <= source.line_count else None
    if line is None or scalar_text(line.value) != match["version"] or match["variant"]:
        return None
    return edits.replace_text_at(files, location, match["version"], new, description)


def _volta_pin(files: Mapping[str, str], old: str, location: Location, circleci: bool) -> Fix | None:
    """``volta.node`` holds an exact version (what ``volta pin node@24`` writes): the newest
    Node 24 release the tool knows."""
    from npm_auth_lint import toolchain

    resolved = toolchain.resolve_node_spec(node_version(circleci).split(".")[0] or "none")
    if resolved is None or not toolchain.meets_node_floor(resolved.version) or not location.path.endswith("package.json"):
        return None
    return edits.replace_text_at(files, location, old, resolved.version, f"pin Node {resolved.version} with Volta")


def npm_upgrade(files: Mapping[str, str], publish: PublishFact, advice: str) -> Fix | None:
    """Add the npm upgrade the checklist names (``npm install -g npm@^11.5.1``) before the
    publish: a step before it on GitHub, a line before it in the same script elsewhere."""
    match = re.search(r"`(npm install -g npm@[^`\s]+)`", advice)
    if match is None:
        return None
    command = match.group(1)
    description = f"add `{command}` before the publish"
    if publish.provider is Provider.GITHUB:
        if publish.step.via:
            return None  # written in a composite action or reusable workflow shared by others
        return edits.github_step_before(files, publish.step.location, command, description)
    if publish.command is None:
        return None
    return edits.line_before_command(files, publish.command.location, command, description)


def npm_upgrade_spec(files: Mapping[str, str], upgrade: NpmUpgradeFact | None, floor: str, node: str | None) -> Fix | None:
    """Point an npm upgrade that installs too old, a broken or an incompatible npm
    (``npm install -g npm@12.0.0``, ``npm@latest`` on Node 20) at ``npm@^<floor>`` — on a Node
    that meets its floor (an older Node is raised by ``outdated-node``'s fix)."""
    from npm_auth_lint import toolchain

    if upgrade is None or upgrade.method in ("volta", "npx") or node is None or not toolchain.meets_node_floor(node):
        return None
    return edits.replace_text_at(files, upgrade.location, f"npm@{upgrade.spec}", f"npm@^{floor}", f"install npm ^{floor}")


def remove_credential(files: Mapping[str, str], credential: Credential) -> Fix | None:
    """Remove a fallback token from the publishing job (unsafe: the release then depends on
    OIDC alone). Only a line that is nothing but the credential: an ``env:`` key, an action
    input, a committed npmrc line."""
    where = credential.location
    if credential.channel is CredentialChannel.NPMRC and where.path.rpartition("/")[2] == ".npmrc":
        key = _npmrc_key(files, where)
        return edits.remove_key_line(files, where, key, "remove the fallback token from the npmrc", unsafe=True) if key else None
    if credential.channel not in (CredentialChannel.ENVIRONMENT, CredentialChannel.JOB_ENV, CredentialChannel.ACTION_INPUT):
        return None
    source = edits.source_of(files, where.path)
    line = source.key_line(where.line) if source is not None and 1 <= where.line <= source.line_count else None
    if line is None:
        return None
    return edits.remove_key_line(files, where, line.key, f"remove `{line.key}` (the fallback token) from the publishing job", unsafe=True)


def _npmrc_key(files: Mapping[str, str], where: Location) -> str | None:
    source = edits.source_of(files, where.path)
    if source is None or not 1 <= where.line <= source.line_count:
        return None
    line = source.line(where.line).strip()
    return line.partition("=")[0].strip() if "_authToken" in line.partition("=")[0] else None


def hosted_runner(files: Mapping[str, str], where: Location) -> Fix | None:
    """Move a GitHub job from a self-hosted runner to ``ubuntu-latest`` (unsafe: the job then
    runs elsewhere)."""
    return edits.replace_value_block(files, where, "runs-on", "ubuntu-latest", "run the publishing job on `ubuntu-latest`", unsafe=True)


# `echo "always-auth=true" >> .npmrc` (or printf, quoted or not): a command that writes only that.
_ALWAYS_AUTH_WRITE = lazy_regex.compile(r"""(?:echo|printf)\s+(["']?)always-auth\s*=\s*true(?:\\n)?\1\s*>>?\s*\S+""")


def always_auth_write(files: Mapping[str, str], where: Location) -> Fix | None:
    """Delete a script line that only appends ``always-auth=true`` to an npmrc."""
    return edits.remove_script_line(files, where, _ALWAYS_AUTH_WRITE, "delete the command that writes `always-auth`")


def always_auth(files: Mapping[str, str], where: Location, key: str) -> Fix | None:
    """Delete an ``always-auth`` setup-node input or npmrc line."""
    return edits.remove_key_line(files, where, key, f"delete `{key}`")


def renamed_input(files: Mapping[str, str], key_at: Location, old: str, new: str) -> Fix | None:
    """Rename an action input a later major renamed (changesets/action v2: `publish` ->
    `publish-script`): the key alone, its value and comment unchanged."""
    return edits.rename_key(files, key_at, old, new, f"rename `{old}` to `{new}`")
