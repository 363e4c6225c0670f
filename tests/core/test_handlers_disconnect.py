"""A client that disconnects before its response is sent: views cancelled or discarded, cleanup run,
nothing logged, body messages never stolen from the view."""

import asyncio
import logging
import os

import pytest

from microdj.core.handlers import disconnect
from microdj.core.handlers.disconnect import (
    DISCONNECT_CHECK_DELAY,
    UNBOUND_MONITOR,
    DisconnectMonitor,
    Watch,
    end_watch,
    monitor_for,
    owns_cancellation,
    watch_of,
)
from microdj.core.signals import request_finished
from microdj.http import HttpRequest
from microdj.test import override_settings
from tests.core.urls_bodies import EVENTS, SYNC_DONE
from tests.support.asgi import make_scope
from tests.support.bodies import Exchange, app_fixture, run


@pytest.fixture
def app():
    yield from app_fixture()


@pytest.fixture
def finished():
    calls = []

    def receiver(sender, **kwargs):
        calls.append(sender)

    request_finished.connect(receiver)
    yield calls
    request_finished.disconnect(receiver)


def _problems(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_async_view_is_cancelled(app, caplog, finished):
    with caplog.at_level(logging.DEBUG):
        exchange = run(app, Exchange(leave_after=0.01), "GET", "/slow/async/")
    assert exchange.sent == []
    assert EVENTS == ["view-cancelled", "view-finally"]
    assert finished
    assert not _problems(caplog)


def test_async_view_that_swallows_the_cancellation_is_discarded(app, caplog, finished):
    with caplog.at_level(logging.DEBUG):
        exchange = run(app, Exchange(leave_after=0.01), "GET", "/slow/async-swallow/")
    assert exchange.sent == []
    assert EVENTS == ["view-swallowed"]
    assert finished
    assert not _problems(caplog)


def test_sync_view_result_is_discarded(app, caplog, finished):
    with caplog.at_level(logging.DEBUG):
        exchange = run(app, Exchange(leave_after=0.01), "GET", "/slow/sync/")
        assert SYNC_DONE.wait(5)
    assert exchange.sent == []
    assert finished
    assert not _problems(caplog)


def test_slow_view_gets_its_response_sent_when_the_client_stays(app):
    exchange = run(app, Exchange(), "GET", "/slow/then-body/")
    assert exchange.status == 200
    assert exchange.complete


def test_body_read_after_the_watch_started_is_intact(app):
    # No Content-Length: the watcher takes the (empty) body message and hands it on to the reader.
    exchange = run(app, Exchange([b""]), "POST", "/slow/then-body/")
    assert exchange.status == 200
    assert exchange.body == b""
    # A declared body stays with the reader until it has been read.
    exchange = run(
        app, Exchange([b"abc", b"def"]), "POST", "/slow/then-body/", headers=[(b"content-length", b"6")]
    )
    assert exchange.body == b"abcdef"
    # An undeclared streamed body (HTTP/2 style): the watcher leaves receive() to the reader.
    exchange = run(app, Exchange([b"abc", b"def"]), "POST", "/slow/then-body/")
    assert exchange.body == b"abcdef"


def test_disconnect_after_the_body_was_read(app, caplog):
    with caplog.at_level(logging.DEBUG):
        exchange = run(
            app,
            Exchange([b"hello"], leave_after=0.15),
            "POST",
            "/slow/body-then/",
            headers=[(b"content-length", b"5")],
        )
    assert exchange.sent == []
    assert EVENTS == [b"hello"]
    assert not _problems(caplog)


def test_disconnect_seen_by_the_body_reader_cancels(app, caplog):
    # The body trickles in (one part, then nothing until the client leaves): the reader sees the
    # disconnect while the sync view waits for its body.
    messages = iter(
        [
            {"type": "http.request", "body": b"ab", "more_body": True},
            DISCONNECT_CHECK_DELAY * 2.5,
            {"type": "http.request", "body": b"cd", "more_body": True},
        ]
    )
    exchange = Exchange(messages=messages, leave_after=DISCONNECT_CHECK_DELAY * 4)
    with caplog.at_level(logging.DEBUG), override_settings(REQUEST_BODY_TIMEOUT=None):
        run(app, exchange, "POST", "/slow/body-then/", headers=[(b"content-length", b"10")])
    assert exchange.sent == []
    assert not _problems(caplog)


def test_temp_files_removed_on_disconnect(app, tmp_path, caplog):
    body = _multipart(("file", "a.bin", b"x" * 5000), ("file", "b.bin", b"y" * 5000))
    with override_settings(FILE_UPLOAD_TEMP_DIR=str(tmp_path), FILE_UPLOAD_MAX_MEMORY_SIZE=100):
        with caplog.at_level(logging.DEBUG):
            exchange = run(
                app,
                Exchange([body], leave_after=0.15),
                "POST",
                "/slow/upload/",
                headers=[
                    (b"content-type", b"multipart/form-data; boundary=BoUnDaRy"),
                    (b"content-length", str(len(body)).encode()),
                ],
            )
    assert exchange.sent == []
    (paths,) = EVENTS
    assert len(paths) == 2 and all(path.startswith(str(tmp_path)) for path in paths)
    assert os.listdir(tmp_path) == []
    assert not _problems(caplog)


def test_server_cancellation_is_not_swallowed(app):
    async def main():
        exchange = Exchange()
        task = asyncio.ensure_future(exchange.run(app, make_scope("GET", "/slow/async/")))
        await asyncio.sleep(DISCONNECT_CHECK_DELAY * 3)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return exchange

    exchange = asyncio.run(main())
    assert exchange.sent == []
    assert EVENTS == ["view-cancelled", "view-finally"]


def test_server_cancellation_racing_a_disconnect_propagates(app):
    async def main():
        exchange = Exchange()
        task = asyncio.ensure_future(exchange.run(app, make_scope("GET", "/slow/async/")))
        await asyncio.sleep(DISCONNECT_CHECK_DELAY * 3)
        # The client leaves and the server shuts down at the same moment.
        exchange._left().set()
        await asyncio.sleep(0)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_monitor_goes_idle_and_rearms(app):
    async def main():
        loop = asyncio.get_running_loop()
        monitor = monitor_for(loop)
        assert monitor is monitor_for(loop)
        assert not monitor.idle
        await asyncio.sleep(DISCONNECT_CHECK_DELAY * 2.5)
        assert monitor.idle and not monitor.inflight
        exchange = Exchange()
        await exchange.run(app, make_scope("GET", "/stream/sync/"))
        assert not monitor.idle
        return exchange

    assert asyncio.run(main()).complete
    assert UNBOUND_MONITOR.loop is None


def test_watch_with_invalid_content_length_watches_receive():
    async def main():
        left = asyncio.Event()

        async def receive():
            await left.wait()
            return {"type": "http.disconnect"}

        scope = make_scope("POST", "/", headers=[(b"content-length", b"nope")])
        request = HttpRequest.from_scope(scope, receive)
        seen = []
        watch = Watch(request, None, lambda: seen.append("gone"))
        assert watch.reader is None and watch.poll() and watch.poll()
        left.set()
        await asyncio.sleep(0.01)
        assert seen == ["gone"]
        # Once stopped, a disconnect calls nobody.
        watch.stop()
        watch._disconnect()
        late = Watch(request, None, lambda: seen.append("late"))
        late.stop()
        late._disconnect()
        assert seen == ["gone"] and late.disconnected

    asyncio.run(main())


def test_watch_survives_a_failing_receive():
    async def main():
        async def receive():
            raise RuntimeError("server bug")

        request = HttpRequest.from_scope(make_scope("GET", "/"), receive)
        watch = Watch(request, None, lambda: None)
        watch.poll()
        await asyncio.sleep(0.01)
        assert not watch.watching and not watch.disconnected

    asyncio.run(main())


def test_reader_waits_for_the_watcher_and_sees_the_disconnect():
    async def main():
        messages = asyncio.Queue()

        async def receive():
            return await messages.get()

        request = HttpRequest.from_scope(make_scope("GET", "/"), receive)
        seen = []
        watch = Watch(request, asyncio.current_task(), lambda: seen.append("gone"))
        watch.poll()
        reader = asyncio.ensure_future(request.aread())
        await asyncio.sleep(0.01)
        await messages.put({"type": "http.request", "body": b"", "more_body": False})
        assert await reader == b""
        # The reader, done, never receives again; the watcher sees the disconnect.
        await messages.put({"type": "http.disconnect"})
        await asyncio.sleep(0.01)
        assert seen == ["gone"]

    asyncio.run(main())


def test_reader_woken_when_the_watch_stops():
    async def main():
        messages = asyncio.Queue()

        async def receive():
            return await messages.get()

        request = HttpRequest.from_scope(make_scope("GET", "/"), receive)
        watch = Watch(request, None, lambda: None)
        watch.poll()
        reader = asyncio.ensure_future(request.aread())
        await asyncio.sleep(0.01)
        watch.stop()
        await asyncio.sleep(0.01)
        await messages.put({"type": "http.request", "body": b"late", "more_body": False})
        assert await reader == b"late"

    asyncio.run(main())


def test_cancel_from_the_task_itself_only_marks_the_disconnect():
    async def main():
        request = HttpRequest.from_scope(make_scope("GET", "/"), _never)
        watch = Watch(request, asyncio.current_task())
        watch._disconnect()
        assert watch.disconnected and not watch.cancel_requested
        assert not owns_cancellation(request)
        assert end_watch(request)

    asyncio.run(main())


def test_helpers_without_a_watch():
    request = HttpRequest.from_scope(make_scope("GET", "/"), _never)
    assert not owns_cancellation(request)
    assert not end_watch(request)
    assert disconnect.current_task is not None
    assert DisconnectMonitor(None).idle


def test_pending_watch_is_dropped_once_stopped(app):
    # A slow request whose declared body never comes and whose response is then produced:
    # its watch waits for the body at every tick until it is stopped.
    async def main():
        messages = iter([{"type": "http.request", "body": b"a", "more_body": True}])

        async def receive():
            message = next(messages, None)
            if message is None:
                await asyncio.Event().wait()
            return message

        loop = asyncio.get_running_loop()
        monitor = monitor_for(loop)
        request = HttpRequest.from_scope(
            make_scope("POST", "/", headers=[(b"content-length", b"5")]), receive, loop
        )
        request._reader  # noqa: B018
        monitor.inflight[request] = asyncio.current_task()
        await asyncio.sleep(DISCONNECT_CHECK_DELAY * 2.5)
        assert request not in monitor.inflight
        assert monitor._pending
        assert end_watch(request) is False
        await asyncio.sleep(DISCONNECT_CHECK_DELAY * 2.5)
        assert not monitor._pending

    asyncio.run(main())


def test_tick_forgets_requests_finished_between_ticks():
    async def main():
        monitor = DisconnectMonitor(asyncio.get_running_loop())
        request = HttpRequest.from_scope(make_scope("GET", "/"), _never)
        monitor.inflight[request] = asyncio.current_task()
        monitor._tick()
        assert monitor._seen == [request]
        del monitor.inflight[request]
        monitor._tick()
        assert monitor._seen == [] and monitor.idle
        assert watch_of(request) is None

    asyncio.run(main())


def _multipart(*files):
    parts = []
    for name, filename, data in files:
        parts.append(
            b'--BoUnDaRy\r\nContent-Disposition: form-data; name="%s"; filename="%s"\r\n'
            b"Content-Type: application/octet-stream\r\n\r\n%s\r\n" % (name.encode(), filename.encode(), data)
        )
    return b"".join(parts) + b"--BoUnDaRy--\r\n"


async def _never():
    await asyncio.Event().wait()
