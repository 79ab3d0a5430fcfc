"""The repository being scanned: its root, which files to lint, and safe reading of files.

Discovery walks each path given on the command line, skips ``node_modules/``, ``.git/`` and what
the repository's ``.gitignore`` files ignore, and never follows a symlink out of the root.
Every file read goes through :meth:`Workspace.read`, which caches, refuses non-text and
oversized files, and keeps the text for the rules that scan raw text (leaked tokens).
"""

from __future__ import annotations

import enum
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path, PurePosixPath

import pathspec

MAX_FILE_BYTES = 2 * 1024 * 1024
SKIP_DIRS = frozenset({".git", "node_modules", ".hg", ".svn"})
# Files that only matter when something refers to them (node-version-file, .nvmrc ...).
AUX_NAMES = frozenset(
    {
        ".nvmrc", ".node-version", ".tool-versions", "mise.toml", ".mise.toml",
        # semantic-release configuration: does the release publish to npm at all?
        ".releaserc", ".releaserc.json", ".releaserc.yaml", ".releaserc.yml", ".releaserc.js", ".releaserc.cjs",
        ".releaserc.mjs", "release.config.js", "release.config.cjs", "release.config.mjs",
    }
)


class Kind(str, enum.Enum):
    GITHUB_WORKFLOW = "github-workflow"
    GITHUB_ACTION = "github-action"
    GITLAB_CI = "gitlab-ci"
    CIRCLECI = "circleci"
    NPMRC = "npmrc"
    YARNRC = "yarnrc"
    YARNRC_YML = "yarnrc-yml"
    PACKAGE_JSON = "package-json"
    PNPM_WORKSPACE = "pnpm-workspace"
    LERNA_JSON = "lerna-json"


def classify(rel_path: str) -> Kind | None:
    """The kind of a repository-relative POSIX path, or None if the tool does not lint it."""
    path = PurePosixPath(rel_path)
    name = path.name
    parts = path.parts
    if name == "package.json":
        return Kind.PACKAGE_JSON
    if name == ".npmrc" or name == "npmrc" and len(parts) == 1:
        return Kind.NPMRC
    if name == ".yarnrc":
        return Kind.YARNRC
    if name == ".yarnrc.yml":
        return Kind.YARNRC_YML
    if name in ("pnpm-workspace.yaml", "pnpm-workspace.yml"):
        return Kind.PNPM_WORKSPACE
    if name == "lerna.json":
        return Kind.LERNA_JSON
    if name in ("action.yml", "action.yaml"):
        return Kind.GITHUB_ACTION
    if name.endswith((".yml", ".yaml")):
        if len(parts) >= 3 and parts[-3] == ".github" and parts[-2] == "workflows":
            return Kind.GITHUB_WORKFLOW
        if name == ".gitlab-ci.yml" or name.endswith(".gitlab-ci.yml"):
            return Kind.GITLAB_CI
        if name in ("config.yml", "config.yaml") and len(parts) >= 2 and parts[-2] == ".circleci":
            return Kind.CIRCLECI
    return None


