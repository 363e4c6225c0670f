"""async_unsafe, and the guard's public names re-exported by microdj.utils.asyncio."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from microdj.core.exceptions import SynchronousOnlyOperation
from microdj.utils.asyncio import (
    async_unsafe,
)

# -- async_unsafe --------------------------------------------------------------------------------------------


@async_unsafe
def unsafe_default() -> str:
    return "ran"


@async_unsafe("Use a thread.")
def unsafe_message(value: int) -> int:
    return value * 2


def test_async_unsafe_outside_a_loop_runs() -> None:
    assert unsafe_default() == "ran"
    assert unsafe_message(2) == 4
    assert unsafe_default.__name__ == "unsafe_default"


def test_async_unsafe_in_a_loop_raises_with_a_message_naming_the_function() -> None:
    async def main() -> None:
        unsafe_default()

    with pytest.raises(SynchronousOnlyOperation) as info:
        asyncio.run(main())
    message = str(info.value)
    assert f"{__name__}.unsafe_default()" in message
    assert "sync_to_async(unsafe_default)" in message and "sync view" in message

    async def custom() -> None:
        unsafe_message(1)

    with pytest.raises(SynchronousOnlyOperation, match=r"^Use a thread\.$"):
        asyncio.run(custom())


def test_async_unsafe_in_a_worker_thread_runs() -> None:
    async def main() -> tuple[str, str]:
        return await sync_to_async(unsafe_default)(), await asyncio.to_thread(unsafe_default)

    assert asyncio.run(main()) == ("ran", "ran")


def test_async_unsafe_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICRODJ_ALLOW_ASYNC_UNSAFE", "true")

    async def main() -> str:
        return unsafe_default()

    assert asyncio.run(main()) == "ran"
    monkeypatch.setenv("MICRODJ_ALLOW_ASYNC_UNSAFE", "")
    with pytest.raises(SynchronousOnlyOperation):
        asyncio.run(main())


def test_the_guard_names_are_importable_from_utils_asyncio() -> None:
    import microdj.guard
    import microdj.utils.asyncio

    for name in ("BlockingCallError", "allow_blocking", "forbid_blocking", "install", "start_watchdog"):
        assert getattr(microdj.utils.asyncio, name) is getattr(microdj.guard, name)
