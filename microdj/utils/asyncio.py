"""Async safety: the ``async_unsafe`` decorator and the blocking-call guard.

``async_unsafe`` marks a function that must never run on a thread that is running an event loop; calling it
there raises :class:`~microdj.core.exceptions.SynchronousOnlyOperation` unless the environment variable
``MICRODJ_ALLOW_ASYNC_UNSAFE`` is set (Django's ``async_unsafe`` and ``DJANGO_ALLOW_ASYNC_UNSAFE``).

The blocking-call guard catches calls that would stall the event loop - ``time.sleep()``, blocking sockets,
``open()``, ``subprocess``, ``sqlite3``, thread waits, ``input()``, ``urllib``/``http.client``/``requests`` -
made by user code running *on* the loop: an async view, an async middleware, an async streaming body.

How it works:

* Gate, not guess. While user async code runs, the handler sets a ContextVar to ``(label, loop thread id)``
  (:func:`enter`/:func:`leave`). A guarded function fires only when that mark is set *and* the calling thread
  is the loop's thread. Worker threads (sync views, ``sync_to_async``, ``anyio.to_thread``,
  ``run_in_executor``) copy the context but run on another thread, so they never fire; neither do start-up and
  lifespan code, nor any code while the mark is unset. With the mark unset a guarded call costs one ContextVar
  read on top of the call.
* Python-level patches only. :func:`install` replaces module attributes and methods of Python classes (the
  list is in :mod:`microdj.utils.blocking`) with wrappers that check the mark, then whether the call would
  block (a socket with timeout 0, ``block=False``, ``timeout=0``, a done future, a set event, ``sleep(0)`` do
  not) and then the allow-lists. :func:`uninstall` puts the original objects back (identity-checkable) unless
  someone patched over them since. Nothing is installed unless ``ASYNC_SAFETY`` is on, so production pays
  nothing.
* Modes (setting ``ASYNC_SAFETY``): ``"raise"`` raises :class:`BlockingCallError` naming the call, the view
  and the remedy; ``"warn"`` logs once per (call, call site) to the ``microdj.security`` logger and lets the
  call run; ``"off"``. ``None`` (the default) means ``"raise"`` with ``DEBUG`` on, ``"off"`` otherwise.
* Escape hatches: ``allow_blocking()`` (context manager or decorator), ``ASYNC_SAFETY_ALLOW`` (call sites,
  ``"module.function"``, of the function that made the call), and a built-in list of known first-use blockers
  (``mimetypes`` tables, ``ssl`` certificates, logging, tracebacks, the import system - importing a module
  inside a view never fires - pytest, coverage and debuggers). ``forbid_blocking()`` turns the guard on for a
  block of code, e.g. in a test.

Limits: only Python-level names are patched, so the guard does not see blocking work done inside C extensions
(database drivers, ``numpy``), CPU-bound loops, acquiring a ``threading.Lock``/``RLock`` (C types whose
methods cannot be replaced; ``Condition``, ``Event``, ``Semaphore``, ``Barrier``, ``Thread.join``,
``queue.Queue`` and ``concurrent.futures.Future`` are covered), ``queue.SimpleQueue``, reads and writes on
file objects opened before (their methods are C; ``open()`` itself and ``os.read``/``os.write`` are guarded),
or names bound with ``from time import sleep`` before :func:`install` ran. The optional watchdog
(:func:`start_watchdog`) catches the rest after the fact: it logs the loop thread's stack when the loop
stalls.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import os
import sys
import sysconfig
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from types import FrameType
from typing import Any, TypeVar

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured, SynchronousOnlyOperation
from microdj.utils._guard_watchdog import LoopWatchdog, start_watchdog, stop_watchdog

__all__ = [
    "BlockingCallError",
    "LoopWatchdog",
    "allow_blocking",
    "async_unsafe",
    "enter",
    "forbid_blocking",
    "guard_mode",
    "install",
    "is_installed",
    "leave",
    "start_watchdog",
    "stop_watchdog",
    "uninstall",
    "user_code",
    "view_label",
]

ALLOW_ASYNC_UNSAFE_ENV = "MICRODJ_ALLOW_ASYNC_UNSAFE"
MODES = ("raise", "warn", "off")

logger = logging.getLogger("microdj.security")

F = TypeVar("F", bound=Callable[..., Any])


# -- async_unsafe --------------------------------------------------------------------------------------------


def async_unsafe(message: str | Callable[..., Any]) -> Any:
    """Make a function raise SynchronousOnlyOperation when called from a thread running an event loop.

    Use as ``@async_unsafe`` (a default message naming the function) or ``@async_unsafe("message")``.
    Setting the environment variable ``MICRODJ_ALLOW_ASYNC_UNSAFE`` turns the check off.
    """
    if callable(message):
        return _async_unsafe(message, None)
    return functools.partial(_async_unsafe, message=message)


def _async_unsafe(func: F, message: str | None) -> F:
    if message is None:
        name = f"{func.__module__}.{func.__qualname__}()"
        message = (
            f"{name} is a synchronous function and cannot be called from async code (this thread is running "
            "an event loop). Call it from a sync view, or run it in a worker thread: "
            f"`await sync_to_async({func.__name__})(...)` or "
            f"`await anyio.to_thread.run_sync({func.__name__})`."
        )

    @functools.wraps(func)
    def inner(*args: Any, **kwargs: Any) -> Any:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            if not os.environ.get(ALLOW_ASYNC_UNSAFE_ENV):
                raise SynchronousOnlyOperation(message)
        return func(*args, **kwargs)

    return inner  # type: ignore[return-value]


# -- the error -----------------------------------------------------------------------------------------------


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


def _message(call: str, label: str, call_site: str, location: str, hint: str) -> str:
    return (
        f"Blocking call {call} in async code: {label}, at {location}. It stalls the event loop and every "
        f"request it serves. Fix: {hint}; or run the blocking code in a worker thread "
        "(`await sync_to_async(func)(...)` or `await anyio.to_thread.run_sync(func)`); or make the view a "
        "plain `def` view (it then runs in a thread). If the block is known to be short, wrap it in "
        f"`with allow_blocking():` (microdj.utils.asyncio) or add {call_site!r} to ASYNC_SAFETY_ALLOW."
    )


# -- the mark ------------------------------------------------------------------------------------------------

# (label, id of the thread running the loop, mode or None) while user async code runs; None otherwise.
# A mode in the mark (an application's own ``async_safety``) wins over the process-wide one.
_Mark = tuple[str, int, str | None]
_USER_CODE: ContextVar[_Mark | None] = ContextVar("microdj_user_code", default=None)


def enter(label: str, mode: str | None = None) -> Token[_Mark | None]:
    """Mark user async code (described by ``label``) as running on this thread; pass the token to leave().

    ``mode`` ("raise" or "warn") applies to this code only; None follows the installed mode.
    """
    # PERF: runs around every async view/middleware/body step while the guard is on: one tuple, one set.
    return _USER_CODE.set((label, threading.get_ident(), mode))


def leave(token: Token[_Mark | None]) -> None:
    """Undo the enter() that returned ``token``."""
    _USER_CODE.reset(token)


@contextmanager
def user_code(label: str, mode: str | None = None) -> Iterator[None]:
    """Context manager form of enter()/leave()."""
    token = enter(label, mode)
    try:
        yield
    finally:
        leave(token)


def view_label(view: Callable[..., Any], url_name: str | None = None) -> str:
    """Describe a view for messages: ``"myapp.views.index (url name 'index')"``."""
    target = getattr(view, "view_class", view)
    qualname = getattr(target, "__qualname__", type(target).__qualname__)
    module = getattr(target, "__module__", None)
    path = f"{module}.{qualname}" if module else qualname
    return f"{path} (url name {url_name!r})" if url_name else path


class _Scope:
    """Set the mark for a block of code: on (forbid) or off (allow). Context manager and decorator."""

    def __init__(self, forbid: bool, label: str | None) -> None:
        self.forbid = forbid
        self.given_label = label
        self.label = label or "code under forbid_blocking()"
        self._tokens: list[Token[_Mark | None]] = []

    def __enter__(self) -> None:
        if self.forbid:
            _acquire_temporary()
            self._tokens.append(enter(self.label))
        else:
            self._tokens.append(_USER_CODE.set(None))

    def __exit__(self, *exc_info: object) -> None:
        _USER_CODE.reset(self._tokens.pop())
        if self.forbid:
            _release_temporary()

    def __call__(self, func: F) -> F:
        label = self.given_label or f"{func.__module__}.{func.__qualname__}"
        if inspect.iscoroutinefunction(func):

            @functools.wraps(func)
            async def async_inner(*args: Any, **kwargs: Any) -> Any:
                with _Scope(self.forbid, label):
                    return await func(*args, **kwargs)

            return async_inner  # type: ignore[return-value]

        @functools.wraps(func)
        def inner(*args: Any, **kwargs: Any) -> Any:
            with _Scope(self.forbid, label):
                return func(*args, **kwargs)

        return inner  # type: ignore[return-value]


def allow_blocking(func: F | None = None) -> Any:
    """Let the code inside block: ``with allow_blocking():``, ``@allow_blocking`` or ``@allow_blocking()``.

    Works on sync and async functions.
    """
    scope = _Scope(False, None)
    return scope if func is None else scope(func)


def forbid_blocking(label: str | F | None = None) -> Any:
    """Run the code inside under the guard, on this thread, as if it were an async view named ``label``.

    ``with forbid_blocking("label"):``, ``@forbid_blocking`` or ``@forbid_blocking("label")`` on sync or async
    functions. Installs the guard (mode "raise") for the duration when it is not installed.
    """
    if callable(label):
        return _Scope(True, None)(label)
    return _Scope(True, label)


# -- installation --------------------------------------------------------------------------------------------


class _State:
    patched = False  # the wrappers are in place
    explicit = False  # install() was called (not only forbid_blocking())
    mode: str | None = None  # install()'s mode; None follows the settings
    temporary = 0  # forbid_blocking() blocks running


_state = _State()
_lock = threading.Lock()
_warned: set[tuple[str, str]] = set()


def guard_mode() -> str:
    """The mode the settings ask for: ASYNC_SAFETY, or "raise"/"off" by DEBUG when it is None."""
    mode = settings.ASYNC_SAFETY
    if mode is None:
        return "raise" if settings.DEBUG else "off"
    return mode


def is_installed() -> bool:
    """True while the guard's wrappers are in place."""
    return _state.patched


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
        _state.explicit = True
        _state.mode = mode
        _patch()
    return True


