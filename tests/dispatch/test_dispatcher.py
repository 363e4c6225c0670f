import asyncio
import gc
import logging
import threading

import pytest

from microdj.dispatch import Signal, receiver
from microdj.dispatch.dispatcher import NO_RECEIVERS


def sync_receiver(sender, **kwargs):
    return ("sync", sender, kwargs)


async def async_receiver(sender, **kwargs):
    await asyncio.sleep(0)
    return ("async", sender, kwargs)


def failing(sender, **kwargs):
    raise ValueError("sync boom")


async def afailing(sender, **kwargs):
    raise KeyError("async boom")


class Handler:
    def __init__(self):
        self.calls = []

    def method(self, sender, **kwargs):
        self.calls.append(sender)
        return "method"


@pytest.fixture
def signal():
    return Signal()


def test_send_without_receivers_is_empty(signal):
    assert signal.send(sender=None) == []
    assert signal.send_robust(sender=None) == []
    assert asyncio.run(signal.asend(sender=None)) == []
    assert asyncio.run(signal.asend_robust(sender=None)) == []
    assert not signal.has_listeners()


def test_asend_without_receivers_never_uses_a_thread(signal, monkeypatch):
    import microdj.dispatch.dispatcher as dispatcher

    def forbidden(*args, **kwargs):
        raise AssertionError("no thread hop expected")

    monkeypatch.setattr(dispatcher, "sync_to_async", forbidden)
    monkeypatch.setattr(dispatcher, "async_to_sync", forbidden)
    coro = signal.asend(sender=object(), scope={})
    # The coroutine finishes on its first step: it never awaits anything.
    with pytest.raises(StopIteration) as info:
        coro.send(None)
    assert info.value.value == []
    signal.connect(async_receiver)
    assert asyncio.run(signal.asend(sender=1)) == [(async_receiver, ("async", 1, {"signal": signal}))]


def test_send_calls_sync_receivers_with_signal_sender_and_named(signal):
    signal.connect(sync_receiver)
    assert signal.send(sender="s", a=1) == [(sync_receiver, ("sync", "s", {"signal": signal, "a": 1}))]
    assert signal.has_listeners()
    assert signal.has_listeners(sender="anything")


def test_send_runs_async_receivers_via_async_to_sync(signal):
    signal.connect(async_receiver)
    signal.connect(sync_receiver)
    responses = signal.send(sender="s")
    # Sync receivers first, then async ones.
    assert responses == [
        (sync_receiver, ("sync", "s", {"signal": signal})),
        (async_receiver, ("async", "s", {"signal": signal})),
    ]


def test_send_propagates_errors(signal):
    signal.connect(failing)
    signal.connect(sync_receiver)
    with pytest.raises(ValueError, match="sync boom"):
        signal.send(sender=None)


def test_asend_runs_all_sync_receivers_in_one_thread_hop(signal):
    threads = []

    def record_a(sender, **kwargs):
        threads.append(threading.get_ident())
        return "a"

    def record_b(sender, **kwargs):
        threads.append(threading.get_ident())
        return "b"

    async def arecord(sender, **kwargs):
        threads.append(("async", threading.get_ident()))
        return "c"

    for r in (record_a, arecord, record_b):
        signal.connect(r)

    async def main():
        loop_thread = threading.get_ident()
        responses = await signal.asend(sender=None)
        return loop_thread, responses

    loop_thread, responses = asyncio.run(main())
    assert responses == [(record_a, "a"), (record_b, "b"), (arecord, "c")]
    sync_threads = [t for t in threads if not isinstance(t, tuple)]
    assert len(set(sync_threads)) == 1 and sync_threads[0] != loop_thread
    assert ("async", loop_thread) in threads


def test_asend_only_sync_receivers(signal):
    signal.connect(sync_receiver)
    assert asyncio.run(signal.asend(sender=2)) == [(sync_receiver, ("sync", 2, {"signal": signal}))]


def test_asend_only_async_receivers_stays_on_the_loop(signal):
    seen = []

    async def arecord(sender, **kwargs):
        seen.append(threading.get_ident())

    signal.connect(arecord)

    async def main():
        await signal.asend(sender=None)
        return threading.get_ident()

    assert seen == [asyncio.run(main())]


