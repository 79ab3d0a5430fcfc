"""The compiled-method cache: the code it hands dataclasses is the code dataclasses would compile,
a second run compiles nothing, and a damaged, foreign or unwritable cache changes nothing but
speed."""

from __future__ import annotations
import __future__

import binascii
import dataclasses
import json
import marshal
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from npm_auth_lint import method_cache
from npm_auth_lint.method_cache import MethodCache, cached_compiling

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "hardcoded-npm-token" / "ci-env-literal"

SHAPES: list[tuple[dict[str, object], dict[str, object]]] = [
    ({"__annotations__": {"name": "str", "count": "int"}, "count": 0}, {"frozen": True}),
    ({"__annotations__": {"name": "str", "tags": "tuple[str, ...]"}, "tags": dataclasses.field(default=(), compare=False)}, {"frozen": True, "order": True}),
    ({"__annotations__": {"items": "list[int]"}, "items": dataclasses.field(default_factory=list)}, {}),
    ({"__annotations__": {"a": "int", "b": "str"}}, {"frozen": True, "kw_only": True}),
    ({"__annotations__": {}}, {"frozen": True}),
]


def _make(body: dict[str, object], options: dict[str, object], via: MethodCache | None) -> type:
    namespace = {**body, "__module__": __name__, "__doc__": "A test class."}
    if "__annotations__" in body:
        namespace["__annotations__"] = dict(body["__annotations__"])  # type: ignore[call-overload]
    klass = type("Shape", (), namespace)
    if via is None:
        return dataclasses.dataclass(klass, **options)  # type: ignore[call-overload, no-any-return]
    with cached_compiling(via):
        return dataclasses.dataclass(klass, **options)  # type: ignore[call-overload, no-any-return]


_CODE_FIELDS = (
    "co_argcount", "co_posonlyargcount", "co_kwonlyargcount", "co_flags", "co_code", "co_names", "co_varnames",
    "co_freevars", "co_cellvars", "co_filename", "co_name", "co_qualname", "co_firstlineno", "co_linetable",
    "co_exceptiontable",
)  # fmt: skip


def canonical(code: object) -> str:
    """Everything a code object is, as text (marshal's own bytes also depend on reference counts:
    the same code loaded from marshal is written with other back-references)."""
    if isinstance(code, frozenset):  # `name in (...)` compiles to one; its order follows the hash seed
        return "frozenset(" + repr(sorted(map(repr, code))) + ")"
    if type(code).__name__ != "code":
        return repr(code)
    fields = [repr(getattr(code, name, None)) for name in _CODE_FIELDS]
    return "code(" + ", ".join([*fields, "[" + ", ".join(canonical(c) for c in code.co_consts) + "]"]) + ")"  # type: ignore[attr-defined]


def _methods(klass: type) -> dict[str, str]:
    return {name: canonical(value.__code__) for name, value in sorted(vars(klass).items()) if callable(value) and hasattr(value, "__code__")}


@pytest.mark.parametrize(("body", "options"), SHAPES)
def test_cached_code_is_the_code_dataclasses_compiles(tmp_path: Path, body: dict[str, object], options: dict[str, object]) -> None:
    path = tmp_path / "methods.bin"
    plain = _methods(_make(body, options, None))
    cold = MethodCache(path, write=True)
    assert _methods(_make(body, options, cold)) == plain
    assert cold.compiled > 0 and cold.save() and path.exists()
    warm = MethodCache(path, write=True)
    made = _make(body, options, warm)
    assert _methods(made) == plain
    assert warm.compiled == 0 and not warm.save()  # nothing new: the file is left alone
    # Behaviour, not only code: the generated methods work.
    if "name" in body["__annotations__"]:  # type: ignore[operator]
        assert made(name="x") == made(name="x") and "name='x'" in repr(made(name="x"))


def test_the_builtin_exec_is_back_after_the_block(tmp_path: Path) -> None:
    with cached_compiling(MethodCache(tmp_path / "m.bin")):
        with cached_compiling(MethodCache(tmp_path / "n.bin")):
            assert "exec" in vars(dataclasses)
        assert "exec" in vars(dataclasses)
    assert "exec" not in vars(dataclasses)


def test_other_exec_calls_pass_through(tmp_path: Path) -> None:
    cache = MethodCache(tmp_path / "m.bin", write=True)
    scope: dict[str, object] = {}
    cache.exec("x = 1", scope)
    assert scope["x"] == 1 and cache.compiled == 1
    cache.exec(compile("y = 2", "<t>", "exec"), scope)  # a code object: the built-in's job
    assert scope["y"] == 2 and cache.compiled == 1


def _write_damaged(path: Path, content: bytes) -> None:
    path.write_bytes(content)


# The compiler flags this module passes on to an exec of a string (its __future__ import).
FLAGS = __future__.annotations.compiler_flag
HEADER = method_cache._magic() + method_cache._FORMAT


