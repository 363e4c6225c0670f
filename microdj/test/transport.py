"""Driving an ASGI application in-process for the test client: one HTTP exchange, lifespan, a loop thread.

Model: the sync ``Client`` owns one :class:`LoopThread` (an asyncio loop running in a daemon thread, started
on first use); lifespan startup, every request and lifespan shutdown run as coroutines on that one loop.
``AsyncClient`` does the same on the caller's running loop.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

__all__ = ["BODY_CHUNK_SIZE", "Lifespan", "LoopThread", "WireResponse", "body_messages", "run_http"]

T = TypeVar("T")
Message = dict[str, Any]
ASGIApp = Callable[
    [dict[str, Any], Callable[[], Awaitable[Message]], Callable[[Message], Awaitable[None]]], Awaitable[None]
]
ExcInfo = tuple[type[BaseException], BaseException, TracebackType]


#: How much of a file-like request body goes into one ``http.request`` message.
BODY_CHUNK_SIZE = 64 * 1024
#: A request body: bytes, or anything with ``read(size)`` (a file, ``BytesIO``, ``FakePayload``).
Body = Any


@dataclass
class WireResponse:
    """What the application sent for one request.

    A streaming response is held at its last message (``held`` is True) until ``release()``/``finish()``:
    the application, and so its end-of-request work (``request_finished``), waits until the test has
    consumed the body, as a server waits for its client.
    """

    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    complete: bool = False
    #: The exception the application raised, if it raised one.
    exc_info: ExcInfo | None = None
    #: Whether a body message with ``more_body`` came (the response streamed).
    streamed: bool = False
    _release: asyncio.Event | None = None
    _task: asyncio.Future[None] | None = None

    @property
    def body(self) -> bytes:
        """The whole body received."""
        return b"".join(self.chunks)

    @property
    def held(self) -> bool:
        """Whether the application waits for ``release()`` before finishing."""
        return self._release is not None and not self._release.is_set()

    def release(self) -> None:
        """Let the application finish (call on the loop it runs on); it finishes on a later loop turn.

        Nothing happens once that loop is closed (its tasks were cancelled when it closed).
        """
        task = self._task
        if self._release is not None and task is not None and not task.get_loop().is_closed():
            self._release.set()

    async def finish(self) -> None:
        """Let the application finish and wait until it has, from any event loop.

        From another loop than the application's, the wait does not block this one.
        """
        task = self._task
        if task is None or task.done():
            return
        loop = task.get_loop()
        if loop is asyncio.get_running_loop():
            self.release()
            await asyncio.wait([task])
        elif not loop.is_closed():
            await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(self.finish(), loop))


def body_messages(body: Body) -> Any:
    """The ``http.request`` messages of ``body``: one for bytes, chunks of a file-like read on demand.

    A sized file-like (``len()`` is what is left, as ``FakePayload``) is never read past its end.
    """
    if not callable(getattr(body, "read", None)):
        return iter([{"type": "http.request", "body": bytes(body), "more_body": False}])

    def chunks() -> Any:
        while True:
            left = _left(body)
            data = (
                body.read(BODY_CHUNK_SIZE if left is None else min(left, BODY_CHUNK_SIZE))
                if left != 0
                else b""
            )
            last = not data or _left(body) == 0
            yield {"type": "http.request", "body": bytes(data), "more_body": not last}
            if last:
                return

    return chunks()


def _left(body: Any) -> int | None:
    """What is left to read of a sized body (``len()``), or None when it does not say."""
    try:
        return len(body)
    except TypeError:
        return None


async def run_http(app: ASGIApp, scope: dict[str, Any], body: Body) -> WireResponse:
    """Call ``app`` for one HTTP request whose body is ``body``; collect the response it sends.

    ``receive`` gives a bytes body in one ``http.request`` message and a file-like one in chunks; a later
    call waits until the response is complete and then reports ``http.disconnect``, as a server does when
    the client goes away. Returns when the application has finished, or when a streaming response has
    sent its last message (then the application is held: see ``WireResponse``).
    """
    wire = WireResponse()
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    held: asyncio.Future[None] = loop.create_future()
    messages = body_messages(body)

    async def receive() -> Message:
        message = next(messages, None)
        if message is not None:
            return message  # type: ignore[no-any-return]
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            if wire.status is not None:
                raise RuntimeError("The application sent 'http.response.start' twice.")
            wire.status = message["status"]
            wire.headers = [(bytes(name).lower(), bytes(value)) for name, value in message.get("headers", ())]
        elif kind == "http.response.body":
            if wire.status is None:
                raise RuntimeError("The application sent 'http.response.body' before 'http.response.start'.")
            if wire.complete:
                raise RuntimeError(
                    "The application sent 'http.response.body' after the response was complete."
                )
            chunk = message.get("body", b"")
            if chunk:
                wire.chunks.append(bytes(chunk))
            if message.get("more_body", False):
                wire.streamed = True
            else:
                wire.complete = True
                done.set()
                if wire.streamed:
                    wire._release = asyncio.Event()
                    held.set_result(None)
                    await wire._release.wait()
        else:
            raise RuntimeError(f"The application sent an unexpected ASGI message type {kind!r}.")

    async def call() -> None:
        try:
            await app(scope, receive, send)
        except Exception:  # noqa: BLE001 - any error of the app is handed to the test, re-raised there
            wire.exc_info = sys.exc_info()  # type: ignore[assignment]
        finally:
            done.set()

    task = wire._task = asyncio.ensure_future(call())
    try:
        await asyncio.wait([task, held], return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    if task.done():
        held.cancel()
        if wire.exc_info is None and not wire.complete:
            problem = "starting a response" if wire.status is None else "completing the response body"
            raise RuntimeError(f"The ASGI application returned without {problem}.")
    return wire


class Lifespan:
    """The ASGI lifespan protocol for one application, run as a task on the current event loop."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.state: dict[str, Any] = {}
        #: False when the application does not support lifespan (it raised or returned on the scope).
        self.supported = True
        #: The exception the application raised for the lifespan scope, if any.
        self.error: BaseException | None = None
        self.loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._to_app: asyncio.Queue[Message] | None = None
        self._from_app: asyncio.Queue[Message | None] | None = None

    async def startup(self) -> None:
        """Start the lifespan task and wait for startup; RuntimeError if the application reports failure."""
        self.loop = asyncio.get_running_loop()
        self._to_app = asyncio.Queue()
        self._from_app = asyncio.Queue()
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self._task = self.loop.create_task(self._run(scope))
        message = await self._exchange({"type": "lifespan.startup"})
        if message is None:
            self.supported = False
        elif message["type"] == "lifespan.startup.failed":
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            raise RuntimeError(f"ASGI lifespan startup failed: {message.get('message', '')}")
        elif message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"The application answered lifespan startup with {message['type']!r}.")

    async def shutdown(self) -> None:
        """Ask the application to shut down and wait for it; RuntimeError if it reports failure."""
        if not self.supported or self._task is None:
            return
        message = await self._exchange({"type": "lifespan.shutdown"})
        await self._task
        if message is None:
            if self.error is not None:
                raise self.error
        elif message["type"] == "lifespan.shutdown.failed":
            raise RuntimeError(f"ASGI lifespan shutdown failed: {message.get('message', '')}")

    async def _exchange(self, message: Message) -> Message | None:
        assert self._to_app is not None and self._from_app is not None
        await self._to_app.put(message)
        return await self._from_app.get()

    async def _run(self, scope: dict[str, Any]) -> None:
        assert self._to_app is not None and self._from_app is not None
        from_app = self._from_app

        async def send(message: Message) -> None:
            if not message["type"].startswith("lifespan."):
                raise RuntimeError(f"The application sent {message['type']!r} for the lifespan scope.")
            await from_app.put(message)

        try:
            await self.app(scope, self._to_app.get, send)
        except Exception as exc:  # noqa: BLE001 - any error of the app is handed to the test, re-raised there
            self.error = exc
        finally:
            # Wakes whoever waits for a reply: the application is gone.
            self._from_app.put_nowait(None)