def test_asend_runs_async_receivers_concurrently(signal):
    order = []

    async def first(sender, **kwargs):
        order.append("first start")
        await asyncio.sleep(0)
        order.append("first end")

    async def second(sender, **kwargs):
        order.append("second start")
        await asyncio.sleep(0)
        order.append("second end")

    signal.connect(first)
    signal.connect(second)
    asyncio.run(signal.asend(sender=None))
    assert order == ["first start", "second start", "first end", "second end"]


def test_asend_propagates_errors(signal):
    signal.connect(afailing)
    with pytest.raises(KeyError):
        asyncio.run(signal.asend(sender=None))


def test_send_robust_returns_and_logs_errors(signal, caplog):
    signal.connect(failing)
    signal.connect(afailing)
    signal.connect(sync_receiver)
    signal.connect(async_receiver)
    with caplog.at_level(logging.ERROR, logger="microdj.dispatch"):
        responses = signal.send_robust(sender="s")
    assert [r for r, _ in responses] == [failing, sync_receiver, afailing, async_receiver]
    assert isinstance(responses[0][1], ValueError)
    assert responses[1][1] == ("sync", "s", {"signal": signal})
    assert isinstance(responses[2][1], KeyError)
    assert responses[3][1] == ("async", "s", {"signal": signal})
    messages = [rec.getMessage() for rec in caplog.records]
    assert "Error calling failing in Signal.send_robust() (sync boom)" in messages
    assert "Error calling afailing in Signal.send_robust() ('async boom')" in messages
    assert all(rec.exc_info for rec in caplog.records)


def test_send_robust_only_sync(signal):
    signal.connect(sync_receiver)
    assert signal.send_robust(sender=1) == [(sync_receiver, ("sync", 1, {"signal": signal}))]


def test_asend_robust(signal, caplog):
    signal.connect(failing)
    signal.connect(afailing)
    signal.connect(async_receiver)
    responses = asyncio.run(signal.asend_robust(sender="s"))
    assert [r for r, _ in responses] == [failing, afailing, async_receiver]
    assert isinstance(responses[0][1], ValueError) and isinstance(responses[1][1], KeyError)
    assert len(caplog.records) == 2


def test_asend_robust_only_sync_and_only_async(signal):
    signal.connect(failing)
    [(r, err)] = asyncio.run(signal.asend_robust(sender=None))
    assert r is failing and isinstance(err, ValueError)
    other = Signal()
    other.connect(async_receiver)
    assert asyncio.run(other.asend_robust(sender=3)) == [(async_receiver, ("async", 3, {"signal": other}))]


def test_robust_failure_log_for_callable_without_qualname(signal, caplog):
    class Callable:
        def __call__(self, sender, **kwargs):
            raise RuntimeError("x")

    instance = Callable()
    signal.connect(instance, weak=False)
    [(_, err)] = signal.send_robust(sender=None)
    assert isinstance(err, RuntimeError)
    assert "Callable object" in caplog.records[0].getMessage()


def test_sender_filtering(signal):
    class A:
        pass

    class B:
        pass

    signal.connect(sync_receiver, sender=A)
    assert signal.send(sender=A) == [(sync_receiver, ("sync", A, {"signal": signal}))]
    assert signal.send(sender=B) == []
    assert signal.has_listeners(A) and not signal.has_listeners(B)
    assert not signal.disconnect(sync_receiver)  # connected for A only
    assert signal.disconnect(sync_receiver, sender=A)
    assert signal.send(sender=A) == []


def test_duplicate_connection_is_ignored(signal):
    signal.connect(sync_receiver)
    signal.connect(sync_receiver)
    assert len(signal.send(sender=None)) == 1


def test_dispatch_uid_dedup_and_disconnect(signal):
    def first(sender, **kwargs):
        return 1

    def second(sender, **kwargs):
        return 2

    signal.connect(first, dispatch_uid="uid")
    signal.connect(second, dispatch_uid="uid")
    assert signal.send(sender=None) == [(first, 1)]
    signal.connect(second, dispatch_uid="uid", sender=int)
    assert signal.send(sender=int) == [(first, 1), (second, 2)]
    assert signal.disconnect(dispatch_uid="uid")
    assert not signal.disconnect(dispatch_uid="uid")
    assert signal.send(sender=int) == [(second, 2)]


def test_disconnect_unknown_receiver(signal):
    assert not signal.disconnect(sync_receiver)


