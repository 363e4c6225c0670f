"""Noticing that the client went away, without a task per request and without stealing body messages.

Every request is entered in its loop's ``DisconnectMonitor.inflight`` (a dict entry, removed when the
response is ready). One timer per loop, armed only while requests are in flight, ticks every
``DISCONNECT_CHECK_DELAY`` seconds; a request seen in flight by two consecutive ticks is slow and gets a
``Watch``. The watch listens for ``http.disconnect`` on ASGI ``receive``:

- once the request body has been received (or none was declared), a watcher task awaits ``receive()``;
  any ``http.request`` message it takes is kept for the body reader, so nothing the view may read is lost;
- while a declared body is still to come, ``receive`` belongs to the body reader: the watch wraps the
  reader's ``receive`` instead, so a disconnect seen by the reader counts too (the reader then raises
  ``RequestAborted``); the watcher task starts at a later tick, once the body is complete.

The watch of a request is kept in a weak mapping of this module (``watch_of``), not on the request.

On a disconnect the handler's task is cancelled (an async view gets ``CancelledError``; a sync view keeps
running in its worker thread and its result is dropped). The handler tells that cancellation apart from
others (``owns_cancellation``), sends nothing, and still cleans up. ``Watch`` is also used by the streaming
code to stop sending a body nobody receives.
"""

from __future__ import annotations

import asyncio
import weakref
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from microdj.utils.tasks import current_task

if TYPE_CHECKING:
    from microdj.http.body import BodyReader
    from microdj.http.request import HttpRequest

__all__ = [
    "DISCONNECT_CHECK_DELAY",
    "DisconnectMonitor",
    "UNBOUND_MONITOR",
    "Watch",
    "current_task",
    "end_watch",
    "monitor_for",
    "owns_cancellation",
    "watch_of",
]

#: How long a request runs before its client is watched for a disconnect (seconds); also the tick period.
DISCONNECT_CHECK_DELAY = 0.05

Message = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]

# request -> its latest Watch.
_watches: weakref.WeakKeyDictionary[HttpRequest, Watch] = weakref.WeakKeyDictionary()


def watch_of(request: HttpRequest) -> Watch | None:
    """The latest watch of ``request``, if it was ever watched."""
    return _watches.get(request)


class Watch:
    """Listens for ``http.disconnect`` on one request's ``receive``; calls ``on_disconnect`` while active."""

    __slots__ = (
        "task",
        "on_disconnect",
        "receive",
        "reader",
        "body_declared",
        "backlog",
        "arrived",
        "watcher",
        "watching",
        "active",
        "disconnected",
        "cancel_requested",
        "cancel_consumed",
    )

    def __init__(
        self,
        request: HttpRequest,
        task: asyncio.Task[Any] | None,
        on_disconnect: Callable[[], None] | None = None,
    ) -> None:
        self.task = task
        self.on_disconnect = on_disconnect or self._cancel_task
        self.receive: Receive = request.asgi_receive
        self.active = True
        self.disconnected = False
        self.cancel_requested = False
        self.cancel_consumed = False
        self.watcher: asyncio.Task[None] | None = None
        self.watching = False
        self.arrived = asyncio.Event()
        previous = _watches.get(request)
        # Messages taken by an earlier watch of this request and not yet read by the body reader.
        self.backlog: deque[Message] = previous.backlog if previous is not None else deque()
        _watches[request] = self
        reader: BodyReader | None
        try:
            self.body_declared = request.has_body()
            reader = request.body_reader
        except Exception:
            # An invalid Content-Length: the body can never be read, so receive() is free.
            self.body_declared, reader = False, None
        self.reader = reader
        if reader is not None:
            reader.divert(self._reader_receive)

    def poll(self) -> bool:
        """Start the watcher task unless the body reader still needs ``receive``; True once watching."""
        if self.watching:
            return True
        reader = self.reader
        if reader is not None and self.body_declared and not reader.done:
            return False
        self.watching = True
        self.watcher = asyncio.get_running_loop().create_task(self._watch())
        return True

    async def _watch(self) -> None:
        try:
            while True:
                message = await self.receive()
                self.backlog.append(message)
                self.arrived.set()
                if message["type"] == "http.disconnect":
                    self._disconnect()
                    return
                if message.get("more_body", False):
                    # A body nobody declared is streaming in: leave receive() to the body reader.
                    return
        except Exception:
            # A receive() that fails leaves nothing to watch.
            return
        finally:
            self.watching = False
            self.arrived.set()

    async def _reader_receive(self) -> Message:
        """The body reader's ``receive``: messages the watcher took first, else ``receive()`` itself."""
        while True:
            if self.backlog:
                return self.backlog.popleft()
            if not self.watching:
                message = await self.receive()
                if message["type"] == "http.disconnect":
                    self._disconnect()
                return message
            self.arrived.clear()
            await self.arrived.wait()

    def _disconnect(self) -> None:
        if not self.disconnected:
            self.disconnected = True
            if self.active:
                self.on_disconnect()

    def _cancel_task(self) -> None:
        # From inside the task itself (its own body read saw the disconnect) RequestAborted is on its way.
        task = self.task
        if task is not None and asyncio.current_task() is not task:
            self.cancel_requested = True
            task.cancel()

    def stop(self) -> None:
        """Stop listening: ``on_disconnect`` will not be called again; the watcher task is cancelled."""
        self.active = False
        self.watching = False
        watcher = self.watcher
        if watcher is not None:
            self.watcher = None
            watcher.cancel()
        self.arrived.set()