def uninstall() -> None:
    """Put the original functions back (those nobody patched over since). Idempotent."""
    with _lock:
        _state.explicit = False
        _state.mode = None
        _unpatch()


def _patch() -> None:
    if not _state.patched:
        from microdj.utils import blocking

        blocking.patch_all()
        _state.patched = True


def _unpatch() -> None:
    if _state.patched:
        from microdj.utils import blocking

        blocking.unpatch_all()
        _state.patched = False
        _warned.clear()


def _acquire_temporary() -> None:
    with _lock:
        _state.temporary += 1
        _patch()


def _release_temporary() -> None:
    with _lock:
        _state.temporary -= 1
        if not _state.temporary and not _state.explicit:
            _unpatch()


def _current_mode() -> str:
    if not _state.explicit:
        return "raise"  # installed by forbid_blocking() alone
    return _state.mode or guard_mode()


# -- the slow path: the mark is set and this is the loop's thread --------------------------------------------

_OWN_MODULES = frozenset({__name__, "microdj.utils.blocking"})

# Call sites (module or "module.qualname" prefixes of the frame that made the call) allowed to block.
_ALLOW_CALLER = (
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
_ALLOW_STACK = ("importlib._bootstrap", "importlib._bootstrap_external", "zipimport", "logging")

_LIBRARY_DIRS = tuple(
    {
        os.path.join(path, "")
        for key in ("stdlib", "platstdlib", "purelib", "platlib")
        if (path := sysconfig.get_paths().get(key))
    }
    | {os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "")}
)