def test_weak_function_receiver_disappears(signal):
    def temporary(sender, **kwargs):
        return "temp"

    signal.connect(temporary)
    assert signal.send(sender=None) == [(temporary, "temp")]
    del temporary
    gc.collect()
    assert signal._dead_receivers
    assert signal.send(sender=None) == []
    assert signal.receivers == []
    assert not signal._dead_receivers


def test_weak_bound_method_receiver_disappears(signal):
    handler = Handler()
    signal.connect(handler.method)  # the bound method itself dies at once: WeakMethod keeps it usable
    assert signal.send(sender="x") == [(handler.method, "method")]
    assert handler.calls == ["x"]
    del handler
    gc.collect()
    assert not signal.has_listeners()
    assert signal.receivers == []


def test_dead_reference_skipped_before_cleanup(signal, monkeypatch):
    # As when a receiver dies during a concurrent send(), before the signal is told about it.
    monkeypatch.setattr(signal, "_remove_receiver", lambda ref: None)

    def temporary(sender, **kwargs):
        pass

    signal.connect(temporary)
    signal.connect(sync_receiver)
    del temporary
    gc.collect()
    assert signal.send(sender=None) == [(sync_receiver, ("sync", None, {"signal": signal}))]


def test_strong_reference_keeps_receiver(signal):
    signal.connect(lambda sender, **kwargs: "kept", weak=False)
    gc.collect()
    assert [resp for _, resp in signal.send(sender=None)] == ["kept"]


def test_dead_receivers_cleaned_on_connect_and_disconnect(signal):
    def temporary(sender, **kwargs):
        pass

    signal.connect(temporary)
    del temporary
    gc.collect()
    signal.connect(sync_receiver)
    assert len(signal.receivers) == 1
    handler = Handler()
    signal.connect(handler.method)
    del handler
    gc.collect()
    assert signal.disconnect(sync_receiver)
    assert signal.receivers == []


def test_caching(signal):
    cached = Signal(use_caching=True)

    class Sender:
        pass

    assert cached.send(sender=Sender) == []  # fast path: no receivers at all
    cached.connect(sync_receiver, sender=int)
    assert cached.send(sender=Sender) == []
    assert cached.sender_receivers_cache[Sender] is NO_RECEIVERS
    assert cached.send(sender=Sender) == []  # answered from the cache
    assert asyncio.run(cached.asend(sender=Sender)) == []
    assert not cached.has_listeners(Sender)
    assert cached.send(sender=int) == [(sync_receiver, ("sync", int, {"signal": cached}))]
    assert cached.send(sender=int) == [(sync_receiver, ("sync", int, {"signal": cached}))]
    cached.connect(sync_receiver, sender=Sender)
    assert Sender not in cached.sender_receivers_cache
    assert cached.has_listeners(Sender)


def test_caching_with_dead_receivers():
    cached = Signal(use_caching=True)

    def temporary(sender, **kwargs):
        return 1

    cached.connect(temporary)
    assert cached.send(sender=int) == [(temporary, 1)]
    del temporary
    gc.collect()
    assert cached.send(sender=int) == []


def test_debug_checks_receivers(signal, override):
    override(DEBUG=True)
    with pytest.raises(TypeError, match="must be callable"):
        signal.connect(42)
    with pytest.raises(ValueError, match=r"must accept keyword arguments \(\*\*kwargs\)"):
        signal.connect(lambda sender: None)
    signal.connect(dict, weak=False)  # no inspectable signature: accepted
    signal.connect(sync_receiver)
    assert len(signal.receivers) == 2


def test_no_checks_without_debug(signal):
    def no_kwargs(sender):
        return "ok"

    signal.connect(no_kwargs)
    assert len(signal.receivers) == 1


def test_receiver_decorator():
    first, second = Signal(), Signal()

    @receiver(first, sender=int)
    def one(sender, **kwargs):
        return "one"

    @receiver([first, second], dispatch_uid="both")
    def both(sender, **kwargs):
        return "both"

    assert first.send(sender=int) == [(one, "one"), (both, "both")]
    assert second.send(sender=int) == [(both, "both")]
    assert first.send(sender=str) == [(both, "both")]


def test_repr(signal):
    signal.connect(sync_receiver)
    assert repr(signal) == "<Signal receivers=1>"
