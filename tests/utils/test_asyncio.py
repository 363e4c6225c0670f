"""async_unsafe, the guard's mark and scopes, installation, modes and allow-lists."""

from __future__ import annotations

import asyncio
import builtins
import functools
import importlib
import logging
import os
import pickle
import time
from collections.abc import Iterator
from typing import Any

import pytest
from asgiref.sync import sync_to_async

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from microdj.utils import asyncio as guard_module
from microdj.utils import blocking
from microdj.utils.asyncio import (
    BlockingCallError,
    allow_blocking,
    async_unsafe,
    enter,
    forbid_blocking,
    guard_mode,
    install,
    is_installed,
    leave,
    uninstall,
    user_code,
    view_label,
)

LABEL = "tests.views.index (url name 'index')"
# The test client installs the guard for the whole process; these tests start from the originals.
_GUARD_WAS_INSTALLED = is_installed()
uninstall()
ORIGINAL_SLEEP = time.sleep
MISSING = object()


@pytest.fixture(autouse=True)
def _nothing_left_installed() -> Iterator[None]:
    was_installed = is_installed()
    uninstall()
    yield
    assert not is_installed()
    assert time.sleep is ORIGINAL_SLEEP
    if was_installed or _GUARD_WAS_INSTALLED:
        install("raise")


def sleep_in_async_code(label: str = LABEL) -> None:
    async def view() -> None:
        with user_code(label):
            time.sleep(0.001)

    asyncio.run(view())


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


# -- the error -----------------------------------------------------------------------------------------------


def test_error_message_and_attributes(guard: None) -> None:
    with pytest.raises(BlockingCallError) as info:
        sleep_in_async_code()
    error = info.value
    assert isinstance(error, SynchronousOnlyOperation)
    assert error.call == "time.sleep()" and error.label == LABEL
    assert error.call_site == f"{__name__}.sleep_in_async_code.<locals>.view"
    assert error.location.startswith(f"{__file__}:") and error.location.endswith(
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
    error = guard_module._verdict(LABEL, "x()", "hint", walker.gi_frame)
    assert isinstance(error, BlockingCallError)
    assert error.call_site.startswith("os.") and error.location == guard_module._location(walker.gi_frame)
    assert guard_module._verdict(LABEL, "x()", "hint", None) is None


# -- the mark and the scopes ---------------------------------------------------------------------------------


def test_enter_and_leave_set_the_mark_for_this_thread() -> None:
    import threading

    assert guard_module._USER_CODE.get() is None
    token = enter("label")
    try:
        assert guard_module._USER_CODE.get() == ("label", threading.get_ident(), None)
    finally:
        leave(token)
    assert guard_module._USER_CODE.get() is None
    token = enter("label", "warn")
    try:
        assert guard_module._USER_CODE.get() == ("label", threading.get_ident(), "warn")
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


# -- installation --------------------------------------------------------------------------------------------


def _targets() -> list[tuple[Any, str, Any]]:
    found = []
    for module_name, targets in blocking.FAMILIES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for owner, name, _ in targets(module):
            if hasattr(owner, name):
                found.append((owner, name, vars(owner).get(name, MISSING)))
    return found


def test_install_and_uninstall_restore_the_original_objects() -> None:
    before = _targets()
    assert len(before) > 60
    assert install("raise") is True
    for owner, name, original in before:
        assert vars(owner).get(name, MISSING) is not original, f"{owner!r}.{name} not patched"
        assert hasattr(getattr(owner, name), "__microdj_guard__")
    patched = {(id(owner), name): vars(owner)[name] for owner, name, _ in before}
    assert install("raise") is True  # idempotent: same wrappers
    assert all(vars(owner)[name] is patched[id(owner), name] for owner, name, _ in before)
    uninstall()
    for owner, name, original in before:
        assert vars(owner).get(name, MISSING) is original, f"{owner!r}.{name} not restored"
    uninstall()  # idempotent
    assert builtins.open is open and time.sleep is ORIGINAL_SLEEP


def test_install_off_and_bad_modes() -> None:
    install("raise")
    assert install("off") is False and not is_installed()
    with pytest.raises(ValueError, match="must be one of"):
        install("loud")


def test_guard_mode_follows_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ASYNC_SAFETY", None)
    monkeypatch.setattr(settings, "DEBUG", False)
    assert guard_mode() == "off"
    assert install() is False and not is_installed()
    monkeypatch.setattr(settings, "DEBUG", True)
    assert guard_mode() == "raise"
    monkeypatch.setattr(settings, "ASYNC_SAFETY", "warn")
    assert guard_mode() == "warn"


def test_install_without_mode_follows_the_settings_live(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "ASYNC_SAFETY", "raise")
    assert install() is True
    try:
        with pytest.raises(BlockingCallError):
            sleep_in_async_code()
        monkeypatch.setattr(settings, "ASYNC_SAFETY", "off")
        sleep_in_async_code()  # turned off by the settings: runs
    finally:
        uninstall()


def test_uninstall_leaves_a_later_patch_alone_and_our_wrapper_goes_inert() -> None:
    install("raise")
    ours = time.sleep

    def theirs(seconds: float) -> None:
        ours(seconds)

    time.sleep = theirs
    try:
        uninstall()
        assert time.sleep is theirs  # not clobbered
        sleep_in_async_code()  # our wrapper is still in their chain but uninstalled: it lets the call run
    finally:
        time.sleep = ORIGINAL_SLEEP


def test_reinstall_does_not_wrap_a_wrapper_of_ours_twice() -> None:
    install("raise")
    ours = time.sleep
    theirs = functools.wraps(ours)(lambda seconds: ours(seconds))  # copies our marker attribute
    time.sleep = theirs
    try:
        uninstall()
        install("raise")
        assert time.sleep is theirs
        with pytest.raises(BlockingCallError):
            sleep_in_async_code()  # live again through their wrapper
    finally:
        uninstall()
        time.sleep = ORIGINAL_SLEEP


def test_missing_attributes_and_modules_are_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    holder = types.ModuleType("holder")
    families = [
        ("time", lambda module: [(holder, "absent", lambda original: original)]),
        ("no_such_module_for_the_guard", lambda module: []),
    ]
    monkeypatch.setattr(blocking, "FAMILIES", families)
    assert blocking.patch_all() == []
    blocking.unpatch_all()


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

    monkeypatch.setattr(guard_module, "settings", Unconfigured())
    with pytest.raises(BlockingCallError):
        sleep_in_async_code()


def test_listed() -> None:
    assert guard_module._listed("mimetypes.MimeTypes.read", ("mimetypes",))
    assert guard_module._listed("threading.Thread.start", ("threading.Thread.start",))
    assert not guard_module._listed("threading.Thread.join", ("threading.Thread.start",))
    assert not guard_module._listed("mimetypesx.read", ("mimetypes",))
