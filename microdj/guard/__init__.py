"""The blocking-call guard: a clear error when user async code makes a call that would stall the event loop.

It catches ``time.sleep()``, blocking sockets, ``open()``, ``subprocess``, ``sqlite3``, thread waits and
contended lock acquires, ``select``/``poll`` waits, ``input()``, ``urllib``/``http.client``/``requests`` -
made by user code running *on* the loop: an async view, an async middleware, an async streaming body.

How it works:

* Gate, not guess (:mod:`~microdj.guard.mark`). While user async code runs, the handler sets a ContextVar to
  ``(label, loop thread id, mode)``. A guarded function fires only when that mark is set *and* the calling
  thread is the loop's thread. Worker threads (sync views, ``sync_to_async``, ``anyio.to_thread``,
  ``run_in_executor``) copy the context but run on another thread, so they never fire; neither do start-up
  and lifespan code, nor any code while the mark is unset. With the mark unset a guarded call costs one
  ContextVar read on top of the call.
* Python-level patches only (:mod:`~microdj.guard.patches`). :func:`install` replaces module attributes and
  methods of Python classes with wrappers that check the mark, then whether the call would block (a socket
  with timeout 0, ``block=False``, ``timeout=0``, a done future, a set event, ``sleep(0)``, a free lock do
  not) and then the allow-lists. :func:`uninstall` puts the original objects back (identity-checkable)
  unless someone patched over them since. Nothing is installed unless ``ASYNC_SAFETY`` is on, so production
  pays nothing.
* Policy (:mod:`~microdj.guard.policy`): modes ``"raise"``, ``"warn"``, ``"off"`` (setting ``ASYNC_SAFETY``;
  None means "raise" with DEBUG, "off" otherwise) and the allow-lists.
* Escape hatches (:mod:`~microdj.guard.scopes`): ``allow_blocking()`` (context manager or decorator),
  ``ASYNC_SAFETY_ALLOW`` (call sites) and ``forbid_blocking()`` to turn the guard on for a block of code.
* The handler's one seam (:mod:`~microdj.guard.runner`): a view runner picked once at start-up, plain or
  guarded, through which every async view, async middleware and async streaming body is run.

Limits: only Python-level names are patched, so the guard does not see blocking work done inside C extensions
(database drivers, ``numpy``), CPU-bound loops, ``queue.SimpleQueue``, locks made before :func:`install` ran,
reads and writes on file objects opened before (their methods are C; ``open()`` itself and
``os.read``/``os.write`` are guarded), or names bound with ``from time import sleep`` before :func:`install`
ran. The optional watchdog (:func:`start_watchdog`) catches the rest after the fact: it logs the loop
thread's stack when the loop stalls.
"""

from __future__ import annotations

from microdj.guard.install import install, is_installed, uninstall
from microdj.guard.mark import enter, leave, user_code, view_label
from microdj.guard.policy import MODES, BlockingCallError, guard_mode
from microdj.guard.runner import GuardedViewRunner, ViewRunner, view_runner
from microdj.guard.scopes import allow_blocking, forbid_blocking
from microdj.guard.watchdog import LoopWatchdog, start_watchdog, stop_watchdog

__all__ = [
    "MODES",
    "BlockingCallError",
    "GuardedViewRunner",
    "LoopWatchdog",
    "ViewRunner",
    "allow_blocking",
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
    "view_runner",
]
