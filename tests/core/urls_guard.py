"""Views for the blocking-call guard tests (the calls themselves are in tests/core/guard_families.py).

The same blocking action runs in an async view (the guard fires), a sync view and three kinds of worker
thread started from an async view (it does not). Also: escape hatches, non-blocking uses, async middleware,
and plain framework paths for the blockbuster test. Shared with the uvicorn app (tests/core/guard_app.py).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib
import logging
import mimetypes
import os
import queue
import sys
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio.to_thread
from asgiref.sync import sync_to_async

from microdj.guard import allow_blocking
from microdj.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from microdj.urls import path
from tests.core.guard_families import HTTP, WORKDIR, action_of, do_lock_acquire, do_sleep_elsewhere

# -- views --------------------------------------------------------------------------------------------------


async def async_blocking(request: HttpRequest, family: str) -> HttpResponse:
    """Make the blocking call on the event loop."""
    return HttpResponse(action_of(family)())


def sync_blocking(request: HttpRequest, family: str) -> HttpResponse:
    """Make the blocking call in a sync view (a worker thread)."""
    return HttpResponse(action_of(family)())


async def async_sync_to_async(request: HttpRequest, family: str) -> HttpResponse:
    """Make the blocking call through ``sync_to_async``."""
    return HttpResponse(await sync_to_async(action_of(family))())


async def async_anyio_thread(request: HttpRequest, family: str) -> HttpResponse:
    """Make the blocking call through ``anyio.to_thread.run_sync``."""
    return HttpResponse(await anyio.to_thread.run_sync(action_of(family)))


async def async_executor(request: HttpRequest, family: str) -> HttpResponse:
    """Make the blocking call through ``loop.run_in_executor``."""
    return HttpResponse(await asyncio.get_running_loop().run_in_executor(None, action_of(family)))


async def async_lock(request: HttpRequest) -> HttpResponse:
    """Wait on a held threading.Lock on the loop."""
    return HttpResponse(do_lock_acquire())


async def async_sleep_elsewhere(request: HttpRequest) -> HttpResponse:
    """time.sleep() from a second call site."""
    return HttpResponse(do_sleep_elsewhere())


async def async_allowed(request: HttpRequest) -> HttpResponse:
    """time.sleep() inside ``allow_blocking()``."""
    with allow_blocking():
        time.sleep(0.01)
    return HttpResponse("allowed")


@allow_blocking
async def async_allowed_decorated(request: HttpRequest) -> HttpResponse:
    """time.sleep() in a view decorated with ``allow_blocking``."""
    time.sleep(0.01)
    return HttpResponse("allowed")


async def async_blocking_after_allowed(request: HttpRequest) -> HttpResponse:
    """allow_blocking() covers only its block: the sleep after it fires."""
    with allow_blocking():
        time.sleep(0.001)
    time.sleep(0.001)
    return HttpResponse("unreachable under the guard")


async def async_asyncio_sleep(request: HttpRequest) -> HttpResponse:
    """Non-blocking: asyncio.sleep()."""
    await asyncio.sleep(0.001)
    return HttpResponse("asyncio slept")


async def async_tcp(request: HttpRequest) -> HttpResponse:
    """Non-blocking: an asyncio server and client on 127.0.0.1, and an asyncio HTTP exchange."""

    async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write((await reader.readline()).upper())
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(echo, "127.0.0.1", 0)
    async with server:
        port = server.sockets[0].getsockname()[1]
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(b"ping\n")
        await writer.drain()
        echoed = await reader.readline()
        writer.close()
        await writer.wait_closed()
    reader, writer = await asyncio.open_connection("127.0.0.1", HTTP["port"])
    writer.write(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return HttpResponse(echoed.strip() + b" " + answer.rsplit(b"\r\n", 1)[-1])


async def async_logging(request: HttpRequest) -> HttpResponse:
    """Non-blocking: logging to a stream handler, and to a file handler that opens its file on first use."""
    logger = logging.getLogger("tests.core.urls_guard")
    stream = logging.StreamHandler(sys.stderr)
    to_file = logging.FileHandler(os.path.join(WORKDIR["path"], "guard.log"), delay=True)
    logger.addHandler(stream)
    logger.addHandler(to_file)
    try:
        logger.warning("logged from an async view")
    finally:
        logger.removeHandler(stream)
        logger.removeHandler(to_file)
        to_file.close()
    return HttpResponse("logged")


async def async_import(request: HttpRequest) -> HttpResponse:
    """Non-blocking: importing modules (from disk) inside the view."""
    import colorsys

    module = importlib.import_module(request.GET["module"])
    return HttpResponse(f"{colorsys.__name__} {module.__name__}")


async def async_mimetypes(request: HttpRequest) -> HttpResponse:
    """Non-blocking (allow-listed first use): mimetypes.guess_type() loading its tables."""
    return HttpResponse(mimetypes.guess_type("report.pdf")[0])


async def async_print(request: HttpRequest) -> HttpResponse:
    """Non-blocking: print()."""
    print("printed from an async view")  # noqa: T201 - the behaviour under test
    return HttpResponse("printed")


async def async_non_blocking_forms(request: HttpRequest) -> HttpResponse:
    """Calls the guard lets through because they cannot block."""
    time.sleep(0)
    event = threading.Event()
    event.set()
    event.wait(5)
    try:
        queue.Queue().get(block=False)
    except queue.Empty:
        pass
    future: concurrent.futures.Future[str] = concurrent.futures.Future()
    future.set_result("done")
    with open(os.devnull, "w") as devnull:  # a character device
        devnull.write("x")
    return HttpResponse(future.result(timeout=5))


async def async_stream_sleeps(request: HttpRequest) -> StreamingHttpResponse:
    """An async streaming body whose iteration calls time.sleep() on the loop."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b"first;"
        time.sleep(0.01)
        yield b"second;"

    return StreamingHttpResponse(chunks())


