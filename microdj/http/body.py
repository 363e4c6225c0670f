"""Reading an ASGI request body on demand: limits, timeouts, disconnects, and the bridge for sync code.

The body is pulled from ASGI ``receive`` only when something asks for it. Async code awaits the reads;
sync code running in a worker thread hops to the event loop for each read (``run_sync``), so it never
blocks the loop. Sync code on the loop thread itself cannot wait for the network: it gets a clear error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from microdj.core.exceptions import (
    BadRequest,
    RequestAborted,
    RequestDataTooBig,
    RequestTimeout,
    SynchronousOnlyOperation,
)

T = TypeVar("T")
Receive = Callable[[], Awaitable[dict[str, Any]]]

LOOP_READ_MESSAGE = (
    "{what} needs the request body, which has not been received yet, and sync code on the event loop "
    "cannot wait for it. In an async view, call `await request.aread()` (raw body) or "
    "`await request.apost()` (form data) first; or make the view a plain (sync) function."
)


class BodyReader:
    """Pulls body chunks from ASGI ``receive``, checking the declared length and the read timeout."""

    __slots__ = ("_receive", "content_length", "received", "done", "timeout")

    def __init__(self, receive: Receive, content_length: int | None, timeout: float | None) -> None:
        self._receive = receive
        self.content_length = content_length
        self.received = 0
        self.done = False
        self.timeout = timeout

    async def chunk(self) -> bytes:
        """Return the next non-empty chunk, or b"" at the end of the body."""
        while not self.done:
            message = await self._next_message()
            kind = message["type"]
            if kind == "http.disconnect":
                self.done = True
                raise RequestAborted("The client disconnected while sending the request body.")
            if kind != "http.request":
                continue
            data = message.get("body", b"")
            if not message.get("more_body", False):
                self.done = True
            if data:
                self.received += len(data)
                if self.content_length is not None and self.received > self.content_length:
                    self.done = True
                    raise BadRequest("The request body is longer than its Content-Length.")
                return data
        if self.content_length is not None and self.received < self.content_length:
            raise BadRequest("The request body is shorter than its Content-Length.")
        return b""

    async def _next_message(self) -> dict[str, Any]:
        if self.timeout is None:
            return await self._receive()
        try:
            async with asyncio.timeout(self.timeout):
                return await self._receive()
        except TimeoutError:
            self.done = True
            raise RequestTimeout(f"The client did not send the request body within {self.timeout} seconds.")

    async def read_all(self, limit: int | None) -> bytes:
        """Read the rest of the body; RequestDataTooBig as soon as it passes ``limit`` bytes."""
        parts = []
        size = 0
        while chunk := await self.chunk():
            size += len(chunk)
            if limit is not None and size > limit:
                raise RequestDataTooBig("Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE.")
            parts.append(chunk)
        return parts[0] if len(parts) == 1 else b"".join(parts)


class EmptyReader(BodyReader):
    """The body of a request built without ASGI (``HttpRequest()``): always empty."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(_no_receive, 0, None)
        self.done = True


async def _no_receive() -> dict[str, Any]:  # pragma: no cover - EmptyReader is done from the start
    return {"type": "http.request", "body": b"", "more_body": False}


def run_sync(coro: Coroutine[Any, Any, T], loop: asyncio.AbstractEventLoop | None, what: str) -> T:
    """Run ``coro`` to completion from sync code.

    In a worker thread the coroutine runs on ``loop`` (the request's loop) while this thread waits.
    With no loop anywhere (a request built by ``RequestFactory`` in a plain test) it runs on a fresh one.
    On the loop's own thread it cannot wait, so it raises ``SynchronousOnlyOperation``.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        coro.close()
        raise SynchronousOnlyOperation(LOOP_READ_MESSAGE.format(what=what))
    if loop is not None and loop.is_running():
        return asyncio.run_coroutine_threadsafe(coro, loop).result()
    return asyncio.run(coro)