class DisconnectMonitor:
    """One event loop's in-flight requests and the timer that finds the slow ones."""

    __slots__ = ("loop", "inflight", "idle", "_seen", "_pending", "__weakref__")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        #: request -> the task handling it; the handler adds and removes entries itself.
        self.inflight: dict[HttpRequest, asyncio.Task[Any] | None] = {}
        #: True when no tick is scheduled.
        self.idle = True
        self._seen: list[Any] = []
        self._pending: list[Watch] = []

    def arm(self) -> None:
        """Schedule the next tick."""
        assert self.loop is not None
        self.idle = False
        self.loop.call_later(DISCONNECT_CHECK_DELAY, self._tick)

    def _tick(self) -> None:
        inflight = self.inflight
        pending = self._pending
        for request in self._seen:
            task = inflight.pop(request, None)
            if task is not None:
                watch = Watch(request, task)
                if not watch.poll():
                    pending.append(watch)
        if pending:
            self._pending = [watch for watch in pending if watch.active and not watch.poll()]
        self._seen = list(inflight)
        if inflight or self._pending:
            self.arm()
        else:
            self.idle = True


#: A monitor bound to no loop: the handler's starting value, replaced on its first request.
UNBOUND_MONITOR = DisconnectMonitor(None)

_monitors: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, DisconnectMonitor] = (
    weakref.WeakKeyDictionary()
)


def monitor_for(loop: asyncio.AbstractEventLoop) -> DisconnectMonitor:
    """The monitor of ``loop``, with its timer armed."""
    monitor = _monitors.get(loop)
    if monitor is None:
        monitor = _monitors[loop] = DisconnectMonitor(loop)
    if monitor.idle:
        monitor.arm()
    return monitor


def owns_cancellation(request: HttpRequest) -> bool:
    """In ``except CancelledError``: True if a disconnect cancelled the task (then it is un-cancelled)."""
    watch = _watches.get(request)
    if watch is None or not watch.cancel_requested or watch.cancel_consumed:
        return False
    watch.cancel_consumed = True
    task = watch.task
    assert task is not None  # a cancel is only requested of a task
    # Another cancellation (a server shutting down) is still pending: that one must propagate.
    return task.uncancel() == 0


def end_watch(request: HttpRequest) -> bool:
    """Stop watching a request whose response is ready; True if its client disconnected."""
    watch = _watches.get(request)
    if watch is None:
        return False
    watch.stop()
    if watch.cancel_requested and not watch.cancel_consumed:
        # The view swallowed the CancelledError: balance the cancel() it absorbed.
        watch.cancel_consumed = True
        assert watch.task is not None  # a cancel is only requested of a task
        watch.task.uncancel()
    return watch.disconnected