def _file(entries: object, header: bytes = HEADER) -> bytes:
    """A cache file's bytes: header, checksum, marshalled entries. A mapping of (flags, text) to
    code becomes what the cache writes: {short key: marshalled (flags, text, code)}."""
    if isinstance(entries, dict) and all(isinstance(key, tuple) and len(key) == 2 for key in entries):
        entries = {
            method_cache.entry_key(text, flags): marshal.dumps((flags, text, value)) if type(value).__name__ == "code" else value
            for (flags, text), value in entries.items()
        }
    payload = marshal.dumps(entries)
    return header + binascii.crc32(payload).to_bytes(4, "little") + payload


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00" * 40,
        HEADER,  # nothing after the header
        HEADER + b"\xff\xfe garbage",
        _file([1, 2, 3]),  # not a dict
        _file({"text": compile("x = 1", "<string>", "exec")}),  # key of the wrong shape
        _file({(0, "x = 1"): "not code"}),
        _file({(FLAGS, "x = 1"): marshal.dumps("x = 2")}),  # marshalled, but not code
        _file({(FLAGS, "x = 1"): b"\xff\x00 not marshal"}),
        # x = 1's key holding another text (a CRC-32 collision): a miss, not that text's code
        _file({method_cache.entry_key("x = 1", FLAGS): marshal.dumps((FLAGS, "x = 9", compile("x = 2", "<string>", "exec")))}),
        _file({method_cache.entry_key("x = 1", FLAGS): marshal.dumps((0, "x = 1", compile("x = 2", "<string>", "exec")))}),
        _file({(FLAGS, "x = 1"): compile("x = 2", "<string>", "exec")}, b"\x00\x00\r\n" + method_cache._FORMAT),  # other magic
        _file({(FLAGS, "x = 1"): compile("x = 2", "<string>", "exec")})[:-3] + b"\x00\x00\x00",  # damaged: checksum
        HEADER + b"\x00\x00\x00\x00" + marshal.dumps({(FLAGS, "x = 1"): compile("x = 2", "<string>", "exec")}),
    ],
)
def test_a_damaged_or_foreign_cache_is_ignored_and_rewritten(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "methods.bin"
    _write_damaged(path, content)
    body, options = SHAPES[0]
    cache = MethodCache(path, write=True)
    assert _methods(_make(body, options, cache)) == _methods(_make(body, options, None))
    scope: dict[str, object] = {}
    cache.exec("x = 1", scope)
    assert scope["x"] == 1  # never the foreign file's ``x = 2``
    assert cache.compiled > 0 and cache.save()
    assert MethodCache(path)._read()  # a good file now


def test_no_write_when_told_not_to_or_when_the_folder_is_not_writable(tmp_path: Path) -> None:
    body, options = SHAPES[0]
    quiet = MethodCache(tmp_path / "a.bin", write=False)
    _make(body, options, quiet)
    assert quiet.compiled > 0 and not quiet.save() and not (tmp_path / "a.bin").exists()
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    stuck = MethodCache(blocked / "b.bin", write=True)
    _make(body, options, stuck)
    assert not stuck.save()  # an OSError, swallowed as a failed .pyc write is
    assert not list(tmp_path.glob("**/*.tmp"))


def test_an_oversized_cache_keeps_what_the_run_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "methods.bin"
    flags = __future__.annotations.compiler_flag  # this module's, passed on as exec does
    old = {(flags, f"x = {n}"): compile(f"x = {n}", "<string>", "exec") for n in range(5)}
    path.write_bytes(_file(old))
    monkeypatch.setattr(method_cache, "MAX_ENTRIES", 3)
    cache = MethodCache(path, write=True)
    cache.exec("x = 1", {})  # from the file
    cache.exec("y = 1", {})  # compiled
    assert cache.save()
    assert MethodCache(path).texts() == {"x = 1", "y = 1"}


def _run_cli(env: dict[str, str], out: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "npm_auth_lint", str(out.parent / "repo"), "--format", "json", "--output", str(out)],
        env=env,
        check=False,
        capture_output=True,
    )


