"""Functional helpers: ``cached_property``, ``lazy``/``keep_lazy`` and ``SimpleLazyObject``, as Django's.

``cached_property`` has no lock: computed once per instance, then a plain attribute.

Python 3.11's ``functools.cached_property`` takes a lock on every first access, which costs about a
microsecond; the request's lazy attributes (``GET``, ``META``, ``COOKIES``, …) are read on every request.
As in Django, two threads racing on the first access may both compute the value; the last one is kept.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from typing import Any, Generic, TypeVar, overload

T = TypeVar("T")


class cached_property(Generic[T]):  # noqa: N801 - named like functools.cached_property
    """Turn a method into an attribute computed on first read and stored on the instance."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached_property[T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        # PERF: a non-data descriptor: once stored in the instance's __dict__, it is never called again.
        value = instance.__dict__[self.name] = self.func(instance)
        return value


class Promise:
    """Base class of the proxies ``lazy()`` returns: a value computed each time it is used."""


def lazy(func: Callable[..., Any], *resultclasses: type) -> Callable[..., Any]:
    """Wrap ``func`` so a call returns a proxy that calls ``func`` only when its result is used.

    The proxy answers the methods of ``resultclasses`` (and comparisons, hashing, ``str``, ``%``, ``+``)
    by computing the result and delegating to it.
    """

    class __proxy__(Promise):  # noqa: N801 - the proxy class's name, as Django's
        def __init__(self, args: tuple[Any, ...], kw: dict[str, Any]) -> None:
            self._args = args
            self._kw = kw

        def __reduce__(self) -> Any:
            return (_lazy_proxy_unpickle, (func, self._args, self._kw, *resultclasses))

        def __deepcopy__(self, memo: dict[int, Any]) -> Any:
            memo[id(self)] = self
            return self

        def _cast(self) -> Any:
            return func(*self._args, **self._kw)

        def __repr__(self) -> str:
            return repr(self._cast())

        def __str__(self) -> str:
            return str(self._cast())

        def __eq__(self, other: object) -> bool:
            if isinstance(other, Promise):
                other = other._cast()  # type: ignore[attr-defined]
            return bool(self._cast() == other)

        def __ne__(self, other: object) -> bool:
            return not self == other

        def __lt__(self, other: Any) -> bool:
            if isinstance(other, Promise):
                other = other._cast()  # type: ignore[attr-defined]
            return bool(self._cast() < other)

        def __hash__(self) -> int:
            return hash(self._cast())

        def __format__(self, format_spec: str) -> str:
            return format(self._cast(), format_spec)

        def __mod__(self, other: Any) -> Any:
            return self._cast() % other

        def __add__(self, other: Any) -> Any:
            return self._cast() + other

        def __radd__(self, other: Any) -> Any:
            return other + self._cast()

    def delegate(name: str) -> Callable[..., Any]:
        def method(self: Any, *args: Any, **kw: Any) -> Any:
            return getattr(self._cast(), name)(*args, **kw)

        method.__name__ = name
        return method

    own = set(vars(__proxy__))
    for resultclass in resultclasses:
        for klass in resultclass.__mro__:
            for name in vars(klass):
                if (
                    name in own
                    or name in _NOT_DELEGATED
                    or (hasattr(__proxy__, name) and name.startswith("__"))
                ):
                    continue
                setattr(__proxy__, name, delegate(name))
                own.add(name)

    def wrapper(*args: Any, **kw: Any) -> Any:
        return __proxy__(args, kw)

    wrapper.__wrapped__ = func  # type: ignore[attr-defined]
    wrapper.__name__ = getattr(func, "__name__", "lazy")
    return wrapper


_NOT_DELEGATED = frozenset(
    {"__new__", "__init__", "__getattribute__", "__setattr__", "__delattr__", "__dict__"}
)


def _lazy_proxy_unpickle(
    func: Callable[..., Any], args: tuple[Any, ...], kw: dict[str, Any], *classes: type
) -> Any:
    return lazy(func, *classes)(*args, **kw)


