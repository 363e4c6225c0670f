"""Sync consumers, as Django Channels' ``WebsocketConsumer`` and ``JsonWebsocketConsumer``.

Their handlers are plain methods run in the application's worker threads (the pool that runs sync views),
one message at a time; ``accept()``, ``send()`` and ``close()`` hop back to the event loop and wait there.
Inside a handler, ``async_to_sync(self.channel_layer.group_send)(...)`` runs on the connection's event loop.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Coroutine
from typing import Any

from asgiref.sync import SyncToAsync

from microdj.conf import settings
from microdj.utils.concurrency import WorkerPool, run_on_loop
from microdj.websocket.consumer import ConsumerBase, handler_name
from microdj.websocket.exceptions import AcceptConnection, DenyConnection
from microdj.websocket.protocol import Receive, Scope, Send

__all__ = ["POOL_KEY", "JsonWebsocketConsumer", "WebsocketConsumer"]

# Where the handler puts its worker pool in a connection's scope.
POOL_KEY = "microdj.worker_pool"

_fallback: list[WorkerPool] = []


def _own_pool() -> WorkerPool:
    """The pool of consumers served outside microdj's handler (one per process, made on first use)."""
    if not _fallback:
        _fallback.append(WorkerPool(settings.SYNC_WORKER_THREADS, name="microdj-websocket"))
    return _fallback[0]


class WebsocketConsumer(ConsumerBase):
    """A WebSocket consumer whose handlers are plain methods, run in worker threads."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one connection (an ASGI application for one ``websocket`` scope)."""
        self._loop = asyncio.get_running_loop()
        self._loop_thread = threading.get_ident()
        pool = scope.get(POOL_KEY)
        self._pool: WorkerPool = pool if isinstance(pool, WorkerPool) else _own_pool()
        await super().__call__(scope, receive, send)

    async def _handle(self, message: dict[str, Any]) -> None:
        await self._pool.run(self._dispatch_in_thread, message)

    def _dispatch_in_thread(self, message: dict[str, Any]) -> None:
        # asgiref's async_to_sync finds the connection's loop through this thread-local.
        local = SyncToAsync.threadlocal
        saved = getattr(local, "main_event_loop", None), getattr(local, "main_event_loop_pid", None)
        local.main_event_loop, local.main_event_loop_pid = self._loop, os.getpid()
        try:
            self.dispatch(message)
        finally:
            local.main_event_loop, local.main_event_loop_pid = saved

    def _on_loop(self, coroutine: Coroutine[Any, Any, None]) -> None:
        if threading.get_ident() == self._loop_thread:
            coroutine.close()
            raise RuntimeError(
                f"{type(self).__name__}'s sync methods cannot be called on the event loop's thread; "
                "use AsyncWebsocketConsumer for async code."
            )
        run_on_loop(coroutine, self._loop)

    def dispatch(self, message: dict[str, Any]) -> None:
        """Call the handler named by the message's ``type``."""
        handler = getattr(self, handler_name(message.get("type")), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message.get('type')!r} on {type(self).__name__}.")
        handler(message)

    # --------------------------------------------------------------------------- the websocket.* handlers
    def websocket_connect(self, message: dict[str, Any]) -> None:
        """Call connect(); AcceptConnection accepts, DenyConnection refuses."""
        try:
            self.connect()
        except AcceptConnection:
            self.accept()
        except DenyConnection:
            self.close()

    def websocket_receive(self, message: dict[str, Any]) -> None:
        """Call receive() with the message's text or bytes."""
        text = message.get("text")
        if text is not None:
            self.receive(text_data=text)
        else:
            self.receive(bytes_data=message.get("bytes"))

    def websocket_disconnect(self, message: dict[str, Any]) -> None:
        """Call disconnect() with the close code."""
        self.disconnect(message["code"])

    # ------------------------------------------------------------------------------------ to override
    def connect(self) -> None:
        """The client asks to connect: accept() (the default) or close() to refuse."""
        self.accept()

    def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """A message from the client (text or binary)."""

    def disconnect(self, code: int) -> None:
        """The connection is over (``code`` is the close code); runs exactly once."""

    # ------------------------------------------------------------------------------------------ actions
    def accept(self, subprotocol: str | None = None, headers: Any = None) -> None:
        """Accept the connection, choosing ``subprotocol`` (one of ``scope["subprotocols"]``)."""
        self._on_loop(self._send_accept(subprotocol, headers))

    def send(self, text_data: str | None = None, bytes_data: bytes | None = None, close: Any = False) -> None:
        """Send a text or a binary message; ``close`` (True or a code) closes the connection after it."""
        if text_data is not None:
            self._on_loop(self._transmit({"type": "websocket.send", "text": text_data}))
        elif bytes_data is not None:
            self._on_loop(self._transmit({"type": "websocket.send", "bytes": bytes_data}))
        else:
            raise ValueError("You must pass one of bytes_data or text_data.")
        if close:
            self._on_loop(self._send_close(close, None))

    def close(self, code: int | None = None, reason: str | None = None) -> None:
        """Close the connection (before accept(): refuse it, 403 at the server). No-op once closed."""
        self._on_loop(self._send_close(code, reason))


class JsonWebsocketConsumer(WebsocketConsumer):
    """A sync consumer that speaks JSON text messages: ``receive_json()`` and ``send_json()``."""

    def receive(self, text_data: str | None = None, bytes_data: bytes | None = None, **kwargs: Any) -> None:
        """Decode a text message and pass it to receive_json(); a binary one is an error."""
        if text_data:
            self.receive_json(self.decode_json(text_data), **kwargs)
        else:
            raise ValueError("No text section for incoming WebSocket frame!")

    def receive_json(self, content: Any, **kwargs: Any) -> None:
        """A decoded JSON message from the client."""

    def send_json(self, content: Any, close: Any = False) -> None:
        """Encode ``content`` as JSON and send it as a text message."""
        self.send(text_data=self.encode_json(content), close=close)

    @classmethod
    def decode_json(cls, text_data: str) -> Any:
        """Decode a JSON message."""
        return json.loads(text_data)

    @classmethod
    def encode_json(cls, content: Any) -> str:
        """Encode a JSON message."""
        return json.dumps(content)
