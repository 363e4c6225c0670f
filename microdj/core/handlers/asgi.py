"""``ASGIHandler``: the ASGI 3 application. Scope → request → middleware chain → response → ``send``.

``http`` scopes are handled per request; ``websocket`` scopes by :mod:`microdj.websocket.handler`;
``lifespan`` runs the start-up and shut-down hooks; any other scope type is refused with a clear error.
"""

from __future__ import annotations

import asyncio
import logging
import tempfile
from collections.abc import Callable, Iterable
from typing import IO, Any, Protocol

from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.core.exceptions import RequestAborted
from microdj.core.handlers.asgi_types import Message, Receive, Scope, Send
from microdj.core.handlers.base import BaseHandler, import_string
from microdj.core.handlers.disconnect import (
    UNBOUND_MONITOR,
    current_task,
    end_watch,
    monitor_for,
    owns_cancellation,
)
from microdj.core.handlers.exception import response_for_exception
from microdj.core.handlers.sending import response_messages
from microdj.core.handlers.streaming import send_streaming_response
from microdj.core.signals import request_finished, request_started
from microdj.http.headers import check_utf8
from microdj.http.request import HttpRequest
from microdj.http.response_base import HttpResponseBase

__all__ = ["ASGIHandler", "ASGIRequest", "Receive", "RequestObserver", "Scope", "Send"]

logger = logging.getLogger("microdj.request")

Hook = Callable[[], Any] | str


class ASGIRequest(HttpRequest):
    """Django's ``ASGIRequest``: ``ASGIRequest(scope, body_file)`` is the request of an ASGI HTTP ``scope``
    whose body is read from the file object ``body_file``. The handler itself builds its requests lazily with
    ``from_scope()`` (the body is then received on demand)."""

    def __init__(self, scope: Scope, body_file: IO[bytes]) -> None:
        body = body_file.read()

        async def receive() -> Message:
            return {"type": "http.request", "body": body, "more_body": False}

        # The lazy request from_scope() builds, adopted by this instance.
        self.__dict__.update(type(self).from_scope(scope, receive).__dict__)


class RequestObserver(Protocol):
    """Sees every HTTP request an ``ASGIHandler`` answers (tools such as the test client install one)."""

    def started(self, request: HttpRequest) -> None:
        """The request was built; the middleware chain has not run yet."""

    def finished(self, request: HttpRequest, response: HttpResponseBase | None) -> None:
        """The response is ready to send (None: nothing will be sent, the client went away)."""


