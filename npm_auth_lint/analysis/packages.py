"""Which package.json files a publish step publishes."""

from __future__ import annotations

import fnmatch
import functools
import posixpath
import re
from collections.abc import Iterable, Mapping

from npm_auth_lint import lazy_regex
from npm_auth_lint.analysis.facts import ToolPin
from npm_auth_lint.analysis.memo import package_named
from npm_auth_lint.lazy_dataclass import frozen_dataclass
from npm_auth_lint.model import EnvVar, PackageJson, ParseError, Project, ValueSourceKind


@functools.lru_cache(maxsize=4096)  # asked for every command of every job, of a few folders
def normalise_dir(path: str) -> str:
    """A repository-relative folder without ``./`` or trailing slashes ('' for the root)."""
    text = path.strip().strip("\"'")
    if not text or text in (".", "./"):
        return ""
    text = posixpath.normpath(text)
    return "" if text in (".", "/") else text.lstrip("/").removeprefix("./")


def join_dir(base: str, relative: str) -> str | None:
    """``cd relative`` from ``base``; None when it cannot be known (``$VAR``, ``~``, absolute)."""
    target = relative.strip().strip("\"'")
    if not target or target.startswith(("$", "~", "/")) or "${{" in target:
        return None
    return normalise_dir(posixpath.join(base, target))


# The folders whose package.json the analysis of a project looked for, and the folders all of
# whose packages it took (a recursive publish without workspace globs): a package.json elsewhere
# is not read (spec, `parse-error`: "a file the tool reads"), so a broken test fixture or example
# is not reported. Kept beside the project object (ids are reused), bounded like the cache below.
_CONSULTED: dict[int, tuple[Project, set[str], set[str]]] = {}


def _consulted(project: Project) -> tuple[set[str], set[str]]:
    entry = _CONSULTED.get(id(project))
    if entry is None or entry[0] is not project:
        if len(_CONSULTED) > 64:
            _CONSULTED.clear()
        entry = _CONSULTED[id(project)] = (project, set(), set())
    return entry[1], entry[2]


def package_for_dir(project: Project, directory: str) -> PackageJson | None:
    """The package.json of ``directory``, or of its nearest ancestor (how npm finds the prefix)."""
    current = normalise_dir(directory)
    looked_up, _ = _consulted(project)
    while True:
        looked_up.add(current)
        package = project.package_at(current)
        if package is not None:
            return package
        if not current:
            return None
        current = posixpath.dirname(current)


_WORKSPACES: dict[tuple[int, str | None], tuple[Project, tuple[PackageJson, ...]]] = {}


def workspace_packages(project: Project, root: PackageJson | None) -> tuple[PackageJson, ...]:
    """The publishable workspace packages of a monorepo whose root package is ``root``.

    Memoised per project: every lerna/changesets/`-r` publish of a large monorepo asks again.
    """
    key = (id(project), root.path if root is not None else None)
    cached = _WORKSPACES.get(key)
    if cached is not None and cached[0] is project:
        return cached[1]
    if len(_WORKSPACES) > 64:
        _WORKSPACES.clear()
    result = _workspace_packages(project, root)
    _WORKSPACES[key] = (project, result)
    return result


def published_packages(project: Project, root: PackageJson | None) -> tuple[PackageJson, ...]:
    """The packages a recursive publish (``lerna publish``, ``pnpm -r publish``) of the monorepo
    rooted at ``root`` takes: its workspace packages. Without workspace globs that is every
    package below it, so every package.json there is read (:func:`read_parse_errors`)."""
    if not _workspace_globs(project, root):
        _consulted(project)[1].add(root.directory if root is not None else "")
    return workspace_packages(project, root)


def _workspace_globs(project: Project, root: PackageJson | None) -> list[str]:
    patterns: list[str] = [w.value for w in project.workspace_patterns]
    if root is not None:
        patterns += [_under(root.directory, w.value) for w in root.workspaces]
    return patterns


def _workspace_packages(project: Project, root: PackageJson | None) -> tuple[PackageJson, ...]:
    base = root.directory if root is not None else ""
    patterns = _workspace_globs(project, root)
    if not patterns:
        # No workspace configuration: every package below the root except the root itself.
        members: Iterable[PackageJson] = (
            p for p in project.packages if p.directory != base and p.directory.startswith(base)
        )
    else:
        members = (p for p in project.packages if p.directory and workspace_member(p.directory, patterns))
    return tuple(sorted((p for p in members if not p.private), key=lambda p: p.path))


def _under(base: str, pattern: str) -> str:
    """A workspace glob of the package in ``base`` made repository-relative, keeping its ``!``."""
    negated = pattern.startswith("!")
    body = pattern[1:] if negated else pattern
    joined = posixpath.join(base, body) if base else body
    return ("!" if negated else "") + joined


def _segments(pattern: str) -> tuple[str, ...]:
    text = pattern.strip().strip("\"'").removeprefix("./").removesuffix("/package.json")
    return tuple(part for part in text.split("/") if part and part != ".")


