"""``ASGIStaticFilesHandler(application)``: serve ``STATIC_URL`` in front of an ASGI application.

Requests under ``STATIC_URL`` are answered with static files (see :mod:`microdj.contrib.staticfiles.serve`);
everything else, lifespan included, goes to ``application``. By default it serves the ``STATICFILES_DIRS``
folders, looked up on each request, when ``DEBUG`` is on (as Django's ``runserver``), and the collected
``STATIC_ROOT``, indexed once at start-up, otherwise; ``use_finders=True`` serves the source folders
regardless (``runserver --insecure``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

from microdj.conf import settings
from microdj.contrib.staticfiles.finders import FileSystemFinder
from microdj.contrib.staticfiles.serve import StaticFileServer
from microdj.contrib.staticfiles.storage import staticfiles_storage
from microdj.core.exceptions import ImproperlyConfigured
from microdj.core.handlers.streaming import send_streaming_response
from microdj.http.request import HttpRequest
from microdj.utils.concurrency import WorkerPool

__all__ = ["ASGIStaticFilesHandler", "static_server"]

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
_NO_BODY = frozenset({204, 304})


def static_server(use_finders: bool | None = None, autorefresh: bool | None = None) -> StaticFileServer:
    """The server of ``STATICFILES_DIRS`` (``use_finders``, default: ``DEBUG``) or of ``STATIC_ROOT``."""
    debug = settings.DEBUG
    use_finders = debug if use_finders is None else use_finders
    max_age = settings.STATIC_MAX_AGE
    if max_age is None:
        max_age = 0 if debug else 60
    if use_finders:
        return StaticFileServer(
            FileSystemFinder().locations,
            autorefresh=True if autorefresh is None else autorefresh,
            max_age=max_age,
        )
    hashed = set(staticfiles_storage.manifest_paths().values())
    return StaticFileServer(
        [("", staticfiles_storage.location)],
        autorefresh=debug if autorefresh is None else autorefresh,
        max_age=max_age,
        immutable=(lambda name: name in hashed) if hashed else None,
    )


class ASGIStaticFilesHandler:
    """Wrap ``application`` so that ``STATIC_URL`` is served from the static folders."""

    def __init__(
        self,
        application: Callable[[Scope, Receive, Send], Awaitable[None]],
        *,
        use_finders: bool | None = None,
        autorefresh: bool | None = None,
        threads: int = 8,
    ) -> None:
        self.application = application
        static_url = settings.STATIC_URL
        if not static_url:
            raise ImproperlyConfigured(
                "ASGIStaticFilesHandler needs the STATIC_URL setting (e.g. '/static/')."
            )
        base = urlsplit(static_url).path
        self.base_path = base if base.endswith("/") else base + "/"
        self.server = static_server(use_finders, autorefresh)
        self.pool = WorkerPool(threads, name="microdj-static")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer a static file request, or hand the scope to the application."""
        if scope["type"] != "http" or not scope["path"].startswith(self.base_path):
            await self.application(scope, receive, send)
            return
        request = HttpRequest.from_scope(scope, receive, asyncio.get_running_loop())
        name = scope["path"][len(self.base_path) :]
        response = await self.pool.run(self.server.respond, request, name)
        try:
            if response.streaming:
                await send_streaming_response(request, response, send, self.pool)
                return
            body: bytes = response.content  # type: ignore[attr-defined]  # not streaming: an HttpResponse
            headers = response.asgi_headers()
            headers.append((b"content-length", str(len(body)).encode()))
            status = response.status_code
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": b"" if request.method == "HEAD" else body})
        finally:
            response.close()
