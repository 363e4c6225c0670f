"""The handler's one seam to the guard: a view runner, picked once when the application is built.

Every piece of user async code the handler runs on the loop - an async view, an async middleware, an async
streaming body - goes through the runner. :class:`ViewRunner` runs it plainly (guard off: the request path
never touches the guard); :class:`GuardedViewRunner` runs it under the guard's mark, labelled with the view's
path and URL name (or the middleware's path).
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from microdj.guard.install import install
from microdj.guard.mark import USER_CODE, view_label
from microdj.guard.policy import guard_mode

if TYPE_CHECKING:
    from microdj.http.request import HttpRequest
    from microdj.http.response_base import HttpResponseBase
    from microdj.urls.resolvers import ResolverMatch

__all__ = ["GuardedViewRunner", "ViewRunner", "view_runner"]

AsyncView = Callable[..., Awaitable["HttpResponseBase"]]
AsyncHandler = Callable[["HttpRequest"], Awaitable[Any]]


class ViewRunner:
    """Runs user async code plainly: the guard is off for this application."""

    #: Whether user async code runs under the blocking-call guard.
    guarded = False

    def view(self, callback: AsyncView, request: HttpRequest, match: ResolverMatch) -> Awaitable[Any]:
        """The awaitable of one async view call: ``callback(request, *match.args, **match.kwargs)``."""
        args, kwargs = match.args, match.kwargs
        # PERF: a view without URL arguments is called plainly; a call with *args/**kwargs builds a tuple
        # and a dict and goes through the interpreter's slower generic path.
        return callback(request, *args, **kwargs) if args or kwargs else callback(request)

    def middleware(self, middleware: AsyncHandler, path: str) -> AsyncHandler:
        """The async middleware ``middleware`` (imported from ``path``) as the chain should call it."""
        return middleware

    def body(self, request: HttpRequest, sending: Awaitable[None]) -> Awaitable[None]:
        """The awaitable that sends an async streaming body (``sending``) for ``request``."""
        return sending


class GuardedViewRunner(ViewRunner):
    """Runs user async code under the blocking-call guard in ``mode`` (None: the settings', followed live)."""

    guarded = True

    def __init__(self, mode: str | None) -> None:
        self.mode = mode
        # PERF: a label is built once per (view, URL name), not per request.
        self.labels: dict[tuple[Any, str | None], str] = {}

    def label(self, callback: Callable[..., Any], url_name: str | None) -> str:
        """The guard's label for a view (cached)."""
        key = (callback, url_name)
        label = self.labels.get(key)
        if label is None:
            label = self.labels[key] = view_label(callback, url_name)
        return label

    async def view(self, callback: AsyncView, request: HttpRequest, match: ResolverMatch) -> Any:
        label = self.labels.get((callback, match.url_name)) or self.label(callback, match.url_name)
        mark = USER_CODE.get()
        if mark is None:
            # PERF: one ContextVar set per task (a set and a reset cost more than the view call itself);
            # the list is then changed in place, and marks nothing (thread 0) once the view is done.
            mark = [label, 0, None]
            USER_CODE.set(mark)
        elif mark.__class__ is not list:
            return await _run_marked(callback(request, *match.args, **match.kwargs), label, self.mode)
        previous_label, previous_thread, previous_mode = mark
        mark[0] = label
        mark[1] = threading.get_ident()
        mark[2] = self.mode
        args, kwargs = match.args, match.kwargs
        try:
            if args or kwargs:
                return await callback(request, *args, **kwargs)
            return await callback(request)
        finally:
            mark[0] = previous_label
            mark[1] = previous_thread
            mark[2] = previous_mode

    def middleware(self, middleware: AsyncHandler, path: str) -> AsyncHandler:
        label = f"middleware {path}"
        mode = self.mode

        async def guarded(request: HttpRequest) -> Any:
            return await _run_marked(middleware(request), label, mode)

        return guarded

    async def body(self, request: HttpRequest, sending: Awaitable[None]) -> None:
        match = request.resolver_match
        label = self.label(match.func, match.url_name) if match else "a streaming response"
        await _run_marked(sending, f"streaming body of {label}", self.mode)


async def _run_marked(awaitable: Awaitable[Any], label: str, mode: str | None) -> Any:
    """Await ``awaitable`` with the mark set to ``label`` (a set and a reset of the ContextVar)."""
    token = USER_CODE.set((label, threading.get_ident(), mode))
    try:
        return await awaitable
    finally:
        USER_CODE.reset(token)


def view_runner(async_safety: str | None = None) -> ViewRunner:
    """The runner for an application whose ``async_safety`` is given (None: the settings decide).

    Installs the guard unless the mode is "off". An explicit mode is fixed; the settings' mode is followed
    live (``override_settings``).
    """
    mode = async_safety or guard_mode()
    if mode != "off" and install(async_safety):
        return GuardedViewRunner(async_safety)
    return ViewRunner()