def test_the_cli_writes_the_cache_once_and_then_only_reads_it(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NPM_AUTH_LINT_CACHE_DIR"] = str(tmp_path / "pycache")
    shutil.copytree(FIXTURE, tmp_path / "repo")
    _run_cli(env, tmp_path / "first.json")
    written = list((tmp_path / "pycache").glob("**/dataclass-methods.*.bin"))
    assert len(written) == 1
    before = written[0].stat().st_mtime_ns, written[0].read_bytes()
    _run_cli(env, tmp_path / "second.json")
    assert (written[0].stat().st_mtime_ns, written[0].read_bytes()) == before  # nothing compiled
    first, second = (json.loads((tmp_path / f"{n}.json").read_text()) for n in ("first", "second"))
    assert first == second and first["findings"]
    # With PYTHONDONTWRITEBYTECODE set, nothing is written.
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["NPM_AUTH_LINT_CACHE_DIR"] = str(tmp_path / "other")
    _run_cli(env, tmp_path / "third.json")
    assert not list((tmp_path / "other").glob("**/dataclass-methods.*.bin"))


_EVERY_CLASS = """
import contextlib, importlib, json, marshal, pkgutil, sys
sys.path.insert(0, sys.argv[3])
from test_method_cache import canonical
from pathlib import Path
import npm_auth_lint
from npm_auth_lint import lazy_dataclass, method_cache
mode, path = sys.argv[1], Path(sys.argv[2])
if mode == "plain":  # dataclasses compiling every method itself
    lazy_dataclass.cached_compiling = contextlib.nullcontext
else:
    method_cache._CACHE = method_cache.MethodCache(path, write=True)
for m in pkgutil.walk_packages(npm_auth_lint.__path__, "npm_auth_lint."):
    if m.name not in ("npm_auth_lint.mcp_server", "npm_auth_lint.__main__"):
        importlib.import_module(m.name)
classes = list(lazy_dataclass._PENDING)
lazy_dataclass.materialize_all()
codes = {
    f"{c.__module__}.{c.__qualname__}.{name}": canonical(f.__code__)
    for c in classes for name, f in vars(c).items() if callable(f) and hasattr(f, "__code__")
}
compiled = method_cache._CACHE.compiled if mode != "plain" else -1
if mode != "plain":
    method_cache._CACHE.save()
print(json.dumps({"compiled": compiled, "codes": codes}))
"""


def test_every_class_of_the_package_gets_the_code_dataclasses_would_compile(tmp_path: Path) -> None:
    def run(mode: str) -> dict[str, object]:
        done = subprocess.run([sys.executable, "-c", _EVERY_CLASS, mode, str(tmp_path / "m.bin"), str(Path(__file__).parent)], capture_output=True, text=True, check=True)
        return json.loads(done.stdout)  # type: ignore[no-any-return]

    plain, cold, warm = run("plain"), run("cold"), run("warm")
    assert len(plain["codes"]) > 500  # type: ignore[arg-type]
    assert cold["codes"] == plain["codes"] and warm["codes"] == plain["codes"]
    # (3.13 compiles a class's methods in one text, 3.11 one text per method.)
    assert cold["compiled"] > 100 and warm["compiled"] == 0  # type: ignore[operator]


def test_the_default_folder_follows_the_platform_rules(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NPM_AUTH_LINT_CACHE_DIR", raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert method_cache.cache_folder() == tmp_path / "xdg" / "npm-auth-lint"
    monkeypatch.setenv("XDG_CACHE_HOME", "relative/cache")  # invalid by the XDG spec: ignored
    assert method_cache.cache_folder() == tmp_path / "home" / ".cache" / "npm-auth-lint"
    monkeypatch.setattr(sys, "platform", "darwin")
    assert method_cache.cache_folder() == tmp_path / "home" / "Library" / "Caches" / "npm-auth-lint"
    monkeypatch.setenv("NPM_AUTH_LINT_CACHE_DIR", str(tmp_path / "mine"))
    assert method_cache.default_path() == tmp_path / "mine" / f"dataclass-methods.{sys.implementation.cache_tag}.bin"
    monkeypatch.setenv("NPM_AUTH_LINT_CACHE_DIR", "")
    assert method_cache.default_path() is None


def test_writers_keep_each_others_entries(tmp_path: Path) -> None:
    path = tmp_path / "methods.bin"
    first, second = MethodCache(path, write=True), MethodCache(path, write=True)
    first.exec("a = 1", {})
    second.exec("b = 1", {})  # both loaded the (missing) file before either wrote
    assert first.save() and second.save()
    assert MethodCache(path).texts() == {"a = 1", "b = 1"}


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX ownership and modes")
def test_a_cache_others_can_write_is_not_loaded(tmp_path: Path) -> None:
    path = tmp_path / "methods.bin"
    cache = MethodCache(path, write=True)
    cache.exec("x = 1", {})
    assert cache.save()
    assert path.stat().st_mode & 0o777 == 0o600
    assert MethodCache(path)._read()
    path.chmod(0o620)  # group-writable
    assert MethodCache(path)._read() == {}
    path.chmod(0o600)
    if os.getuid() == 0:  # only root can give the file away
        os.chown(path, 12345, -1)
        assert MethodCache(path)._read() == {}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_or_an_oversized_file_is_not_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fifo = tmp_path / "fifo.bin"
    os.mkfifo(fifo)
    assert MethodCache(fifo)._read() == {}  # returns at once: opened without blocking, then refused
    path = tmp_path / "methods.bin"
    path.write_bytes(_file({(FLAGS, "x = 1"): compile("x = 1", "<string>", "exec")}))
    path.chmod(0o600)
    assert MethodCache(path)._read()
    monkeypatch.setattr(method_cache, "MAX_FILE_BYTES", 10)
    assert MethodCache(path)._read() == {}
