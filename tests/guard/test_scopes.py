"""The guard's mark, allow_blocking() and forbid_blocking(), and view labels."""

from __future__ import annotations

import asyncio
import functools
import threading
import time

import pytest

from microdj.guard import (
    BlockingCallError,
    allow_blocking,
    enter,
    forbid_blocking,
    install,
    is_installed,
    leave,
    mark,
    uninstall,
    user_code,
    view_label,
)
from tests.guard.support import LABEL, ORIGINAL_SLEEP

# -- the mark and the scopes ---------------------------------------------------------------------------------


def test_enter_and_leave_set_the_mark_for_this_thread() -> None:

    assert mark.USER_CODE.get() is None
    token = enter("label")
    try:
        assert mark.USER_CODE.get() == ("label", threading.get_ident(), None)
    finally:
        leave(token)
    assert mark.USER_CODE.get() is None
    token = enter("label", "warn")
    try:
        assert mark.USER_CODE.get() == ("label", threading.get_ident(), "warn")
    finally:
        leave(token)


def test_allow_blocking_context_manager_and_decorators(guard: None) -> None:
    @allow_blocking
    def bare() -> str:
        time.sleep(0.001)
        return "bare"

    @allow_blocking()
    async def called() -> str:
        time.sleep(0.001)
        return "called"

    async def view() -> list[str]:
        with user_code(LABEL):
            with allow_blocking():
                time.sleep(0.001)
            results = [bare(), await called()]
            with pytest.raises(BlockingCallError):
                time.sleep(0.001)  # the mark is back
            return results

    assert asyncio.run(view()) == ["bare", "called"]
    assert bare.__name__ == "bare"


def test_forbid_blocking_installs_for_its_duration() -> None:
    assert not is_installed()
    with forbid_blocking("snippet"):
        assert is_installed()
        with pytest.raises(BlockingCallError, match="in async code: snippet,"):
            time.sleep(0.001)  # a plain sync snippet, guarded as if it were async code on a loop
        with forbid_blocking():
            with pytest.raises(BlockingCallError, match="code under forbid_blocking"):
                time.sleep(0.001)
        assert is_installed()
    assert not is_installed() and time.sleep is ORIGINAL_SLEEP


def test_forbid_blocking_decorators() -> None:
    @forbid_blocking
    def bare() -> None:
        time.sleep(0.001)

    @forbid_blocking("my snippet")
    async def labelled() -> None:
        time.sleep(0.001)

    with pytest.raises(BlockingCallError, match=rf"in async code: {__name__}\..*bare,"):
        bare()
    with pytest.raises(BlockingCallError, match="in async code: my snippet,"):
        asyncio.run(labelled())


def test_forbid_blocking_keeps_an_explicit_install_and_uninstall_wins() -> None:
    install("raise")
    with forbid_blocking("x"):
        pass
    assert is_installed()
    with forbid_blocking("x"):
        uninstall()  # forced: the originals are back even inside the block
        assert time.sleep is ORIGINAL_SLEEP
        time.sleep(0.001)
    assert not is_installed()


def test_view_label() -> None:
    def index() -> None:
        pass

    class View:
        pass

    def as_view() -> None:
        pass

    as_view.view_class = View  # type: ignore[attr-defined]

    class Callable_:
        def __call__(self) -> None:
            pass

    anonymous = functools.partial(index)
    nameless = lambda: None  # noqa: E731
    nameless.__module__ = None  # type: ignore[assignment]
    assert view_label(index, "home") == f"{__name__}.test_view_label.<locals>.index (url name 'home')"
    assert view_label(as_view) == f"{__name__}.test_view_label.<locals>.View"
    assert view_label(Callable_()) == f"{__name__}.test_view_label.<locals>.Callable_"
    assert view_label(anonymous) == "functools.partial"
    assert view_label(nameless) == "test_view_label.<locals>.<lambda>"
