"""The worker threads that run sync views and sync middleware, and the hop back to the event loop.

A request never starts a thread: a bounded pool of long-lived threads takes work from one queue. Each
call runs in a copy of the caller's context (contextvars flow into the thread), and its result is handed
back with a single ``call_soon_threadsafe``. If the awaiting task is cancelled (the client went away),
the sync function still finishes in its thread and its result is dropped.
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def _deliver(future: asyncio.Future, result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class WorkerPool:
    """At most ``max_threads`` daemon threads running sync callables for the event loop."""

    def __init__(self, max_threads: int, name: str = "microdj-worker") -> None:
        if max_threads < 1:
            raise ValueError("A worker pool needs at least one thread.")
        self.max_threads = max_threads
        self.name = name
        self._queue: queue.SimpleQueue[tuple | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        # Bumped by shutdown(): threads of an older generation no longer count as idle.
        self._generation = 0

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` in a worker thread and return (or raise) its outcome."""
        # PERF: one future, one queue put and one call_soon_threadsafe per call; no executor machinery.
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._submit((future, loop, contextvars.copy_context(), func, args))
        return await future

    def _submit(self, item: tuple) -> None:
        with self._lock:
            if self._idle:
                self._idle -= 1
            elif len(self._threads) < self.max_threads:
                thread = threading.Thread(
                    target=self._work,
                    args=(self._queue, self._generation),
                    name=f"{self.name}-{len(self._threads) + 1}",
                    daemon=True,
                )
                self._threads.append(thread)
                thread.start()
        self._queue.put(item)

    def _work(self, work: queue.SimpleQueue, generation: int) -> None:
        get = work.get
        while True:
            item = get()
            if item is None:
                return
            future, loop, context, func, args = item
            try:
                result, error = context.run(func, *args), None
            except BaseException as raised:  # noqa: BLE001 - every outcome goes back to the caller
                result, error = None, raised
            try:
                loop.call_soon_threadsafe(_deliver, future, result, error)
            except RuntimeError:
                # The loop is closed: nobody is waiting any more.
                pass
            del item, future, result, error
            with self._lock:
                if generation == self._generation:
                    self._idle += 1

    def shutdown(self) -> None:
        """Stop every thread once it has finished its current call."""
        with self._lock:
            threads, self._threads = self._threads, []
            old, self._queue = self._queue, queue.SimpleQueue()
            self._idle = 0
            self._generation += 1
        for _ in threads:
            old.put(None)

    @property
    def size(self) -> int:
        """The number of threads started so far."""
        return len(self._threads)


def run_on_loop(coro: Coroutine[Any, Any, T], loop: asyncio.AbstractEventLoop) -> T:
    """From a worker thread, run ``coro`` on ``loop`` and wait for its outcome."""
    return asyncio.run_coroutine_threadsafe(coro, loop).result()
