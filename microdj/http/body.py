"""Reading an ASGI request body on demand: limits, timeouts, disconnects, and the bridge for sync code.

The body is pulled from ASGI ``receive`` only when something asks for it. Async code awaits the reads;
sync code running in a worker thread hops to the event loop for each read (``run_sync``), so it never
blocks the loop. Sync code on the loop thread itself cannot wait for the network: it gets a clear error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from time import monotonic
from typing import Any, TypeVar

from microdj.core.exceptions import (
    BadRequest,
    RequestAborted,
    RequestDataTooBig,
    RequestTimeout,
)
from microdj.utils import concurrency
from microdj.utils.tasks import current_task

T = TypeVar("T")
Receive = Callable[[], Awaitable[dict[str, Any]]]

# What RequestDataTooBig says, wherever a body or form passes DATA_UPLOAD_MAX_MEMORY_SIZE (as in Django).
DATA_TOO_BIG = "Request body exceeded settings.DATA_UPLOAD_MAX_MEMORY_SIZE."

LOOP_READ_MESSAGE = (
    "{what} needs the request body, which has not been received yet, and sync code on the event loop "
    "cannot wait for it. In an async view, call `await request.aread()` (raw body) or "
    "`await request.apost()` (form data) first; or make the view a plain (sync) function."
)


class BodyReader:
    """Pulls body chunks from ASGI ``receive``, checking the declared length and the read timeout."""

    __slots__ = ("_loop", "_receive", "_waited", "content_length", "done", "received", "timeout")

    def __init__(
        self,
        receive: Receive,
        content_length: int | None,
        timeout: float | None,
        loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        self._receive = receive
        self.content_length = content_length
        self.received = 0
        self.done = False
        self.timeout = timeout
        self._waited = 0.0  # seconds spent waiting in receive() so far
        # The loop the reads run on, when known (the request's): spares a get_running_loop() per timed read.
        self._loop = loop

    def divert(self, receive: Receive) -> Receive:
        """Pull the rest of the body from ``receive`` (a wrapper of the ASGI one); return the one replaced."""
        previous, self._receive = self._receive, receive
        return previous

    async def chunk(self) -> bytes:
        """Return the next non-empty chunk, or b"" at the end of the body."""
        while not self.done:
            # PERF: without a timeout, receive() is awaited directly (one coroutine fewer per read).
            message = await (self._receive() if self.timeout is None else self._timed_receive())
            data = self._accept(message)
            if data:
                return data
        self.check_complete()
        return b""

    def _accept(self, message: dict[str, Any]) -> bytes:
        """The body bytes of one ASGI message (b"" for none), with the reader's state and checks updated."""
        kind = message["type"]
        if kind == "http.request":
            data = message.get("body", b"")
            if not message.get("more_body", False):
                self.done = True
            if data:
                self.received += len(data)
                if self.content_length is not None and self.received > self.content_length:
                    self.done = True
                    raise BadRequest("The request body is longer than its Content-Length.")
            result: bytes = data
            return result
        if kind == "http.disconnect":
            self.done = True
            raise RequestAborted("The client disconnected while sending the request body.")
        return b""

    def check_complete(self) -> None:
        """Raise BadRequest if the body ended before its declared Content-Length."""
        if self.content_length is not None and self.received < self.content_length:
            raise BadRequest("The request body is shorter than its Content-Length.")

    async def _timed_receive(self) -> dict[str, Any]:
        # The timeout bounds the time spent waiting for the body, summed over its reads: a client trickling
        # a byte at a time cannot hold the request open by staying just under a per-message limit, and the
        # time the server spends between reads (writing an upload to disk, say) is not counted against it.
        # PERF: no timer per read; a per-loop sweeper cancels the reads that wait past their deadline. Its
        # clock is time.monotonic() (a C call) rather than loop.time() (a Python method, twice per read).
        loop = self._loop or asyncio.get_running_loop()
        sweeper = _current
        if sweeper is None or sweeper.loop is not loop:
            sweeper = _new_sweeper(loop)
        timeout: float = self.timeout  # type: ignore[assignment]
        task = current_task(loop)
        waiting = sweeper.waiting
        started = monotonic()
        waiting[task] = started + timeout - self._waited
        # A timeout under twice the sweep interval may need a shorter one.
        if sweeper.handle is None or timeout < 2 * sweeper.interval:
            sweeper.arm(timeout)
        try:
            return await self._receive()
        except asyncio.CancelledError:
            if task not in sweeper.expired:
                raise
            sweeper.expired.discard(task)
            task.uncancel()
            self.done = True
            raise RequestTimeout(
                f"The client did not send the request body within {timeout} seconds."
            ) from None
        finally:
            waiting.pop(task, None)
            self._waited += monotonic() - started

    async def read_all(self, limit: int | None) -> bytes:
        """Read the rest of the body; RequestDataTooBig as soon as it passes ``limit`` bytes."""
        chunk = b""
        if not self.done:
            # PERF: the first message is taken here (no chunk() coroutine): it is usually the whole body,
            # which is then returned as it came, with no list to gather it in.
            chunk = self._accept(await (self._receive() if self.timeout is None else self._timed_receive()))
            if self.done and (limit is None or len(chunk) <= limit):
                self.check_complete()
                return chunk
        parts = []
        size = 0
        while True:
            if chunk:
                size += len(chunk)
                if limit is not None and size > limit:
                    raise RequestDataTooBig(DATA_TOO_BIG)
                parts.append(chunk)
            if self.done:
                self.check_complete()
                return parts[0] if len(parts) == 1 else b"".join(parts)
            chunk = await self.chunk()


