"""Which registry credential a step authenticates with, following npm's configuration layers.

npm reads credentials from (highest first) ``npm_config_*`` environment variables, the project
``.npmrc``, then the user config — which ``actions/setup-node`` replaces with its own npmrc
(``NPM_CONFIG_USERCONFIG``) holding ``//host/:_authToken=${NODE_AUTH_TOKEN}``. A ``${VAR}`` in an
npmrc is expanded from the environment of the process, so the credential is whatever the
step's environment puts in that variable.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis.facts import Credential, CredentialChannel
from npm_auth_lint.analysis.registry_urls import nerf_dart, scope_matches
from npm_auth_lint.credential_sources import JOB_TOKENS, SETUP_NODE_PLACEHOLDER, classify_value
from npm_auth_lint.envref import env_references
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import EnvScope, EnvVar, Location, Provider, ValueSource, ValueSourceKind

AUTH_KEYS = frozenset({"_authToken", "_auth", "_password"})
_SECRET_IN_TEXT = lazy_regex.compile(r"\$\{\{\s*secrets\.([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}")
_SHELL_REF = lazy_regex.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))")
_ENV_AUTH = lazy_regex.compile(r"^npm_config_(?:(//.+):)?_?auth(?:token)?$", re.I)
_WRITTEN_REF = lazy_regex.compile(r"\$(?:env:)?\{?([A-Za-z_][A-Za-z0-9_]*)")
_HEREDOC = lazy_regex.compile(r"<<-?\s*(\\?)(['\"]?)[A-Za-z_][A-Za-z0-9_]*\2")


@frozen_dataclass
class AuthLine:
    """One credential setting that may apply to a registry."""

    scope: str | None  # `//host/path/`; None for an unscoped key
    key: str
    value: str  # as written: "${NODE_AUTH_TOKEN}", a literal, "${{ secrets.X }}"
    location: Location
    via: str  # "setup-node registry-url", ".npmrc line 3", "npmrc written at line 12"
    # What the line already holds when a CI script wrote it with the shell expanding `$VAR`
    # (`echo "...:_authToken=$NPM_TOKEN" > ~/.npmrc`): the token itself, whatever the reading
    # step's environment. None when npm expands `${VAR}` itself as it reads the file.
    written: Credential | None = None


@frozen_dataclass
class NpmrcLayer:
    """The auth lines of one npmrc in effect (project or user level)."""

    level: str  # "project" or "user"
    lines: tuple[AuthLine, ...]


def lines_for(layer: NpmrcLayer, registry: str) -> list[AuthLine]:
    """The auth lines of ``layer`` that npm would use for ``registry`` (longest scope wins)."""
    scoped = [line for line in layer.lines if line.scope and scope_matches(line.scope, registry)]
    if scoped:
        longest = max(len(line.scope or "") for line in scoped)
        return [line for line in scoped if len(line.scope or "") == longest]
    return [line for line in layer.lines if line.scope is None]


def value_credential(
    value: str,
    where: Location,
    via: str,
    env: Mapping[str, EnvVar],
    provider: Provider,
    channel: CredentialChannel,
) -> Credential | None:
    """What an npmrc-style value (``${VAR}``, ``$VAR``, ``${{ secrets.X }}`` or a literal) holds.

    ``channel`` is how the value reaches the tool; a value read through an environment
    variable reaches it through the environment."""
    text = value.strip().strip("\"'")
    if not text:
        return None
    secret = _SECRET_IN_TEXT.search(text)
    if secret:
        name = secret.group(1)
        kind = ValueSourceKind.JOB_TOKEN if name == "GITHUB_TOKEN" else ValueSourceKind.SECRET
        return Credential(ValueSource(kind, name), where, via, channel)
    names = env_references(text) or tuple(m.group(1) or m.group(2) for m in _SHELL_REF.finditer(text))
    if not names:
        source = classify_value(text, provider)
        if text == SETUP_NODE_PLACEHOLDER:
            source = ValueSource(ValueSourceKind.PLACEHOLDER)
        return Credential(source, where, via, channel)
    name = names[0]
    variable = env.get(name)
    if variable is not None:
        return Credential(variable.source, variable.location, f"{name} ({via})", CredentialChannel.ENVIRONMENT, variable=name, scope=variable.scope)
    if name in JOB_TOKENS:
        return Credential(ValueSource(ValueSourceKind.JOB_TOKEN, name), where, via, channel, variable=name)
    if provider is Provider.GITHUB:
        # On GitHub nothing is in the environment unless the workflow puts it there.
        return None
    # GitLab and CircleCI put project/group variables and contexts in every job's environment.
    return Credential(
        ValueSource(ValueSourceKind.VARIABLE, name), where, f"{name} ({via})", CredentialChannel.ENVIRONMENT, variable=name, defined_in_file=False
    )


def npm_credential(
    registry: str,
    env: Mapping[str, EnvVar],
    layers: list[NpmrcLayer],
    provider: Provider,
) -> Credential | None:
    """The credential npm (and pnpm, lerna, ...) would send to ``registry``, if any."""
    for name, variable in env.items():
        match = _ENV_AUTH.match(name)
        if match and (match.group(1) is None or scope_matches(match.group(1), registry)):
            return Credential(
                variable.source, variable.location, f"{name} (npm reads npm_config_* variables)", CredentialChannel.ENVIRONMENT,
                variable=name, scope=variable.scope,
            )
    for level in ("project", "user"):
        for layer in (layer for layer in reversed(layers) if layer.level == level):
            matching = [line for line in lines_for(layer, registry) if line.key in AUTH_KEYS]
            if matching:
                return line_credential(matching[0], env, provider)
    return None


def line_credential(line: AuthLine, env: Mapping[str, EnvVar], provider: Provider) -> Credential | None:
    """What an npmrc auth line holds for a step with environment ``env``."""
    if line.written is not None:
        return line.written
    return value_credential(line.value, line.location, line.via, env, provider, CredentialChannel.NPMRC)


def expanded_when_written(command_text: str, value: str) -> bool:
    """Whether the shell substitutes the ``$VAR`` of ``value`` as the command writes it.

    Unquoted and double-quoted ``$VAR`` and unquoted heredoc bodies are expanded on the spot;
    single quotes and a quoted heredoc delimiter (``<<'EOF'``) keep ``${VAR}`` for npm to
    expand when it reads the file.
    """
    names = _WRITTEN_REF.findall(value)
    if not names:
        return False
    heredoc = _HEREDOC.search(command_text)
    if heredoc:
        return not (heredoc.group(1) or heredoc.group(2))
    reference = re.compile(r"\$(?:env:)?\{?" + re.escape(names[0]) + r"\b")
    single = double = False
    for index, char in enumerate(command_text):
        if char == "'" and not double:
            single = not single
        elif char == '"' and not single:
            double = not double
        elif char == "$" and not single and reference.match(command_text, index):
            return True
    return False


def env_credential(name: str, env: Mapping[str, EnvVar], via: str) -> Credential | None:
    """A credential a tool reads straight from an environment variable (``NPM_TOKEN``)."""
    variable = env.get(name)
    if variable is None:
        return None
    return Credential(variable.source, variable.location, f"{name} ({via})", CredentialChannel.ENVIRONMENT, variable=name, scope=variable.scope)


def setup_node_layer(registry_url: str, location: Location) -> NpmrcLayer:
    """The user npmrc ``actions/setup-node`` writes for ``registry-url``."""
    scope = nerf_dart(registry_url)
    return NpmrcLayer(
        "user",
        (AuthLine(scope, "_authToken", "${NODE_AUTH_TOKEN}", location, "setup-node registry-url"),),
    )


def long_lived(credential: Credential | None) -> Credential | None:
    return credential if credential is not None and credential.is_long_lived else None


def runtime_var(name: str, value: str, location: Location, provider: Provider, env: Mapping[str, EnvVar]) -> EnvVar:
    """An environment variable exported at run time (``>> $GITHUB_ENV``), its source resolved."""
    source = classify_value(value, provider)
    refs = env_references(value) or tuple(m.group(1) or m.group(2) for m in _SHELL_REF.finditer(value))
    if source.kind in (ValueSourceKind.EXPRESSION, ValueSourceKind.VARIABLE) and refs and refs[0] in env:
        source = env[refs[0]].source
    secret = _SECRET_IN_TEXT.search(value)
    if secret:
        source = ValueSource(ValueSourceKind.SECRET, secret.group(1))
    return EnvVar(name=name, value=value, location=location, scope=EnvScope.RUNTIME, source=source)
