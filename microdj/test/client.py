"""The test client: ``Client`` and ``AsyncClient`` drive the ASGI application in-process.

Each request is described as Django's test client describes it, turned into an ASGI scope
(:func:`~microdj.test.requestfactory.build_scope`) and run through the application
(:mod:`microdj.test.transport`). The response returned is the handler's own response object when the
handler shared it (see :mod:`microdj.test.hooks`), else one rebuilt from what went over the wire.

Loop model: a ``Client`` runs its application on a private asyncio loop in one background thread, started
on the first request (lifespan startup first) and stopped by ``close()``, by leaving ``with Client()``, or
when the client is garbage collected or the interpreter exits. An ``AsyncClient`` runs on the caller's loop.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from microdj.core.exceptions import SynchronousOnlyOperation
from microdj.test.clientbase import ClientMixin, RedirectCycleError
from microdj.test.requestfactory import (
    BOUNDARY,
    MULTIPART_CONTENT,
    AsyncRequestFactory,
    FakePayload,
    RequestFactory,
    build_scope,
    encode_file,
    encode_multipart,
)
from microdj.test.transport import BlockingRunner, WireResponse

__all__ = [
    "BOUNDARY",
    "MULTIPART_CONTENT",
    "AsyncClient",
    "AsyncRequestFactory",
    "Client",
    "FakePayload",
    "RedirectCycleError",
    "RequestFactory",
    "build_scope",
    "encode_file",
    "encode_multipart",
]


class Client(ClientMixin, RequestFactory):  # type: ignore[misc]  # verbs add follow
    """A test client for sync code: requests go through the application in-process, cookies are kept.

    ``application`` defaults to ``microdj.asgi.get_asgi_application()``, made on the first request. The
    application runs on a private event loop in a background thread (one per client, lifespan startup
    first), stopped by ``close()``, by leaving ``with Client() as client:``, or at garbage collection or
    interpreter exit. Calling it from a running event loop raises: use ``AsyncClient`` there.
    """

    def _runner_made(self) -> None:
        """Give the runner its loop thread, stopped at garbage collection or interpreter exit."""
        self._blocking = BlockingRunner(self._runner)
        self._finalizer = weakref.finalize(self, self._blocking.close_quietly)

    def _run(self, coro_fn: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise SynchronousOnlyOperation(
                "Client cannot be used while an event loop is running in this thread (an async test or "
                "view); use AsyncClient and await its methods."
            )
        # The application is made here, in the caller's thread, so loading errors surface plainly.
        self._runner.app  # noqa: B018
        return self._blocking.run(coro_fn)

    def request(self, **request: Any) -> Any:
        """Make a request described by WSGI-style keys and return the response."""
        scope, body = self._prepare(request)
        renders: list[Any] = []
        wire = self._run(partial(self._exchange, scope, body, renders))
        return self._finish(request, scope, wire, renders)

    def generic(
        self,
        method: str,
        path: str,
        data: Any = b"",
        content_type: str | None = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        follow: bool = False,
        **extra: Any,
    ) -> Any:
        """Make a request with any method; ``follow=True`` follows redirects (``redirect_chain``)."""
        response = self.request(
            **self._describe(method, path, data, content_type, secure, headers, query_params, extra)
        )
        if follow:
            response.redirect_chain = []
            while self._is_redirect(response):
                hop = self._follow_redirect(response, data, content_type, headers, extra)
                response = self._next_hop(response, hop)
        return response

    def _release_held(self, wire: WireResponse, wait: bool) -> None:
        """Let ``wire``'s application finish on the loop thread; with ``wait``, until it has."""
        loop_thread = self._blocking.loop_thread
        if loop_thread is None or loop_thread.loop.is_closed():
            return
        if wait and threading.current_thread() is not loop_thread.thread:
            try:
                asyncio.get_running_loop()
            except RuntimeError:
                loop_thread.run(wire.finish())
                return
        loop_thread.loop.call_soon_threadsafe(wire.release)

    def close(self) -> None:
        """Let held streaming responses finish, run lifespan shutdown and stop the loop thread.

        A later request starts them again.
        """
        held, self._held = self._held, []
        for wire in held:
            self._release_held(wire, wait=True)
        self._blocking.close()

    def __enter__(self) -> Client:
        self._run(self._runner.start)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncClient(ClientMixin, AsyncRequestFactory):  # type: ignore[misc]  # verbs add follow
    """A test client for async code: the same API as ``Client`` with awaitable request methods.

    The application runs on the caller's event loop. ``async with AsyncClient() as client:`` runs lifespan
    startup and shutdown around the block; otherwise startup runs on the first request and
    ``await client.aclose()`` shuts it down.
    """

    async def request(self, **request: Any) -> Any:
        """Make a request described by WSGI-style keys and return the response."""
        scope, body = self._prepare(request)
        renders: list[Any] = []
        wire = await self._exchange(scope, body, renders)
        return self._finish(request, scope, wire, renders)

    async def generic(
        self,
        method: str,
        path: str,
        data: Any = b"",
        content_type: str | None = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        follow: bool = False,
        **extra: Any,
    ) -> Any:
        """Make a request with any method; ``follow=True`` follows redirects (``redirect_chain``)."""
        response = await self.request(
            **self._describe(method, path, data, content_type, secure, headers, query_params, extra)
        )
        if follow:
            response.redirect_chain = []
            while self._is_redirect(response):
                hop = await self._follow_redirect(response, data, content_type, headers, extra)
                response = self._next_hop(response, hop)
        return response

    def _release_held(self, wire: WireResponse, wait: bool) -> None:
        """Let ``wire``'s application finish (on this loop, on a later turn: sync code cannot wait here)."""
        wire.release()

    async def aclose(self) -> None:
        """Let held streaming responses finish and run lifespan shutdown (a later request starts again)."""
        held, self._held = self._held, []
        for wire in held:
            await wire.finish()
        await self._runner.stop()

    async def __aenter__(self) -> AsyncClient:
        await self._runner.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
