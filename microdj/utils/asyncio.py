"""Async safety helpers: the ``async_unsafe`` decorator, and the blocking-call guard's public names.

``async_unsafe`` marks a function that must never run on a thread that is running an event loop; calling it
there raises :class:`~microdj.core.exceptions.SynchronousOnlyOperation` unless the environment variable
``MICRODJ_ALLOW_ASYNC_UNSAFE`` is set (Django's ``async_unsafe`` and ``DJANGO_ALLOW_ASYNC_UNSAFE``).

The blocking-call guard itself lives in :mod:`microdj.guard`; its public names are importable from here too
(``from microdj.utils.asyncio import allow_blocking``).
"""

from __future__ import annotations

import asyncio
import functools
import os
from collections.abc import Callable
from typing import Any, TypeVar

from microdj.core.exceptions import SynchronousOnlyOperation
from microdj.guard import (
    MODES,
    BlockingCallError,
    LoopWatchdog,
    allow_blocking,
    enter,
    forbid_blocking,
    guard_mode,
    install,
    is_installed,
    leave,
    start_watchdog,
    stop_watchdog,
    uninstall,
    user_code,
    view_label,
)

__all__ = [
    "ALLOW_ASYNC_UNSAFE_ENV",
    "MODES",
    "BlockingCallError",
    "LoopWatchdog",
    "allow_blocking",
    "async_unsafe",
    "enter",
    "forbid_blocking",
    "guard_mode",
    "install",
    "is_installed",
    "leave",
    "start_watchdog",
    "stop_watchdog",
    "uninstall",
    "user_code",
    "view_label",
]

ALLOW_ASYNC_UNSAFE_ENV = "MICRODJ_ALLOW_ASYNC_UNSAFE"

F = TypeVar("F", bound=Callable[..., Any])


def async_unsafe(message: str | Callable[..., Any]) -> Any:
    """Make a function raise SynchronousOnlyOperation when called from a thread running an event loop.

    Use as ``@async_unsafe`` (a default message naming the function) or ``@async_unsafe("message")``.
    Setting the environment variable ``MICRODJ_ALLOW_ASYNC_UNSAFE`` turns the check off.
    """
    if callable(message):
        return _async_unsafe(message, None)
    return functools.partial(_async_unsafe, message=message)


def _async_unsafe(func: F, message: str | None) -> F:
    if message is None:
        name = f"{func.__module__}.{func.__qualname__}()"
        message = (
            f"{name} is a synchronous function and cannot be called from async code (this thread is running "
            "an event loop). Call it from a sync view, or run it in a worker thread: "
            f"`await sync_to_async({func.__name__})(...)` or "
            f"`await anyio.to_thread.run_sync({func.__name__})`."
        )

    @functools.wraps(func)
    def inner(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            if not os.environ.get(ALLOW_ASYNC_UNSAFE_ENV):
                raise SynchronousOnlyOperation(message)
        return func(*args, **kwargs)

    return inner  # type: ignore[return-value]
