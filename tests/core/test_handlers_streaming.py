"""Streaming responses through the ASGI handler: sync iterators in workers, async ones on the loop,
disconnects, send failures, HEAD and bodiless statuses."""

import asyncio
import logging
import threading

import pytest

from microdj.core.handlers import streaming
from microdj.core.handlers.streaming import _Stop, send_streaming_response
from microdj.http import HttpRequest, StreamingHttpResponse
from microdj.test import AsyncClient, Client
from tests.core.urls_bodies import EVENTS
from tests.support.bodies import Exchange, app_fixture, body_chunks, run


@pytest.fixture
def app():
    yield from app_fixture()


@pytest.mark.parametrize("path", ["/stream/sync/", "/stream/async/"])
def test_every_chunk_is_sent_then_the_iterator_is_closed(app, path):
    exchange = run(app, Exchange(), "GET", path, query=b"n=5")
    assert exchange.status == 200
    assert exchange.body == b"chunk0;chunk1;chunk2;chunk3;chunk4;"
    assert body_chunks(exchange.sent) == 5
    assert exchange.sent[-1] == {"type": "http.response.body", "body": b""}
    assert "content-length" not in {k.decode() for k in exchange.headers}
    assert EVENTS[-1] in ("sync-closed", "async-closed")


def test_sync_iterator_runs_in_worker_threads_not_on_the_loop(app):
    loop_threads = []

    async def main():
        loop_threads.append(threading.get_ident())
        exchange = Exchange()
        from tests.support.asgi import make_scope

        await exchange.run(app, make_scope("GET", "/stream/sync/", query=b"n=4"))
        return exchange

    exchange = asyncio.run(main())
    assert exchange.body.count(b"chunk") == 4
    threads = {ident for kind, ident in (e for e in EVENTS if isinstance(e, tuple))}
    assert threads and loop_threads[0] not in threads


def test_through_the_test_clients(app):
    response = Client(app).get("/stream/sync/", {"n": 2})
    assert response.streaming
    assert b"".join(response.streaming_content) == b"chunk0;chunk1;"

    async def main():
        response = await AsyncClient(app).get("/stream/async/", {"n": 2})
        return b"".join([chunk async for chunk in response.streaming_content])

    assert asyncio.run(main()) == b"chunk0;chunk1;"


@pytest.mark.parametrize("path", ["/stream/sync/", "/stream/async/"])
def test_head_sends_no_body_and_does_not_iterate(app, path):
    exchange = run(app, Exchange(), "HEAD", path)
    assert exchange.status == 200
    assert exchange.body == b""
    assert [m["type"] for m in exchange.sent] == ["http.response.start", "http.response.body"]
    assert not [e for e in EVENTS if isinstance(e, tuple)]


def test_disconnect_closes_a_sync_generator(app, caplog):
    with caplog.at_level(logging.DEBUG):
        exchange = run(app, Exchange(leave_when=lambda sent: len(sent) > 4), "GET", "/stream/endless/sync/")
    assert exchange.status == 200
    assert not exchange.complete
    assert body_chunks(exchange.sent) >= 4
    assert EVENTS[-1] == "sync-endless-closed"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize("query", [b"", b"pause=1"])
def test_disconnect_cancels_and_closes_an_async_generator(app, caplog, query):
    with caplog.at_level(logging.DEBUG):
        exchange = run(
            app, Exchange(leave_when=lambda sent: len(sent) > 3), "GET", "/stream/endless/async/", query=query
        )
    assert not exchange.complete
    assert body_chunks(exchange.sent) >= 3
    assert EVENTS[-1] == "async-endless-closed"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_async_generator_that_swallows_the_cancellation_is_still_closed(app):
    exchange = run(app, Exchange(leave_when=lambda sent: len(sent) > 4), "GET", "/stream/stubborn/")
    assert not exchange.complete
    assert EVENTS[-1] == "stubborn-closed"


