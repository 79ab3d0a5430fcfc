"""@frozen_dataclass: a frozen dataclass processed at its first instantiation, identical to one
processed at import; every class of the package processes; a never-used class costs nothing."""

from __future__ import annotations

import dataclasses
import importlib
import pkgutil
import subprocess
import sys

import pytest

import npm_auth_lint
from npm_auth_lint import lazy_dataclass
from npm_auth_lint.lazy_dataclass import frozen_dataclass


def _pair(**options: bool) -> tuple[type, type]:
    """The same class body under the lazy and the standard decorator."""

    def body() -> dict[str, object]:
        return {
            "__annotations__": {"name": "str", "tags": "tuple[str, ...]", "count": "int"},
            "tags": (),
            "count": dataclasses.field(default=0, compare=False),
            "__module__": __name__,
            "__doc__": "A test class.",
        }

    lazy = frozen_dataclass(**options)(type("Item", (), body()))
    eager = dataclasses.dataclass(frozen=True, **options)(type("Item", (), body()))
    return lazy, eager


@pytest.mark.parametrize("options", [{}, {"order": True}, {"kw_only": True}])
def test_behaves_as_the_standard_frozen_dataclass(options: dict[str, bool]) -> None:
    lazy, eager = _pair(**options)
    assert not dataclasses.is_dataclass(lazy)  # nothing generated before the first instance
    a, b = lazy(name="x", tags=("t",), count=1), eager(name="x", tags=("t",), count=1)
    assert dataclasses.is_dataclass(lazy)
    assert repr(a) == repr(b) and a == lazy(name="x", tags=("t",), count=2) and hash(a) == hash(lazy(name="x", tags=("t",)))
    assert [f.name for f in dataclasses.fields(a)] == [f.name for f in dataclasses.fields(b)]
    assert getattr(lazy, "__match_args__", None) == getattr(eager, "__match_args__", None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.name = "y"  # type: ignore[misc]
    assert dataclasses.replace(a, name="z").name == "z"
    if options.get("order"):
        assert sorted([lazy(name="b"), lazy(name="a")]) == [lazy(name="a"), lazy(name="b")]
    with pytest.raises(TypeError):
        lazy()  # a missing argument is the generated __init__'s error, on every call
    with pytest.raises(TypeError):
        lazy()


def test_a_subclass_processes_its_pending_base_first() -> None:
    base = frozen_dataclass(kw_only=True)(type("Base", (), {"__annotations__": {"command": "str"}, "__module__": __name__}))
    sub = frozen_dataclass(kw_only=True)(type("Sub", (base,), {"__annotations__": {"extra": "int"}, "extra": 0, "__module__": __name__}))
    item = sub(command="npm publish")
    assert (item.command, item.extra) == ("npm publish", 0) and dataclasses.is_dataclass(base)
    assert base(command="x") != sub(command="x")


_THREADS = """
import sys, threading
from npm_auth_lint import lazy_dataclass
from npm_auth_lint.lazy_dataclass import frozen_dataclass
if sys.argv[1] == "eager":
    lazy_dataclass.process_eagerly()
classes = [frozen_dataclass(type(f"C{i}", (), {"__annotations__": {"a": "int"}, "__module__": "__main__"})) for i in range(300)]
errors = []
start = threading.Barrier(4)
def build():
    start.wait()
    for cls in classes:
        try:
            cls(a=1)
        except TypeError as exc:
            errors.append(exc)
threads = [threading.Thread(target=build) for _ in range(4)]
for t in threads: t.start()
for t in threads: t.join()
print(len(errors))
"""


def test_process_eagerly_makes_first_instantiations_in_many_threads_safe() -> None:
    # What the MCP server does before it starts worker threads; the lazy mode is for a process
    # that instantiates from one thread (a class is briefly without __init__ while processed).
    out = subprocess.run([sys.executable, "-c", _THREADS, "eager"], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "0"


def test_process_eagerly_processes_pending_and_new_classes() -> None:
    code = (
        "from npm_auth_lint import lazy_dataclass\n"
        "from npm_auth_lint.lazy_dataclass import frozen_dataclass\n"
        "import dataclasses\n"
        "before = frozen_dataclass(type('B', (), {'__annotations__': {'a': 'int'}, '__module__': '__main__'}))\n"
        "assert not dataclasses.is_dataclass(before)\n"
        "lazy_dataclass.process_eagerly()\n"
        "after = frozen_dataclass(type('A', (), {'__annotations__': {'a': 'int'}, '__module__': '__main__'}))\n"
        "print(dataclasses.is_dataclass(before), dataclasses.is_dataclass(after), len(lazy_dataclass._PENDING))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "True", "0"]


def _import_every_module() -> None:
    for module in pkgutil.walk_packages(npm_auth_lint.__path__, "npm_auth_lint."):
        if module.name not in ("npm_auth_lint.mcp_server", "npm_auth_lint.__main__"):  # the MCP SDK is optional; __main__ runs
            importlib.import_module(module.name)


def test_every_class_of_the_package_processes() -> None:
    # A mistake in a definition (a field without a default after one with) would otherwise show
    # only when the class is first used.
    _import_every_module()
    lazy_dataclass.materialize_all()
    assert not lazy_dataclass._PENDING


def test_no_standard_dataclass_extends_a_pending_one() -> None:
    # dataclasses.dataclass reads its bases' fields at import: a lazy base has none yet.
    code = (
        "import importlib, pkgutil, dataclasses, npm_auth_lint\n"
        "from npm_auth_lint import lazy_dataclass\n"
        "for m in pkgutil.walk_packages(npm_auth_lint.__path__, 'npm_auth_lint.'):\n"
        "    if m.name not in ('npm_auth_lint.mcp_server', 'npm_auth_lint.__main__'): importlib.import_module(m.name)\n"
        "import gc\n"
        "bad = [c.__qualname__ for c in gc.get_objects() if isinstance(c, type) and '__dataclass_fields__' in vars(c)"
        " and any(b in lazy_dataclass._PENDING for b in c.__mro__[1:])]\n"
        "print(len(lazy_dataclass._PENDING), bad)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split(maxsplit=1)
    assert int(out[0]) > 50 and out[1].strip() == "[]", out


def test_a_one_workflow_lint_leaves_classes_unprocessed(tmp_path: object) -> None:
    # The point of the module: a small run processes only what it instantiates.
    code = (
        "import sys, io, contextlib\n"
        "from npm_auth_lint.cli import main\n"
        "from npm_auth_lint import lazy_dataclass\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['--no-config', '--fail-on', 'never', sys.argv[1]])\n"
        "print(len(lazy_dataclass._PENDING))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True, check=True).stdout
    assert int(out) >= 10, out