class _Sweeper:
    """Per event loop: cancels the tasks whose body read has waited past its deadline.

    One timer runs while reads are waiting, instead of one timer per read; a deadline is kept to within
    ``SWEEP_INTERVAL`` (or half the shortest timeout seen, when that is shorter). Deadlines are on the
    ``time.monotonic()`` clock.
    """

    SWEEP_INTERVAL = 0.25

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.waiting: dict[Any, float] = {}
        self.expired: set[Any] = set()
        self.handle: asyncio.TimerHandle | None = None
        self.interval = self.SWEEP_INTERVAL

    def arm(self, timeout: float) -> None:
        """Make sure a sweep comes soon enough for a read with ``timeout``."""
        interval = self.SWEEP_INTERVAL if timeout >= 2 * self.SWEEP_INTERVAL else max(timeout / 2, 0.001)
        if self.handle is None or interval < self.interval:
            if self.handle is not None:
                self.handle.cancel()
            self.interval = interval
            self.handle = self.loop.call_later(interval, self.sweep)

    def sweep(self) -> None:
        self.handle = None
        now = monotonic()
        for task, deadline in list(self.waiting.items()):
            if now >= deadline:
                del self.waiting[task]
                self.expired.add(task)
                task.cancel()
        if self.waiting:
            self.handle = self.loop.call_later(self.interval, self.sweep)
        else:
            self.interval = self.SWEEP_INTERVAL


_current: _Sweeper | None = None


def _new_sweeper(loop: asyncio.AbstractEventLoop) -> _Sweeper:
    """Make the sweeper of ``loop`` the current one (the loop changed, or this is the first timed read)."""
    global _current
    sweeper = _current = _Sweeper(loop)
    return sweeper


class EmptyReader(BodyReader):
    """The body of a request built without ASGI (``HttpRequest()``): always empty."""

    __slots__ = ()

    def __init__(self) -> None:
        super().__init__(_no_receive, 0, None)
        self.done = True


async def _no_receive() -> dict[str, Any]:  # pragma: no cover - EmptyReader is done from the start
    return {"type": "http.request", "body": b"", "more_body": False}


def run_sync(coro: Coroutine[Any, Any, T], loop: asyncio.AbstractEventLoop | None, what: str) -> T:
    """Run ``coro`` (a body read ``what`` needs) from sync code (``microdj.utils.concurrency.run_sync``)."""
    return concurrency.run_sync(coro, loop, LOOP_READ_MESSAGE.format(what=what))
