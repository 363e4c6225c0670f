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
    Extra,
    RequestFactory,
    build_scope,
    encode_file,
    encode_multipart,
)
from microdj.test.transport import BlockingRunner

__all__ = [
    "AsyncClient",
    "AsyncRequestFactory",
    "BOUNDARY",
    "Client",
    "MULTIPART_CONTENT",
    "RedirectCycleError",
    "RequestFactory",
    "build_scope",
    "encode_file",
    "encode_multipart",
]


class Client(ClientMixin, RequestFactory):
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
        wire = self._run(partial(self._runner.request, scope, body))
        return self._finish(request, scope, wire)

    def close(self) -> None:
        """Run lifespan shutdown and stop the loop thread (a later request starts them again)."""
        self._blocking.close()

    def __enter__(self) -> Client:
        self._run(self._runner.start)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def _send(
        self, request: dict[str, Any], follow: bool, data: Any, content_type: Any, headers: Any, extra: Extra
    ) -> Any:
        """Make ``request``; with ``follow``, follow redirects to a non-redirect (``redirect_chain``)."""
        response = self.request(**request)
        if follow:
            response.redirect_chain = []
            while self._is_redirect(response):
                hop = self._follow_redirect(
                    response, data=data, content_type=content_type, headers=headers, **extra
                )
                response = self._next_hop(response, hop)
        return response

    def get(
        self,
        path: str,
        data: Any = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """GET ``path``; ``follow=True`` follows redirects."""
        request = self._query_request("GET", path, data, secure, headers, query_params, extra)
        return self._send(request, follow, data, "", headers, extra)

    def post(
        self,
        path: str,
        data: Any = None,
        content_type: str = MULTIPART_CONTENT,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """POST ``data`` to ``path`` (multipart form data unless ``content_type`` says otherwise)."""
        request = self._post_request(path, data, content_type, secure, headers, query_params, extra)
        return self._send(request, follow, data, content_type, headers, extra)

    def head(
        self,
        path: str,
        data: Any = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """HEAD ``path``."""
        request = self._query_request("HEAD", path, data, secure, headers, query_params, extra)
        return self._send(request, follow, data, "", headers, extra)

    def options(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """OPTIONS ``path``."""
        request = self._body_request(
            "OPTIONS", path, data, content_type, secure, headers, query_params, extra
        )
        return self._send(request, follow, data, content_type, headers, extra)

    def put(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """PUT ``data`` to ``path``."""
        request = self._body_request("PUT", path, data, content_type, secure, headers, query_params, extra)
        return self._send(request, follow, data, content_type, headers, extra)

    def patch(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """PATCH ``path`` with ``data``."""
        request = self._body_request("PATCH", path, data, content_type, secure, headers, query_params, extra)
        return self._send(request, follow, data, content_type, headers, extra)

    def delete(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """DELETE ``path``."""
        request = self._body_request("DELETE", path, data, content_type, secure, headers, query_params, extra)
        return self._send(request, follow, data, content_type, headers, extra)

    def trace(
        self,
        path: str,
        data: Any = "",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """TRACE ``path``."""
        request = self._generic_request("TRACE", path, b"", None, secure, headers, query_params, extra)
        return self._send(request, follow, data, "", headers, extra)


class AsyncClient(ClientMixin, AsyncRequestFactory):
    """A test client for async code: the same API as ``Client`` with awaitable request methods.

    The application runs on the caller's event loop. ``async with AsyncClient() as client:`` runs lifespan
    startup and shutdown around the block; otherwise startup runs on the first request and
    ``await client.aclose()`` shuts it down.
    """

    async def request(self, **request: Any) -> Any:
        """Make a request described by WSGI-style keys and return the response."""
        scope, body = self._prepare(request)
        wire = await self._runner.request(scope, body)
        return self._finish(request, scope, wire)

    async def aclose(self) -> None:
        """Run lifespan shutdown (a later request starts the application again)."""
        await self._runner.stop()

    async def __aenter__(self) -> AsyncClient:
        await self._runner.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def _send(
        self, request: dict[str, Any], follow: bool, data: Any, content_type: Any, headers: Any, extra: Extra
    ) -> Any:
        """Make ``request``; with ``follow``, follow redirects to a non-redirect (``redirect_chain``)."""
        response = await self.request(**request)
        if follow:
            response.redirect_chain = []
            while self._is_redirect(response):
                hop = await self._follow_redirect(
                    response, data=data, content_type=content_type, headers=headers, **extra
                )
                response = self._next_hop(response, hop)
        return response

    async def get(
        self,
        path: str,
        data: Any = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """GET ``path``; ``follow=True`` follows redirects."""
        request = self._query_request("GET", path, data, secure, headers, query_params, extra)
        return await self._send(request, follow, data, "", headers, extra)

    async def post(
        self,
        path: str,
        data: Any = None,
        content_type: str = MULTIPART_CONTENT,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """POST ``data`` to ``path`` (multipart form data unless ``content_type`` says otherwise)."""
        request = self._post_request(path, data, content_type, secure, headers, query_params, extra)
        return await self._send(request, follow, data, content_type, headers, extra)

    async def head(
        self,
        path: str,
        data: Any = None,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """HEAD ``path``."""
        request = self._query_request("HEAD", path, data, secure, headers, query_params, extra)
        return await self._send(request, follow, data, "", headers, extra)

    async def options(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """OPTIONS ``path``."""
        request = self._body_request(
            "OPTIONS", path, data, content_type, secure, headers, query_params, extra
        )
        return await self._send(request, follow, data, content_type, headers, extra)

    async def put(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """PUT ``data`` to ``path``."""
        request = self._body_request("PUT", path, data, content_type, secure, headers, query_params, extra)
        return await self._send(request, follow, data, content_type, headers, extra)

    async def patch(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """PATCH ``path`` with ``data``."""
        request = self._body_request("PATCH", path, data, content_type, secure, headers, query_params, extra)
        return await self._send(request, follow, data, content_type, headers, extra)

    async def delete(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """DELETE ``path``."""
        request = self._body_request("DELETE", path, data, content_type, secure, headers, query_params, extra)
        return await self._send(request, follow, data, content_type, headers, extra)

    async def trace(
        self,
        path: str,
        data: Any = "",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """TRACE ``path``."""
        request = self._generic_request("TRACE", path, b"", None, secure, headers, query_params, extra)
        return await self._send(request, follow, data, "", headers, extra)
