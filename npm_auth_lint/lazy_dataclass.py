"""Frozen dataclasses whose methods are generated when the class is first instantiated.

``@frozen_dataclass`` is ``@dataclasses.dataclass(frozen=True)`` (with ``order`` and ``kw_only``
when asked), applied on the class's first instantiation instead of at import. On Python 3.11 and
3.12 the standard decorator compiles six functions per frozen class (``__init__``, ``__repr__``,
``__eq__``, ``__hash__``, ``__setattr__``, ``__delattr__``) at ~0.45 ms a class: the ~120 classes a
lint loads were a third of a one-workflow run, and a run never instantiates about a third of them
(a repository without .npmrc files builds no ``NpmrcFile``). Those are now never processed.

Until then the class has a stand-in ``__init__`` and none of the dataclass attributes
(``__dataclass_fields__``, ``__match_args__``); nothing asks a class for them before it has an
instance (``dataclasses.replace`` and ``fields`` are given instances). The stand-in processes the
class, and any pending base class first (a subclass's fields include its bases'), which replaces
it: later instantiations cost what a plain dataclass costs. A lock makes a first instantiation
in two threads process the class once, but for a moment the class has no ``__init__`` (see
:func:`_process`): a process that instantiates from several threads (the MCP server runs calls
in worker threads) calls :func:`process_eagerly` before it starts them, and pays at import.
A mistake in a class definition (a field without a default after one with) shows at its first
instantiation, not at import: ``tests/test_lazy_dataclass.py`` processes every class.

A class that must be a dataclass at import (``slots=True`` returns a new class) keeps the
standard decorator; so do the mutable ones. (The stand-in is an ``__init__``, not a ``__new__``:
CPython keeps looking ``__new__`` up on every instantiation once a class has defined one, even
after it is deleted.)
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

from npm_auth_lint.method_cache import cached_compiling

if TYPE_CHECKING:  # for type checkers only (frozen_default is new in 3.12's typing)
    from typing_extensions import dataclass_transform
else:

    def dataclass_transform(**_: object) -> Callable[[Any], Any]:
        return lambda decorator: decorator


_T = TypeVar("_T", bound=type)

# The classes still waiting for dataclasses.dataclass, with its options.
_PENDING: dict[type, dict[str, bool]] = {}
_LOCK = threading.RLock()


@overload
def frozen_dataclass(cls: _T, /) -> _T: ...
@overload
def frozen_dataclass(*, order: bool = False, kw_only: bool = False) -> Callable[[_T], _T]: ...


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
def frozen_dataclass(cls: Any = None, /, *, order: bool = False, kw_only: bool = False) -> Any:
    """``@dataclasses.dataclass(frozen=True, order=order, kw_only=kw_only)``, applied when the
    class is first instantiated."""

    def defer(klass: _T) -> _T:
        if _EAGER:
            with _LOCK, cached_compiling():
                return dataclasses.dataclass(klass, frozen=True, order=order, kw_only=kw_only)  # type: ignore[return-value]
        if "__init__" in vars(klass):
            raise TypeError(f"{klass.__qualname__} defines __init__; use dataclasses.dataclass")
        _PENDING[klass] = {"frozen": True, "order": order, "kw_only": kw_only}
        klass.__init__ = _first_init  # type: ignore[misc]
        return klass

    return defer if cls is None else defer(cls)


def _first_init(self: Any, /, *args: Any, **kwargs: Any) -> None:
    materialize(type(self))
    type(self).__init__(self, *args, **kwargs)


def materialize(cls: type) -> None:
    """Apply ``dataclasses.dataclass`` to ``cls`` and its pending bases, bases first (a no-op for
    a class already done)."""
    with _LOCK:
        for klass in reversed(cls.__mro__):
            options = _PENDING.get(klass)
            if options is None:
                continue
            _process(klass, options)
            del _PENDING[klass]


def _process(klass: type, options: dict[str, bool]) -> None:
    # dataclass() keeps an __init__ the class defines, so the stand-in must go first: until
    # dataclass() has set the generated one, the class has none, and another thread's
    # instantiation fails ("takes no arguments") without passing through the lock. Hence
    # process_eagerly() for a process that runs threads.
    delattr(klass, "__init__")
    with cached_compiling():  # the methods' code compiled by an earlier run (method_cache)
        dataclasses.dataclass(klass, **options)


def materialize_all() -> None:
    """Process every pending class now (process_eagerly, and tests that inspect classes)."""
    with _LOCK:
        for klass in list(_PENDING):
            materialize(klass)


_EAGER = False


def process_eagerly() -> None:
    """From now on, process each class at its definition (as ``dataclasses.dataclass`` does),
    and process the pending ones now. A process that instantiates from several threads calls
    this before it starts them (the MCP server does): a class's first instantiation in one
    thread leaves it briefly without an ``__init__`` for the others, while a class defined
    during an import is safe, as other threads wait for the import to finish."""
    global _EAGER
    _EAGER = True
    materialize_all()