def _glob_match(segments: tuple[str, ...], parts: tuple[str, ...]) -> bool:
    """Whether folder ``parts`` matches glob ``segments``: ``*`` and ``?`` stay inside one folder
    name, ``**`` spans any number of folders (npm's, Yarn's and pnpm's globs; not gitignore's,
    where a match on ``packages/api/*`` would also take every folder below it).

    A table over (segment, part) positions: ``**/**/…`` patterns stay polynomial."""
    # reach[j]: the first i segments can match the first j parts.
    reach = [True] + [False] * len(parts)
    for segment in segments:
        if segment == "**":
            for j in range(1, len(reach)):
                reach[j] = reach[j] or reach[j - 1]
            continue
        reach = [False] + [reach[j] and fnmatch.fnmatchcase(parts[j], segment) for j in range(len(parts))]
    return reach[-1]


def workspace_member(directory: str, patterns: Iterable[str]) -> bool:
    """Whether the package folder ``directory`` is selected by the workspace globs ``patterns``
    (repository-relative): one plain pattern matches the folder itself and no ``!`` pattern does."""
    parts = tuple(part for part in directory.split("/") if part)
    included = excluded = False
    for pattern in patterns:
        negated, segments, spans, literal_first = _glob(pattern)
        # Cheap refusals first (pnpm's own repository: 134 globs for each of 428 packages): a
        # glob without ``**`` has one segment per folder, and a literal first segment must be it.
        if not spans and len(segments) != len(parts):
            continue
        if literal_first is not None and (not parts or parts[0] != literal_first):
            continue
        if _glob_match(segments, parts):
            excluded |= negated
            included |= not negated
    return included and not excluded


@functools.lru_cache(maxsize=1024)
def _glob(pattern: str) -> tuple[bool, tuple[str, ...], bool, str | None]:
    """A workspace glob taken apart once: negated, its segments, whether a ``**`` spans folders,
    and its first segment when that is a plain folder name."""
    negated = pattern.startswith("!")
    segments = _segments(pattern[1:] if negated else pattern)
    first = segments[0] if segments else None
    literal_first = first if first is not None and first != "**" and not _GLOB_CHARS.search(first) else None
    return negated, segments, "**" in segments, literal_first


_GLOB_CHARS = lazy_regex.compile(r"[*?\[]")


def read_parse_errors(project: Project) -> tuple[ParseError, ...]:
    """The parse errors of the files the tool reads (spec, `parse-error`).

    Every file but a package.json is read whole. A package.json is read when it is the root's,
    a workspace package (the root's `workspaces`, lerna.json or pnpm-workspace.yaml `packages`),
    in a folder a pipeline works in or publishes (looked up through :func:`package_for_dir`), or
    taken by a recursive publish of a repository without workspace globs. Ask after the analysis
    and the rules have run: the lookups they make decide what was read.
    """
    looked_up, whole = _consulted(project)
    patterns = [w.value for w in project.workspace_patterns]
    patterns += [_under(p.directory, w.value) for p in project.packages for w in p.workspaces]

    def read(error: ParseError) -> bool:
        path = error.location.path
        if path != "package.json" and not path.endswith("/package.json"):
            return True
        folder = posixpath.dirname(path)
        return (
            not folder
            or folder in looked_up
            or any(folder.startswith(base + "/") or not base for base in whole)
            or workspace_member(folder, patterns)
        )

    return tuple(e for e in project.parse_errors if read(e))


def tool_pin(package_name: str | None, project: Project, package: PackageJson | None) -> ToolPin | None:
    """Where the publishing tool's version is pinned: a dependency, else (for a package
    manager) the ``packageManager`` field corepack activates, e.g. ``yarn@4.0.2+sha256...``,
    else package.json's ``volta`` pin."""
    if not package_name:
        return None
    root = project.package_at("")
    for candidate in (package, root):
        if candidate is not None and package_name in candidate.dependencies:
            text = candidate.dependencies[package_name]
            return ToolPin(package_name, text.value, text.location)
    for candidate in (package, root):
        manager = candidate.package_manager if candidate is not None else None
        if manager is not None:
            name, _, version = manager.value.strip().partition("@")
            if name == package_name and version:
                return ToolPin(package_name, version.partition("+")[0], manager.location)
    for candidate in (package, root):
        # Volta's yarn/pnpm shims run the version package.json pins (`volta pin yarn@3`).
        pinned = candidate.volta.get(package_name) if candidate is not None and package_name in ("yarn", "pnpm") else None
        if pinned is not None and pinned.value.strip():
            return ToolPin(package_name, pinned.value.strip(), pinned.location)
    return None



_VARIABLE = lazy_regex.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


