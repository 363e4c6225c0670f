"""``cached_property`` without a lock: computed once per instance, then a plain attribute.

Python 3.11's ``functools.cached_property`` takes a lock on every first access, which costs about a
microsecond; the request's lazy attributes (``GET``, ``META``, ``COOKIES``, …) are read on every request.
As in Django, two threads racing on the first access may both compute the value; the last one is kept.
"""

from __future__ import annotations

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