class LoopThread:
    """An asyncio event loop running forever in its own daemon thread until ``stop()``."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._main, name="microdj-test-client-loop", daemon=True)
        self.thread.start()

    def _main(self) -> None:
        loop = self.loop
        asyncio.set_event_loop(loop)
        try:
            loop.run_forever()
        finally:
            try:
                pending = asyncio.all_tasks(loop)
                for task in pending:
                    task.cancel()
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
            finally:
                asyncio.set_event_loop(None)
                loop.close()

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and wait for its result (from any thread but the loop's)."""
        if threading.current_thread() is self.thread:
            coro.close()
            raise RuntimeError("The test client's event loop cannot wait for itself.")
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        """Stop the loop (pending tasks are cancelled) and, unless called on the loop thread, join it."""
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        if threading.current_thread() is not self.thread:
            self.thread.join()


def default_application() -> ASGIApp:
    """The project's application, ``microdj.asgi.get_asgi_application()`` (imported on first use).

    The blocking-call guard is on ("raise") unless the ASYNC_SAFETY setting names a mode, so a project's
    own test suite catches blocking calls in async views.
    """
    from microdj.asgi import get_asgi_application
    from microdj.conf import settings

    return get_asgi_application(async_safety="raise" if settings.ASYNC_SAFETY is None else None)


