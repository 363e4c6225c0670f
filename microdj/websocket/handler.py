"""The WebSocket handshake: what the application does with a ``websocket`` scope.

1. The path is resolved against the URLconf; it must lead to a WebSocket route (see :mod:`.routing`).
2. The Host must be allowed by ``ALLOWED_HOSTS`` and the Origin by ``WEBSOCKET_ALLOWED_ORIGINS``.
3. The handshake passes through the middleware chain as a ``GET`` request (so SessionMiddleware,
   authentication and the rest see it as they see HTTP) and the route answers it with an ``Upgrade``
   marker. Any other answer (a redirect, a 403, a 404, ...) refuses the handshake.
4. The route's ASGI application serves the connection, under the async-safety guard (named after the
   consumer), with ``url_route``, ``cookies`` and, when middleware set them, ``session`` and ``user`` in its
   scope.

A refused handshake is closed before it is accepted, which the server answers with HTTP 403.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from microdj import guard
from microdj.core.exceptions import DisallowedHost
from microdj.http.request import HttpRequest
from microdj.urls.exceptions import Resolver404
from microdj.websocket.origin import origin_allowed
from microdj.websocket.protocol import (
    INTERNAL_ERROR,
    POLICY_VIOLATION,
    Receive,
    Scope,
    Send,
    send_close,
    where,
)
from microdj.websocket.routing import UPGRADE_KEY, Upgrade
from microdj.websocket.sync import POOL_KEY

__all__ = ["handle_websocket", "handshake_request"]

logger = logging.getLogger("microdj.websocket")
security_logger = logging.getLogger("microdj.security.websocket")

Chain = Callable[[Any], Awaitable[Any]]

_EMPTY_BODY = {"type": "http.request", "body": b"", "more_body": False}


async def _no_body() -> dict[str, Any]:
    return _EMPTY_BODY


def handshake_request(scope: Scope, loop: asyncio.AbstractEventLoop | None = None) -> HttpRequest:
    """The handshake as an ``HttpRequest``: a bodiless GET over ``http``/``https`` (``ws``/``wss``)."""
    http_scope = dict(scope)
    http_scope["type"] = "http"
    http_scope["method"] = "GET"
    http_scope["scheme"] = "https" if scope.get("scheme") in ("wss", "https") else "http"
    http_scope.setdefault("http_version", "1.1")
    return HttpRequest.from_scope(http_scope, _no_body, loop)


async def _refuse(receive: Receive, send: Send, code: int = POLICY_VIOLATION) -> None:
    """Close the connection before accepting it (the server answers the handshake with 403)."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": code})


async def handle_websocket(handler: Any, scope: Scope, receive: Receive, send: Send, chain: Chain) -> None:
    """Serve one ``websocket`` scope for ``handler`` (the ASGIHandler) whose middleware chain is ``chain``."""
    request = handshake_request(scope, asyncio.get_running_loop())
    try:
        host = request.get_host()
    except DisallowedHost as error:
        security_logger.error("WebSocket handshake refused: %s", error)
        await _refuse(receive, send)
        return
    origin = request.headers.get("Origin")
    if not origin_allowed(origin, host):
        security_logger.warning(
            "WebSocket handshake to %s from origin %r refused: add the origin to WEBSOCKET_ALLOWED_ORIGINS "
            "if its pages may connect.",
            request.path,
            origin,
        )
        await _refuse(receive, send)
        return
    try:
        match = handler.resolver.resolve(request.path_info)
    except Resolver404:
        logger.info("WebSocket handshake to %s refused: no route matches.", request.path)
        await _refuse(receive, send)
        return
    if getattr(match.func, "websocket_app", None) is None:
        logger.info(
            "WebSocket handshake to %s refused: its route %r is an HTTP view.", request.path, match.route
        )
        await _refuse(receive, send)
        return
    upgrade = Upgrade()
    request.scope[UPGRADE_KEY] = upgrade
    try:
        response = await chain(request)
    except Exception:
        logger.exception("WebSocket handshake to %s failed in the middleware chain.", request.path)
        response = None
    if response is not upgrade or upgrade.app is None:
        if response is not None:
            logger.info(
                "WebSocket handshake to %s refused: the middleware chain answered %s.",
                request.path,
                response.status_code,
            )
            response.close()
        await _refuse(receive, send)
        return
    await _serve(handler, request, upgrade.app, scope, receive, send)


async def _serve(
    handler: Any,
    request: HttpRequest,
    app: Callable[[Scope, Receive, Send], Awaitable[None]],
    scope: Scope,
    receive: Receive,
    send: Send,
) -> None:
    match = request.resolver_match
    assert match is not None
    connection = dict(scope)
    connection["url_route"] = {
        "args": match.args,
        "kwargs": match.kwargs,
        "route": match.route,
        "url_name": match.url_name,
    }
    connection["cookies"] = request.COOKIES
    for name in ("session", "user"):
        value = getattr(request, name, None)
        if value is not None:
            connection[name] = value
    connection[POOL_KEY] = handler.pool
    # The connection runs under the blocking-call guard when the application's view runner is guarded,
    # labelled as that runner labels views: the consumer class (or function) and its URL name.
    runner = handler.runner
    token = guard.enter(runner.label(match.func, match.url_name), runner.mode) if runner.guarded else None
    try:
        await app(connection, receive, send)
    except Exception:
        # Consumers handle their own errors; this is for an application that let one through.
        logger.exception("WebSocket application failed on %s.", where(connection))
        try:
            await send_close(send, INTERNAL_ERROR)
        except Exception:  # noqa: BLE001, S110 - the connection may be closed already
            pass
    finally:
        if token is not None:
            guard.leave(token)