def _listed(name: str, entries: Any) -> bool:
    return any(name == entry or name.startswith(entry + ".") for entry in entries)


def _user_allow() -> Any:
    try:
        return settings.ASYNC_SAFETY_ALLOW
    except ImproperlyConfigured:
        return ()


def _location(frame: FrameType) -> str:
    return f"{frame.f_code.co_filename}:{frame.f_lineno} (in {frame.f_code.co_qualname})"


def _verdict(
    label: str, call: str, hint: str, frame: FrameType | None, mode: str | None = None
) -> BlockingCallError | None:
    """Decide about a blocking call made on the loop thread: an error to raise, or None to let it run."""
    mode = mode or _current_mode()
    if mode == "off":
        return None
    while frame is not None and frame.f_globals.get("__name__") in _OWN_MODULES:
        frame = frame.f_back
    if frame is None:
        return None
    call_site = f"{frame.f_globals.get('__name__', '?')}.{frame.f_code.co_qualname}"
    if _listed(call_site, _ALLOW_CALLER) or _listed(call_site, _user_allow()):
        return None
    user = None
    walk: FrameType | None = frame
    while walk is not None:
        if _listed(walk.f_globals.get("__name__", ""), _ALLOW_STACK):
            return None
        filename = walk.f_code.co_filename
        if user is None and not filename.startswith(("<", *_LIBRARY_DIRS)):
            user = walk
        walk = walk.f_back
    location = _location(user or frame)
    message = _message(call, label, call_site, location, hint)
    if mode == "warn":
        key = (call, call_site)
        if key not in _warned:
            _warned.add(key)
            logger.warning("%s (Logged once per call site.)", message)
        return None
    return BlockingCallError(message, call=call, label=label, call_site=call_site, location=location)


def _blocked(original: Callable[..., Any], call: str, hint: str, mark: _Mark, args: Any, kwargs: Any) -> Any:
    """Called by a guarded function about to block the loop: raise, or warn and run it with the mark off."""
    token = _USER_CODE.set(None)  # nothing below (logging, settings, the call itself) fires again
    try:
        if _state.patched:
            error = _verdict(mark[0], call, hint, sys._getframe(1), mark[2])
            if error is not None:
                raise error
        return original(*args, **kwargs)
    finally:
        _USER_CODE.reset(token)
