"""The guard's policy: the error and its message, modes and allow-lists."""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import time
from typing import Any

import pytest

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from microdj.guard import (
    BlockingCallError,
    install,
    policy,
    uninstall,
    user_code,
)
from tests.guard import support
from tests.guard.support import LABEL, sleep_in_async_code

# -- the error -----------------------------------------------------------------------------------------------


def test_error_message_and_attributes(guard: None) -> None:
    with pytest.raises(BlockingCallError) as info:
        sleep_in_async_code()
    error = info.value
    assert isinstance(error, SynchronousOnlyOperation)
    assert error.call == "time.sleep()" and error.label == LABEL
    assert error.call_site == f"{sleep_in_async_code.__module__}.sleep_in_async_code.<locals>.view"
    assert error.location.startswith(f"{support.__file__}:") and error.location.endswith(
        "(in sleep_in_async_code.<locals>.view)"
    )
    message = str(error)
    assert message.startswith(f"Blocking call time.sleep() in async code: {LABEL}, at {error.location}.")
    for remedy in (
        "await asyncio.sleep(...)",
        "sync_to_async",
        "anyio.to_thread.run_sync",
        "plain `def` view",
    ):
        assert remedy in message
    assert (
        f"with allow_blocking():` (microdj.utils.asyncio) or add {error.call_site!r} to ASYNC_SAFETY_ALLOW"
        in (message)
    )
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == message and type(copy) is BlockingCallError


def test_first_user_frame_is_reported_when_a_library_made_the_call(guard: None, tmp_path: Any) -> None:
    import shutil

    source = tmp_path / "a.txt"
    source.write_text("x")

    async def view() -> None:
        with user_code(LABEL):
            shutil.copyfile(source, tmp_path / "b.txt")  # shutil calls open()

    with pytest.raises(BlockingCallError) as info:
        asyncio.run(view())
    assert info.value.call_site == "shutil.copyfile"
    assert (
        info.value.location.startswith(f"{__file__}:") and "(in test_first_user_frame" in info.value.location
    )


def test_location_falls_back_to_the_caller_without_user_frames() -> None:
    walker = os.walk(".")  # an unstarted generator: its frame has no caller
    error = policy.verdict(LABEL, "x()", "hint", walker.gi_frame)
    assert isinstance(error, BlockingCallError)
    assert error.call_site.startswith("os.") and error.location == policy.location(walker.gi_frame)
    assert policy.verdict(LABEL, "x()", "hint", None) is None


# -- modes and allow-lists -----------------------------------------------------------------------------------


def sleep_twice_here() -> None:
    time.sleep(0.001)
    time.sleep(0.001)


def sleep_elsewhere() -> None:
    time.sleep(0.001)


def test_warn_mode_logs_once_per_call_site_and_lets_the_call_run(caplog: pytest.LogCaptureFixture) -> None:
    install("warn")
    try:

        async def view() -> None:
            with user_code(LABEL):
                for _ in range(3):
                    sleep_twice_here()
                sleep_elsewhere()

        with caplog.at_level(logging.WARNING, logger="microdj.security"):
            asyncio.run(view())
    finally:
        uninstall()
    records = [r for r in caplog.records if r.name == "microdj.security"]
    assert len(records) == 2
    first = records[0].getMessage()
    assert first.startswith(f"Blocking call time.sleep() in async code: {LABEL}, at {__file__}:")
    assert "(in sleep_twice_here)" in first and first.endswith("(Logged once per call site.)")
    assert "(in sleep_elsewhere)" in records[1].getMessage()


def test_warn_mode_from_settings_and_warnings_reset_on_uninstall(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(settings, "ASYNC_SAFETY", "warn")
    with caplog.at_level(logging.WARNING, logger="microdj.security"):
        for _ in range(2):
            install()
            try:
                sleep_in_async_code()
                sleep_in_async_code()
            finally:
                uninstall()
    assert len([r for r in caplog.records if r.name == "microdj.security"]) == 2


def test_async_safety_allow_lists_call_sites(guard: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ASYNC_SAFETY_ALLOW", [f"{__name__}.sleep_twice_here"])

    async def view() -> None:
        with user_code(LABEL):
            sleep_twice_here()
            with pytest.raises(BlockingCallError):
                sleep_elsewhere()

    asyncio.run(view())
    monkeypatch.setattr(settings, "ASYNC_SAFETY_ALLOW", [__name__])  # a whole module

    async def view2() -> None:
        with user_code(LABEL):
            sleep_elsewhere()

    asyncio.run(view2())


def test_allow_list_read_without_settings(guard: None, monkeypatch: pytest.MonkeyPatch) -> None:
    class Unconfigured:
        def __getattr__(self, name: str) -> Any:
            raise ImproperlyConfigured("Settings are not configured.")

    monkeypatch.setattr(policy, "settings", Unconfigured())
    with pytest.raises(BlockingCallError):
        sleep_in_async_code()


def test_listed() -> None:
    assert policy.listed("mimetypes.MimeTypes.read", ("mimetypes",))
    assert policy.listed("threading.Thread.start", ("threading.Thread.start",))
    assert not policy.listed("threading.Thread.join", ("threading.Thread.start",))
    assert not policy.listed("mimetypesx.read", ("mimetypes",))
