"""Sending a streaming response (``StreamingHttpResponse``, ``FileResponse``) over ASGI.

A sync iterator is advanced in the handler's worker pool, one ``next()`` per call, never on the loop; an
async iterator runs on the loop. While the body is sent, a ``Watch`` listens for ``http.disconnect``; when
the client goes away (or ``send`` raises ``OSError``, as servers do on a closed connection) iteration
stops and the iterator is closed (``close()``, in a worker thread, for a sync one; ``aclose()`` for an
async one), so the generator's ``finally`` blocks run. Nothing is logged for a disconnect.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from microdj.core.handlers.asgi_types import NO_BODY_STATUSES, Send
from microdj.core.handlers.disconnect import Watch
from microdj.guard.runner import ViewRunner

if TYPE_CHECKING:
    from microdj.http.request import HttpRequest
    from microdj.utils.concurrency import WorkerPool

__all__ = ["send_streaming_response"]

_PLAIN = ViewRunner()
_LAST = {"type": "http.response.body", "body": b""}


class _Stop:
    """Set when the client went away; for async iterators also cancels the sending task."""

    __slots__ = ("task", "cancel", "fired", "cancelled")

    def __init__(self, task: asyncio.Task[Any] | None, cancel: bool) -> None:
        self.task = task
        self.cancel = cancel
        self.fired = False
        self.cancelled = False

    def fire(self) -> None:
        self.fired = True
        if self.cancel and self.task is not None:
            self.cancelled = True
            self.task.cancel()

    def owns(self) -> bool:
        """In ``except CancelledError``: True if this stop cancelled the task (then it is un-cancelled)."""
        if not self.cancelled:
            return False
        self.cancelled = False
        assert self.task is not None
        return self.task.uncancel() == 0

    def settle(self) -> None:
        """Balance a cancel() that the iterator absorbed without letting CancelledError out."""
        if self.cancelled:
            self.cancelled = False
            assert self.task is not None
            self.task.uncancel()


async def send_streaming_response(
    request: HttpRequest, response: Any, send: Send, pool: WorkerPool, runner: ViewRunner = _PLAIN
) -> None:
    """Send streaming ``response`` for ``request``: start, then the body unless HEAD or a bodiless status.

    An async body is iterated through ``runner`` (under the blocking-call guard when it is a guarded one).
    """
    if getattr(response, "_range_capable", False):
        response.apply_request(request)
    status = response.status_code
    try:
        await send({"type": "http.response.start", "status": status, "headers": response.asgi_headers()})
        if request.method == "HEAD" or status in NO_BODY_STATUSES:
            await send(_LAST)
            return
    except OSError:
        return
    stop = _Stop(asyncio.current_task(), response.is_async)
    watch = Watch(request, None, stop.fire)
    watch.poll()
    try:
        if response.is_async:
            await runner.body(request, _send_async(response, send, stop))
        else:
            await _send_sync(response, send, stop, pool)
    finally:
        watch.stop()


async def _send_async(response: Any, send: Send, stop: _Stop) -> None:
    iterator = response.streaming_content
    try:
        async for chunk in iterator:
            if stop.fired:
                break
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        else:
            await send(_LAST)
            return
    except asyncio.CancelledError:
        if not stop.owns():
            raise
    except OSError:
        pass
    finally:
        # From here on a disconnect cancels nothing.
        stop.cancel = False
    # The client is gone: nothing more is sent, and the iterators are closed now.
    stop.settle()
    await _aclose(iterator, response)


async def _aclose(iterator: Any, response: Any) -> None:
    for item in (iterator, getattr(response, "_iterator", None)):
        aclose = getattr(item, "aclose", None)
        if aclose is not None:
            try:
                await aclose()
            except Exception:  # noqa: BLE001, S110 - an iterator failing to close cannot reach the client
                pass


async def _send_sync(response: Any, send: Send, stop: _Stop, pool: WorkerPool) -> None:
    iterator = iter(response.streaming_content)
    run = pool.run
    try:
        while (chunk := await run(next, iterator, None)) is not None:
            if stop.fired:
                break
            if chunk:
                await send({"type": "http.response.body", "body": chunk, "more_body": True})
        else:
            await send(_LAST)
            return
    except OSError:
        pass
    # The client is gone: close the iterator (a generator's finally may block) in a worker thread.
    await run(response.close)
