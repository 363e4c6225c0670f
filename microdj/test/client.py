"""The test client: ``Client`` and ``AsyncClient`` drive the ASGI application in-process.

Each request is described as Django's test client describes it, turned into an ASGI scope
(:func:`~microdj.test.requestfactory.build_scope`) and run through the application
(:mod:`microdj.test.transport`). The response returned is the handler's own response object when the
handler shared it through ``scope["microdj.test"]``, else one rebuilt from what went over the wire.

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
    RequestFactory,
    build_scope,
    encode_file,
    encode_multipart,
)
from microdj.test.transport import AppRunner, ASGIApp, BlockingRunner

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

    def __init__(
        self,
        application: ASGIApp | None = None,
        *,
        enforce_csrf_checks: bool = False,
        raise_request_exception: bool = True,
        headers: Any = None,
        query_params: Any = None,
        **defaults: Any,
    ) -> None:
        super().__init__(headers=headers, query_params=query_params, **defaults)
        self.enforce_csrf_checks = enforce_csrf_checks
        self.raise_request_exception = raise_request_exception
        self._runner = AppRunner(application)
        self._blocking = BlockingRunner(self._runner)
        self._finalizer = weakref.finalize(self, self._blocking.close_quietly)

    @property
    def application(self) -> ASGIApp:
        """The ASGI application under test."""
        return self._runner.app

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

    def _follow(self, response: Any, follow: bool, **kwargs: Any) -> Any:
        """With ``follow``, follow redirects to a non-redirect response (``redirect_chain``: the hops)."""
        if not follow:
            return response
        response.redirect_chain = []
        while self._is_redirect(response):
            chain = response.redirect_chain
            response = self._follow_redirect(response, **kwargs)
            response.redirect_chain = chain
            self._ensure_redirects_not_cyclic(response)
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
        response = super().get(
            path, data=data, secure=secure, headers=headers, query_params=query_params, **extra
        )
        return self._follow(response, follow, data=data, headers=headers, query_params=query_params, **extra)

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
        response = super().post(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return self._follow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = super().head(
            path, data=data, secure=secure, headers=headers, query_params=query_params, **extra
        )
        return self._follow(response, follow, data=data, headers=headers, query_params=query_params, **extra)

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
        response = super().options(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return self._follow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = super().put(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return self._follow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = super().patch(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return self._follow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = super().delete(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return self._follow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = super().trace(path, secure=secure, headers=headers, query_params=query_params, **extra)
        return self._follow(response, follow, data=data, headers=headers, query_params=query_params, **extra)


class AsyncClient(ClientMixin, AsyncRequestFactory):
    """A test client for async code: the same API as ``Client`` with awaitable request methods.

    The application runs on the caller's event loop. ``async with AsyncClient() as client:`` runs lifespan
    startup and shutdown around the block; otherwise startup runs on the first request and
    ``await client.aclose()`` shuts it down.
    """

    def __init__(
        self,
        application: ASGIApp | None = None,
        *,
        enforce_csrf_checks: bool = False,
        raise_request_exception: bool = True,
        headers: Any = None,
        query_params: Any = None,
        **defaults: Any,
    ) -> None:
        super().__init__(headers=headers, query_params=query_params, **defaults)
        self.enforce_csrf_checks = enforce_csrf_checks
        self.raise_request_exception = raise_request_exception
        self._runner = AppRunner(application)

    @property
    def application(self) -> ASGIApp:
        """The ASGI application under test."""
        return self._runner.app

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

    async def _afollow(self, response: Any, follow: bool, **kwargs: Any) -> Any:
        """With ``follow``, follow redirects to a non-redirect response (``redirect_chain``: the hops)."""
        if not follow:
            return response
        response.redirect_chain = []
        while self._is_redirect(response):
            chain = response.redirect_chain
            response = await self._follow_redirect(response, **kwargs)
            response.redirect_chain = chain
            self._ensure_redirects_not_cyclic(response)
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
        response = await super().get(
            path, data=data, secure=secure, headers=headers, query_params=query_params, **extra
        )
        return await self._afollow(
            response, follow, data=data, headers=headers, query_params=query_params, **extra
        )

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
        response = await super().post(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return await self._afollow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = await super().head(
            path, data=data, secure=secure, headers=headers, query_params=query_params, **extra
        )
        return await self._afollow(
            response, follow, data=data, headers=headers, query_params=query_params, **extra
        )

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
        response = await super().options(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return await self._afollow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = await super().put(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return await self._afollow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = await super().patch(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return await self._afollow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = await super().delete(
            path,
            data=data,
            content_type=content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )
        return await self._afollow(
            response,
            follow,
            data=data,
            content_type=content_type,
            headers=headers,
            query_params=query_params,
            **extra,
        )

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
        response = await super().trace(
            path, secure=secure, headers=headers, query_params=query_params, **extra
        )
        return await self._afollow(
            response, follow, data=data, headers=headers, query_params=query_params, **extra
        )
