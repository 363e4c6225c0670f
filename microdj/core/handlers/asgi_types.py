"""The ASGI 3 callables and messages, as the handler sees them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["NO_BODY_STATUSES", "ASGIApp", "Message", "Receive", "Scope", "Send"]

#: A connection scope (``type``, ``path``, ``headers``, ...).
Scope = dict[str, Any]
#: One event, received or sent (``{"type": "http.request", ...}``).
Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Statuses whose responses carry no body (RFC 9110: 1xx, 204, 304).
NO_BODY_STATUSES = frozenset({204, 304}) | frozenset(range(100, 200))