@pytest.mark.parametrize("path", ["/stream/endless/sync/", "/stream/endless/async/"])
def test_send_raising_oserror_stops_the_stream(app, caplog, path):
    with caplog.at_level(logging.DEBUG):
        exchange = run(app, Exchange(send_error_after=3, leave_when=lambda sent: False), "GET", path)
    assert body_chunks(exchange.sent) == 3
    assert EVENTS[-1].endswith("-closed")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_send_raising_oserror_on_start(app):
    exchange = run(app, Exchange(send_error_after=0), "GET", "/stream/sync/")
    assert exchange.status == 200
    assert body_chunks(exchange.sent) == 0

    class Refusing(Exchange):
        async def send(self, message):
            raise OSError("gone")

    exchange = run(app, Refusing(), "GET", "/stream/sync/")
    assert exchange.sent == []


def test_empty_chunks_are_skipped(app):
    async def main():
        request = HttpRequest.from_scope(_scope(), _never)
        sent = []

        async def send(message):
            sent.append(message)

        async def chunks():
            yield b""
            yield b"a"

        await send_streaming_response(request, StreamingHttpResponse(["", "b", ""]), send, app.pool)
        await send_streaming_response(request, StreamingHttpResponse(chunks()), send, app.pool)
        return sent

    sent = asyncio.run(main())
    assert [m.get("body") for m in sent if m["type"] == "http.response.body"] == [b"b", b"", b"a", b""]


@pytest.mark.parametrize("status", [204, 304, 101])
def test_bodiless_status_sends_no_body(app, status):
    async def main():
        request = HttpRequest.from_scope(_scope(), _never)
        sent = []

        async def send(message):
            sent.append(message)

        response = StreamingHttpResponse([b"never"], status=status)
        await send_streaming_response(request, response, send, app.pool)
        return sent

    sent = asyncio.run(main())
    assert sent[1] == {"type": "http.response.body", "body": b""}
    assert len(sent) == 2


def test_a_failing_iterator_propagates(app):
    def broken():
        yield b"a"
        raise ZeroDivisionError

    async def main():
        request = HttpRequest.from_scope(_scope(), _never)

        async def send(message):
            pass

        await send_streaming_response(request, StreamingHttpResponse(broken()), send, app.pool)

    with pytest.raises(ZeroDivisionError):
        asyncio.run(main())


def test_server_cancellation_propagates_and_is_not_swallowed(app):
    async def main():
        request = HttpRequest.from_scope(_scope(), _never)
        started = asyncio.Event()

        async def chunks():
            started.set()
            await asyncio.sleep(30)
            yield b"never"  # pragma: no cover

        async def send(message):
            pass

        task = asyncio.ensure_future(
            send_streaming_response(request, StreamingHttpResponse(chunks()), send, app.pool)
        )
        await started.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(main())


def test_aclose_errors_are_ignored(app):
    class BadClose:
        def __aiter__(self):
            return self

        async def __anext__(self):
            return b"x"

        async def aclose(self):
            raise RuntimeError("cannot close")

    exchange = Exchange(send_error_after=2, leave_when=lambda sent: False)

    async def main():
        request = HttpRequest.from_scope(_scope(), exchange.receive)
        await send_streaming_response(request, StreamingHttpResponse(BadClose()), exchange.send, app.pool)

    asyncio.run(main())
    assert body_chunks(exchange.sent) == 2


def test_stop_helpers():
    stop = _Stop(None, cancel=True)
    stop.fire()
    assert stop.fired and not stop.cancelled and not stop.owns()
    stop.settle()
    assert not stop.cancelled
    assert streaming.__all__ == ["send_streaming_response"]


def _scope():
    from tests.support.asgi import make_scope

    return make_scope("GET", "/")


async def _never():
    await asyncio.Event().wait()


def test_async_stream_stops_when_told_between_chunks():
    class Plain:
        """An async iterator without aclose()."""

        def __init__(self):
            self.count = 0

        def __aiter__(self):
            return self

        async def __anext__(self):
            self.count += 1
            return b"p"

    sent = []
    stop = _Stop(None, cancel=False)

    async def send(message):
        sent.append(message)
        if len(sent) == 2:
            stop.fired = True

    plain = Plain()
    asyncio.run(streaming._send_async(StreamingHttpResponse(plain), send, stop))
    assert len(sent) == 2 and all(m["more_body"] for m in sent)
    assert plain.count == 3
