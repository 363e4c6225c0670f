"""``WebsocketCommunicator``: drive one WebSocket connection of an ASGI application in-process.

Shaped like Django Channels' testing helper::

    communicator = WebsocketCommunicator(application, "/ws/chat/lobby/")
    connected, subprotocol = await communicator.connect()
    await communicator.send_json_to({"message": "hi"})
    assert await communicator.receive_json_from() == {"message": "hi"}
    await communicator.disconnect()

The application runs as a task on the caller's event loop. As with the HTTP test client, lifespan startup
runs before the connection (its state reaches the scope) and shutdown after ``disconnect()``; the default
application is the project's own, with the async-safety guard raising.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import unquote

from microdj.test.transport import AppRunner, ASGIApp

__all__ = ["WebsocketCommunicator"]

Message = dict[str, Any]
Headers = Iterable[tuple[bytes | str, bytes | str]] | Mapping[str, str]


def _header_list(headers: Headers | None) -> list[tuple[bytes, bytes]]:
    items = headers.items() if isinstance(headers, Mapping) else (headers or ())
    found = []
    for name, value in items:
        raw_name = name.encode("latin-1") if isinstance(name, str) else bytes(name)
        raw_value = value.encode("latin-1") if isinstance(value, str) else bytes(value)
        found.append((raw_name.lower(), raw_value))
    if not any(name == b"host" for name, _ in found):
        found.insert(0, (b"host", b"testserver"))
    return found


class WebsocketCommunicator:
    """One WebSocket connection to ``application`` (default: the project's) at ``path`` (may hold a query)."""

    def __init__(
        self,
        application: ASGIApp | None = None,
        path: str = "/",
        headers: Headers | None = None,
        subprotocols: Iterable[str] | None = None,
        *,
        spec_version: str = "2.4",
        lifespan: bool = True,
    ) -> None:
        path, _, query = path.partition("?")
        self.scope: dict[str, Any] = {
            "type": "websocket",
            "asgi": {"version": "3.0", "spec_version": spec_version},
            "http_version": "1.1",
            "scheme": "ws",
            "path": unquote(path),
            "raw_path": path.encode("latin-1", "replace"),
            "query_string": query.encode("latin-1", "replace"),
            "root_path": "",
            "headers": _header_list(headers),
            "subprotocols": list(subprotocols or ()),
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
            "extensions": {},
        }
        self._runner = AppRunner(application)
        self._lifespan = lifespan
        self._started = False
        self._input: asyncio.Queue[Message] | None = None
        self._output: asyncio.Queue[Message] | None = None
        self._task: asyncio.Task[None] | None = None
        #: The close code the application sent, once it closed the connection.
        self.close_code: int | None = None

    @property
    def application(self) -> ASGIApp:
        """The ASGI application under test."""
        return self._runner.app

    # ------------------------------------------------------------------------------------- the app task
    async def _start(self) -> None:
        if self._task is not None:
            raise RuntimeError("This communicator has connected already; make one per connection.")
        if self._lifespan:
            lifespan = await self._runner.start()
            self._started = True
            if lifespan.supported:
                self.scope["state"] = dict(lifespan.state)
        self._input, self._output = asyncio.Queue(), asyncio.Queue()
        self._task = asyncio.ensure_future(self.application(self.scope, self._input.get, self._output.put))

    async def send_input(self, message: Message) -> None:
        """Give the application a raw ASGI message (what ``receive()`` returns next)."""
        if self._input is None:
            raise RuntimeError("Call connect() first.")
        await self._input.put(message)

    async def receive_output(self, timeout: float = 1) -> Message:
        """The next message the application sent.

        Raises what the application raised if it failed, and ``TimeoutError`` (after cancelling the
        application, as Channels does) when nothing comes within ``timeout`` seconds.
        """
        if self._output is None or self._task is None:
            raise RuntimeError("Call connect() first.")
        if self._output.empty() and self._task.done():
            self._task.result()  # raises the application's exception, if any
            raise AssertionError("The application has finished and sent nothing more.")
        getter = asyncio.ensure_future(self._output.get())
        try:
            done, _ = await asyncio.wait(
                {getter, self._task}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
        except BaseException:
            getter.cancel()
            raise
        if getter in done:
            message = getter.result()
            if message.get("type") == "websocket.close":
                self.close_code = message.get("code", 1000)
            return message
        getter.cancel()
        if self._task in done:
            if not self._output.empty():
                return await self.receive_output(timeout)
            self._task.result()
            raise AssertionError("The application has finished and sent nothing more.")
        await self._stop_app()
        raise TimeoutError(f"The application sent nothing within {timeout} s.")

    async def _stop_app(self) -> None:
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)

    async def wait(self, timeout: float = 1) -> None:
        """Wait for the application to end (cancelled after ``timeout`` seconds); re-raise its error."""
        task = self._task
        if task is None:
            return
        done, _ = await asyncio.wait({task}, timeout=timeout)
        if not done:
            await self._stop_app()
        if not task.cancelled():
            error = task.exception()
            if error is not None:
                raise error

    # ---------------------------------------------------------------------------------- Channels' API
    async def connect(self, timeout: float = 1) -> tuple[bool, Any]:
        """Open the connection: ``(True, subprotocol)`` if accepted, ``(False, close_code)`` if refused."""
        await self._start()
        await self.send_input({"type": "websocket.connect"})
        response = await self.receive_output(timeout)
        if response["type"] == "websocket.accept":
            return True, response.get("subprotocol")
        if response["type"] == "websocket.close":
            return False, response.get("code", 1000)
        raise AssertionError(f"The application answered the handshake with {response['type']!r}.")

    async def send_to(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        """Send a text or a binary message to the application."""
        if (text_data is None) == (bytes_data is None):
            raise ValueError("Pass exactly one of text_data and bytes_data.")
        if text_data is not None:
            if not isinstance(text_data, str):
                raise TypeError("text_data must be a str.")
            await self.send_input({"type": "websocket.receive", "text": text_data})
        else:
            if not isinstance(bytes_data, bytes):
                raise TypeError("bytes_data must be bytes.")
            await self.send_input({"type": "websocket.receive", "bytes": bytes_data})

    async def send_json_to(self, data: Any) -> None:
        """Send ``data`` encoded as JSON text."""
        await self.send_to(text_data=json.dumps(data))

    async def receive_from(self, timeout: float = 1) -> str | bytes:
        """The next text or binary message the application sent (AssertionError if it closed instead)."""
        response = await self.receive_output(timeout)
        if response["type"] != "websocket.send":
            raise AssertionError(f"Expected a websocket.send message, the application sent {response!r}.")
        if response.get("text") is not None:
            return str(response["text"])
        return bytes(response.get("bytes") or b"")

    async def receive_json_from(self, timeout: float = 1) -> Any:
        """The next message, which must be JSON text, decoded."""
        payload = await self.receive_from(timeout)
        if not isinstance(payload, str):
            raise AssertionError(f"Expected a JSON text message, the application sent bytes {payload!r}.")
        return json.loads(payload)

    async def receive_nothing(self, timeout: float = 0.1, interval: float = 0.01) -> bool:
        """True if the application sends nothing within ``timeout`` seconds (polled every ``interval``)."""
        if self._output is None:
            raise RuntimeError("Call connect() first.")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._output.empty():
            if loop.time() >= deadline:
                return True
            await asyncio.sleep(interval)
        return False

    async def disconnect(self, code: int = 1000, timeout: float = 1) -> None:
        """Close the connection as the client, wait for the application, then run lifespan shutdown."""
        try:
            if self._task is not None and not self._task.done():
                await self.send_input({"type": "websocket.disconnect", "code": code})
            await self.wait(timeout)
        finally:
            if self._started:
                self._started = False
                await self._runner.stop()
