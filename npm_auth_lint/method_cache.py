"""The code dataclasses compiles for each class's methods, kept from one run to the next.

``dataclasses.dataclass`` writes each generated method (``__init__``, ``__eq__``, ...) as source
text and compiles it with ``exec``; on Python 3.11 the compiling is ~85% of processing a frozen
class, ~40 ms of a 200-workflow lint (the ~90 classes a run instantiates). The text depends only
on the class definition, so the compiled code can be kept as Python keeps a module's bytecode.
``cached_compiling()`` makes ``dataclasses`` call :meth:`MethodCache.exec` instead of the
built-in while our classes are processed.

Where: the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache`` on Linux, ``~/Library/Caches``
on macOS, ``%LOCALAPPDATA%`` on Windows) under ``npm-auth-lint/``, or ``$NPM_AUTH_LINT_CACHE_DIR``
(empty: no cache), one file per interpreter (``cache_tag``) starting with its bytecode magic
number. Not the package's ``__pycache__``: ``pip uninstall`` leaves behind files it did not
install. Hand-written rather than ``platformdirs``, whose import (~17 ms) would cost a third of
what the cache saves.

Why it is always right: an entry is keyed by the exact source text (and the compiler flags the
caller would have passed on), so a changed class produces new text and is compiled anew; an old
entry is never used for a different text, and installs of several versions can share the file.
A file that cannot be read, comes from another interpreter or is damaged is ignored (and
rewritten). Written as Python writes ``.pyc`` files: at most once per process (at exit, only
when something was compiled), through a temporary file renamed into place, never when
``sys.dont_write_bytecode`` is set (``PYTHONDONTWRITEBYTECODE``, ``-B``), silently skipped when
the folder is not writable. The file holds code that runs, so on POSIX it is created readable by
its owner only and loaded only if this user owns it and no one else can write it.
"""

from __future__ import annotations
import __future__

import atexit
import binascii
import builtins
import contextlib
import dataclasses
import marshal
import os
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from types import CodeType
from typing import Any

_FORMAT = b"npm-auth-lint dataclass methods 3\n"
# Entries beyond this are dropped at the next write (an upgraded package leaves old texts behind;
# the whole package has ~1,000 methods).
MAX_ENTRIES = 4000
# Compiler flags an ``exec`` of a string inherits from its caller (``from __future__`` imports).
# (nested_scopes' flag is also set on every nested function's code, and exec ignores it.)
_FUTURE_FLAGS = 0
for _feature in __future__.all_feature_names:
    if _feature != "nested_scopes":
        _FUTURE_FLAGS |= getattr(__future__, _feature).compiler_flag
# A cache file larger than this is not read (the package's methods make ~1 MB).
MAX_FILE_BYTES = 16 * 1024 * 1024

Key = tuple[int, int, int]  # flags, length and CRC-32 of the text (see entry_key)
Entry = tuple[int, str, CodeType]  # flags, text, code


def default_path() -> Path | None:
    """Where this interpreter keeps the cache (None: nowhere)."""
    tag = sys.implementation.cache_tag
    if tag is None:  # an interpreter that keeps no bytecode
        return None
    folder = cache_folder()
    return None if folder is None else folder / f"dataclass-methods.{tag}.bin"


def cache_folder() -> Path | None:
    """``$NPM_AUTH_LINT_CACHE_DIR``, else the platform's user cache folder + ``npm-auth-lint``."""
    chosen = os.environ.get("NPM_AUTH_LINT_CACHE_DIR")
    if chosen is not None:
        return Path(chosen) if chosen else None
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        return Path(base) / "npm-auth-lint" / "Cache" if base else None
    try:
        home = Path.home()
    except RuntimeError:  # no home folder to be found
        home = None
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "npm-auth-lint" if home else None
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):  # the XDG spec: a relative path is invalid and ignored
        return Path(xdg) / "npm-auth-lint"
    return home / ".cache" / "npm-auth-lint" if home else None


def _magic() -> bytes:
    import importlib.util

    return importlib.util.MAGIC_NUMBER


