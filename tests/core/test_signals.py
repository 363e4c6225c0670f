import asyncio

import pytest

from microdj.core import signals
from microdj.dispatch import Signal

LIFECYCLE = [signals.request_started, signals.request_finished, signals.got_request_exception]


def test_lifecycle_signals_are_distinct_signals():
    assert all(isinstance(s, Signal) for s in LIFECYCLE)
    assert len({id(s) for s in LIFECYCLE}) == 3


@pytest.mark.parametrize("signal", LIFECYCLE)
def test_lifecycle_signal_without_receivers_finishes_without_awaiting(signal):
    if signal.receivers:
        pytest.skip("another module connected a receiver")
    coro = signal.asend(sender=object, scope={"type": "http"})
    with pytest.raises(StopIteration) as info:
        coro.send(None)
    assert info.value.value == []


def test_request_started_delivers_scope_to_async_receiver():
    seen = []

    async def on_started(sender, scope, **kwargs):
        seen.append((sender, scope))

    class Handler:
        pass

    signals.request_started.connect(on_started)
    try:
        asyncio.run(signals.request_started.asend(sender=Handler, scope={"path": "/"}))
    finally:
        assert signals.request_started.disconnect(on_started)
    assert seen == [(Handler, {"path": "/"})]
