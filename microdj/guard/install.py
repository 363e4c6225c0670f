"""Putting the guard's wrappers in place and taking them out again.

Nothing is installed unless ``ASYNC_SAFETY`` (or an application's ``async_safety``) asks for it, so
production pays nothing. ``forbid_blocking()`` installs the guard for the duration of its block when it is
not installed already.
"""

from __future__ import annotations

import threading

from microdj.guard import patches
from microdj.guard.policy import MODES, guard_mode, state, warned

__all__ = ["acquire_temporary", "install", "is_installed", "release_temporary", "uninstall"]

_lock = threading.Lock()


def is_installed() -> bool:
    """True while the guard's wrappers are in place."""
    return state.patched


def install(mode: str | None = None) -> bool:
    """Install the guard in ``mode`` (default: guard_mode(), followed live); return whether it is on.

    Idempotent. ``"off"`` uninstalls.
    """
    effective = guard_mode() if mode is None else mode
    if effective not in MODES:
        raise ValueError(f"The async-safety mode must be one of {MODES!r}, not {effective!r}.")
    if effective == "off":
        uninstall()
        return False
    with _lock:
        state.explicit = True
        state.mode = mode
        _patch()
    return True


def uninstall() -> None:
    """Put the original functions back (those nobody patched over since). Idempotent."""
    with _lock:
        state.explicit = False
        state.mode = None
        _unpatch()


def _patch() -> None:
    if not state.patched:
        patches.patch_all()
        state.patched = True


def _unpatch() -> None:
    if state.patched:
        patches.unpatch_all()
        state.patched = False
        warned.clear()


def acquire_temporary() -> None:
    """A forbid_blocking() block starts: install the wrappers if they are not in place."""
    with _lock:
        state.temporary += 1
        _patch()


def release_temporary() -> None:
    """A forbid_blocking() block ends: uninstall, unless install() was called or other blocks still run."""
    with _lock:
        state.temporary -= 1
        if not state.temporary and not state.explicit:
            _unpatch()