class MethodCache:
    """Compiled method code by source text (and compiler flags), loaded from ``path`` at first use.

    The file maps a short key (flags, length and CRC-32 of the text) to the marshalled entry
    ``(flags, text, code)``; an entry is unmarshalled only when its key is asked for, and used
    only when its text is exactly the one asked for (a CRC collision is a miss, never a wrong hit).
    Loading the keys of ~500 entries costs ~0.3 ms where building every code object cost ~2 ms:
    ``--version`` and ``rules``, which process two classes, pay for two."""

    def __init__(self, path: Path | None, *, write: bool | None = None) -> None:
        self.path = path
        # Like the .pyc files: PYTHONDONTWRITEBYTECODE (and -B) stop the writing.
        self.write = (not sys.dont_write_bytecode) if write is None else write
        self._entries: dict[Key, bytes | Entry] | None = None  # bytes: marshalled, not yet used
        self._used: set[Key] = set()
        self.compiled = 0  # texts compiled in this process (the cache did not have them)
        self._save_registered = False
        self._lock = threading.Lock()

    def exec(self, source: Any, globals: Any = None, locals: Any = None, /, **options: Any) -> None:
        """``builtins.exec``, compiling a text only if no earlier run did."""
        if type(source) is not str or globals is None or options:
            # Not the call dataclasses makes: exactly the built-in (its "current globals" would
            # otherwise be this module's).
            return builtins.exec(source, globals, locals, **options)
        flags = sys._getframe(1).f_code.co_flags & _FUTURE_FLAGS
        builtins.exec(self.code(source, flags), globals, locals)
        return None

    def code(self, source: str, flags: int = 0) -> CodeType:
        """The code of ``source`` compiled with ``flags``: from the cache, or compiled now."""
        key = entry_key(source, flags)
        entries = self._load()
        entry = _entry(entries.get(key))
        if entry is None or entry[0] != flags or entry[1] != source:
            entry = (flags, source, compile(source, "<string>", "exec", flags=flags, dont_inherit=True))
            with self._lock:
                self.compiled += 1
                if not self._save_registered and self.write and self.path is not None:
                    self._save_registered = True
                    atexit.register(self.save)
        entries[key] = entry  # unmarshalled (or compiled) once
        self._used.add(key)
        return entry[2]

    def texts(self) -> set[str]:
        """The source texts the cache holds (for tests and inspection)."""
        return {entry[1] for entry in map(_entry, self._load().values()) if entry is not None}

    def _load(self) -> dict[Key, bytes | Entry]:
        if self._entries is None:
            self._entries = self._read()
        return self._entries

    def _read(self) -> dict[Key, bytes | Entry]:
        if self.path is None:
            return {}
        try:
            data = _read_private(self.path)
        except OSError:
            return {}
        if data is None:
            return {}
        header = _magic() + _FORMAT
        if not data.startswith(header):
            return {}
        checksum, payload = data[len(header) : len(header) + 4], data[len(header) + 4 :]
        # Damaged bytecode could crash the interpreter when run, not only fail to load.
        if checksum != binascii.crc32(payload).to_bytes(4, "little"):
            return {}
        try:
            loaded = marshal.loads(payload)
        except (ValueError, EOFError, TypeError):
            return {}
        if not isinstance(loaded, dict):
            return {}
        return {
            key: entry
            for key, entry in loaded.items()
            if type(key) is tuple and len(key) == 3 and all(type(part) is int for part in key) and type(entry) is bytes
        }

    def save(self) -> bool:
        """Write the cache if something was compiled; False when it was not written."""
        if not self.write or self.path is None or not self.compiled or self._entries is None:
            return False
        # What another process (another version) wrote meanwhile is kept, unless the file
        # grew too big: then only what this run used.
        with self._lock:
            entries = {**self._read(), **self._entries}
        if len(entries) > MAX_ENTRIES:
            entries = {key: entry for key, entry in entries.items() if key in self._used}
        payload = marshal.dumps({key: entry if type(entry) is bytes else marshal.dumps(entry) for key, entry in entries.items()})
        data = _magic() + _FORMAT + binascii.crc32(payload).to_bytes(4, "little") + payload
        temporary = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # A new file only (never through a link someone left at that name).
            exclusive = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            descriptor = os.open(temporary, exclusive, 0o600)
            with os.fdopen(descriptor, "wb") as out:
                out.write(data)
            os.replace(temporary, self.path)  # readers see the old file or the new, never half
        except OSError:
            with contextlib.suppress(OSError):
                temporary.unlink()
            return False
        return True


def entry_key(source: str, flags: int = 0) -> Key:
    """The short key of a text: its compiler flags, length and CRC-32."""
    encoded = source.encode("utf-8", "surrogatepass")
    return flags, len(encoded), binascii.crc32(encoded)


def _entry(stored: bytes | Entry | None) -> Entry | None:
    """A stored entry as (flags, text, code); None for none, or one that does not load as such."""
    if stored is None or isinstance(stored, tuple):
        return stored
    try:
        entry = marshal.loads(stored)
    except (ValueError, EOFError, TypeError):
        return None
    if type(entry) is tuple and len(entry) == 3 and type(entry[0]) is int and type(entry[1]) is str and type(entry[2]) is CodeType:
        return entry
    return None


def _read_private(path: Path) -> bytes | None:
    """The file's bytes, or None when it is not a regular file of a sane size or (on POSIX)
    another user owns it or can write it."""
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))  # a FIFO does not block
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)  # the file read, not whatever the name holds now
        if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
            return None
        if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
            return None
        return handle.read(status.st_size + 1)


_CACHE: MethodCache | None = None
_ACTIVE_LOCK = threading.RLock()


def cache() -> MethodCache:
    """The process's cache, at :func:`default_path`."""
    global _CACHE
    if _CACHE is None:
        _CACHE = MethodCache(default_path())
    return _CACHE


@contextlib.contextmanager
def cached_compiling(method_cache: MethodCache | None = None) -> Iterator[MethodCache]:
    """While inside, ``dataclasses`` compiles through the cache (its module-level name ``exec``
    shadows the built-in; another thread's dataclass made meanwhile goes through it too, with
    the same result as the built-in)."""
    chosen = method_cache or cache()
    with _ACTIVE_LOCK:
        previous = vars(dataclasses).get("exec")
        dataclasses.exec = chosen.exec  # type: ignore[attr-defined]
        try:
            yield chosen
        finally:
            if previous is None:
                del dataclasses.exec  # type: ignore[attr-defined]
            else:
                dataclasses.exec = previous  # type: ignore[attr-defined]
