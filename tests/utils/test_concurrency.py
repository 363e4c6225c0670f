"""WorkerPool and run_on_loop: outcomes, contextvars, cancellation, closed loops, bounds and shutdown."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from typing import Any

import pytest

from microdj.utils.concurrency import WorkerPool, _deliver, run_on_loop

# A safety net against a hang, never a timing assertion: every wait here normally ends at once.
PATIENCE = 5
VAR: contextvars.ContextVar[str] = contextvars.ContextVar("test_handlers_workers", default="unset")


def threads_named(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith(f"{name}-")]


def test_a_pool_needs_a_thread():
    with pytest.raises(ValueError, match="^A worker pool needs at least one thread.$"):
        WorkerPool(0)


def test_result_comes_back_from_a_worker_thread():
    pool = WorkerPool(2, name="test-result")

    def work(a, b):
        return a + b, threading.get_ident(), threading.current_thread().name

    async def main():
        return await pool.run(work, 40, 2), threading.get_ident()

    try:
        (total, worker, name), caller = asyncio.run(main())
    finally:
        pool.shutdown()
    assert total == 42
    assert worker != caller
    assert name == "test-result-1"


def test_exception_is_raised_in_the_caller():
    pool = WorkerPool(1)
    error = LookupError("not here")

    def fail():
        raise error

    async def main():
        with pytest.raises(LookupError) as info:
            await pool.run(fail)
        return info.value

    try:
        assert asyncio.run(main()) is error
    finally:
        pool.shutdown()


def test_context_variables_are_copied_into_the_thread():
    pool = WorkerPool(1)

    def read_and_change():
        seen = VAR.get()
        VAR.set("changed in the thread")
        return seen

    async def main():
        VAR.set("set by the caller")
        seen = await pool.run(read_and_change)
        return seen, VAR.get()

    try:
        assert asyncio.run(main()) == ("set by the caller", "set by the caller")
    finally:
        pool.shutdown()


def test_deliver_drops_the_outcome_for_a_cancelled_future():
    loop = asyncio.new_event_loop()
    try:
        cancelled = loop.create_future()
        cancelled.cancel()
        _deliver(cancelled, "result", None)
        _deliver(cancelled, None, ValueError("error"))
        assert cancelled.cancelled()
        done = loop.create_future()
        _deliver(done, None, ValueError("error"))
        assert isinstance(done.exception(), ValueError)
    finally:
        loop.close()


def test_cancelled_caller_drops_the_result_and_the_worker_carries_on():
    pool = WorkerPool(1)
    started, release = threading.Event(), threading.Event()
    finished = []

    def slow():
        started.set()
        release.wait(PATIENCE)
        finished.append(True)
        return "late"

    async def main():
        problems = []
        asyncio.get_running_loop().set_exception_handler(lambda loop, context: problems.append(context))
        task = asyncio.create_task(pool.run(slow))
        await asyncio.to_thread(started.wait, PATIENCE)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        release.set()
        # The same (only) thread answers the next call once the cancelled one has finished.
        after = await asyncio.wait_for(pool.run(lambda: "next"), PATIENCE)
        return after, problems

    try:
        after, problems = asyncio.run(main())
    finally:
        pool.shutdown()
    assert after == "next"
    assert finished == [True]
    assert problems == []
    assert pool.size == 0


def test_result_for_a_closed_loop_is_dropped():
    pool = WorkerPool(1, name="test-closed-loop")
    started, release = threading.Event(), threading.Event()

    def slow():
        started.set()
        release.wait(PATIENCE)
        return "nobody waits"

    loop = asyncio.new_event_loop()
    future = loop.create_future()
    pool._submit((future, loop, contextvars.copy_context(), slow, ()))
    assert started.wait(PATIENCE)
    loop.close()
    release.set()
    try:
        # The worker survived the RuntimeError from the closed loop and serves the next call.
        assert asyncio.run(asyncio.wait_for(pool.run(lambda: "alive"), PATIENCE)) == "alive"
        assert [t.is_alive() for t in threads_named("test-closed-loop")] == [True]
    finally:
        pool.shutdown()
    assert not future.done()


def test_threads_are_bounded_and_reused():
    pool = WorkerPool(2, name="test-bounded")
    gate = threading.Event()
    idents = []

    def work(n):
        gate.wait(PATIENCE)
        idents.append(threading.get_ident())
        return n

    async def main():
        tasks = [asyncio.create_task(pool.run(work, n)) for n in range(10)]
        await asyncio.sleep(0)  # every task has submitted its call
        size_while_busy = pool.size
        gate.set()
        results = await asyncio.wait_for(asyncio.gather(*tasks), PATIENCE)
        more = await asyncio.gather(*(pool.run(work, n) for n in range(5)))
        return size_while_busy, results, more

    try:
        size_while_busy, results, more = asyncio.run(main())
        assert size_while_busy == 2
        assert pool.size == 2
        assert results == list(range(10)) and more == list(range(5))
        assert len(set(idents)) <= 2  # which of the two threads takes which call is up to the scheduler
        assert len(threads_named("test-bounded")) == 2
    finally:
        pool.shutdown()


def test_shutdown_stops_the_threads():
    pool = WorkerPool(3, name="test-shutdown")

    async def main():
        gate = threading.Event()
        tasks = [asyncio.create_task(pool.run(gate.wait, PATIENCE)) for _ in range(3)]
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(*tasks)

    asyncio.run(main())
    threads = threads_named("test-shutdown")
    assert pool.size == len(threads) == 3
    pool.shutdown()
    assert pool.size == 0
    for thread in threads:
        thread.join(PATIENCE)
        assert not thread.is_alive()
    # A later call starts a thread again.
    assert asyncio.run(pool.run(lambda: "again")) == "again"
    assert pool.size == 1
    pool.shutdown()


def test_pool_works_after_a_shutdown_during_a_call():
    pool = WorkerPool(1, name="test-shutdown-busy")
    started, release = threading.Event(), threading.Event()

    def busy():
        started.set()
        release.wait(PATIENCE)

    async def main():
        running = asyncio.create_task(pool.run(busy))
        await asyncio.to_thread(started.wait, PATIENCE)
        pool.shutdown()
        release.set()
        await running
        for thread in threads_named("test-shutdown-busy"):
            await asyncio.to_thread(thread.join, PATIENCE)
        return await asyncio.wait_for(pool.run(lambda: "served"), 1)

    try:
        assert asyncio.run(main()) == "served"
    finally:
        pool.shutdown()


def test_run_on_loop_from_a_worker_thread():
    pool = WorkerPool(1)

    async def on_loop(value):
        return value, threading.get_ident()

    async def failing():
        raise KeyError("from the loop")

    def in_thread(loop):
        result = run_on_loop(on_loop("hello"), loop)
        try:
            run_on_loop(failing(), loop)
        except KeyError as error:
            return result, threading.get_ident(), error.args
        return None

    async def main():
        loop = asyncio.get_running_loop()
        return await pool.run(in_thread, loop), threading.get_ident()

    try:
        ((value, ran_on), worker, error_args), loop_thread = asyncio.run(main())
    finally:
        pool.shutdown()
    assert value == "hello"
    assert ran_on == loop_thread != worker
    assert error_args == ("from the loop",)


def test_run_to_end_lets_a_cancelled_call_finish_first():
    from microdj.utils.concurrency import run_in_thread

    finished = threading.Event()
    started = threading.Event()

    def work() -> str:
        started.set()
        finished.wait(0.2)
        finished.set()
        return "done"

    async def main() -> bool:
        task = asyncio.ensure_future(run_in_thread(work))
        while not started.is_set():
            await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return finished.is_set()

    assert asyncio.run(main()) is True


def test_run_to_end_returns_and_raises_like_run():
    from microdj.utils.concurrency import run_in_thread

    def fail() -> None:
        raise ValueError("boom")

    async def main() -> str:
        with pytest.raises(ValueError, match="boom"):
            await run_in_thread(fail)
        return await run_in_thread(str.upper, "ok")

    assert asyncio.run(main()) == "OK"


def test_run_on_loop_uses_the_loop_of_the_pool_call():
    from microdj.utils.concurrency import calling_loop

    pool = WorkerPool(1)

    async def double(value: int) -> int:
        return value * 2

    def in_thread() -> tuple[bool, int]:
        return calling_loop() is loop, run_on_loop(double(21))

    async def main() -> tuple[bool, int]:
        nonlocal loop
        loop = asyncio.get_running_loop()
        return await pool.run(in_thread)

    loop = None
    try:
        assert asyncio.run(main()) == (True, 42)
    finally:
        pool.shutdown()


def test_run_on_loop_outside_a_pool_thread_needs_a_loop():
    from microdj.utils.concurrency import calling_loop

    async def nothing() -> None:
        return None

    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(calling_loop()))
    thread.start()
    thread.join()
    assert result == [None]
    coro = nothing()
    with pytest.raises(RuntimeError, match="needs a loop"):
        _run_without_loop(coro)


def _run_without_loop(coro: Any) -> None:
    errors: list[BaseException] = []

    def target() -> None:
        try:
            run_on_loop(coro)
        except BaseException as error:  # noqa: BLE001 - handed back to the test
            errors.append(error)

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    raise errors[0]


def test_run_sync_refuses_on_the_loop_and_runs_without_one():
    from microdj.core.exceptions import SynchronousOnlyOperation
    from microdj.utils.concurrency import run_sync

    async def value() -> int:
        return 7

    async def on_loop() -> None:
        with pytest.raises(SynchronousOnlyOperation, match="not here"):
            run_sync(value(), None, "not here")

    asyncio.run(on_loop())
    assert run_sync(value(), None, "unused") == 7
