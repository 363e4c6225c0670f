"""The mark: which user async code is running, on which loop thread, in which mode.

While user async code runs (an async view, an async middleware, an async streaming body) the handler sets
:data:`USER_CODE` to ``(label, loop thread id, mode or None)``; a guarded function fires only when the mark
is set and the calling thread is the loop's. Worker threads copy the context but run on another thread, so
they never fire.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any

__all__ = ["USER_CODE", "Mark", "enter", "leave", "user_code", "view_label"]

#: (label, id of the thread running the loop, mode or None). A mode in the mark (an application's own
#: ``async_safety``) wins over the process-wide one. The view runner uses a list of the same three items,
#: set once per task and changed in place (see :mod:`microdj.guard.runner`); a thread id of 0 matches no
#: thread, so such a list marks nothing between two views.
Mark = tuple[str, int, str | None] | list[Any]
USER_CODE: ContextVar[Mark | None] = ContextVar("microdj_user_code", default=None)


def enter(label: str, mode: str | None = None) -> Token[Mark | None]:
    """Mark user async code (described by ``label``) as running on this thread; pass the token to leave().

    ``mode`` ("raise" or "warn") applies to this code only; None follows the installed mode.
    """
    # PERF: runs around every async view/middleware/body step while the guard is on: one tuple, one set.
    return USER_CODE.set((label, threading.get_ident(), mode))


def leave(token: Token[Mark | None]) -> None:
    """Undo the enter() that returned ``token``."""
    USER_CODE.reset(token)


@contextmanager
def user_code(label: str, mode: str | None = None) -> Iterator[None]:
    """Context manager form of enter()/leave()."""
    token = enter(label, mode)
    try:
        yield
    finally:
        leave(token)


def view_label(view: Callable[..., Any], url_name: str | None = None) -> str:
    """Describe a view for messages: ``"myapp.views.index (url name 'index')"``."""
    target = getattr(view, "view_class", view)
    qualname = getattr(target, "__qualname__", type(target).__qualname__)
    module = getattr(target, "__module__", None)
    path = f"{module}.{qualname}" if module else qualname
    return f"{path} (url name {url_name!r})" if url_name else path