def selected_package(project: Project, selector: str, env: Mapping[str, EnvVar], directory: str) -> PackageJson | None:
    """The workspace package ``npm -w X`` / ``pnpm --filter X`` points at: a name or a folder.

    ``$VAR`` is filled in from a variable the file sets to a literal (GitLab job ``variables:``);
    pnpm's graph selectors (``X...``, ``...X``, ``{dir}``, globs, ``!X``) are left unresolved.
    """

    def fill(match: re.Match[str]) -> str:
        variable = env.get(match.group(1) or match.group(2))
        if variable is None or variable.source.kind is not ValueSourceKind.LITERAL:
            return "$"
        return variable.value

    text = _VARIABLE.sub(fill, selector).strip().strip("\"'")
    if not text or any(mark in text for mark in ("$", "*", "...", "{", "!", "^", "[")):
        return None
    named = package_named(project, text)  # an index: asked for every `-w X` publish
    if named is not None:
        return named
    folder = join_dir(directory, text)
    return project.package_at(folder) if folder is not None else None


# ------------------------------------------------------------------------------------------
# Attribution: which packages one publish publishes (spec: "Trusted publisher settings")

_COMPUTED = lazy_regex.compile(r"\$|`|\$\{\{")
_TARBALL = (".tgz", ".tar.gz", ".tar")
# The checkout root under the names the providers give it (`cd $GITHUB_WORKSPACE/packages/x`).
_WORKSPACE_ROOT = lazy_regex.compile(r"^[\"']?\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR|CIRCLE_WORKING_DIRECTORY)\}?(?:/|$)")


@frozen_dataclass
class Attribution:
    """The packages one publish publishes and the folder it publishes from.

    ``unknown`` says in words what cannot be known (the folder of ``npm publish "$@"``, of
    ``cd $DIR``, of a selector from a variable); then ``packages`` is empty and ``directory`` None:
    nothing is guessed, the strategy shows a placeholder.
    """

    packages: tuple[PackageJson, ...]
    directory: str | None
    unknown: str | None = None


def computed(word: str) -> bool:
    """Whether a word is computed at run time (a variable, a command substitution, an expression)."""
    return bool(_COMPUTED.search(word))


def change_dir(base: str, target: str) -> str | None:
    """``cd target`` from ``base``: the new folder, or None when it cannot be known.

    The providers' checkout-root variables are the root (``cd $GITHUB_WORKSPACE/packages/x``)."""
    text = target.strip()
    match = _WORKSPACE_ROOT.match(text)
    if match:
        return join_dir("", text[match.end():].strip("\"'") or ".")
    return join_dir(base, text)


def _publishable(package: PackageJson | None) -> tuple[PackageJson, ...]:
    return (package,) if package is not None and not package.private else ()


def spec_attribution(project: Project, spec: str, directory: str) -> Attribution:
    """``npm publish <spec>``: the package in that folder; unknown for a computed argument, a
    tarball, or a folder without a committed package.json (built at run time)."""
    text = spec.strip().strip("\"'")
    if text == "{}":  # find -exec / xargs -I{}: each match, a file or folder found at run time
        return Attribution((), None, "each file or folder that `find` or `xargs` passes as `{}` (found at run time)")
    if computed(text):
        return Attribution((), None, f"the folder `{text}` names is computed at run time")
    if text.endswith(_TARBALL):
        return Attribution((), None, f"the package in the tarball `{text}`")
    folder = change_dir(directory, text)
    package = project.package_at(folder) if folder is not None else None
    if package is None:
        return Attribution((), folder, f"the package in `{text}` (no package.json committed there: it is built at run time)")
    return Attribution(_publishable(package), folder)


def selector_attribution(project: Project, selector: str, env: Mapping[str, EnvVar], directory: str) -> Attribution:
    """``npm -w X`` / ``pnpm --filter X``: the packages named or matched (a glob of names or
    folders, ``./packages/*``); unknown for a selector from a variable or pnpm's graph syntax."""
    one = selected_package(project, selector, env, directory)
    if one is not None:
        return Attribution(_publishable(one), one.directory)
    text = selector.strip().strip("\"'")
    if computed(text) or any(mark in text for mark in ("...", "{", "!", "^", "[")) or "*" not in text:
        return Attribution((), None, f"the package(s) the selector `{text}` picks")
    matched = _glob_packages(project, text, directory)
    if not matched:
        return Attribution((), None, f"the package(s) the selector `{text}` picks (it matches no committed package.json)")
    return Attribution(tuple(p for p in matched if not p.private), directory)


def _glob_packages(project: Project, pattern: str, directory: str) -> tuple[PackageJson, ...]:
    """Packages whose name, or folder (a pattern with a ``/`` that starts with ``.``), matches."""
    if pattern.startswith("."):
        folder_glob = normalise_dir(posixpath.join(directory, pattern))
        found = [p for p in project.packages if p.directory and fnmatch.fnmatchcase(p.directory, folder_glob)]
    else:
        found = [p for p in project.packages if p.name is not None and fnmatch.fnmatchcase(p.name.value, pattern)]
    return tuple(sorted(found, key=lambda p: p.path))
