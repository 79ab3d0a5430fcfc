"""Results several tool families build the same way: a :class:`Publish` from a publish command's
options and environment, and the npm/pnpm/Yarn upgrades of a global install."""

from __future__ import annotations

from npm_auth_lint.commands.results import (
    _TOOL_PACKAGE,
    Classified,
    NpmUpgrade,
    PackageManagerInstall,
    Publish,
    RunsCode,
    Tool,
)
from npm_auth_lint.commands.words import _package_name, _positionals, _provenance, _registry
from npm_auth_lint.model import Command


_WORKSPACE_TOOLS = frozenset({Tool.LERNA, Tool.LERNA_LITE, Tool.CHANGESETS, Tool.NX})


def _publish(
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
        positionals = _positionals(args, value_flags)
        spec = positionals[0] if positionals else None
    return Publish(
        command=command,
        tool=tool,
        registry=_registry(args, env),
        provenance=_provenance(args, env),
        recursive=recursive or tool in _WORKSPACE_TOOLS,
        tool_package=_TOOL_PACKAGE[tool],
        spec=spec,
    )


def _global_installs(
    manager: str, method: str, specs: list[str], command: Command
) -> list[Classified]:
    results: list[Classified] = []
    runs_other = False
    for spec in specs:
        name, version = _package_name(spec)
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
