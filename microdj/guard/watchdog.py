"""An optional event-loop watchdog: logs the loop thread's stack when the loop stalls.

The loop runs a heartbeat callback every ``threshold / 2`` seconds; a daemon thread checks it. When the next
heartbeat is late by more than ``threshold``, the stack of the loop thread is logged to ``microdj.security``,
once per stall. This catches what the blocking-call guard cannot see (C extensions, CPU-bound loops, lock
waits). A stall that holds the GIL starves the watchdog thread too; ``dump_after`` arms ``faulthandler``
(which runs without the GIL) to dump every thread's traceback to stderr when the loop misses its heartbeats
that long.
"""

from __future__ import annotations

import asyncio
import faulthandler
import logging
import sys
import threading
import time
import traceback
import weakref

logger = logging.getLogger("microdj.security")

_watchdogs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, LoopWatchdog] = weakref.WeakKeyDictionary()


class LoopWatchdog:
    """Watches one event loop; see the module docstring. Use start_watchdog() and stop()."""

    def __init__(
        self, loop: asyncio.AbstractEventLoop, threshold: float, dump_after: float | None = None
    ) -> None:
        if threshold <= 0:
            raise ValueError("The watchdog threshold must be a positive number of seconds.")
        self.loop = loop
        self.threshold = threshold
        self.interval = threshold / 2
        self.dump_after = dump_after
        self.stalls = 0
        self._stopped = threading.Event()
        self._last: float | None = None  # monotonic time of the last heartbeat
        self._reported: float | None = None  # the heartbeat whose lateness was already logged
        self._loop_thread: int | None = None
        self._thread = threading.Thread(target=self._watch, name="microdj-loop-watchdog", daemon=True)

    def start(self) -> None:
        """Schedule the first heartbeat and start the watching thread."""
        self.loop.call_soon_threadsafe(self._beat)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (the heartbeat ends at its next turn, the thread within one interval)."""
        self._stopped.set()
        _watchdogs.pop(self.loop, None)
        if self.dump_after is not None:
            faulthandler.cancel_dump_traceback_later()

    def _beat(self) -> None:
        if self._stopped.is_set():
            return
        self._loop_thread = threading.get_ident()
        self._last = time.monotonic()
        if self.dump_after is not None:
            faulthandler.dump_traceback_later(self.dump_after, exit=False)
        self.loop.call_later(self.interval, self._beat)

    def _watch(self) -> None:
        while not self._stopped.wait(self.interval):
            last = self._last
            if last is None or last == self._reported:
                continue
            late = time.monotonic() - last - self.interval
            if late > self.threshold:
                self._reported = last
                self._report(late)

    def _report(self, late: float) -> None:
        self.stalls += 1
        frame = sys._current_frames().get(self._loop_thread)  # type: ignore[arg-type]
        stack = (
            "".join(traceback.format_stack(frame)) if frame is not None else "(the loop thread has exited)\n"
        )
        logger.warning(
            "The event loop has been blocked for at least %.3f s (watchdog threshold %.3f s). "
            "The loop thread is running:\n%s",
            late,
            self.threshold,
            stack,
        )


def start_watchdog(
    loop: asyncio.AbstractEventLoop, threshold: float, dump_after: float | None = None
) -> LoopWatchdog:
    """Start (once per loop) a watchdog logging the loop's stack when it stalls over ``threshold`` s."""
    watchdog = _watchdogs.get(loop)
    if watchdog is None:
        watchdog = LoopWatchdog(loop, threshold, dump_after)
        _watchdogs[loop] = watchdog
        watchdog.start()
    return watchdog


def stop_watchdog(loop: asyncio.AbstractEventLoop) -> None:
    """Stop the watchdog of ``loop``, if any."""
    watchdog = _watchdogs.get(loop)
    if watchdog is not None:
        watchdog.stop()
