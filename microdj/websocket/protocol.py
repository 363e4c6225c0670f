"""What consumers and the function form share: close codes, the message size limit, failure logging."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured

logger = logging.getLogger("microdj.websocket")

# Close codes (RFC 6455, section 7.4.1).
NORMAL_CLOSURE = 1000
GOING_AWAY = 1001
NO_STATUS = 1005
ABNORMAL_CLOSURE = 1006
POLICY_VIOLATION = 1008
MESSAGE_TOO_BIG = 1009
INTERNAL_ERROR = 1011

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def max_message_size() -> int | None:
    """``WEBSOCKET_MAX_MESSAGE_SIZE``, checked."""
    limit = settings.WEBSOCKET_MAX_MESSAGE_SIZE
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise ImproperlyConfigured(
            f"The WEBSOCKET_MAX_MESSAGE_SIZE setting must be a positive int (bytes) or None, not {limit!r}."
        )
    return limit


def too_big(message: dict[str, Any], limit: int) -> bool:
    """Whether a ``websocket.receive`` message is over ``limit`` bytes (text counted as UTF-8)."""
    text = message.get("text")
    if text is not None:
        size = len(text)
        # PERF: UTF-8 takes 1 to 4 bytes a character, so only a text within 4x of the limit is encoded.
        return size > limit or (size * 4 > limit and len(text.encode("utf-8", "surrogatepass")) > limit)
    data = message.get("bytes")
    return data is not None and len(data) > limit


def server_safe_code(code: int) -> int:
    """The code to close with where a server refuses the protocol's own codes: 1009 -> 4009, 1011 -> 4011."""
    return code if code == NORMAL_CLOSURE or 3000 <= code <= 4999 else 4000 + code % 1000


async def send_close(send: Send, code: int, reason: str | None = None) -> None:
    """Send ``websocket.close``; a client already gone is no error.

    Some servers (daphne, through autobahn) accept only 1000 and 3000-4999 from an application; a code they
    refuse is sent again as :func:`server_safe_code` says.
    """
    message: dict[str, Any] = {"type": "websocket.close", "code": code}
    if reason:
        message["reason"] = reason
    try:
        await send(message)
    except OSError:
        pass
    except Exception:
        safe = server_safe_code(code)
        if safe == code:
            raise
        message["code"] = safe
        try:
            await send(message)
        except OSError:
            pass


def where(scope: Scope) -> str:
    """The path and route of a connection, for log messages."""
    route = scope.get("url_route", {}).get("route")
    path = scope.get("path", "?")
    return f"{path} (route {route!r})" if route else path


def log_failure(consumer: str, scope: Scope, error: BaseException) -> None:
    """Log a consumer's exception once, naming the consumer and the route."""
    logger.error(
        "WebSocket consumer %s failed on %s: %s: %s; the connection was closed with %d.",
        consumer,
        where(scope),
        type(error).__name__,
        error,
        INTERNAL_ERROR,
        exc_info=error,
    )
