"""The optional event-loop watchdog."""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest

from microdj.guard import watchdog as watchdog_module
from microdj.guard.watchdog import LoopWatchdog, start_watchdog, stop_watchdog


def busy_loop_holding_the_event_loop(seconds: float) -> None:
    end = time.monotonic() + seconds
    for _ in range(20_000_000):  # bounded, whatever the clock does
        if time.monotonic() >= end:
            return


def test_a_stalled_loop_logs_the_loop_threads_stack(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> LoopWatchdog:
        loop = asyncio.get_running_loop()
        watchdog = start_watchdog(loop, 0.1)
        assert start_watchdog(loop, 5.0) is watchdog  # one per loop
        await asyncio.sleep(0.12)  # a few heartbeats
        busy_loop_holding_the_event_loop(0.3)
        await asyncio.sleep(0.02)
        stop_watchdog(loop)
        stop_watchdog(loop)  # nothing left to stop
        return watchdog

    with caplog.at_level(logging.WARNING, logger="microdj.security"):
        watchdog = asyncio.run(main())
    watchdog._thread.join()
    messages = [r.getMessage() for r in caplog.records if r.name == "microdj.security"]
    assert messages and watchdog.stalls == len(messages)
    assert "The event loop has been blocked for at least" in messages[0]
    assert "busy_loop_holding_the_event_loop" in messages[0]


class _Steps:
    """Stands in for the stop event: each wait() runs the next step, then reports "not stopped"."""

    def __init__(self, steps: list[Callable[[], None]]) -> None:
        self.steps = steps

    def wait(self, timeout: float) -> bool:
        if not self.steps:
            return True
        self.steps.pop(0)()
        return False

    def set(self) -> None:
        self.steps.clear()

    def is_set(self) -> bool:
        return not self.steps


def test_watch_reports_once_per_stall(caplog: pytest.LogCaptureFixture) -> None:
    watchdog = LoopWatchdog(asyncio.new_event_loop(), 1.0)
    watchdog._loop_thread = threading.get_ident()
    stalled_since = time.monotonic() - 100  # a heartbeat long overdue

    def no_beat_yet() -> None:
        watchdog._last = None

    def stalled() -> None:
        watchdog._last = stalled_since

    def fresh() -> None:
        watchdog._last = time.monotonic() + 100  # not late

    watchdog._stopped = _Steps([no_beat_yet, stalled, stalled, fresh])  # type: ignore[assignment]
    with caplog.at_level(logging.WARNING, logger="microdj.security"):
        watchdog._watch()
    watchdog.loop.close()
    assert watchdog.stalls == 1
    [record] = [r for r in caplog.records if r.name == "microdj.security"]
    assert "test_watch_reports_once_per_stall" in record.getMessage()  # this thread's stack


def test_report_when_the_loop_thread_is_gone(caplog: pytest.LogCaptureFixture) -> None:
    watchdog = LoopWatchdog(asyncio.new_event_loop(), 1.0)
    watchdog._loop_thread = -1
    with caplog.at_level(logging.WARNING, logger="microdj.security"):
        watchdog._report(2.0)
    watchdog.loop.close()
    assert "(the loop thread has exited)" in caplog.records[-1].getMessage()


def test_threshold_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        LoopWatchdog(asyncio.new_event_loop(), 0)


def test_dump_after_arms_faulthandler_on_each_heartbeat(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Any]] = []
    monkeypatch.setattr(
        watchdog_module.faulthandler,
        "dump_traceback_later",
        lambda timeout, exit: calls.append(("arm", timeout)),
    )
    monkeypatch.setattr(
        watchdog_module.faulthandler, "cancel_dump_traceback_later", lambda: calls.append(("cancel", None))
    )

    async def main() -> None:
        watchdog = start_watchdog(asyncio.get_running_loop(), 0.05, dump_after=30.0)
        await asyncio.sleep(0.06)
        watchdog.stop()
        await asyncio.sleep(0.06)  # the next heartbeat sees the stop and ends
        watchdog._thread.join()

    asyncio.run(main())
    assert calls[0] == ("arm", 30.0) and calls[-1] == ("cancel", None)
    assert all(call == ("arm", 30.0) for call in calls[:-1])
