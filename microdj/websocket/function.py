"""The function form: ``@consumer async def echo(websocket, **url_kwargs)``, for small endpoints.

::

    @consumer
    async def echo(websocket):
        await websocket.accept()
        async for message in websocket:
            await websocket.send(message)

``receive_*()`` raise :class:`~microdj.websocket.exceptions.Disconnected` once the connection is closed;
``async for`` simply ends. Returning closes the connection (1000) unless it is closed already; an exception
closes it with 1011 and is logged. A message over ``WEBSOCKET_MAX_MESSAGE_SIZE`` closes it with 1009.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from microdj.websocket.exceptions import Disconnected
from microdj.websocket.layers import BaseChannelLayer, get_channel_layer
from microdj.websocket.protocol import (
    ABNORMAL_CLOSURE,
    INTERNAL_ERROR,
    MESSAGE_TOO_BIG,
    NO_STATUS,
    NORMAL_CLOSURE,
    Receive,
    Scope,
    Send,
    log_failure,
    max_message_size,
    send_close,
    too_big,
)

__all__ = ["WebSocket", "function_app"]

CONNECTING, CONNECTED, CLOSED = "connecting", "connected", "closed"


class WebSocket:
    """One connection, as the function form's handler sees it."""

    def __init__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = scope
        self._receive = receive
        self._send = send
        self.state = CONNECTING
        #: The close code once the connection is closed (by either side).
        self.close_code: int | None = None
        self._limit = max_message_size()

    # ----------------------------------------------------------------------------------- what it saw
    @property
    def path(self) -> str:
        """The request path."""
        return str(self.scope["path"])

    @property
    def headers(self) -> dict[str, str]:
        """The handshake's headers, lower-case names (a repeated header's values joined with ",")."""
        found: dict[str, str] = {}
        for name, value in self.scope.get("headers", ()):
            key, text = name.decode("latin-1").lower(), value.decode("latin-1")
            found[key] = f"{found[key]},{text}" if key in found else text
        return found

    @property
    def cookies(self) -> dict[str, str]:
        """The handshake's cookies."""
        return dict(self.scope.get("cookies", {}))

    @property
    def session(self) -> Any:
        """The handshake's session (set by SessionMiddleware), or None."""
        return self.scope.get("session")

    @property
    def subprotocols(self) -> list[str]:
        """The subprotocols the client offered, in its order of preference."""
        return list(self.scope.get("subprotocols", ()))

    @property
    def channel_layer(self) -> BaseChannelLayer | None:
        """The default channel layer (for ``group_send`` to consumers)."""
        return get_channel_layer()

    # ---------------------------------------------------------------------------------------- actions
    async def accept(
        self, subprotocol: str | None = None, headers: list[tuple[bytes, bytes]] | None = None
    ) -> None:
        """Accept the connection, choosing ``subprotocol`` (one the client offered)."""
        if self.state != CONNECTING:
            raise RuntimeError(f"accept() on a WebSocket that is {self.state}.")
        message: dict[str, Any] = {"type": "websocket.accept"}
        if subprotocol is not None:
            message["subprotocol"] = subprotocol
        if headers:
            message["headers"] = headers
        await self._transmit(message)
        self.state = CONNECTED

    async def send(self, data: str | bytes) -> None:
        """Send a text (str) or binary (bytes) message."""
        if isinstance(data, str):
            await self._transmit({"type": "websocket.send", "text": data})
        else:
            await self._transmit({"type": "websocket.send", "bytes": bytes(data)})

    async def send_text(self, data: str) -> None:
        """Send a text message."""
        await self._transmit({"type": "websocket.send", "text": data})

    async def send_bytes(self, data: bytes) -> None:
        """Send a binary message."""
        await self._transmit({"type": "websocket.send", "bytes": data})

    async def send_json(self, data: Any) -> None:
        """Send ``data`` as JSON text."""
        await self._transmit({"type": "websocket.send", "text": json.dumps(data)})

    async def close(self, code: int = NORMAL_CLOSURE, reason: str | None = None) -> None:
        """Close the connection (before accept(): refuse it, 403 at the server). No-op once closed."""
        if self.state == CLOSED:
            return
        self.state = CLOSED
        self.close_code = code
        await send_close(self._send, code, reason)

    async def _transmit(self, message: dict[str, Any]) -> None:
        if self.state == CLOSED:
            raise Disconnected(self.close_code or ABNORMAL_CLOSURE)
        try:
            await self._send(message)
        except OSError:
            # The server reports a client that went away.
            self.state = CLOSED
            self.close_code = ABNORMAL_CLOSURE
            raise Disconnected(ABNORMAL_CLOSURE) from None

    async def receive(self) -> str | bytes:
        """The next message, text or binary; ``Disconnected`` when the connection closes."""
        if self.state == CLOSED:
            raise Disconnected(self.close_code or ABNORMAL_CLOSURE)
        message = await self._receive()
        kind = message["type"]
        if kind == "websocket.receive":
            text = message.get("text")
            limit = self._limit
            # PERF: a text within a quarter of the limit needs no counting of its UTF-8 bytes.
            if limit is not None and (text is None or len(text) * 4 > limit) and too_big(message, limit):
                await self.close(MESSAGE_TOO_BIG, "message too big")
                raise Disconnected(MESSAGE_TOO_BIG)
            if text is not None:
                return text  # type: ignore[no-any-return]
            return bytes(message.get("bytes") or b"")
        if kind == "websocket.disconnect":
            self.state = CLOSED
            self.close_code = message.get("code", NO_STATUS)
            raise Disconnected(self.close_code)
        raise RuntimeError(f"Unexpected ASGI message {kind!r} on a WebSocket.")

    async def receive_text(self) -> str:
        """The next message, which must be text."""
        data = await self.receive()
        if not isinstance(data, str):
            raise TypeError("Expected a text message, received a binary one.")
        return data

    async def receive_bytes(self) -> bytes:
        """The next message, which must be binary."""
        data = await self.receive()
        if not isinstance(data, bytes):
            raise TypeError("Expected a binary message, received a text one.")
        return data

    async def receive_json(self) -> Any:
        """The next message, decoded from JSON (text or UTF-8 bytes)."""
        return json.loads(await self.receive())

    def __aiter__(self) -> AsyncIterator[str | bytes]:
        return self._messages()

    async def _messages(self) -> AsyncIterator[str | bytes]:
        while True:
            try:
                yield await self.receive()
            except Disconnected:
                return


def function_app(func: Callable[..., Awaitable[None]]) -> Callable[[Scope, Receive, Send], Awaitable[None]]:
    """The ASGI application that runs ``func(websocket, *url_args, **url_kwargs)`` for each connection."""
    label = f"{func.__module__}.{func.__qualname__}"

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        first = await receive()
        if first["type"] != "websocket.connect":
            return
        websocket = WebSocket(scope, receive, send)
        route = scope.get("url_route", {})
        try:
            await func(websocket, *route.get("args", ()), **route.get("kwargs", {}))
        except Disconnected:
            pass
        except Exception as error:  # noqa: BLE001 - logged; the client gets 1011
            log_failure(label, scope, error)
            await websocket.close(INTERNAL_ERROR)
        else:
            await websocket.close()

    return app
