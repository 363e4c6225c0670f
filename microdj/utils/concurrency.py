"""Every hop between the event loop and threads: one module, so that there is one way to do each.

- :class:`WorkerPool`: a bounded pool of long-lived threads; the handler's hop for sync views, sync
  middleware and sync streaming bodies (``await pool.run(func, *args)``), and, with
  :meth:`WorkerPool.run_to_end`, for work that must not be abandoned half-done (a cancellation waits for the
  call to end). A request never starts a thread.
- :func:`run_in_thread`: ``run_to_end`` on a process-wide pool, for library code that has no handler at hand
  (an upload's disk writes).
- :func:`run_on_loop`: from a worker thread, run a coroutine on the request's loop and wait for it.
- :func:`run_sync`: from sync code, run a coroutine: on the loop from a worker thread, on a fresh loop when
  there is none; refused on the loop's own thread (it cannot wait there).
- :func:`sync_to_async`/:func:`async_to_sync`: asgiref's, Django's API for user code (``thread_sensitive``
  semantics, the outer loop found from nested hops), and for sending signals to receivers of either kind.

Each call run in a thread runs in a copy of the caller's context (contextvars flow into the thread).
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from asgiref.sync import async_to_sync, sync_to_async

from microdj.core.exceptions import SynchronousOnlyOperation

__all__ = [
    "WorkerPool",
    "async_to_sync",
    "calling_loop",
    "run_in_thread",
    "run_on_loop",
    "run_sync",
    "sync_to_async",
]

T = TypeVar("T")
# (future, loop, context, func, args) of one call; None stops a thread.
_Work = tuple[
    asyncio.Future[Any], asyncio.AbstractEventLoop, contextvars.Context, Callable[..., Any], tuple[Any, ...]
]


# The loop each worker thread's current call came from.
_calling = threading.local()


def _deliver(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class WorkerPool:
    """At most ``max_threads`` daemon threads running sync callables for the event loop.

    Threads start on demand and take work from one queue. A result is handed back with a single
    ``call_soon_threadsafe``. If the awaiting task is cancelled (the client went away), the sync function
    still finishes in its thread and :meth:`run` drops its result.
    """

    def __init__(self, max_threads: int, name: str = "microdj-worker") -> None:
        if max_threads < 1:
            raise ValueError("A worker pool needs at least one thread.")
        self.max_threads = max_threads
        self.name = name
        self._queue: queue.SimpleQueue[_Work | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._idle = 0
        # Bumped by shutdown(): threads of an older generation no longer count as idle.
        self._generation = 0

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        """Run ``func(*args)`` in a worker thread and return (or raise) its outcome."""
        # PERF: one future, one queue put and one call_soon_threadsafe per call; no executor machinery.
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._submit((future, loop, contextvars.copy_context(), func, args))
        return await future

    async def run_to_end(self, func: Callable[..., T], *args: Any) -> T:
        """As :meth:`run`, but a cancellation takes effect only once the call has ended in its thread."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._submit((future, loop, contextvars.copy_context(), func, args))
        cancelled = False
        while True:
            try:
                result = await asyncio.shield(future)
            except asyncio.CancelledError:
                if future.done():
                    raise
                cancelled = True
                continue
            if cancelled:
                raise asyncio.CancelledError
            return result

    def _submit(self, item: _Work) -> None:
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

    def _work(self, work: queue.SimpleQueue[_Work | None], generation: int) -> None:
        get = work.get
        calling = _calling
        while True:
            item = get()
            if item is None:
                return
            future, loop, context, func, args = item
            calling.loop = loop
            error: BaseException | None
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


#: Threads of the process-wide pool behind run_in_thread().
SHARED_THREADS = 8
_shared: WorkerPool | None = None
_shared_lock = threading.Lock()


def _shared_pool() -> WorkerPool:
    global _shared
    if _shared is None:
        with _shared_lock:
            if _shared is None:
                _shared = WorkerPool(SHARED_THREADS, name="microdj-io")
    return _shared


async def run_in_thread(func: Callable[..., T], *args: Any) -> T:
    """Run ``func(*args)`` in a thread of the process-wide pool; a cancellation waits for it to end."""
    return await _shared_pool().run_to_end(func, *args)


def calling_loop() -> asyncio.AbstractEventLoop | None:
    """In a worker thread: the loop whose call it is running (None outside a pool's thread)."""
    loop: asyncio.AbstractEventLoop | None = getattr(_calling, "loop", None)
    return loop


def run_on_loop(coro: Coroutine[Any, Any, T], loop: asyncio.AbstractEventLoop | None = None) -> T:
    """From a worker thread, run ``coro`` on ``loop`` (default: the loop the thread's call came from) and wait
    for its outcome."""
    target = loop or calling_loop()
    if target is None:
        coro.close()
        raise RuntimeError("run_on_loop() needs a loop outside a worker pool's thread.")
    return asyncio.run_coroutine_threadsafe(coro, target).result()


def run_sync(coro: Coroutine[Any, Any, T], loop: asyncio.AbstractEventLoop | None, refusal: str) -> T:
    """Run ``coro`` to completion from sync code.

    In a worker thread the coroutine runs on ``loop`` (the request's loop) while this thread waits. With no
    loop anywhere (a request built by ``RequestFactory`` in a plain test) it runs on a fresh one. On the
    loop's own thread it cannot wait, so it raises ``SynchronousOnlyOperation(refusal)``.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        coro.close()
        raise SynchronousOnlyOperation(refusal)
    if loop is not None and loop.is_running():
        return run_on_loop(coro, loop)
    return asyncio.run(coro)