class FileReadError(Exception):
    """A file that cannot be read as text; ``line``/``column`` locate the problem."""

    def __init__(self, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


def find_root(start: Path) -> Path:
    """The repository root containing ``start``: the nearest directory with ``.git``.

    Without one, the directory itself (or a file's directory) is the root.
    """
    start = start.resolve()
    base = start if start.is_dir() else start.parent
    for candidate in (base, *base.parents):
        if (candidate / ".git").exists():
            return candidate
    return base


@dataclass(frozen=True)
class _Ignore:
    base: str  # directory of the .gitignore, repository-relative ('' for root)
    spec: pathspec.PathSpec

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        return self.spec.match_file(rel + "/" if is_dir else rel)


class Workspace:
    """One repository root and the files of it that are read."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._texts: dict[str, str] = {}
        self._errors: dict[str, FileReadError] = {}
        self.index: set[str] = set()  # every file discovered by the walk (rel paths)
        # Files the walk reached through no symlink: inside the root without resolving them.
        self._plain: set[str] = set()
        # Files named on the command line that are of no kind the tool reads.
        self.unlintable: list[str] = []

    # Paths ---------------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        return path.resolve().relative_to(self.root).as_posix()

    def absolute(self, rel: str) -> Path:
        return self.root / rel

    def is_inside(self, path: Path) -> bool:
        try:
            path.resolve().relative_to(self.root)
        except (ValueError, OSError):
            return False
        return True

    def exists(self, rel: str) -> bool:
        path = self.absolute(rel)
        return path.is_file() and self.is_inside(path)

    def glob(self, pattern: str) -> list[str]:
        """Files of the index matching a repository-relative glob (``**`` crosses folders)."""
        pattern = pattern.lstrip("/")
        spec = pathspec.GitIgnoreSpec.from_lines(["/" + pattern])
        return sorted(rel for rel in self.index if spec.match_file(rel))

    # Reading -------------------------------------------------------------------------------

    def read(self, rel: str) -> str:
        """The text of a repository file; raises :class:`FileReadError` when it cannot be read."""
        if rel in self._texts:
            return self._texts[rel]
        if rel in self._errors:
            raise self._errors[rel]
        try:
            text = self._read(rel)
        except FileReadError as exc:
            self._errors[rel] = exc
            raise
        self._texts[rel] = text
        return text

    def _read(self, rel: str) -> str:
        path = self.absolute(rel)
        if rel not in self._plain and not self.is_inside(path):
            raise FileReadError("file is a link to outside the repository")
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise FileReadError(f"file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})")
            data = path.read_bytes()
        except FileNotFoundError:
            raise FileReadError("file not found") from None
        except IsADirectoryError:
            raise FileReadError("is a directory") from None
        except OSError as exc:
            raise FileReadError(f"cannot read file: {exc.strerror or exc}") from None
        if b"\x00" in data:
            raise FileReadError("not a text file (contains NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise FileReadError("not valid UTF-8 text", line, column) from None
        return text.removeprefix("\ufeff")

    def try_read(self, rel: str) -> str | None:
        try:
            return self.read(rel)
        except FileReadError:
            return None

    @property
    def texts(self) -> dict[str, str]:
        """Every file read so far that could be read, by repository path."""
        return dict(self._texts)

    # Discovery -----------------------------------------------------------------------------

    def discover(self, targets: Iterable[Path]) -> list[str]:
        """Repository paths of the lintable files under ``targets`` (files are taken as given)."""
        found: set[str] = set()
        for target in targets:
            target = target.absolute()
            if target.is_file():
                rel = self.relative(target) if self.is_inside(target) else None
                if rel is not None:
                    self.index.add(rel)
                    if classify(rel) is not None:
                        found.add(rel)
                    else:
                        self.unlintable.append(rel)
                continue
            for rel in self._walk(target):
                self.index.add(rel)
                if classify(rel) is not None:
                    found.add(rel)
        # The whole repository is indexed for reference resolution (includes, actions, .nvmrc)
        # even when only a sub-folder is linted.
        if not any(t.absolute().resolve() == self.root for t in targets):
            self.index.update(self._walk(self.root))
        return sorted(found)

    def aux_files(self) -> list[str]:
        return sorted(rel for rel in self.index if PurePosixPath(rel).name in AUX_NAMES)

    def _walk(self, start: Path) -> Iterator[str]:
        start = start.resolve()
        if not self.is_inside(start):
            return
        ignores: list[_Ignore] = self._parent_ignores(start)
        yield from self._walk_dir(start, ignores)

    def _parent_ignores(self, start: Path) -> list[_Ignore]:
        ignores: list[_Ignore] = []
        rel_start = self.relative(start)
        parts = [] if rel_start in ("", ".") else rel_start.split("/")
        for depth in range(len(parts)):
            base = "/".join(parts[:depth])
            ignore = self._load_ignore(base)
            if ignore is not None:
                ignores.append(ignore)
        return ignores

    def _load_ignore(self, base: str) -> _Ignore | None:
        path = self.root / base / ".gitignore" if base else self.root / ".gitignore"
        try:
            lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return None
        return _Ignore(base, pathspec.GitIgnoreSpec.from_lines(lines))

    def _walk_dir(self, directory: Path, ignores: list[_Ignore]) -> Iterator[str]:
        rel_dir = "" if directory == self.root else directory.relative_to(self.root).as_posix()
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError:
            return
        # Only a folder that lists a .gitignore has one to read (a failed open per folder was
        # a fifth of walking a 10,000-package monorepo).
        own = self._load_ignore(rel_dir) if any(e.name == ".gitignore" for e in entries) else None
        if own is not None:
            ignores = [*ignores, own]
        for entry in entries:
            rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
            try:
                is_link = entry.is_symlink()
                is_dir = entry.is_dir(follow_symlinks=False)
            except OSError:
                continue
            if is_link:
                # Symlinks are followed only when they stay inside the repository.
                target = Path(entry.path)
                if not self.is_inside(target):
                    continue
                is_dir = target.is_dir()
                if is_dir:
                    continue  # a linked folder would be scanned twice (or loop); skip it
            if is_dir:
                if entry.name in SKIP_DIRS or any(i.matches(rel, True) for i in ignores):
                    continue
                yield from self._walk_dir(Path(entry.path), ignores)
            elif not any(i.matches(rel, False) for i in ignores):
                if not is_link:
                    self._plain.add(rel)
                yield rel


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` as editors, GitHub and our YAML positions count them: at ``\n`` only.

    ``str.splitlines`` also breaks at form feeds, NEL, U+2028 and more, which would shift every
    later line number away from the finding it belongs to.
    """
    return [line.removesuffix("\r") for line in text.split("\n")]


def matches_glob(rel: str, patterns: Iterable[str]) -> bool:
    """Config ``ignore`` globs: gitignore-style patterns, or plain fnmatch on the path."""
    patterns = tuple(patterns)
    if not patterns:
        return False
    return _ignore_spec(patterns).match_file(rel) or any(fnmatch(rel, p) for p in patterns)


@lru_cache(maxsize=64)
def _ignore_spec(patterns: tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    # Asked for every finding with the same few configured globs: compile them once.
    return pathspec.GitIgnoreSpec.from_lines(patterns)
