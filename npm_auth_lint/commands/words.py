"""Reading a command's words (argv): the program name, wrappers in front of it (``sudo``, ``env``,
``cross-env``, ``xargs``...), and the subcommand/option/flag helpers every tool family shares."""

from __future__ import annotations

import re
from collections.abc import Callable

from npm_auth_lint import lazy_regex

_WINDOWS_EXTENSIONS = (".cmd", ".exe", ".ps1", ".bat")  # four characters each


def basename(word: str) -> str:
    """The program name of ``word``: its last path part without a Windows extension (``.cmd``...)."""
    name = word.rpartition("/")[2].rpartition("\\")[2]  # after the last `/` or `\\`
    return name[:-4] if name.lower().endswith(_WINDOWS_EXTENSIONS) else name


ASSIGNMENT_WORD = lazy_regex.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


def strip_wrappers(words: list[str], env: list[tuple[str, str]]) -> tuple[list[str], list[tuple[str, str]]]:
    """Drop ``sudo``/``env``/``time``/``cross-env``... in front of the real command; the
    variables a wrapper sets (``env X=1``, ``cross-env X=1``) are appended to ``env``."""
    for _ in range(16):
        if not words:
            break
        name = basename(words[0])
        strip = _WRAPPERS.get(name)
        if strip is not None:
            words = strip(words, env)
        elif name == "corepack" and len(words) > 1 and basename(words[1]) in ("npm", "pnpm", "yarn", "npx", "pnpx"):
            words = words[1:]
        else:
            break
    return words, env


def _skip_options(words: list[str], value_options: frozenset[str] = frozenset()) -> list[str]:
    """The words after the wrapper and its options (``value_options`` take the next word)."""
    i = 1
    while i < len(words) and words[i].startswith("-"):
        i += 2 if words[i] in value_options else 1
    return words[i:]


def _options_wrapper(value_options: frozenset[str]) -> Callable[[list[str], list[tuple[str, str]]], list[str]]:
    """A wrapper that takes options, then the command."""
    return lambda words, env: _skip_options(words, value_options)


