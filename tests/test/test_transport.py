"""The in-process ASGI driver: one HTTP exchange, lifespan, the loop thread and the runners."""

import asyncio
import gc
import threading

import pytest

from microdj.test.transport import AppRunner, BlockingRunner, Lifespan, LoopThread, run_http


def http_scope(**extra):
    return {"type": "http", "method": "GET", "path": "/", "headers": [], **extra}


async def echo_body(scope, receive, send):
    message = await receive()
    await send(
        {"type": "http.response.start", "status": 201, "headers": [(b"X-Len", b"%d" % len(message["body"]))]}
    )
    await send({"type": "http.response.body", "body": message["body"], "more_body": True})
    await send({"type": "http.response.body", "body": b"", "more_body": True})
    await send({"type": "http.response.body", "body": b"!"})


def test_run_http_collects_the_response():
    wire = asyncio.run(run_http(echo_body, http_scope(), b"hello"))
    assert wire.status == 201
    assert wire.headers == [(b"x-len", b"5")]
    assert wire.chunks == [b"hello", b"!"]
    assert wire.body == b"hello!"
    assert wire.complete and wire.exc_info is None


def test_receive_after_the_body_waits_for_the_response_then_disconnects():
    events = []

    async def app(scope, receive, send):
        await receive()

        async def watch():
            events.append((await receive())["type"])

        watcher = asyncio.create_task(watch())
        await asyncio.sleep(0)
        assert not events
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body", "body": b"ok"})
        await watcher

    wire = asyncio.run(run_http(app, http_scope(), b""))
    assert events == ["http.disconnect"]
    assert wire.body == b"ok"


def test_app_exception_is_recorded():
    async def app(scope, receive, send):
        raise ZeroDivisionError("boom")

    wire = asyncio.run(run_http(app, http_scope(), b""))
    assert wire.status is None
    assert wire.exc_info[0] is ZeroDivisionError


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ([], "returned without starting a response"),
        ([{"type": "http.response.start", "status": 200}], "returned without completing the response body"),
        (
            [
                {"type": "http.response.start", "status": 200},
                {"type": "http.response.body", "more_body": True},
            ],
            "returned without completing the response body",
        ),
    ],
)
def test_incomplete_responses_are_errors(messages, error):
    async def app(scope, receive, send):
        for message in messages:
            await send(message)

    with pytest.raises(RuntimeError, match=error):
        asyncio.run(run_http(app, http_scope(), b""))


@pytest.mark.parametrize(
    ("messages", "error"),
    [
        ([{"type": "http.response.body"}], "before 'http.response.start'"),
        ([{"type": "http.response.start", "status": 200}] * 2, "'http.response.start' twice"),
        (
            [{"type": "http.response.start", "status": 200}, {"type": "http.response.body"}] * 1
            + [{"type": "http.response.body"}],
            "after the response was complete",
        ),
        ([{"type": "websocket.send"}], "unexpected ASGI message type 'websocket.send'"),
    ],
)
def test_protocol_errors_are_raised_into_the_app(messages, error):
    async def app(scope, receive, send):
        for message in messages:
            await send(message)

    wire = asyncio.run(run_http(app, http_scope(), b""))
    assert wire.exc_info[0] is RuntimeError
    assert error in str(wire.exc_info[1])


def lifespan_app(startup="lifespan.startup.complete", shutdown="lifespan.shutdown.complete", log=None):
    async def app(scope, receive, send):
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 200})
            await send({"type": "http.response.body", "body": repr(scope.get("state")).encode()})
            return
        assert scope["asgi"]["version"] == "3.0"
        message = await receive()
        assert message["type"] == "lifespan.startup"
        scope["state"]["ready"] = True
        if log is not None:
            log.append("startup")
        await send({"type": startup, "message": "no database"})
        if startup != "lifespan.startup.complete":
            return
        message = await receive()
        assert message["type"] == "lifespan.shutdown"
        if log is not None:
            log.append("shutdown")
        if shutdown == "raise":
            raise OSError("shutdown exploded")
        await send({"type": shutdown, "message": "disk full"})

    return app


def test_lifespan_startup_and_shutdown():
    log = []

    async def main():
        lifespan = Lifespan(lifespan_app(log=log))
        await lifespan.startup()
        assert lifespan.supported and lifespan.state == {"ready": True}
        await lifespan.shutdown()

    asyncio.run(main())
    assert log == ["startup", "shutdown"]


