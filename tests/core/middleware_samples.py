"""Sample middleware for the handler tests: each layer records what it did, in which thread, loop or not.

Query parameters steer them: ``raise_in=<name>&exc=<kind>`` makes the layer called ``name`` raise,
``pv=<name>`` makes that process_view hook answer, ``handle=<name>`` makes that process_exception hook
answer, ``tr=same|new|none`` chooses what ``TemplateHook.process_template_response`` returns.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from microdj.core.exceptions import (
    BadRequest,
    MiddlewareNotUsed,
    PermissionDenied,
    RequestAborted,
)
from microdj.http import Http404, HttpResponse
from microdj.utils.decorators import sync_and_async_middleware
from microdj.utils.deprecation import MiddlewareMixin

#: (label, thread ident, whether an event loop runs in that thread), in the order things happened.
EVENTS: list[tuple[str, int, bool]] = []


def record(label: str) -> None:
    """Note ``label`` with the current thread and whether it is running an event loop."""
    try:
        asyncio.get_running_loop()
        on_loop = True
    except RuntimeError:
        on_loop = False
    EVENTS.append((label, threading.get_ident(), on_loop))


def labels() -> list[str]:
    """The recorded labels, in order."""
    return [label for label, _, _ in EVENTS]


def event(label: str) -> tuple[str, int, bool]:
    """The one event recorded under ``label``."""
    (found,) = [entry for entry in EVENTS if entry[0] == label]
    return found


def _exception(kind: str) -> Exception:
    return {
        "404": Http404("raised by a middleware"),
        "403": PermissionDenied("no entry"),
        "400": BadRequest("bad middleware input"),
        "aborted": RequestAborted(),
        "500": RuntimeError("middleware failure"),
    }[kind]


def maybe_raise(request: Any, name: str) -> None:
    """Raise the exception the query asks for if it names this layer."""
    if request.GET.get("raise_in") == name:
        raise _exception(request.GET["exc"])


class SyncMiddleware:
    """A plain Django-style middleware: sync only (no capability flags)."""

    name = "sync"

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        record(f"{self.name}:in")
        maybe_raise(request, self.name)
        response = self.get_response(request)
        record(f"{self.name}:out {response.status_code}")
        return response


class SyncA(SyncMiddleware):
    name = "sync-a"


class SyncB(SyncMiddleware):
    name = "sync-b"


class AsyncMiddleware:
    """An async-only middleware with ``async def __call__``."""

    sync_capable = False
    async_capable = True
    name = "async"

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    async def __call__(self, request: Any) -> Any:
        record(f"{self.name}:in")
        maybe_raise(request, self.name)
        response = await self.get_response(request)
        record(f"{self.name}:out {response.status_code}")
        return response


class AsyncA(AsyncMiddleware):
    name = "async-a"


class AsyncB(AsyncMiddleware):
    name = "async-b"


class AsyncMarked:
    """An async-only middleware whose sync ``__call__`` returns a coroutine, marked as Django documents."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response
        markcoroutinefunction(self)

    def __call__(self, request: Any) -> Any:
        return self._acall(request)

    async def _acall(self, request: Any) -> Any:
        record("marked:in")
        response = await self.get_response(request)
        record("marked:out")
        return response


class AsyncBlocking(AsyncMiddleware):
    """Blocks the loop with ``time.sleep`` when asked (``?block=1``): the guard names this middleware."""

    name = "blocking"

    async def __call__(self, request: Any) -> Any:
        if request.GET.get("block"):
            time.sleep(0.001)
        return await self.get_response(request)


class Mixin(MiddlewareMixin):
    """A both-capable middleware written with Django's MiddlewareMixin hooks."""

    sync_hooks_in_thread = False

    def process_request(self, request: Any) -> None:
        record(f"mixin:request {'async' if self.async_mode else 'sync'}")

    def process_response(self, request: Any, response: Any) -> Any:
        record("mixin:response")
        response["X-Mixin"] = "yes"
        return response


class UrlconfSwitch(MiddlewareMixin):
    """Sets a per-request URLconf (``request.urlconf``) when the query asks for it (``?urlconf=root``)."""

    sync_hooks_in_thread = False

    def process_request(self, request: Any) -> None:
        if request.GET.get("urlconf") == "root":
            request.urlconf = "tests.urls_root"


@sync_and_async_middleware
def both_function(get_response: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A function middleware factory handling both modes, as Django's decorator allows."""
    if iscoroutinefunction(get_response):

        async def middleware(request: Any) -> Any:
            record("both:in async")
            return await get_response(request)

    else:

        def middleware(request: Any) -> Any:
            record("both:in sync")
            return get_response(request)

    return middleware


class Neither:
    """Neither sync- nor async-capable: the chain refuses it at start-up."""

    sync_capable = False
    async_capable = False

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response


class NotUsed:
    """Opts out at start-up."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        raise MiddlewareNotUsed("not needed here")


def returns_none(get_response: Callable[[Any], Any]) -> None:
    """A broken factory that forgets to return its middleware."""
    return None


# -- hooks -------------------------------------------------------------------------------------------------


def _view_hook(name: str, request: Any) -> Any:
    record(f"view-hook {name}")
    if request.GET.get("pv") == name:
        return HttpResponse(f"process_view of {name}")
    return None


def _exception_hook(name: str, request: Any, error: Exception) -> Any:
    record(f"exception-hook {name}")
    if request.GET.get("handle") == name:
        return HttpResponse(f"{name} handled {type(error).__name__}: {error}", status=299)
    return None


class ThreadHooks(MiddlewareMixin):
    """Sync hooks of a both-capable middleware: run in a worker thread from the async path."""

    name = "thread"

    def process_view(self, request: Any, view: Any, args: tuple, kwargs: dict) -> Any:
        return _view_hook(self.name, request)

    def process_exception(self, request: Any, error: Exception) -> Any:
        return _exception_hook(self.name, request, error)


class InlineHooks(ThreadHooks):
    """Sync hooks that never block: called on the loop, without a thread hop."""

    name = "inline"
    sync_hooks_in_thread = False


class AsyncHooks(AsyncMiddleware):
    """Async hooks of an async-only middleware."""

    name = "async-hooks"

    async def process_view(self, request: Any, view: Any, args: tuple, kwargs: dict) -> Any:
        return _view_hook(self.name, request)

    async def process_exception(self, request: Any, error: Exception) -> Any:
        return _exception_hook(self.name, request, error)


class SyncHooks(SyncMiddleware):
    """Sync hooks of a sync-only middleware."""

    name = "sync-hooks"

    def process_view(self, request: Any, view: Any, args: tuple, kwargs: dict) -> Any:
        return _view_hook(self.name, request)

    def process_exception(self, request: Any, error: Exception) -> Any:
        return _exception_hook(self.name, request, error)


class TemplateHook(MiddlewareMixin):
    """``process_template_response``: returns the response (marked), a new one, or None (a bug)."""

    def process_template_response(self, request: Any, response: Any) -> Any:
        record("template-hook")
        choice = request.GET.get("tr", "same")
        if choice == "new":
            from tests.core.urls_middleware import DeferredResponse

            return DeferredResponse("made by the hook")
        if choice == "none":
            return None
        response.hooked = True
        return response
