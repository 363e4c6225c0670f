"""What the guard does about a blocking call made on the loop thread: the modes, the allow-lists, the error.

Modes (setting ``ASYNC_SAFETY``): ``"raise"`` raises :class:`BlockingCallError` naming the call, the view and
the remedy; ``"warn"`` logs once per (call, call site) to the ``microdj.security`` logger and lets the call
run; ``"off"``. ``None`` (the default) means ``"raise"`` with ``DEBUG`` on, ``"off"`` otherwise.

Allowed without a word: call sites listed in ``ASYNC_SAFETY_ALLOW`` (``"module.function"`` of the function
that made the call), a built-in list of known first-use blockers (``mimetypes`` tables, ``ssl``
certificates, tracebacks, pytest, coverage, debuggers) and anything below an import or a logging call.
"""

from __future__ import annotations

import logging
import os
import sys
import sysconfig
from collections.abc import Callable, Iterable
from types import FrameType
from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from microdj.guard.mark import USER_CODE, Mark

__all__ = [
    "MODES",
    "BlockingCallError",
    "State",
    "blocked",
    "current_mode",
    "guard_mode",
    "listed",
    "location",
    "state",
    "verdict",
]

MODES = ("raise", "warn", "off")

logger = logging.getLogger("microdj.security")


class BlockingCallError(SynchronousOnlyOperation):
    """A blocking call was made by user code running on the event loop's thread.

    Attributes: ``call`` (e.g. ``"time.sleep()"``), ``label`` (the user code, e.g. the view and its URL name),
    ``call_site`` (``"module.function"`` that made the call; ASYNC_SAFETY_ALLOW takes these) and ``location``
    (``"file:line (in function)"`` of the first user frame).
    """

    def __init__(
        self, message: str, *, call: str = "", label: str = "", call_site: str = "", location: str = ""
    ) -> None:
        super().__init__(message)
        self.call = call
        self.label = label
        self.call_site = call_site
        self.location = location


def message(call: str, label: str, call_site: str, where: str, hint: str) -> str:
    """The text of a BlockingCallError (and of the warning in "warn" mode)."""
    return (
        f"Blocking call {call} in async code: {label}, at {where}. It stalls the event loop and every "
        f"request it serves. Fix: {hint}; or run the blocking code in a worker thread "
        "(`await sync_to_async(func)(...)` or `await anyio.to_thread.run_sync(func)`); or make the view a "
        "plain `def` view (it then runs in a thread). If the block is known to be short, wrap it in "
        f"`with allow_blocking():` (microdj.utils.asyncio) or add {call_site!r} to ASYNC_SAFETY_ALLOW."
    )


class State:
    """The installation state (changed only by :mod:`microdj.guard.install`, under its lock)."""

    patched = False  # the wrappers are in place
    explicit = False  # install() was called (not only forbid_blocking())
    mode: str | None = None  # install()'s mode; None follows the settings
    temporary = 0  # forbid_blocking() blocks running


state = State()
#: (call, call site) pairs already logged in "warn" mode; cleared when the guard is uninstalled.
warned: set[tuple[str, str]] = set()


def guard_mode() -> str:
    """The mode the settings ask for: ASYNC_SAFETY, or "raise"/"off" by DEBUG when it is None."""
    mode: str | None = settings.ASYNC_SAFETY
    if mode is None:
        return "raise" if settings.DEBUG else "off"
    return mode


def current_mode() -> str:
    """The mode in force: install()'s, else the settings'; "raise" when only forbid_blocking() installed."""
    if not state.explicit:
        return "raise"
    return state.mode or guard_mode()


# Frames of these modules are the guard's own: the call site is the first frame outside them.
_OWN_PACKAGE = "microdj.guard"

# Call sites (module or "module.qualname" prefixes of the frame that made the call) allowed to block.
ALLOW_CALLER = (
    "asyncio",  # the event loop's own machinery
    "threading.Thread.start",  # waits for the new thread to start (run_in_executor, to_thread)
    "mimetypes",
    "ssl",
    "certifi",
    "zoneinfo",
    "linecache",
    "traceback",
    "tokenize",
    "tracemalloc",
    "_pytest",
    "pytest",
    "pluggy",
    "coverage",
    "pdb",
    "bdb",
    "cmd",
    "pydevd",
    "_pydevd_bundle",
    "debugpy",
)
# Modules that allow blocking anywhere below them on the stack: imports and logging.
ALLOW_STACK = ("importlib._bootstrap", "importlib._bootstrap_external", "zipimport", "logging")

_LIBRARY_DIRS = tuple(
    {
        os.path.join(path, "")
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (path := sysconfig.get_paths().get(key))
    }
    | {os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")}
)


def listed(name: str, entries: Iterable[str]) -> bool:
    """Whether dotted ``name`` is one of ``entries`` or below one of them."""
    return any(name == entry or name.startswith(entry + ".") for entry in entries)


def _user_allow() -> Iterable[str]:
    try:
        allowed: Iterable[str] = settings.ASYNC_SAFETY_ALLOW
    except ImproperlyConfigured:
        return ()
    return allowed


def location(frame: FrameType) -> str:
    """``"file:line (in function)"`` of ``frame``."""
    return f"{frame.f_code.co_filename}:{frame.f_lineno} (in {frame.f_code.co_qualname})"


def _own(frame: FrameType) -> bool:
    name = frame.f_globals.get("__name__", "")
    return isinstance(name, str) and (name == _OWN_PACKAGE or name.startswith(_OWN_PACKAGE + "."))


def verdict(
    label: str, call: str, hint: str, frame: FrameType | None, mode: str | None = None
) -> BlockingCallError | None:
    """Decide about a blocking call made on the loop thread: an error to raise, or None to let it run."""
    mode = mode or current_mode()
    if mode == "off":
        return None
    while frame is not None and _own(frame):
        frame = frame.f_back
    if frame is None:
        return None
    call_site = f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_qualname}"
    if listed(call_site, ALLOW_CALLER) or listed(call_site, _user_allow()):
        return None
    user = None
    walk: FrameType | None = frame
    while walk is not None:
        if listed(walk.f_globals.get("__name__", ""), ALLOW_STACK):
            return None
        filename = walk.f_code.co_filename
        if user is None and not filename.startswith(("<", *_LIBRARY_DIRS)):
            user = walk
        walk = walk.f_back
    where = location(user or frame)
    text = message(call, label, call_site, where, hint)
    if mode == "warn":
        key = (call, call_site)
        if key not in warned:
            warned.add(key)
            logger.warning("%s (Logged once per call site.)", text)
        return None
    return BlockingCallError(text, call=call, label=label, call_site=call_site, location=where)


def blocked(original: Callable[..., Any], call: str, hint: str, mark: Mark, args: Any, kwargs: Any) -> Any:
    """Called by a guarded function about to block the loop: raise, or warn and run it with the mark off."""
    token = USER_CODE.set(None)  # nothing below (logging, settings, the call itself) fires again
    try:
        if state.patched:
            error = verdict(mark[0], call, hint, sys._getframe(1), mark[2])
            if error is not None:
                raise error
        return original(*args, **kwargs)
    finally:
        USER_CODE.reset(token)