def test_lifespan_startup_failed():
    async def main():
        await Lifespan(lifespan_app(startup="lifespan.startup.failed")).startup()

    with pytest.raises(RuntimeError, match="ASGI lifespan startup failed: no database"):
        asyncio.run(main())


def test_lifespan_startup_failed_app_that_keeps_waiting_is_cancelled():
    async def app(scope, receive, send):
        await receive()
        await send({"type": "lifespan.startup.failed"})
        await receive()  # never answered: cancelled

    async def main():
        await Lifespan(app).startup()

    with pytest.raises(RuntimeError, match=r"startup failed: $"):
        asyncio.run(main())


def test_lifespan_unexpected_answer():
    async def app(scope, receive, send):
        await receive()
        await send({"type": "lifespan.shutdown.complete"})

    async def main():
        await Lifespan(app).startup()

    with pytest.raises(RuntimeError, match="answered lifespan startup with 'lifespan.shutdown.complete'"):
        asyncio.run(main())


def test_lifespan_ignored_by_an_http_only_app_is_not_supported():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200})

    async def main():
        lifespan = Lifespan(app)
        await lifespan.startup()
        return lifespan

    lifespan = asyncio.run(main())
    assert not lifespan.supported
    assert "sent 'http.response.start' for the lifespan scope" in str(lifespan.error)


def test_lifespan_not_supported():
    async def app(scope, receive, send):
        raise ValueError("Django can only handle ASGI/HTTP connections, not lifespan.")

    async def main():
        lifespan = Lifespan(app)
        await lifespan.startup()
        assert not lifespan.supported
        assert isinstance(lifespan.error, ValueError)
        await lifespan.shutdown()  # nothing to do

    asyncio.run(main())


def test_lifespan_shutdown_before_startup_does_nothing():
    asyncio.run(Lifespan(lifespan_app()).shutdown())


@pytest.mark.parametrize(
    ("shutdown", "error", "match"),
    [
        ("lifespan.shutdown.failed", RuntimeError, "shutdown failed: disk full"),
        ("raise", OSError, "exploded"),
    ],
)
def test_lifespan_shutdown_failures(shutdown, error, match):
    async def main():
        lifespan = Lifespan(lifespan_app(shutdown=shutdown))
        await lifespan.startup()
        await lifespan.shutdown()

    with pytest.raises(error, match=match):
        asyncio.run(main())


def test_lifespan_app_that_returns_at_shutdown_without_answer():
    async def app(scope, receive, send):
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()

    async def main():
        lifespan = Lifespan(app)
        await lifespan.startup()
        await lifespan.shutdown()

    asyncio.run(main())


def test_loop_thread_runs_coroutines_and_stops():
    loop_thread = LoopThread()
    try:
        assert loop_thread.run(asyncio.sleep(0, "done")) == "done"
        assert loop_thread.run(_current_thread()) is loop_thread.thread
    finally:
        loop_thread.stop()
    assert not loop_thread.thread.is_alive()
    assert loop_thread.loop.is_closed()
    loop_thread.stop()  # twice is fine


async def _current_thread():
    return threading.current_thread()


def test_loop_thread_cancels_pending_tasks_on_stop():
    loop_thread = LoopThread()
    cancelled = []

    async def forever():
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def spawn():
        asyncio.get_running_loop().create_task(forever())
        await asyncio.sleep(0)

    loop_thread.run(spawn())
    loop_thread.stop()
    assert cancelled == [True]


def test_loop_thread_refuses_to_wait_for_itself_and_can_stop_from_inside():
    loop_thread = LoopThread()

    async def inside():
        coroutine = asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="cannot wait for itself"):
            loop_thread.run(coroutine)
        loop_thread.stop()  # schedules the stop, returns at once

    asyncio.run_coroutine_threadsafe(inside(), loop_thread.loop).result()
    loop_thread.thread.join()
    assert loop_thread.loop.is_closed()


def test_app_runner_gives_requests_a_copy_of_the_lifespan_state():
    runner = AppRunner(lifespan_app())

    async def main():
        first = await runner.request(http_scope(), b"")
        assert runner.lifespan is not None
        second = await runner.request(http_scope(), b"")
        await runner.stop()
        return first, second

    first, second = asyncio.run(main())
    assert first.body == second.body == b"{'ready': True}"
    assert runner.lifespan is None