def lazystr(text: Any) -> Any:
    """``str(text)``, computed when used."""
    return lazy(str, str)(text)


def keep_lazy(*resultclasses: type) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: when any argument is lazy, the call itself becomes lazy (a proxy of ``resultclasses``)."""
    if not resultclasses:
        raise TypeError("You must pass at least one argument to keep_lazy().")

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        lazy_func = lazy(func, *resultclasses)

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if any(isinstance(arg, Promise) for arg in (*args, *kwargs.values())):
                return lazy_func(*args, **kwargs)
            return func(*args, **kwargs)

        return wrapper

    return decorator


def keep_lazy_text(func: Callable[..., Any]) -> Callable[..., Any]:
    """``keep_lazy(str)``."""
    return keep_lazy(str)(func)


empty = object()


def _proxied(name: str) -> Callable[..., Any]:
    def method(self: Any, *args: Any) -> Any:
        if self._wrapped is empty:
            self._setup()
        return getattr(self._wrapped, name)(*args)

    method.__name__ = name
    return method


class LazyObject:
    """A proxy that sets up the object it stands for (``_setup()``) on first use."""

    _wrapped: Any = None

    def __init__(self) -> None:
        self._wrapped = empty

    def __getattr__(self, name: str) -> Any:
        if name == "_wrapped":
            raise AttributeError(name)
        if self._wrapped is empty:
            self._setup()
        return getattr(self._wrapped, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name in ("_wrapped", "_setupfunc"):
            self.__dict__[name] = value
        else:
            if self._wrapped is empty:
                self._setup()
            setattr(self._wrapped, name, value)

    def __delattr__(self, name: str) -> None:
        if name == "_wrapped":
            raise TypeError("can't delete _wrapped.")
        if self._wrapped is empty:
            self._setup()
        delattr(self._wrapped, name)

    def _setup(self) -> None:
        raise NotImplementedError("subclasses of LazyObject must provide a _setup() method")

    def __reduce__(self) -> Any:
        if self._wrapped is empty:
            self._setup()
        return (_unpickle_lazyobject, (self._wrapped,))

    def __copy__(self) -> Any:
        if self._wrapped is empty:
            return type(self)()
        return copy.copy(self._wrapped)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        if self._wrapped is empty:
            result = type(self)()
            memo[id(self)] = result
            return result
        return copy.deepcopy(self._wrapped, memo)

    @property  # type: ignore[misc]
    def __class__(self) -> type:
        if self._wrapped is empty:
            self._setup()
        return type(self._wrapped)

    def __dir__(self) -> list[str]:
        if self._wrapped is empty:
            self._setup()
        return dir(self._wrapped)

    for _name in (
        "__bytes__",
        "__str__",
        "__bool__",
        "__eq__",
        "__lt__",
        "__gt__",
        "__ne__",
        "__le__",
        "__ge__",
        "__hash__",
        "__getitem__",
        "__setitem__",
        "__delitem__",
        "__iter__",
        "__len__",
        "__contains__",
        "__add__",
        "__radd__",
        "__or__",
        "__ror__",
        "__mul__",
        "__rmul__",
        "__mod__",
        "__reversed__",
    ):
        locals()[_name] = _proxied(_name)
    del _name


def _unpickle_lazyobject(wrapped: Any) -> Any:
    return wrapped


class SimpleLazyObject(LazyObject):
    """A LazyObject set up by calling ``func()``."""

    def __init__(self, func: Callable[[], Any]) -> None:
        self.__dict__["_setupfunc"] = func
        super().__init__()

    def _setup(self) -> None:
        self._wrapped = self._setupfunc()

    def __repr__(self) -> str:
        target = self._setupfunc if self._wrapped is empty else self._wrapped
        return f"<{type(self).__name__}: {target!r}>"

    def __copy__(self) -> Any:
        if self._wrapped is empty:
            return SimpleLazyObject(self._setupfunc)
        return copy.copy(self._wrapped)

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        if self._wrapped is empty:
            result = SimpleLazyObject(self._setupfunc)
            memo[id(self)] = result
            return result
        return copy.deepcopy(self._wrapped, memo)
