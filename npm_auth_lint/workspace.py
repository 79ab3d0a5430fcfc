"""The repository being scanned: its root, which files to lint, and safe reading of files.

Discovery walks each path given on the command line, skips ``node_modules/``, ``.git/`` and what
the repository's ``.gitignore`` files ignore, and never follows a symlink out of the root.
Every file read goes through :meth:`Workspace.read`, which caches, refuses non-text and
oversized files, and keeps the text for the rules that scan raw text (leaked tokens).
"""

from __future__ import annotations

import bisect
import enum
import os
import re
import stat
import subprocess
import warnings
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from npm_auth_lint.lazy_dataclass import frozen_dataclass

if TYPE_CHECKING:
    from io import FileIO

    import pathspec


# Globs and patterns written in the repository (.gitignore, include: wildcards, workspaces) and in
# the configuration are matched by RE2, in time linear in the path, never by a backtracking
# engine: pathspec's re2 backend, and our own glob translation compiled with re2. Without
# google-re2 (no wheel for the platform) pathspec's default backend is used.
# Both are imported on first use (~20 ms with pathspec's backends): a repository without a
# .gitignore, workspaces or configured globs never needs them.
@lru_cache(maxsize=1)
def _re2() -> Any:
    try:  # google-re2: a matcher that cannot backtrack (linear time in the text matched)
        import re2
    except ImportError:  # pragma: no cover - a platform without a google-re2 wheel
        return None
    return re2


def _gitignore(lines: Iterable[str], linear: bool = True) -> pathspec.GitIgnoreSpec:
    """``pathspec.GitIgnoreSpec.from_lines``, with the RE2 backend when ``linear`` and available.

    Every way a pattern can be refused is raised as ``re.error``, the one error the callers treat
    as "this pattern matches nothing": a regex error, pathspec's own ``GitIgnorePatternError`` (a
    ``ValueError``: a pattern ending in an escaping backslash, found by scripts/fuzz.py), and
    RE2's error for a pattern over its memory budget (a line of thousands of characters: "failed
    to compile Set", also found by the fuzzer).
    """
    import pathspec

    re2 = _re2() if linear else None
    # Python's re when not linear: its messages name what is wrong with a pattern (None would
    # pick RE2 too).
    backend = "simple" if not linear else ("re2" if re2 is not None else None)
    refusals: tuple[type[Exception], ...] = (ValueError,) if re2 is None else (ValueError, re2.error)
    try:
        with warnings.catch_warnings():
            # pathspec compiles every pattern with Python's re too, which warns about ``[[`` ("Possible
            # nested set"): a repository's .gitignore must not print Python warnings on a user's terminal.
            warnings.simplefilter("ignore", FutureWarning)
            return pathspec.GitIgnoreSpec.from_lines(list(lines), backend=backend)
    except refusals as exc:
        if re2 is not None and isinstance(exc, re2.error):
            raise re.error(f"too large for a linear-time matcher ({_re2_detail(exc)})") from None
        raise re.error(_shortened(str(exc), 200)) from None


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


def _is_clean(rel_path: str) -> bool:
    """A relative path as the walk writes it: no empty, ``.`` or trailing part to normalise."""
    return (
        rel_path not in ("", ".")
        and "//" not in rel_path
        and "/./" not in rel_path
        and not rel_path.startswith(("/", "./"))
        and not rel_path.endswith(("/", "/."))
    )


def _name(rel_path: str) -> str:
    """``PurePosixPath(rel_path).name``, without building the path for a clean one."""
    return rel_path.rpartition("/")[2] if _is_clean(rel_path) else PurePosixPath(rel_path).name


def classify(rel_path: str) -> Kind | None:
    """The kind of a repository-relative POSIX path, or None if the tool does not lint it."""
    # Called for every file of the repository: split the string (PurePosixPath's parsing was a
    # third of a 50,000-file walk) unless the path needs normalising.
    if _is_clean(rel_path):
        parts: tuple[str, ...] | list[str] = rel_path.split("/")
        name = parts[-1]
    else:
        path = PurePosixPath(rel_path)
        name, parts = path.name, path.parts
    if name == "package.json":
        return Kind.PACKAGE_JSON
    if name == ".npmrc" or (name == "npmrc" and len(parts) == 1):
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


