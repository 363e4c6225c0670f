"""Lock acquires and select/poll waits in async code: contended or waiting ones fire, the others stay free."""

from __future__ import annotations

import asyncio
import select
import selectors
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from microdj.guard import BlockingCallError, allow_blocking, install, uninstall, user_code
from microdj.guard.patches import GuardedLock, GuardedPoll

LABEL = "tests.views.locks (url name 'locks')"


@pytest.fixture
def guard() -> Iterator[None]:
    install("raise")
    try:
        yield
    finally:
        uninstall()


def in_async_code(action: Callable[[], Any]) -> Any:
    """Run ``action`` as user async code on a loop; return its result."""

    async def view() -> Any:
        with user_code(LABEL):
            return action()

    return asyncio.run(view())


class Held:
    """A lock made by ``factory``, held by another thread until release()."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self.lock, self.done = _hold(factory)

    def release(self) -> None:
        self.done.set()


def _hold(factory: Callable[[], Any]) -> tuple[Any, threading.Event]:
    lock = factory()
    taken, done = threading.Event(), threading.Event()

    def hold() -> None:
        with lock:
            taken.set()
            done.wait(5)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    taken.wait(5)
    return lock, done


@pytest.mark.parametrize("name", ["Lock", "RLock"])
def test_locks_made_while_installed_are_guarded(guard: None, name: str) -> None:
    lock = getattr(threading, name)()
    assert isinstance(lock, GuardedLock)
    assert repr(lock) == repr(lock.lock)
    uninstall()
    assert not isinstance(getattr(threading, name)(), GuardedLock)


@pytest.mark.parametrize("name", ["Lock", "RLock"])
def test_an_uncontended_acquire_is_free(guard: None, name: str) -> None:
    lock = getattr(threading, name)()

    def action() -> bool:
        assert lock.acquire()
        lock.release()
        with lock:
            if name == "RLock":
                assert lock.acquire(timeout=1)  # re-entered by its owner: not contended
                lock.release()
        return bool(lock.acquire(timeout=1))

    assert in_async_code(action) is True


@pytest.mark.parametrize("name", ["Lock", "RLock"])
@pytest.mark.parametrize(
    "how",
    [lambda lock: lock.acquire(), lambda lock: lock.acquire(True, 0.01), lambda lock: lock.__enter__()],
    ids=["blocking", "timeout", "with"],
)
def test_a_contended_acquire_that_waits_fires(guard: None, name: str, how: Callable[[Any], Any]) -> None:
    held = Held(getattr(threading, name))
    try:
        with pytest.raises(BlockingCallError, match=rf"threading\.{name}\.acquire\(\)") as info:
            in_async_code(lambda: how(held.lock))
        assert info.value.label == LABEL
    finally:
        held.release()


@pytest.mark.parametrize("name", ["Lock", "RLock"])
def test_non_blocking_acquires_of_a_held_lock_stay_free(guard: None, name: str) -> None:
    held = Held(getattr(threading, name))
    try:
        assert in_async_code(lambda: (held.lock.acquire(False), held.lock.acquire(timeout=0))) == (
            False,
            False,
        )
    finally:
        held.release()


def test_a_contended_acquire_outside_user_code_waits(guard: None) -> None:
    held = Held(threading.Lock)
    try:
        assert held.lock.acquire(timeout=0.01) is False  # no mark: plain code
    finally:
        held.release()
    with held.lock:  # free again
        assert held.lock.locked()


def test_allow_blocking_lets_a_contended_acquire_wait(guard: None) -> None:
    held = Held(threading.Lock)
    try:

        def action() -> bool:
            with allow_blocking():
                return bool(held.lock.acquire(timeout=0.01))

        assert in_async_code(action) is False
    finally:
        held.release()


def test_waits_inside_synchronisation_code_are_left_alone(guard: None) -> None:
    held = Held(threading.Lock)
    try:
        caller = type("Frame", (), {"f_globals": {"__name__": "queue"}})()
        assert held.lock.contended(("label", threading.get_ident(), None), True, 0.01, caller) is False
    finally:
        held.release()


def test_condition_and_event_work_over_guarded_locks(guard: None) -> None:
    condition = threading.Condition(threading.Lock())
    rcondition = threading.Condition()
    event = threading.Event()
    with condition:
        assert condition.wait(0) is False
    with rcondition:
        rcondition.notify_all()
    event.set()
    assert in_async_code(lambda: event.wait(1)) is True


# -- select, poll, selectors ---------------------------------------------------------------------------------


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    left, right = socket.socketpair()
    try:
        yield left, right
    finally:
        left.close()
        right.close()


@pytest.mark.parametrize("timeout", [None, 0.01])
def test_select_with_a_timeout_fires(guard: None, pair: Any, timeout: Any) -> None:
    with pytest.raises(BlockingCallError, match=r"select\.select\(\)"):
        in_async_code(lambda: select.select([pair[0]], [], [], timeout))


def test_select_with_zero_timeout_is_free(guard: None, pair: Any) -> None:
    assert in_async_code(lambda: select.select([pair[0]], [], [], 0)) == ([], [], [])


@pytest.mark.parametrize("factory", ["poll", "epoll"])
def test_poll_objects(guard: None, pair: Any, factory: str) -> None:
    if not hasattr(select, factory):  # pragma: no cover - not on this platform
        pytest.skip(f"select.{factory} is not available")
    poller = getattr(select, factory)()
    assert isinstance(poller, GuardedPoll)
    poller.register(pair[0].fileno(), select.POLLIN if factory == "poll" else select.EPOLLIN)
    assert in_async_code(lambda: poller.poll(0)) == []
    with pytest.raises(BlockingCallError, match=rf"select\.{factory}\.poll\(\)"):
        in_async_code(lambda: poller.poll(10 if factory == "poll" else 0.01))
    with pytest.raises(BlockingCallError):
        in_async_code(lambda: poller.poll())
    if factory == "epoll":
        with poller as same:
            assert same is poller
        assert poller.closed


@pytest.mark.parametrize(
    "name", [n for n in ("SelectSelector", "PollSelector", "EpollSelector") if hasattr(selectors, n)]
)
def test_selectors(guard: None, pair: Any, name: str) -> None:
    selector = getattr(selectors, name)()
    try:
        selector.register(pair[0], selectors.EVENT_READ)
        assert in_async_code(lambda: selector.select(0)) == []
        assert in_async_code(lambda: selector.select(-1)) == []
        with pytest.raises(BlockingCallError, match=rf"selectors\.{name}\.select\(\)"):
            in_async_code(lambda: selector.select(0.01))
        pair[1].send(b"x")
        assert len(selector.select(1)) == 1  # plain code: no mark
    finally:
        selector.close()


def test_the_event_loop_itself_runs_under_the_guard(guard: None) -> None:
    async def main() -> str:
        with user_code(LABEL):
            await asyncio.sleep(0.01)  # the loop's own selector waits: asyncio is allowed
        return "done"

    assert asyncio.run(main()) == "done"
