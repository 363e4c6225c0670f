"""``allow_blocking()`` and ``forbid_blocking()``: clear or set the mark for a block of code."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from contextvars import Token
from typing import Any, TypeVar, overload

from microdj.guard.install import acquire_temporary, release_temporary
from microdj.guard.mark import USER_CODE, Mark, enter

__all__ = ["BlockingScope", "allow_blocking", "forbid_blocking"]

F = TypeVar("F", bound=Callable[..., Any])


class BlockingScope:
    """Set the mark for a block of code: on (forbid) or off (allow). Context manager and decorator."""

    def __init__(self, forbid: bool, label: str | None) -> None:
        self.forbid = forbid
        self.given_label = label
        self.label = label or "code under forbid_blocking()"
        self.tokens: list[Token[Mark | None]] = []

    def __enter__(self) -> None:
        if self.forbid:
            acquire_temporary()
            self.tokens.append(enter(self.label))
        else:
            self.tokens.append(USER_CODE.set(None))

    def __exit__(self, *exc_info: object) -> None:
        USER_CODE.reset(self.tokens.pop())
        if self.forbid:
            release_temporary()

    def __call__(self, func: F) -> F:
        label = self.given_label or f"{func.__module__}.{func.__qualname__}"
        forbid = self.forbid
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_inner(*args: Any, **kwargs: Any) -> Any:
                with BlockingScope(forbid, label):
                    return await func(*args, **kwargs)

            return async_inner  # type: ignore[return-value]

        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with BlockingScope(forbid, label):
                return func(*args, **kwargs)

        return inner  # type: ignore[return-value]


@overload
def allow_blocking(func: None = None) -> BlockingScope: ...
@overload
def allow_blocking(func: F) -> F: ...
def allow_blocking(func: F | None = None) -> BlockingScope | F:
    """Let the code inside block: ``with allow_blocking():``, ``@allow_blocking`` or ``@allow_blocking()``.

    Works on sync and async functions.
    """
    scope = BlockingScope(False, None)
    return scope if func is None else scope(func)


@overload
def forbid_blocking(label: str | None = None) -> BlockingScope: ...
@overload
def forbid_blocking(label: F) -> F: ...
def forbid_blocking(label: str | F | None = None) -> BlockingScope | F:
    """Run the code inside under the guard, on this thread, as if it were an async view named ``label``.

    ``with forbid_blocking("label"):``, ``@forbid_blocking`` or ``@forbid_blocking("label")`` on sync or async
    functions. Installs the guard (mode "raise") for the duration when it is not installed.
    """
    if callable(label):
        return BlockingScope(True, None)(label)
    return BlockingScope(True, label)