@frozen_dataclass
class Problem:
    """Something in the repository the walk could not read: reported as a ``parse-error``."""

    path: str
    line: int
    column: int
    message: str


def resolved(path: Path) -> Path | None:
    """``path`` with every link resolved; None for a symlink loop or an unresolvable path."""
    try:
        result = path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: "Symlink loop" (Python < 3.13)
        return None
    # Python 3.13 no longer raises for a loop: it stops at a link it cannot resolve, and a path
    # whose links are all resolved is never itself a link.
    return None if result.is_symlink() else result


def find_root(start: Path) -> Path:
    """The repository root containing ``start``: the nearest directory with ``.git``.

    Without one, the directory itself (or a file's directory) is the root.
    """
    start = resolved(start) or start.absolute()
    base = start if start.is_dir() else start.parent
    for candidate in (base, *base.parents):
        if (candidate / ".git").exists():
            return candidate
    return base


def leaves_root(target: Path) -> str | None:
    """Why a path argument is refused: a link that leads out of the repository it is written in.

    The repository is found from where the argument is *written* (its unresolved path); a link
    in it to another folder must not silently turn the run into a lint of that folder.
    """
    written = Path(os.path.abspath(target))
    real = resolved(target)
    if real is None:
        return f"{target} is a symlink loop"
    for candidate in (written.parent, *written.parent.parents):
        if (candidate / ".git").exists():
            root = resolved(candidate) or candidate
            if real != root and root not in real.parents:
                return f"{target} is a link to outside the repository {root}"
            return None
    return None