class AppRunner:
    """An application with its lifespan, on one event loop: starts lifespan once, then serves requests."""

    def __init__(self, app: ASGIApp | None = None) -> None:
        self._app = app
        self.lifespan: Lifespan | None = None
        self._lock: asyncio.Lock | None = None
        self._lock_loop: asyncio.AbstractEventLoop | None = None

    @property
    def app(self) -> ASGIApp:
        """The application (the project's own unless one was given)."""
        if self._app is None:
            self._app = default_application()
        return self._app

    async def start(self) -> Lifespan:
        """Run lifespan startup unless it ran on this loop already; return the running lifespan."""
        lifespan = self._current_lifespan()
        if lifespan is None:
            loop = asyncio.get_running_loop()
            if self._lock is None or self._lock_loop is not loop:
                # One lock per loop: concurrent first requests start the application once.
                self._lock, self._lock_loop = asyncio.Lock(), loop
            async with self._lock:
                if self.lifespan is None:
                    started = Lifespan(self.app)
                    await started.startup()
                    self.lifespan = started
                lifespan = self.lifespan
        return lifespan

    def _current_lifespan(self) -> Lifespan | None:
        """The lifespan running on this loop; one left on a closed loop is dropped, on a live one refused."""
        lifespan = self.lifespan
        if lifespan is not None and lifespan.loop is not asyncio.get_running_loop():
            if not lifespan.loop.is_closed():  # type: ignore[union-attr]
                raise RuntimeError(
                    "This test client's application was started on another event loop that is still "
                    "running; use one client per event loop."
                )
            # The loop it ran on is gone (e.g. a previous test's): start afresh here.
            self.forget()
            lifespan = None
        return lifespan

    async def request(self, scope: dict[str, Any], body: Body) -> WireResponse:
        """Start the application if needed, then run one HTTP request through it."""
        lifespan = self.lifespan
        if lifespan is None or lifespan.loop is not asyncio.get_running_loop():
            lifespan = await self.start()
        if lifespan.supported:
            # Each request sees a shallow copy of the lifespan state, as ASGI servers give it.
            scope["state"] = dict(lifespan.state)
        return await run_http(self.app, scope, body)

    def forget(self) -> None:
        """Drop the lifespan without shutting it down (its loop is going away)."""
        self.lifespan = None

    async def stop(self) -> None:
        """Run lifespan shutdown if startup ran; the next request starts the application again."""
        lifespan = self._current_lifespan()
        self.forget()
        if lifespan is not None:
            await lifespan.shutdown()


class BlockingRunner:
    """Serves an ``AppRunner`` to sync callers on a private ``LoopThread``, created on first use."""

    def __init__(self, runner: AppRunner) -> None:
        self.runner = runner
        self.loop_thread: LoopThread | None = None
        self._guard = threading.Lock()

    def run(self, coro_fn: Callable[[], Coroutine[Any, Any, T]]) -> T:
        """Run ``coro_fn()`` on the loop thread (started if needed) and return its result."""
        with self._guard:
            if self.loop_thread is None:
                self.loop_thread = LoopThread()
            loop_thread = self.loop_thread
        return loop_thread.run(coro_fn())

    def close(self) -> None:
        """Run lifespan shutdown and stop the loop thread; a later ``run()`` starts afresh."""
        with self._guard:
            loop_thread, self.loop_thread = self.loop_thread, None
        if loop_thread is None:
            return
        try:
            if threading.current_thread() is not loop_thread.thread:
                loop_thread.run(self.runner.stop())
        finally:
            self.runner.forget()
            loop_thread.stop()

    def close_quietly(self) -> None:
        """``close()`` for finalizers (garbage collection, interpreter exit): errors are dropped."""
        try:
            self.close()
        except Exception:  # noqa: BLE001, S110 - nobody is left to report a shutdown error to
            pass
