"""The package managers' commands: ``npm``, ``pnpm``, ``yarn`` (Yarn 1 and Berry) and ``bun`` —
install, publish, login, run/test/start, exec/dlx, config set, global installs of npm, pnpm or
Yarn, and ``pnpm X``/``yarn X``/``bun X`` as a script or binary — and the non-interactive login
tools (``npm-cli-login``, ``npm-login-noninteractive``)."""

from __future__ import annotations

from dataclasses import replace

from npm_auth_lint.commands.dispatch import Context
from npm_auth_lint.commands.nested import run_binary, run_exec, run_script, run_script_or_binary
from npm_auth_lint.commands.publishers import build_publish
from npm_auth_lint.commands.results import Classified, Install, Login, NpmUpgrade, PackageManagerInstall, Publish, RunsCode, Tool
from npm_auth_lint.commands.words import (
    flag_state,
    is_dry_run,
    is_global,
    option_value,
    positional_args,
    split_package_spec,
    subcommand,
)
from npm_auth_lint.commands.wrappers import command_in_packages, scripts_in_packages
from npm_auth_lint.commands.writes import config_set
from npm_auth_lint.model import Command

# npm.

_NPM_VALUE_FLAGS = frozenset(
    {
        "--prefix", "-w", "--workspace", "--registry", "--tag", "--access", "--otp", "--userconfig",
        "--globalconfig", "--cache", "--loglevel", "--location", "--auth-type", "--scope", "--before",
        "--omit", "--include", "--install-strategy", "--script-shell",
    }
)  # fmt: skip
_NPM_INSTALL = frozenset({"install", "i", "in", "ins", "inst", "insta", "instal", "isnt", "isnta", "isntal", "isntall", "add"})
_NPM_CI = frozenset({"ci", "clean-install", "ic", "install-clean", "isntall-clean"})
_NPM_INSTALL_TEST = frozenset({"install-ci-test", "cit", "clean-install-test", "sit", "install-test", "it"})
_NPM_RUN = frozenset({"run", "run-script", "rum", "urn"})
_NPM_TEST = frozenset({"test", "t", "tst"})
_NPM_LIFECYCLE = {"start": "start", "stop": "stop", "restart": "restart"}
_NPM_LOGIN = frozenset({"login", "adduser", "add-user", "logon"})