async def async_ok(request: HttpRequest) -> HttpResponse:
    """A harmless async view."""
    return HttpResponse("ok")


# -- the framework's own paths (run under blockbuster: the views themselves never block) ---------------------


async def fw_echo(request: HttpRequest) -> JsonResponse:
    """GET parameters, form fields and uploads as the framework parsed them (nothing read from disk)."""
    files = {
        name: [upload.name, upload.size, type(upload).__name__] for name, upload in request.FILES.items()
    }
    return JsonResponse({"GET": request.GET.dict(), "POST": request.POST.dict(), "FILES": files})


def fw_echo_sync(request: HttpRequest) -> JsonResponse:
    """fw_echo as a sync view (it runs in a worker thread)."""
    files = {name: [upload.name, upload.read().decode()] for name, upload in request.FILES.items()}
    return JsonResponse({"GET": request.GET.dict(), "POST": request.POST.dict(), "FILES": files})


async def fw_stream_async(request: HttpRequest) -> StreamingHttpResponse:
    """An async streaming body."""

    async def chunks() -> AsyncIterator[bytes]:
        for index in range(3):
            await asyncio.sleep(0)
            yield f"a{index};".encode()

    return StreamingHttpResponse(chunks(), content_type="text/plain")


def fw_stream_sync(request: HttpRequest) -> StreamingHttpResponse:
    """A sync streaming body."""
    return StreamingHttpResponse((f"s{index};" for index in range(3)), content_type="text/plain")


async def fw_error(request: HttpRequest) -> HttpResponse:
    """An async view that fails."""
    raise ValueError("fw failure")


def fw_error_sync(request: HttpRequest) -> HttpResponse:
    """A sync view that fails."""
    raise ValueError("fw failure")


# -- middleware ----------------------------------------------------------------------------------------------


class SleepyAsyncMiddleware:
    """Async-only middleware that calls time.sleep() on the loop."""

    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[Any]]) -> None:
        self.get_response = get_response

    async def __call__(self, request: HttpRequest) -> Any:
        time.sleep(0.01)
        return await self.get_response(request)


class SleepyViewHookMiddleware:
    """Async middleware whose own call is harmless but whose async process_view() calls time.sleep()."""

    async_capable = True
    sync_capable = False

    def __init__(self, get_response: Callable[[HttpRequest], Awaitable[Any]]) -> None:
        self.get_response = get_response

    async def __call__(self, request: HttpRequest) -> Any:
        return await self.get_response(request)

    async def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> None:
        time.sleep(0.01)


class SleepySyncMiddleware:
    """Sync-only middleware that calls time.sleep() (it runs in a worker thread)."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        time.sleep(0.01)
        return self.get_response(request)


urlpatterns = [
    path("async/<str:family>/", async_blocking, name="guard-async"),
    path("sync/<str:family>/", sync_blocking, name="guard-sync"),
    path("sync-to-async/<str:family>/", async_sync_to_async, name="guard-sync-to-async"),
    path("anyio-thread/<str:family>/", async_anyio_thread, name="guard-anyio-thread"),
    path("executor/<str:family>/", async_executor, name="guard-executor"),
    path("lock/", async_lock, name="guard-lock"),
    path("sleep-elsewhere/", async_sleep_elsewhere, name="guard-sleep-elsewhere"),
    path("allowed/", async_allowed, name="guard-allowed"),
    path("allowed-decorated/", async_allowed_decorated, name="guard-allowed-decorated"),
    path("after-allowed/", async_blocking_after_allowed, name="guard-after-allowed"),
    path("asyncio-sleep/", async_asyncio_sleep, name="guard-asyncio-sleep"),
    path("tcp/", async_tcp, name="guard-tcp"),
    path("logging/", async_logging, name="guard-logging"),
    path("import/", async_import, name="guard-import"),
    path("mimetypes/", async_mimetypes, name="guard-mimetypes"),
    path("print/", async_print, name="guard-print"),
    path("non-blocking/", async_non_blocking_forms, name="guard-non-blocking"),
    path("stream/", async_stream_sleeps, name="guard-stream"),
    path("ok/", async_ok, name="guard-ok"),
    path("fw/echo/", fw_echo, name="fw-echo"),
    path("fw/echo-sync/", fw_echo_sync, name="fw-echo-sync"),
    path("fw/stream-async/", fw_stream_async, name="fw-stream-async"),
    path("fw/stream-sync/", fw_stream_sync, name="fw-stream-sync"),
    path("fw/error/", fw_error, name="fw-error"),
    path("fw/error-sync/", fw_error_sync, name="fw-error-sync"),
]
