"""Installing and uninstalling the guard's wrappers."""

from __future__ import annotations

import builtins
import functools
import importlib
import time
from typing import Any

import pytest

from microdj.conf import settings
from microdj.guard import (
    BlockingCallError,
    guard_mode,
    install,
    is_installed,
    patches,
    uninstall,
)
from tests.guard.support import MISSING, ORIGINAL_SLEEP, sleep_in_async_code

# -- installation --------------------------------------------------------------------------------------------


def _targets() -> list[tuple[Any, str, Any]]:
    found = []
    for module_name, targets in patches.FAMILIES:
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
    monkeypatch.setattr(patches, "FAMILIES", families)
    assert patches.patch_all() == []
    patches.unpatch_all()