def read_regular(path: Path | str, limit: int, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or :class:`FileReadError`.

    Opened with ``O_NONBLOCK`` and checked with ``fstat`` before reading: a FIFO, a device
    (``/dev/zero``, ``/dev/stdin``) or a socket is refused instead of blocking or growing forever.
    """
    try:
        flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | (0 if follow else getattr(os, "O_NOFOLLOW", 0))
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise FileReadError("file not found") from None
    except IsADirectoryError:
        raise FileReadError("is a directory") from None
    except OSError as exc:
        raise FileReadError(f"cannot read file: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise FileReadError("is a directory")
        raise FileReadError("not a regular file (a FIFO, socket or device); not read")
    with os.fdopen(fd, "rb", buffering=0) as handle:
        if info.st_size > limit:
            raise FileReadError(f"file is too large ({info.st_size} bytes; the limit is {limit})")
        try:
            data = _read_up_to(handle, info.st_size, limit + 1)
        except OSError as exc:
            raise FileReadError(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > limit:  # grew while we read it
        raise FileReadError(f"file is too large (over {limit} bytes)")
    return data


def _read_up_to(handle: FileIO, size: int, most: int) -> bytes:
    """At most ``most`` bytes, asked for in reads sized by ``size`` (the file's fstat size).

    One read of ``most`` bytes would allocate that much for every file: 2 MiB a file, whose
    mmap and page faults made reading a 450-file repository 3x slower. A file that grew, or
    reports no size (``/proc``), is read on until its end or ``most``."""
    chunks: list[bytes] = []
    want = min(size + 1, most)
    while most > 0:
        chunk = handle.read(want)
        if not chunk:
            break
        chunks.append(chunk)
        most -= len(chunk)
        want = most
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def tracked_files(root: Path) -> list[str]:
    """The files git tracks under ``root`` (sorted), or [] without git or a work tree.

    Only the index is read (``ls-files --cached``); fsmonitor hooks, which a hostile
    ``.git/config`` could point at a program, are switched off, and the call has a deadline.
    """
    if not (root / ".git").exists():
        return []
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    command = ["git", "-c", "core.fsmonitor=false", "-c", "core.untrackedCache=false", "ls-files", "-z", "--cached"]
    try:
        done = subprocess.run(command, cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=20, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    names = done.stdout.decode("utf-8", errors="surrogateescape").split("\0")
    return sorted(name for name in names if name)


@frozen_dataclass
class _Ignore:
    """One .gitignore's patterns, matched against paths below its folder."""

    base: str  # directory of the .gitignore, repository-relative ('' for root)
    spec: pathspec.PathSpec

    def matches(self, rel: str, is_dir: bool) -> bool:
        if self.base:
            if not rel.startswith(self.base + "/"):
                return False
            rel = rel[len(self.base) + 1 :]
        return self.spec.match_file(rel + "/" if is_dir else rel)


def gitignore_spec(lines: Iterable[str]) -> tuple[pathspec.GitIgnoreSpec, list[tuple[int, str]]]:
    """A gitignore spec matched by RE2, and the (line, message) of each invalid pattern.

    An invalid pattern (``[z-a]``) matches nothing, as in git: it is left out and reported.
    """
    lines = list(lines)
    try:
        return _gitignore(lines), []
    except re.error:
        pass
    good: list[str] = []
    bad: list[tuple[int, str]] = []
    for number, line in enumerate(lines, 1):
        try:
            _gitignore([line], linear=False)  # the syntax, with Python's message
            _gitignore([line])  # and RE2's size budget
        except re.error as exc:
            bad.append((number, f"invalid pattern `{_shortened(line.strip())}` ({exc.msg}); it matches nothing"))
            good.append("")  # keep line numbers aligned; an empty line is no pattern
            continue
        good.append(line)
    try:
        return _gitignore(good), bad
    except re.error as exc:  # each pattern fits, all of them together do not
        return _gitignore([]), [*bad, (1, f"the patterns together cannot be matched ({exc.msg}); none of them is applied")]


class Workspace:
    """One repository root and the files of it that are read."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root_text = str(self.root)
        self._texts: dict[str, str] = {}
        self._errors: dict[str, FileReadError] = {}
        self.index: set[str] = set()  # every file discovered by the walk (rel paths)
        # Files named on the command line that are of no kind the tool reads.
        self.unlintable: list[str] = []
        # What the walk could not read (links out, special files, unreadable folders, bad globs).
        self.problems: dict[str, Problem] = {}
        self._tracked: list[str] | None = None
        # Files the walk reached through real folders and that are no links themselves: their
        # path is their real path, inside the root, so reading them resolves nothing again.
        self._plain: set[str] = set()

    # Paths ---------------------------------------------------------------------------------

    def relative(self, path: Path) -> str:
        return (resolved(path) or path.absolute()).relative_to(self.root).as_posix()

    def absolute(self, rel: str) -> Path:
        return self.root / rel

    def is_inside(self, path: Path) -> bool:
        real = resolved(path)
        return real is not None and (real == self.root or self.root in real.parents)

    def exists(self, rel: str) -> bool:
        path = self.absolute(rel)
        return path.is_file() and self.is_inside(path)

    def glob(self, pattern: str) -> list[str]:
        """Files of the index matching a repository-relative glob (``**`` crosses folders)."""
        pattern = pattern.lstrip("/")
        try:
            spec = _gitignore(["/" + pattern])
        except re.error:
            return []  # an invalid glob matches no file (the caller reports what matched nothing)
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
        data = None
        if rel in self._plain:
            try:  # not following a link: one that replaced the file since the walk takes the long way
                data = read_regular(os.path.join(self._root_text, rel), MAX_FILE_BYTES, follow=False)
            except FileReadError:
                data = None
        if data is None:
            path = self.absolute(rel)
            real = resolved(path)
            if real is None:
                raise FileReadError("file is a symlink loop")
            if not self.is_inside(real):
                raise FileReadError("file is a link to outside the repository; not read")
            data = read_regular(real, MAX_FILE_BYTES)
        if b"\x00" in data:
            raise FileReadError("not a text file (contains NUL bytes)")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
            raise FileReadError("not valid UTF-8 text", line, column) from None
        return text.removeprefix("\ufeff")

    def override(self, texts: dict[str, str]) -> None:
        """Read these texts instead of the files on disk (``--diff`` lints fixed text unwritten)."""
        self._texts.update(texts)

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
            if target.is_file() or (target.exists() and not target.is_dir()):  # a FIFO or device too
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
        # even when only a sub-folder is linted -- unless nothing is linted at all (only files
        # of no kind the tool reads were named: a walk of a large tree to report nothing).
        if found and not any(resolved(t.absolute()) == self.root for t in targets):
            self.index.update(self._walk(self.root))
        return sorted(found)

    def aux_files(self) -> list[str]:
        return sorted(rel for rel in self.index if _name(rel) in AUX_NAMES)

    def _walk(self, start: Path) -> Iterator[str]:
        start = resolved(start)  # type: ignore[assignment]
        if start is None or not self.is_inside(start):
            return
        ignores: list[_Ignore] = self._parent_ignores(start)
        rel_start = "" if start == self.root else start.relative_to(self.root).as_posix()
        yield from self._walk_dir(str(start), rel_start, ignores)

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

    def _problem(self, rel: str, message: str, line: int = 1, column: int = 1) -> None:
        self.problems.setdefault(rel, Problem(rel, line, column, message))

    def _load_ignore(self, base: str) -> _Ignore | None:
        rel = f"{base}/.gitignore" if base else ".gitignore"
        path = self.root / rel
        if not os.path.lexists(path):
            return None
        real = resolved(path)
        try:
            if real is None or not self.is_inside(real):
                raise FileReadError("link to outside the repository (or a symlink loop); not read")
            data = read_regular(real, MAX_FILE_BYTES)
        except FileReadError as exc:
            self._problem(rel, f".gitignore {exc.message}")
            return None
        spec, bad = gitignore_spec(data.decode("utf-8", errors="replace").splitlines())
        for line, message in bad:
            self._problem(rel, message, line)
        return _Ignore(base, spec)

    def _tracked_under(self, rel_dir: str) -> list[str]:
        """Files git tracks inside an ignored folder: committed, so CI sees them (issue #13)."""
        if self._tracked is None:
            self._tracked = tracked_files(self.root)
        prefix = rel_dir + "/"
        start = bisect.bisect_left(self._tracked, prefix)
        out = []
        for rel in self._tracked[start:]:
            if not rel.startswith(prefix):
                break
            if not SKIP_DIRS.intersection(rel.split("/")) and os.path.lexists(self.root / rel):
                out.append(rel)
        return out

    def _is_tracked(self, rel: str) -> bool:
        if self._tracked is None:
            self._tracked = tracked_files(self.root)
        index = bisect.bisect_left(self._tracked, rel)
        return index < len(self._tracked) and self._tracked[index] == rel

    def _walk_dir(self, directory: str, rel_dir: str, ignores: list[_Ignore]) -> list[str]:
        """The files under ``directory``, depth-first in name order. A stack of folder listings,
        not a generator per folder: a nested ``yield from`` hands every path up through each
        folder above it (~10% of walking an 8,000-file checkout)."""
        found: list[str] = []
        first = self._listing(directory, rel_dir, ignores)
        stack = [first] if first is not None else []
        while stack:
            entries, rel_dir, ignores = stack[-1]
            for entry in entries:
                rel = f"{rel_dir}/{entry.name}" if rel_dir else entry.name
                if self._entry(entry, rel, ignores, found):
                    listing = self._listing(entry.path, rel, ignores)
                    if listing is not None:
                        stack.append(listing)
                        break  # the folder's files first; this listing resumes after them
            else:
                stack.pop()
        return found

    def _listing(self, directory: str, rel_dir: str, ignores: list[_Ignore]) -> tuple[Iterator[os.DirEntry[str]], str, list[_Ignore]] | None:
        """A folder's entries in name order, with the ignore files that apply inside it."""
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            self._problem(rel_dir or ".", f"cannot read folder: {exc.strerror or exc}; its files are not linted")
            return None
        # Only a folder that lists a .gitignore has one to read (a failed open per folder was
        # a fifth of walking a 10,000-package monorepo).
        own = self._load_ignore(rel_dir) if any(e.name == ".gitignore" for e in entries) else None
        if own is not None:
            ignores = [*ignores, own]
        return iter(entries), rel_dir, ignores

    def _entry(self, entry: os.DirEntry[str], rel: str, ignores: list[_Ignore], found: list[str]) -> bool:
        """Add the file ``entry`` is (or the tracked files of an ignored folder) to ``found``;
        True for a folder to walk into."""
        try:
            is_link = entry.is_symlink()
            is_dir = entry.is_dir(follow_symlinks=False)
        except OSError:
            return False
        if is_link:
            # Symlinks are followed only when they stay inside the repository; a lintable file
            # that links out (or loops) is yielded, so that reading it reports why it is not read.
            target = resolved(Path(entry.path))
            if target is None or not self.is_inside(target):
                if classify(rel) is not None:
                    found.append(rel)
                return False
            if target.is_dir():
                return False  # a linked folder would be scanned twice (or loop); skip it
        if is_dir:
            if entry.name in SKIP_DIRS:
                return False
            for ignore in ignores:
                if ignore.matches(rel, True):
                    found.extend(self._tracked_under(rel))
                    return False
            return True
        for ignore in ignores:
            if ignore.matches(rel, False) and not self._is_tracked(rel):
                return False
        if not is_link:
            self._plain.add(rel)
        found.append(rel)
        return False


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
    spec, fnmatches = _ignore_spec(patterns)
    return spec.match_file(rel) or any(m(rel) for m in fnmatches)


def glob_error(pattern: str) -> str | None:
    """Why a configured glob is invalid (``[z-a]``), or None."""
    try:
        _gitignore([pattern], linear=False)
        _fnmatch_regex(pattern)
    except (re.error, ValueError) as exc:
        return str(getattr(exc, "msg", exc))
    return None


@lru_cache(maxsize=64)
def _ignore_spec(patterns: tuple[str, ...]) -> tuple[pathspec.GitIgnoreSpec, tuple[Any, ...]]:
    # Asked for every finding with the same few configured globs: compile them once.
    spec, _ = gitignore_spec(patterns)
    matchers = []
    for pattern in patterns:
        try:
            matchers.append(_fnmatch_regex(pattern))
        except (re.error, ValueError):
            continue  # refused by the configuration already; matches nothing here
    return spec, tuple(matchers)


def _fnmatch_regex(pattern: str) -> Any:
    """fnmatch semantics (``*`` crosses ``/``), compiled by RE2 rather than ``fnmatch``'s re.

    Our own translation: ``fnmatch.translate`` emits look-aheads and back-references that RE2
    does not support. Returns the bound ``fullmatch``.
    """
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        char = pattern[i]
        i += 1
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[":
            end = pattern.find("]", i + 1 if i < n and pattern[i] in "!]" else i)
            if end < 0:
                out.append(re.escape(char))
                continue
            body = pattern[i:end]
            i = end + 1
            negate = body.startswith("!")
            body = body[1:] if negate else body
            body = body.replace("\\", "\\\\").replace("^", "\\^").replace("[", "\\[")
            out.append(f"[{'^' if negate else ''}{body}]")
        else:
            out.append(re.escape(char))
    return linear_regex("".join(out)).fullmatch


def linear_regex(regex: str) -> Any:
    """``regex`` (``.`` matching newlines too) compiled by RE2: matching cannot backtrack.

    Raises ``ValueError`` for a pattern RE2 refuses (an invalid range, a back-reference).
    Without google-re2, Python's ``re`` (the caller's own length limits then bound the cost).
    """
    re2 = _re2()
    if re2 is None:
        try:
            with warnings.catch_warnings():  # "Possible nested set" for a ``[[`` in the repository's text
                warnings.simplefilter("ignore", FutureWarning)
                return re.compile(regex, re.S)
        except re.error as exc:
            raise ValueError(str(exc)) from None
    options = re2.Options()
    options.log_errors = False  # RE2 would log parse errors to stderr through absl
    options.dot_nl = True
    try:
        return re2.compile(regex, options)
    except re2.error as exc:
        raise ValueError(_re2_detail(exc)) from None


def _shortened(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters (a pattern of 50,000 characters is quoted by its start)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _re2_detail(exc: Exception) -> str:
    """RE2's message (it may come as bytes)."""
    detail = exc.args[0] if exc.args else exc
    return detail.decode(errors="replace") if isinstance(detail, bytes) else str(detail)
