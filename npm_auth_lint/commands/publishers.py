"""Publishing: :func:`build_publish` makes the :class:`Publish` of a publish command from its
options and environment (every tool family uses it), and the handlers of the publishing tools
other than the package managers: lerna (and lerna-lite), changesets, semantic-release, np,
release-it and nx release."""

from __future__ import annotations

from npm_auth_lint.commands.dispatch import Context
from npm_auth_lint.commands.results import TOOL_PACKAGE, Classified, Install, Publish, RunsCode, Tool
from npm_auth_lint.commands.words import flag_state, is_dry_run, positional_args, provenance_setting, registry_setting, subcommand
from npm_auth_lint.model import Command

_WORKSPACE_TOOLS = frozenset({Tool.LERNA, Tool.LERNA_LITE, Tool.CHANGESETS, Tool.NX})


def build_publish(
    tool: Tool,
    command: Command,
    args: list[str],
    env: list[tuple[str, str]],
    *,
    recursive: bool = False,
    value_flags: frozenset[str] | None = None,
) -> Publish:
    """A :class:`Publish`; with ``value_flags`` the first positional argument is its ``spec``."""
    spec = None
    if value_flags is not None:
        positionals = positional_args(args, value_flags)
        spec = positionals[0] if positionals else None
    return Publish(
        command=command,
        tool=tool,
        registry=registry_setting(args, env),
        provenance=provenance_setting(args, env),
        recursive=recursive or tool in _WORKSPACE_TOOLS,
        tool_package=TOOL_PACKAGE[tool],
        spec=spec,
    )


def classify_lerna(
    name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context, *, lite: bool = False
) -> list[Classified]:
    """``lerna publish`` (lerna-lite with ``lite``), ``lerna run/exec``, ``lerna bootstrap``."""
    sub, rest, before = subcommand(args, frozenset({"--loglevel", "--concurrency"}))
    tool = Tool.LERNA_LITE if lite or name == "lerna-lite" else Tool.LERNA
    if sub == "publish":
        all_args = before + rest
        if is_dry_run(all_args, env) or flag_state(all_args, "--skip-npm"):
            return []
        return [build_publish(tool, command, all_args, env)]
    if sub in ("run", "exec"):
        return [RunsCode(command=command, what=f"lerna {sub}")]
    if sub == "bootstrap":
        return [Install(command=command, tool="lerna"), RunsCode(command=command, what="lerna bootstrap")]
    return []


def classify_changeset(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``changeset publish``."""
    sub, rest, before = subcommand(args, frozenset({"--otp", "--tag", "--cwd"}))
    if sub == "publish":
        return [build_publish(Tool.CHANGESETS, command, before + rest, env)]
    return []


def classify_semantic_release(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``semantic-release`` publishes unless it is a dry run."""
    if is_dry_run(args, env, short=True):
        return []
    return [build_publish(Tool.SEMANTIC_RELEASE, command, args, env)]


def classify_np(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``np`` publishes unless ``--no-publish``, ``--preview`` or a dry run."""
    if flag_state(args, "--publish") is False or "--preview" in args or is_dry_run(args, env):
        return []
    return [build_publish(Tool.NP, command, args, env)]


def classify_release_it(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``release-it`` publishes unless npm is skipped or it only bumps or writes a changelog."""
    if is_dry_run(args, env, short=True) or "--no-npm" in args or flag_state(args, "--npm.publish") is False:
        return []
    if "--only-version" in args or "--changelog" in args or "--release-version" in args:
        return []
    return [build_publish(Tool.RELEASE_IT, command, args, env)]


def classify_nx(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``nx release`` and ``nx release publish``."""
    sub, rest, _ = subcommand(args, frozenset())
    if sub != "release":
        return []
    release_sub, release_rest, release_before = subcommand(
        rest, frozenset({"-g", "--groups", "-p", "--projects", "--preid", "--specifier", "--registry", "--tag", "--access", "--otp"})
    )
    all_args = release_before + release_rest
    if is_dry_run(all_args, env, short=True):
        return []
    if release_sub == "publish":
        return [build_publish(Tool.NX, command, all_args, env)]
    if release_sub in ("version", "changelog", "plan", "plan:check"):
        return []
    if flag_state(all_args, "--skip-publish"):
        return []
    return [build_publish(Tool.NX, command, all_args, env)]