def classify_npm(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``npm ...``: install/ci, publish, login, run/test/start, exec, config set."""
    sub, rest, before = subcommand(args, _NPM_VALUE_FLAGS)
    if sub is None:
        return []
    all_args = before + rest
    if sub in _NPM_INSTALL:
        if is_global(all_args):
            return _global_installs("npm", "npm-install-global", positional_args(rest, _NPM_VALUE_FLAGS), command)
        return [Install(command=command, tool="npm"), RunsCode(command=command, what="npm install")]
    if sub in _NPM_CI or sub in _NPM_INSTALL_TEST:
        results: list[Classified] = [Install(command=command, tool="npm"), RunsCode(command=command, what=f"npm {sub}")]
        if sub in _NPM_INSTALL_TEST:
            results += run_script("test", command, ctx) or []
        return results
    if sub == "publish":
        if is_dry_run(all_args, env):
            return []
        recursive = bool(flag_state(all_args, "--workspaces", "-ws", "--ws"))
        publish = build_publish(Tool.NPM, command, all_args, env, recursive=recursive, value_flags=_NPM_VALUE_FLAGS)
        return [replace(publish, workspace=option_value(all_args, "--workspace", "-w"))]
    if sub == "stage" and rest[:1] == ["publish"]:
        return _npm_stage_publish(rest[1:], before, env, command)
    if sub in _NPM_LOGIN:
        return [_login("npm", command, all_args)]
    if sub in _NPM_RUN:
        positionals = positional_args(rest, _NPM_VALUE_FLAGS)
        if not positionals:
            return []
        results = [RunsCode(command=command, what=f"npm run {positionals[0]}")]
        selectors = _npm_workspaces(all_args)
        if selectors is not None:  # `npm run X -ws` / `-w pkg`: the script of each workspace
            return results + scripts_in_packages(positionals[:1], positionals[1:], command, ctx, "npm run --workspaces", selectors)
        return results + (run_script(positionals[0], command, ctx, positionals[1:]) or [])
    if sub in _NPM_TEST or sub in _NPM_LIFECYCLE:
        script = "test" if sub in _NPM_TEST else sub
        return [RunsCode(command=command, what=f"npm {script}")] + (run_script(script, command, ctx) or [])
    if sub in ("exec", "x"):
        found = run_exec(rest, before, env, command, ctx, "npm")
        if _npm_workspaces(all_args) == []:  # `npm exec -ws -- cmd`: in every workspace
            found = [replace(r, recursive=True) if isinstance(r, Publish) and r.workspace is None else r for r in found]
        return [RunsCode(command=command, what="npm exec")] + found
    if sub in ("init", "create", "innit", "rebuild", "rb"):
        return [RunsCode(command=command, what=f"npm {sub}")]
    if sub in ("config", "c") and rest[:1] == ["set"]:
        return config_set("npm", rest[1:], before, command)
    if sub == "set":
        return config_set("npm", rest, before, command)
    return []


def _npm_workspaces(args: list[str]) -> list[str] | None:
    """``--workspaces``/``-ws``: ``[]`` (every workspace); ``-w X``: the selected; else ``None``."""
    if flag_state(args, "--workspaces", "-ws", "--ws"):
        return []
    selected = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in ("-w", "--workspace")]
    selected += [arg.split("=", 1)[1] for arg in args if arg.startswith("--workspace=")]
    return selected or None


def _npm_stage_publish(rest: list[str], before: list[str], env: list[tuple[str, str]], command: Command) -> list[Classified]:
    """``npm stage publish``: a publish to the staging queue (npm >= 11.15.0; the trusted
    publisher's allowed actions must include "npm stage publish")."""
    args = before + rest
    if is_dry_run(args, env):
        return []
    publish = build_publish(Tool.NPM, command, args, env, value_flags=_NPM_VALUE_FLAGS)
    return [replace(publish, stage=True, workspace=option_value(args, "--workspace", "-w"))]


# pnpm.

_PNPM_VALUE_FLAGS = frozenset(
    {"-C", "--dir", "--filter", "-F", "--filter-prod", "--reporter", "--loglevel", "--registry", "--tag",
     "--access", "--otp", "--publish-branch", "--workspace-concurrency", "--package", "--test-pattern",
     "--changed-files-ignore-pattern", "--report-summary-path"}
)  # fmt: skip
_PNPM_BUILTINS = frozenset(
    ["install", "i", "add", "update", "up", "upgrade", "remove", "rm", "uninstall", "un", "link", "ln", "unlink", "import", "rebuild", "rb", "prune", "fetch", "install-test", "it", "patch", "patch-commit", "patch-remove", "audit", "list", "ls", "outdated", "why", "licenses", "run", "run-script", "test", "t", "exec", "dlx", "create", "start", "publish", "pack", "recursive", "m", "multi", "server", "store", "root", "bin", "setup", "init", "deploy", "doctor", "config", "c", "get", "set", "env", "self-update", "cat-file", "cat-index", "find-hash", "approve-builds", "ignored-builds", "login", "logout", "whoami", "version", "view", "info", "dist-tag", "owner", "search", "star", "stars", "unpublish", "deprecate", "docs", "bugs", "repo", "ping", "team", "token", "access", "adduser", "help", "completion", "sbom", "runtime", "stop", "restart"]
)


def classify_pnpm(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``pnpm ...``: install, publish (``-r``/``recursive``), login, run, exec/dlx, config set, ``pnpm X``."""
    sub, rest, before = subcommand(args, _PNPM_VALUE_FLAGS)
    recursive = bool(flag_state(before, "--recursive", "-r"))
    while sub in ("recursive", "m", "multi"):
        recursive = True
        sub, rest, more = subcommand(rest, _PNPM_VALUE_FLAGS)
        before = before + more
    if sub is None:
        return []  # bare `pnpm` prints help
    all_args = before + rest
    if sub in ("install", "i", "install-test", "it", "add"):
        if sub == "add" and is_global(all_args):
            return _global_installs("pnpm", "pnpm-add-global", positional_args(rest, _PNPM_VALUE_FLAGS), command)
        results: list[Classified] = [Install(command=command, tool="pnpm"), RunsCode(command=command, what=f"pnpm {sub}")]
        if sub in ("install-test", "it"):
            results += run_script("test", command, ctx) or []
        return results
    if sub == "publish":
        if is_dry_run(all_args, env):
            return []
        recursive = recursive or bool(flag_state(rest, "--recursive", "-r"))
        publish = build_publish(Tool.PNPM, command, all_args, env, recursive=recursive, value_flags=_PNPM_VALUE_FLAGS)
        return [replace(publish, workspace=option_value(all_args, "--filter", "-F"))]
    if sub in ("login", "adduser"):
        return [_login("pnpm", command, all_args)]
    filters = _pnpm_filters(all_args)
    if sub in ("run", "run-script"):
        positionals = positional_args(rest, _PNPM_VALUE_FLAGS)
        if not positionals:
            return []
        after = rest[rest.index(positionals[0]) + 1 :] if positionals[0] in rest else []
        # `pnpm run -r X`: pnpm reads `-r` after `run` too (before the script name).
        recursive = recursive or bool(flag_state(rest[: rest.index(positionals[0])] if positionals[0] in rest else [], "--recursive", "-r"))
        if recursive or filters:  # `pnpm -r run X` / `pnpm --filter F run X`: in each package
            return [RunsCode(command=command, what=f"pnpm run {positionals[0]}")] + scripts_in_packages(
                positionals[:1], after, command, ctx, "pnpm -r run" if recursive else "pnpm --filter run", filters
            )
        return [RunsCode(command=command, what=f"pnpm run {positionals[0]}")] + (
            run_script(positionals[0], command, ctx, after) or []
        )
    if sub in ("test", "t", "start", "stop", "restart"):
        script = "test" if sub in ("test", "t") else sub
        return [RunsCode(command=command, what=f"pnpm {script}")] + (run_script(script, command, ctx) or [])
    if sub == "exec":
        if recursive or filters:  # `pnpm -r exec cmd` / `pnpm --filter F exec cmd`: in each package
            label = "pnpm -r exec" if recursive else "pnpm --filter exec"
            return [RunsCode(command=command, what="pnpm exec")] + command_in_packages(rest, env, command, ctx, label, filters)
        return [RunsCode(command=command, what="pnpm exec")] + run_binary(rest, env, command, ctx, packages=())
    if sub == "dlx":
        return [RunsCode(command=command, what="pnpm dlx")] + run_exec(rest, [], env, command, ctx, "pnpm")
    if sub in ("create", "rebuild", "rb"):
        return [RunsCode(command=command, what=f"pnpm {sub}")]
    if sub in ("config", "c") and rest[:1] == ["set"]:
        return config_set("pnpm", rest[1:], before, command)
    if sub == "set":
        return config_set("pnpm", rest, before, command)
    if sub in _PNPM_BUILTINS:
        return []
    results = [RunsCode(command=command, what=f"pnpm {sub}")]
    found = run_script_or_binary([sub, *rest], env, command, ctx)
    if recursive:
        found = [replace(r, recursive=True) if isinstance(r, Publish) else r for r in found]
    return results + found


def _pnpm_filters(args: list[str]) -> list[str]:
    """The ``--filter``/``-F`` selectors, as written."""
    found = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in ("--filter", "-F", "--filter-prod")]
    return found + [arg.split("=", 1)[1] for arg in args if arg.startswith(("--filter=", "--filter-prod="))]


# Yarn.

_YARN_VALUE_FLAGS = frozenset(
    {"--cwd", "--registry", "--tag", "--access", "--otp", "--new-version", "--network-timeout", "--mutex",
     "--cache-folder", "--modules-folder", "--global-folder", "--link-folder", "--use-yarnrc", "--preid"}
)  # fmt: skip
_YARN_BUILTINS = frozenset(
    ["add", "audit", "autoclean", "bin", "cache", "check", "config", "create", "dedupe", "dlx", "exec", "explain", "generate-lock-entry", "global", "help", "import", "info", "init", "install", "licenses", "link", "list", "login", "logout", "node", "npm", "outdated", "owner", "pack", "patch", "patch-commit", "plugin", "policies", "publish", "rebuild", "remove", "run", "search", "set", "stage", "tag", "team", "test", "unlink", "unplug", "up", "upgrade", "upgrade-interactive", "version", "versions", "why", "workspace", "workspaces", "constraints", "sdks", "start"]
)
_YARN_FOREACH_VALUE_FLAGS = frozenset({"--from", "--include", "--exclude", "-j", "--jobs", "--since"})


def classify_yarn(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``yarn ...`` (1 and Berry): install, ``publish``/``npm publish``, login, run, dlx/exec,
    ``workspaces foreach``, config set, ``yarn X``."""
    sub, rest, before = subcommand(args, _YARN_VALUE_FLAGS)
    if sub is None:
        if any(arg in ("--version", "-v", "--help", "-h") for arg in args):
            return []
        return [Install(command=command, tool="yarn"), RunsCode(command=command, what="yarn install")]
    all_args = before + rest
    if sub in ("install", "add"):
        return [Install(command=command, tool="yarn"), RunsCode(command=command, what=f"yarn {sub}")]
    if sub == "global":
        if rest[:1] == ["add"]:
            return _global_installs("yarn", "yarn-global", positional_args(rest[1:], _YARN_VALUE_FLAGS), command)
        return []
    if sub == "publish":
        return [] if is_dry_run(all_args, env) else [build_publish(Tool.YARN_CLASSIC, command, all_args, env, value_flags=_YARN_VALUE_FLAGS)]
    if sub == "npm":
        npm_sub, npm_rest, npm_before = subcommand(rest, _YARN_VALUE_FLAGS)
        npm_args = before + npm_before + npm_rest
        if npm_sub == "publish":
            return [] if is_dry_run(npm_args, env) else [build_publish(Tool.YARN_BERRY, command, npm_args, env)]
        if npm_sub == "login":
            return [_login("yarn-berry", command, npm_args)]
        return []
    if sub == "login":
        return [_login("yarn", command, all_args)]
    if sub == "run":
        positionals = positional_args(rest, _YARN_VALUE_FLAGS)
        if not positionals:
            return []
        index = rest.index(positionals[0])
        return [RunsCode(command=command, what=f"yarn run {positionals[0]}")] + run_script_or_binary(rest[index:], env, command, ctx
        )
    if sub in ("test", "start"):
        return [RunsCode(command=command, what=f"yarn {sub}")] + (run_script(sub, command, ctx) or [])
    if sub in ("dlx",):
        return [RunsCode(command=command, what="yarn dlx")] + run_exec(rest, [], env, command, ctx, "yarn")
    if sub == "exec":
        return [RunsCode(command=command, what="yarn exec")] + run_binary(rest, env, command, ctx, packages=())
    if sub in ("node", "create"):
        return [RunsCode(command=command, what=f"yarn {sub}")]
    if sub == "workspaces" and rest[:1] == ["foreach"]:
        inner_sub, inner_rest, options = subcommand(rest[1:], _YARN_FOREACH_VALUE_FLAGS)
        if inner_sub is None:
            return []
        selectors = [v for i, v in enumerate(options[1:]) if options[i] in ("--include", "--from")]
        if inner_sub == "run" and inner_rest:  # the script of each workspace that has it
            return [RunsCode(command=command, what="yarn workspaces foreach")] + scripts_in_packages(
                inner_rest[:1], inner_rest[1:], command, ctx, "yarn workspaces foreach run", selectors
            )
        if inner_sub == "exec":
            return [RunsCode(command=command, what="yarn workspaces foreach")] + command_in_packages(
                inner_rest, env, command, ctx, "yarn workspaces foreach exec", selectors
            )
        found = classify_yarn(name, [inner_sub, *inner_rest], env, command, ctx)
        return [replace(r, recursive=True) if isinstance(r, Publish) else r for r in found]
    if sub == "workspaces" and rest[:1] == ["run"]:
        return [RunsCode(command=command, what="yarn workspaces run")] + (
            run_script(rest[1], command, ctx) or [] if len(rest) > 1 else []
        )
    if sub == "workspace":
        # `yarn workspace <name> <command>`: what it publishes is that workspace's package.
        found = classify_yarn(name, rest[1:], env, command, ctx) if len(rest) > 1 else []
        return [replace(r, workspace=r.workspace or rest[0]) if isinstance(r, Publish) else r for r in found]
    if sub == "config" and rest[:1] == ["set"]:
        return config_set("yarn", rest[1:], before, command)
    if sub in _YARN_BUILTINS:
        return []
    return [RunsCode(command=command, what=f"yarn {sub}")] + run_script_or_binary([sub, *rest], env, command, ctx)


# Bun.

_BUN_VALUE_FLAGS = frozenset({"--cwd", "--filter", "-F", "-c", "--config", "--tag", "--access", "--otp", "--auth-type", "--registry"})
_BUN_BUILTINS = frozenset(
    ["run", "test", "x", "repl", "exec", "install", "i", "add", "a", "remove", "rm", "update", "outdated", "link", "unlink", "pm", "build", "init", "create", "c", "upgrade", "publish", "patch", "audit", "info", "why"]
)


def classify_bun(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``bun ...``: install/add, publish, run, ``bun x``, ``bun X``."""
    sub, rest, before = subcommand(args, _BUN_VALUE_FLAGS)
    if sub is None:
        return []
    all_args = before + rest
    if sub in ("install", "i", "add", "a"):
        if is_global(all_args):
            return _global_installs("bun", "bun-add-global", positional_args(rest, _BUN_VALUE_FLAGS), command)
        return [Install(command=command, tool="bun"), RunsCode(command=command, what=f"bun {sub}")]
    if sub == "publish":
        return [] if is_dry_run(all_args, env) else [build_publish(Tool.BUN, command, all_args, env)]
    if sub == "run":
        positionals = positional_args(rest, _BUN_VALUE_FLAGS)
        if not positionals:
            return []
        index = rest.index(positionals[0])
        return [RunsCode(command=command, what=f"bun run {positionals[0]}")] + run_script_or_binary(rest[index:], env, command, ctx
        )
    if sub in ("test", "create", "c", "exec", "build"):
        return [RunsCode(command=command, what=f"bun {sub}")]
    if sub == "x":
        return [RunsCode(command=command, what="bunx")] + run_exec(rest, [], env, command, ctx, "bun")
    if sub in _BUN_BUILTINS:
        return []
    return [RunsCode(command=command, what=f"bun {sub}")] + run_script_or_binary([sub, *rest], env, command, ctx)


# Shared by the package managers: logins and global installs.

def _login(tool: str, command: Command, args: list[str]) -> Login:
    fed = bool(command.piped_from) or any(op in ("<<", "<<-", "<<<", "<") for op, _ in command.redirects)
    return Login(command=command, tool=tool, registry=option_value(args, "--registry"), stdin=fed)


def classify_login_tool(name: str, args: list[str], env: list[tuple[str, str]], command: Command, ctx: Context) -> list[Classified]:
    """``npm-cli-login`` / ``npm-login-noninteractive``: a login."""
    return [_login(name, command, args)]


def _global_installs(
    manager: str, method: str, specs: list[str], command: Command
) -> list[Classified]:
    results: list[Classified] = []
    runs_other = False
    for spec in specs:
        name, version = split_package_spec(spec)
        if name == "npm":
            # npm reads a bare `npm` as the range `*` and picks by engines (a Node 20 gets npm 11,
            # not the `latest` npm 12 it would refuse); pnpm and Yarn take the `latest` tag.
            bare = "" if method == "npm-install-global" else "latest"
            results.append(NpmUpgrade(command=command, spec=version or bare, method=method))
        elif name in ("pnpm", "yarn", "@pnpm/exe"):
            tool = "yarn" if name == "yarn" else "pnpm"
            results.append(PackageManagerInstall(command=command, tool=tool, spec=version or "latest", method=method))
        else:
            runs_other = True
    if runs_other:
        results.append(RunsCode(command=command, what=f"{manager} global install"))
    return results