def test_app_runner_without_lifespan_support_gives_no_state():
    async def app(scope, receive, send):
        if scope["type"] == "lifespan":
            raise ValueError("no lifespan here")
        await send({"type": "http.response.start", "status": 200})
        await send({"type": "http.response.body", "body": repr("state" in scope).encode()})

    assert asyncio.run(AppRunner(app).request(http_scope(), b"")).body == b"False"


def test_app_runner_starts_once_for_concurrent_requests():
    log = []
    runner = AppRunner(lifespan_app(log=log))

    async def main():
        await asyncio.gather(*(runner.request(http_scope(), b"") for _ in range(3)))
        assert await runner.start() is runner.lifespan
        await runner.stop()

    asyncio.run(main())
    assert log == ["startup", "shutdown"]


def test_app_runner_restarts_after_its_loop_closed_and_refuses_a_live_foreign_loop():
    log = []
    runner = AppRunner(lifespan_app(log=log))
    asyncio.run(runner.start())  # that loop is closed afterwards
    asyncio.run(runner.start())
    asyncio.run(runner.stop())  # the lifespan of a closed loop cannot be shut down: it is dropped
    assert log == ["startup", "startup"]
    assert runner.lifespan is None
    loop_thread = LoopThread()
    try:
        loop_thread.run(runner.start())
        for step in (runner.start, runner.stop):
            with pytest.raises(RuntimeError, match="started on another event loop"):
                asyncio.run(step())
        loop_thread.run(runner.stop())
    finally:
        loop_thread.stop()
    assert log == ["startup", "startup", "startup", "shutdown"]


def test_app_runner_default_application(monkeypatch):
    import microdj.test.transport as transport

    sentinel = object()
    monkeypatch.setattr(transport, "default_application", lambda: sentinel)
    runner = AppRunner()
    assert runner.app is sentinel
    assert runner.app is sentinel


def test_blocking_runner_lifecycle():
    log = []
    blocking = BlockingRunner(AppRunner(lifespan_app(log=log)))
    blocking.close()  # never started: nothing to do
    wire = blocking.run(lambda: blocking.runner.request(http_scope(), b""))
    assert wire.body == b"{'ready': True}"
    loop_thread = blocking.loop_thread
    blocking.run(blocking.runner.start)  # same thread, same lifespan
    assert blocking.loop_thread is loop_thread
    blocking.close()
    assert not loop_thread.thread.is_alive()
    assert log == ["startup", "shutdown"]
    blocking.run(blocking.runner.start)  # starts afresh on a new thread
    assert blocking.loop_thread is not loop_thread
    blocking.close()
    assert log == ["startup", "shutdown", "startup", "shutdown"]


def test_blocking_runner_close_reraises_shutdown_errors_but_stops_the_thread():
    blocking = BlockingRunner(AppRunner(lifespan_app(shutdown="lifespan.shutdown.failed")))
    blocking.run(blocking.runner.start)
    loop_thread = blocking.loop_thread
    with pytest.raises(RuntimeError, match="shutdown failed"):
        blocking.close()
    assert not loop_thread.thread.is_alive()
    blocking.run(blocking.runner.start)
    blocking.close_quietly()  # same failure, swallowed
    assert blocking.loop_thread is None


def test_blocking_runner_closed_from_its_own_loop_thread():
    log = []
    blocking = BlockingRunner(AppRunner(lifespan_app(log=log)))
    blocking.run(blocking.runner.start)
    loop_thread = blocking.loop_thread

    async def close_inside():
        blocking.close()

    asyncio.run_coroutine_threadsafe(close_inside(), loop_thread.loop).result()
    loop_thread.thread.join()
    assert log == ["startup"]  # no shutdown exchange possible from inside; the lifespan task was cancelled
    assert blocking.runner.lifespan is None
    gc.collect()


def test_a_held_streaming_response_finishes_from_another_loop():
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"a", "more_body": True})
        await send({"type": "http.response.body", "body": b"b"})
        finished.append(True)

    finished = []
    loop_thread = LoopThread()
    try:
        wire = loop_thread.run(run_http(app, http_scope(), b""))
        assert wire.held and wire.body == b"ab" and not finished
        asyncio.run(wire.finish())  # from this thread's own loop
        assert finished == [True] and not wire.held
        asyncio.run(wire.finish())  # already done: nothing to wait for
    finally:
        loop_thread.stop()
    wire.release()  # its loop is closed: nothing happens