class ASGIHandler(BaseHandler):
    """The ASGI application object (``microdj.asgi.get_asgi_application()`` returns one)."""

    #: The class of the requests built from each scope (with its ``from_scope()``).
    request_class: type[HttpRequest] = ASGIRequest
    #: Told about every request and its response when set (on the class: every handler of the process).
    observer: RequestObserver | None = None
    # The disconnect monitor of the loop that served the last request (see handlers/disconnect.py).
    _disconnects = UNBOUND_MONITOR

    def __init__(
        self,
        on_startup: Iterable[Hook] | None = None,
        on_shutdown: Iterable[Hook] | None = None,
        *,
        async_safety: str | None = None,
    ) -> None:
        super().__init__(async_safety=async_safety)
        self.on_startup = [*settings.ON_STARTUP, *(on_startup or ())]
        self.on_shutdown = [*settings.ON_SHUTDOWN, *(on_shutdown or ())]
        hosts = settings.ALLOWED_HOSTS
        # PERF: with ALLOWED_HOSTS = ["*"] the per-request host check is skipped entirely.
        self._check_hosts = "*" not in hosts
        settings.add_listener(self._setting_changed)

    def _setting_changed(self, name: str, value: Any) -> None:
        if name == "ALLOWED_HOSTS":
            self._check_hosts = "*" not in (value or ())
        elif name in ("MIDDLEWARE", "ROOT_URLCONF"):
            self.rebuild()

    # ------------------------------------------------------------------------------------------- http
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """The ASGI entry point: answer one HTTP request (build it, run the chain, send, clean up)."""
        if scope["type"] != "http":
            await self.handle_other(scope, receive, send)
            return
        loop = asyncio.get_running_loop()
        if request_started.receivers:
            await request_started.asend(sender=self.__class__, scope=scope)
        request = self.request_class.from_scope(scope, receive, loop)
        response = None
        try:
            response = await self.get_response_async(request, loop)
            if response is None:
                return
            if response.streaming:
                await send_streaming_response(request, response, send, self.pool, self.runner)
            else:
                # PERF: the usual response goes out in two sends from here, without one more coroutine.
                start, body = response_messages(request, response)
                await send(start)
                await send(body)
        finally:
            if response is not None:
                response.close()
            request.close()
            if request_finished.receivers:
                await request_finished.asend(sender=self.__class__)

    async def get_response_async(
        self, request: HttpRequest, loop: asyncio.AbstractEventLoop
    ) -> HttpResponseBase | None:
        """The response to ``request`` (errors become error responses); None when the client went away."""
        # PERF: a dict entry per request, no task or timer; only a request still running after
        # DISCONNECT_CHECK_DELAY gets its client watched for a disconnect.
        monitor = self._disconnects
        if monitor.idle or monitor.loop is not loop:
            monitor = self._disconnects = monitor_for(loop)
        inflight = monitor.inflight
        inflight[request] = current_task(loop)
        observer = self.observer
        response: HttpResponseBase | None = None
        try:
            if observer is not None:
                observer.started(request)
            scope = request.scope
            # PERF: two isascii() calls; only a non-ASCII path or query string is looked at closely.
            if not (scope["path"].isascii() and scope.get("query_string", b"").isascii()):
                check_utf8(scope)
            if self._check_hosts:
                request.get_host()
            response = await self._middleware_chain(request)
        except RequestAborted:
            return None
        except asyncio.CancelledError:
            # The client went away: the view was cancelled; nothing is sent, cleanup still runs.
            if not owns_cancellation(request):
                raise
            return None
        except Exception as error:
            response = response_for_exception(request, error, self.resolver)
        finally:
            if inflight.pop(request, None) is None and end_watch(request) and response is not None:
                # A disconnect the view did not let through: its response goes nowhere.
                response.close()
                response = None
            if observer is not None:
                observer.finished(request, response)
        return response

    async def read_body(self, receive: Receive) -> IO[bytes]:
        """Receive the whole request body into a temporary file (in memory while it is small), as Django does.

        ``RequestAborted`` if the client disconnects first. The handler itself reads bodies on demand instead.
        """
        body_file = tempfile.SpooledTemporaryFile(max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, mode="w+b")
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                body_file.close()
                raise RequestAborted()
            if "body" in message:
                body_file.write(message["body"])
            if not message.get("more_body", False):
                break
        body_file.seek(0)
        return body_file

    async def handle_http(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one HTTP request (the same as calling the application with an 'http' scope)."""
        await self(scope, receive, send)

    async def handle_other(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Lifespan and WebSockets are handled; any other scope type is refused with a clear error."""
        if scope["type"] == "lifespan":
            await self.handle_lifespan(receive, send)
            return
        if scope["type"] == "websocket":
            from microdj.websocket.handler import handle_websocket

            await handle_websocket(self, scope, receive, send, self._middleware_chain)
            return
        raise ValueError(
            f"microdj can only handle ASGI 'http', 'websocket' and 'lifespan' scopes, not {scope['type']!r}."
        )

    # --------------------------------------------------------------------------------------- lifespan
    async def handle_lifespan(self, receive: Receive, send: Send) -> None:
        """Run start-up hooks on ``lifespan.startup`` and shut-down hooks on ``lifespan.shutdown``."""
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                try:
                    await self._run_hooks(self.on_startup)
                except Exception as error:
                    logger.exception("Lifespan start-up failed")
                    await send(
                        {"type": "lifespan.startup.failed", "message": f"{type(error).__name__}: {error}"}
                    )
                    return
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                try:
                    await self._run_hooks(self.on_shutdown)
                except Exception as error:
                    logger.exception("Lifespan shut-down failed")
                    await send(
                        {"type": "lifespan.shutdown.failed", "message": f"{type(error).__name__}: {error}"}
                    )
                else:
                    await send({"type": "lifespan.shutdown.complete"})
                finally:
                    self.pool.shutdown()
                return

    async def _run_hooks(self, hooks: list[Hook]) -> None:
        for hook in hooks:
            func = import_string(hook) if isinstance(hook, str) else hook
            if iscoroutinefunction(func):
                await func()
            else:
                result = await self.pool.run(func)
                if asyncio.iscoroutine(result):
                    await result
