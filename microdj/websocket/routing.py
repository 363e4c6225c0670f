"""WebSocket routes in the ordinary URLconf.

``path("ws/chat/<room>/", ChatConsumer.as_asgi())`` and ``path("ws/echo/", echo)`` (an ``async def`` marked
with :func:`consumer`) put a *route function* in the URLconf: a plain async view, so ``path()``,
``include()``, converters, namespaces and ``reverse()`` work unchanged. The route function carries the
connection's ASGI application as ``websocket_app``. Called for an HTTP request it answers 426 Upgrade
Required; called for a WebSocket handshake (see :mod:`microdj.websocket.handler`) it answers the handshake's
``Upgrade`` marker, which tells the handler to run ``websocket_app``.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import iscoroutinefunction

from microdj.http.response import HttpResponse
from microdj.websocket.protocol import ASGIApp

__all__ = ["UPGRADE_KEY", "Upgrade", "consumer", "is_websocket_route", "websocket_route"]

RouteFunction = Callable[..., Awaitable[HttpResponse]]

# Where the handshake's request scope holds its Upgrade marker.
UPGRADE_KEY = "microdj.websocket.upgrade"


class Upgrade(HttpResponse):
    """What a route function answers a WebSocket handshake with: "run this application" (status 101).

    It passes back through the middleware chain like any response; a middleware that answers otherwise
    (a redirect, a 403, ...) refuses the handshake.
    """

    status_code = 101

    def __init__(self) -> None:
        super().__init__(b"", status=101)
        self.app: ASGIApp | None = None


def _upgrade_required() -> HttpResponse:
    response = HttpResponse(
        b"This URL accepts WebSocket connections only.\n", status=426, content_type="text/plain"
    )
    response["Upgrade"] = "websocket"
    return response


def websocket_route(app: ASGIApp, source: Any) -> RouteFunction:
    """A route function for ``app``; ``source`` (the consumer class or function) names it in messages."""

    async def route(request: Any, *args: Any, **kwargs: Any) -> HttpResponse:
        upgrade = request.scope.get(UPGRADE_KEY)
        if upgrade is None:
            return _upgrade_required()
        upgrade.app = route.websocket_app  # type: ignore[attr-defined]
        return upgrade  # type: ignore[no-any-return]

    if isinstance(source, type):
        route.__name__ = source.__name__
        route.__qualname__ = source.__qualname__
        route.__module__ = source.__module__
        route.__doc__ = source.__doc__
        route.view_class = source  # type: ignore[attr-defined]
    else:
        functools.update_wrapper(route, source)
    route.websocket_app = app  # type: ignore[attr-defined]
    return route


def is_websocket_route(func: Any) -> bool:
    """Whether a URLconf entry's callable is a WebSocket route."""
    return getattr(func, "websocket_app", None) is not None


def consumer(func: Callable[..., Awaitable[None]]) -> RouteFunction:
    """Make ``async def handler(websocket, **url_kwargs)`` a WebSocket route (see :mod:`.function`)."""
    if not iscoroutinefunction(func):
        raise TypeError(
            f"@consumer needs an async function, not {func!r}: write "
            f"`async def {getattr(func, '__name__', 'handler')}(websocket, ...)`."
        )
    from microdj.websocket.function import function_app

    return websocket_route(function_app(func), func)