def _after_env(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    i = 1
    while i < len(words):
        word = words[i]
        if word in ("-u", "--unset", "-C", "--chdir", "-S"):
            i += 2
        elif word.startswith("-"):
            i += 1
        elif (match := ASSIGNMENT_WORD.match(word)) is not None:
            env.append((match.group(1), match.group(2)))
            i += 1
        else:
            break
    return words[i:]


def _after_cross_env(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    i = 1
    while i < len(words) and (match := ASSIGNMENT_WORD.match(words[i])) is not None:
        env.append((match.group(1), match.group(2)))
        i += 1
    return words[i:]


# GNU/BSD xargs options that take the next word as their value (`-i`, `-l`, `-e` only attach it).
_XARGS_VALUE_OPTIONS = frozenset({"-I", "-L", "-n", "-P", "-s", "-d", "-E", "-a", "-J", "-R", "-S"})


def _after_xargs(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    i = 1
    while i < len(words) and words[i].startswith("-") and words[i] != "-":
        if words[i] == "--":
            i += 1
            break
        # Options whose value is the next word when it is not attached (`-I {}` / `-I{}`).
        i += 2 if words[i] in _XARGS_VALUE_OPTIONS else 1
    return words[i:]


def _after_timeout(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    return _skip_options(words, frozenset({"-s", "-k", "--signal", "--kill-after"}))[1:]  # the duration


def _after_dotenv(words: list[str], env: list[tuple[str, str]]) -> list[str]:
    if "--" in words:
        return words[words.index("--") + 1 :]
    return _skip_options(words, frozenset({"-e", "-f", "-v", "-c", "-r", "--file", "--environments"}))


_XVFB_RUN_VALUE_OPTIONS = frozenset(
    {"-s", "--server-args", "-n", "--server-num", "-e", "--error-file", "-f", "--auth-file", "-p", "--xauth-protocol", "-w", "--wait"}
)
_PLAIN_WRAPPER = _options_wrapper(frozenset())

# Wrapper program -> the words of the command it runs.
_WRAPPERS: dict[str, Callable[[list[str], list[tuple[str, str]]], list[str]]] = {
    "sudo": _options_wrapper(frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"})),
    "env": _after_env,
    "cross-env": _after_cross_env,
    "cross-env-shell": _after_cross_env,
    **dict.fromkeys(("time", "nohup", "command", "exec", "builtin", "call", "stdbuf", "unbuffer"), _PLAIN_WRAPPER),
    "xargs": _after_xargs,
    "nice": _options_wrapper(frozenset({"-n"})),
    "timeout": _after_timeout,
    "xvfb-run": _options_wrapper(_XVFB_RUN_VALUE_OPTIONS),
    "dotenv": _after_dotenv,
    "dotenv-cli": _after_dotenv,
    "env-cmd": _after_dotenv,
}


def option_value(args: list[str], *names: str) -> str | None:
    """The value of ``--name value`` / ``--name=value`` (last one wins)."""
    value = None
    for i, arg in enumerate(args):
        for name in names:
            if arg == name and i + 1 < len(args):
                value = args[i + 1]
            elif arg.startswith(name + "=") and name.startswith("--"):
                value = arg[len(name) + 1 :]
    return value


def _runtime_value(value: str) -> bool:
    """A value only known when the job runs (``${{ inputs.dry }}``, ``$DRY_RUN``)."""
    return "$" in value


def flag_state(args: list[str], *names: str) -> bool | None:
    """``True``/``False`` for ``--x``, ``--x=true|false``, ``--no-x``; ``None`` when absent.

    ``--x=${{ ... }}`` / ``--x=$VAR`` is decided at run time: it reads as ``None`` (unknown), so
    ``--dry-run=${{ inputs.dry_run }}`` still counts as a publish that real runs make.
    """
    state = None
    for arg in args:
        if arg == "--":
            break
        for name in names:
            if arg == name:
                state = True
            elif name.startswith("--") and arg.startswith(name + "="):
                value = arg[len(name) + 1 :]
                state = None if _runtime_value(value) else value.lower() not in ("false", "0", "no", "")
            elif name.startswith("--") and arg == "--no-" + name[2:]:
                state = False
    return state


def _env_flag(env: list[tuple[str, str]], name: str) -> bool | None:
    for key, value in reversed(env):
        if key.lower() == name.lower():
            if _runtime_value(value):
                return None
            return value.strip().lower() not in ("false", "0", "", "no")
    return None


def _env_value(env: list[tuple[str, str]], name: str) -> str | None:
    for key, value in reversed(env):
        if key.lower() == name.lower():
            return value
    return None


# npm reads any `--key value` as configuration; these keys hold credentials (and `--//host/:key`
# is a per-registry setting), so the word after them is a secret, never a package or a folder.
CREDENTIAL_FLAGS = frozenset({"--_auth", "--_authToken", "--_password", "--password", "--username", "--email"})


def takes_value(arg: str, value_flags: frozenset[str]) -> bool:
    """Whether option word ``arg`` consumes the next word as its value."""
    if "=" in arg:
        return False
    return arg in value_flags or arg in CREDENTIAL_FLAGS or arg.startswith("--//")


def subcommand(args: list[str], value_flags: frozenset[str]) -> tuple[str | None, list[str], list[str]]:
    """(first positional, the words after it, the flags before it)."""
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return (args[i + 1] if i + 1 < len(args) else None), args[i + 2 :], args[:i]
        if arg.startswith("-") and len(arg) > 1:
            i += 2 if takes_value(arg, value_flags) else 1
            continue
        return arg, args[i + 1 :], args[:i]
    return None, [], args


def positional_args(args: list[str], value_flags: frozenset[str]) -> list[str]:
    """The positional arguments (``value_flags`` take the next word as their value)."""
    out = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            out.extend(args[i + 1 :])
            break
        if arg.startswith("-") and len(arg) > 1:
            i += 2 if takes_value(arg, value_flags) else 1
            continue
        out.append(arg)
        i += 1
    return out


def split_package_spec(spec: str) -> tuple[str, str | None]:
    """``@scope/name@1.2`` -> (``@scope/name``, ``1.2``); no version -> (name, None)."""
    if spec.startswith("@"):
        head, sep, version = spec[1:].partition("@")
        return "@" + head, (version if sep else None)
    name, sep, version = spec.partition("@")
    return name, (version if sep else None)


def is_dry_run(args: list[str], env: list[tuple[str, str]], short: bool = False) -> bool:
    """``--dry-run`` (``-d`` too when ``short``) or ``npm_config_dry_run``."""
    flag = flag_state(args, "--dry-run")
    if flag is None and short and "-d" in args:
        flag = True
    if flag is None:
        flag = _env_flag(env, "npm_config_dry_run")
    return bool(flag)


def provenance_setting(args: list[str], env: list[tuple[str, str]]) -> bool | None:
    """``--provenance`` / ``npm_config_provenance``; ``None`` when neither is set."""
    flag = flag_state(args, "--provenance")
    return flag if flag is not None else _env_flag(env, "npm_config_provenance")


def registry_setting(args: list[str], env: list[tuple[str, str]]) -> str | None:
    """``--registry`` / ``npm_config_registry``."""
    return option_value(args, "--registry") or _env_value(env, "npm_config_registry")


def is_global(args: list[str]) -> bool:
    """``-g``, ``--global`` or ``--location=global``."""
    if "-g" in args or flag_state(args, "--global"):
        return True
    return option_value(args, "--location") == "global"
