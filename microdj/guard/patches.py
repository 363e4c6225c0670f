"""The functions the blocking-call guard wraps, and how (see :mod:`microdj.guard` for the mechanism).

Every wrapper starts with the same gate: with the ContextVar mark unset, or set by another thread's loop, it
calls the original at once. Otherwise a predicate tells whether this call would block (a socket with timeout
0, ``block=False``, ``timeout=0``, ``sleep(0)``, a set event, a done future, a finished thread or process do
not), and only then does the slow path (allow-lists, mode, message) run.

Wrapped while installed:

* ``time.sleep`` (not ``sleep(0)``); ``builtins.input``; ``builtins.open``/``io.open`` for paths (not file
  descriptors, not character devices such as ``/dev/null``);
* ``os.read``/``os.write`` on blocking regular files, pipes and sockets (never ``os.write`` to fds 1 and 2);
  ``os.system``;
* ``socket.socket`` and ``ssl.SSLSocket`` send/recv/connect/accept/handshake methods when the socket is
  blocking (asyncio's own sockets are non-blocking, so the loop never fires); ``socket.create_connection``,
  ``getaddrinfo``, ``gethostbyname``, ``gethostbyname_ex``, ``gethostbyaddr``, ``getnameinfo``;
* ``subprocess.run``/``call``/``check_call``/``check_output``/``getoutput``/``getstatusoutput``, ``Popen()``
  (spawning waits for the child's exec; asyncio's own subprocess support passes),
  ``Popen.wait``/``Popen.communicate``;
* ``sqlite3.connect``, which also substitutes a guarded subclass of the connection factory
  (``sqlite3.Connection`` is a C type whose methods cannot be patched) whose
  ``execute``/``executemany``/``executescript``/``commit``/``rollback`` and whose cursors'
  ``execute``/``fetch*``/iteration are guarded - connections opened while the guard is installed are
  ``sqlite3.Connection`` subclasses;
* ``threading.Event.wait``, ``Condition.wait``, ``Semaphore.acquire`` (also ``with sem:``), ``Barrier.wait``,
  ``Thread.join``; ``queue.Queue.get``/``put``/``join``; ``concurrent.futures.Future.result``/``exception``;
* ``threading.Lock()``/``RLock()`` hand out :class:`GuardedLock` objects (the lock types are C types whose
  methods cannot be replaced): an ``acquire()`` (or ``with lock:``) that finds the lock held and would wait
  fires; an uncontended one takes the lock at once and never does. Waits inside the standard library's and
  microdj's own synchronisation code (a queue's or a pool's short critical sections) are left alone;
* ``select.select`` with a timeout other than 0, ``select.poll()``/``select.epoll()`` objects whose ``poll``
  waits, and ``select()`` of the ``selectors`` classes (not ``timeout=0`` or negative);
* ``urllib.request.urlopen``; ``http.client.HTTPConnection.connect``/``request``/``send``/``getresponse`` and
  ``HTTPSConnection.connect``; ``requests.api.request`` and ``requests.Session.request`` when ``requests`` is
  installed.
"""

from __future__ import annotations

import functools
import importlib
import os
import stat
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from microdj.guard.mark import USER_CODE, Mark
from microdj.guard.policy import blocked, listed

SLEEP = "use `await asyncio.sleep(...)`"
SOCKET = "use asyncio streams (`await asyncio.open_connection(...)`) or an async client library"
DNS = "use `await asyncio.get_running_loop().getaddrinfo(...)`"
FILE = "use `anyio.open_file()`/`anyio.Path`, or `await asyncio.to_thread(...)` for the file work"
FD = "use the loop's pipe transports, or `await asyncio.to_thread(os.read, ...)`"
PROCESS = "use `await asyncio.create_subprocess_exec(...)`"
SQLITE = "run the database work in a thread: `await sync_to_async(func)(...)`"
SYNC = "use the asyncio equivalent (asyncio.Event, asyncio.Queue, asyncio.Semaphore, asyncio.Condition)"
JOIN = "use `await asyncio.to_thread(thread.join)`"
FUTURE = "use `await asyncio.wrap_future(future)`"
INPUT = "read input outside the request, or with `await asyncio.to_thread(input, ...)`"
HTTP = "use an async HTTP client such as `httpx.AsyncClient`"

Predicate = Callable[..., bool]


def guard(original: Callable[..., Any], call: str, hint: str, blocks: Predicate | None = None) -> Any:
    """Wrap ``original`` so that it fires (policy.blocked()) when it would block user code on the loop thread.

    ``blocks(*args, **kwargs)`` tells whether a given call would block; None means every call does.
    """
    get = USER_CODE.get
    ident = threading.get_ident
    if blocks is None:

        def guarded(*args: Any, **kwargs: Any) -> Any:
            mark = get()
            # PERF: the only work when no user async code runs on this thread: a ContextVar read.
            if mark is None or mark[1] != ident():
                return original(*args, **kwargs)
            return blocked(original, call, hint, mark, args, kwargs)

    else:

        def guarded(*args: Any, **kwargs: Any) -> Any:
            mark = get()
            # PERF: the only work when no user async code runs on this thread: a ContextVar read.
            if mark is None or mark[1] != ident() or not blocks(*args, **kwargs):
                return original(*args, **kwargs)
            return blocked(original, call, hint, mark, args, kwargs)

    functools.update_wrapper(guarded, original)
    guarded.__microdj_guard__ = call  # type: ignore[attr-defined]
    return guarded


# -- predicates: True when the call would block --------------------------------------------------------------


def _waits(timeout: Any) -> bool:
    return timeout is None or (isinstance(timeout, int | float) and timeout > 0)


def _sleep_blocks(secs: Any = None, *args: Any, **kwargs: Any) -> bool:
    return isinstance(secs, int | float) and secs > 0


def _socket_blocks(sock: Any, *args: Any, **kwargs: Any) -> bool:
    return bool(sock.gettimeout() != 0)


def _open_blocks(file: Any = None, *args: Any, **kwargs: Any) -> bool:
    if not isinstance(file, str | bytes | os.PathLike):
        return False  # a file descriptor (or a bad argument open() reports itself)
    try:
        mode = os.stat(file).st_mode
    except (OSError, ValueError):
        return True  # about to create the file (or fail on the disk)
    return not stat.S_ISCHR(mode)


def _fd_blocks(fd: Any) -> bool:
    if not isinstance(fd, int):
        return False
    try:
        if not os.get_blocking(fd):
            return False
        mode = os.fstat(fd).st_mode
    except OSError:
        return False  # a bad descriptor: the call reports it
    return stat.S_ISREG(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode)


def _read_blocks(fd: Any = None, *args: Any, **kwargs: Any) -> bool:
    return _fd_blocks(fd)


def _write_blocks(fd: Any = None, *args: Any, **kwargs: Any) -> bool:
    return fd not in (1, 2) and _fd_blocks(fd)  # console output is left alone, like logging


def _event_blocks(event: Any, timeout: Any = None, *args: Any, **kwargs: Any) -> bool:
    return not event.is_set() and _waits(timeout)


def _timeout_blocks(obj: Any, timeout: Any = None, *args: Any, **kwargs: Any) -> bool:
    return _waits(timeout)


def _acquire_blocks(sem: Any, blocking: Any = True, timeout: Any = None, *args: Any, **kwargs: Any) -> bool:
    return bool(blocking) and _waits(timeout)


def _join_blocks(thread: Any, timeout: Any = None, *args: Any, **kwargs: Any) -> bool:
    return thread.is_alive() and _waits(timeout)


def _get_blocks(q: Any, block: Any = True, timeout: Any = None, *args: Any, **kwargs: Any) -> bool:
    return bool(block) and _waits(timeout)


def _put_blocks(
    q: Any, item: Any = None, block: Any = True, timeout: Any = None, *args: Any, **kw: Any
) -> bool:
    return q.maxsize > 0 and bool(block) and _waits(timeout)


def _future_blocks(future: Any, timeout: Any = None, *args: Any, **kwargs: Any) -> bool:
    return not future.done() and _waits(timeout)


def _wait_blocks(process: Any, timeout: Any = None) -> bool:
    return process.returncode is None and _waits(timeout)


def _communicate_blocks(process: Any, input: Any = None, timeout: Any = None) -> bool:
    return process.returncode is None and _waits(timeout)


# -- targets: (owner, attribute, make(original) -> wrapper) --------------------------------------------------

Target = tuple[Any, str, Callable[[Any], Any]]


def _simple(call: str, hint: str, blocks: Predicate | None = None) -> Callable[[Any], Any]:
    return lambda original: guard(original, call, hint, blocks)


def _methods(
    cls: type, prefix: str, names: tuple[str, ...], hint: str, blocks: Predicate | None
) -> list[Target]:
    return [(cls, name, _simple(f"{prefix}.{name}()", hint, blocks)) for name in names]


def _builtins_targets(builtins: ModuleType) -> list[Target]:
    return [
        (builtins, "input", _simple("input()", INPUT)),
        (builtins, "open", _simple("open()", FILE, _open_blocks)),
    ]


def _io_targets(io: ModuleType) -> list[Target]:
    return [(io, "open", _simple("io.open()", FILE, _open_blocks))]


def _time_targets(time: ModuleType) -> list[Target]:
    return [(time, "sleep", _simple("time.sleep()", SLEEP, _sleep_blocks))]


def _os_targets(os_: ModuleType) -> list[Target]:
    return [
        (os_, "read", _simple("os.read()", FD, _read_blocks)),
        (os_, "write", _simple("os.write()", FD, _write_blocks)),
        (os_, "system", _simple("os.system()", PROCESS)),
    ]


SOCKET_METHODS = (
    "accept", "connect", "connect_ex", "recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg",
    "recvmsg_into", "send", "sendall", "sendto", "sendmsg", "sendfile",
)  # fmt: skip
SSL_METHODS = (
    "accept", "connect", "connect_ex", "do_handshake", "read", "write", "recv", "recv_into", "recvfrom",
    "recvfrom_into", "send", "sendall", "sendto",
)  # fmt: skip


def _socket_targets(socket: ModuleType) -> list[Target]:
    targets = [(socket, "create_connection", _simple("socket.create_connection()", SOCKET))]
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo"):
        targets.append((socket, name, _simple(f"socket.{name}()", DNS)))
    return targets + _methods(socket.socket, "socket.socket", SOCKET_METHODS, SOCKET, _socket_blocks)


def _ssl_targets(ssl: ModuleType) -> list[Target]:
    return _methods(ssl.SSLSocket, "ssl.SSLSocket", SSL_METHODS, SOCKET, _socket_blocks)


def _subprocess_targets(subprocess: ModuleType) -> list[Target]:
    targets = [
        (subprocess, name, _simple(f"subprocess.{name}()", PROCESS))
        for name in ("run", "call", "check_call", "check_output", "getoutput", "getstatusoutput")
    ]
    targets.append((subprocess.Popen, "__init__", _simple("subprocess.Popen()", PROCESS)))
    targets.append((subprocess.Popen, "wait", _simple("subprocess.Popen.wait()", PROCESS, _wait_blocks)))
    targets.append(
        (
            subprocess.Popen,
            "communicate",
            _simple("subprocess.Popen.communicate()", PROCESS, _communicate_blocks),
        )
    )
    return targets


def _threading_targets(threading_: ModuleType) -> list[Target]:
    return [
        (threading_.Event, "wait", _simple("threading.Event.wait()", SYNC, _event_blocks)),
        (threading_.Condition, "wait", _simple("threading.Condition.wait()", SYNC, _timeout_blocks)),
        (threading_.Semaphore, "acquire", _simple("threading.Semaphore.acquire()", SYNC, _acquire_blocks)),
        (threading_.Semaphore, "__enter__", _simple("threading.Semaphore.acquire()", SYNC, _acquire_blocks)),
        (threading_.Barrier, "wait", _simple("threading.Barrier.wait()", SYNC, _timeout_blocks)),
        (threading_.Thread, "join", _simple("threading.Thread.join()", JOIN, _join_blocks)),
    ]


def _queue_targets(queue: ModuleType) -> list[Target]:
    return [
        (queue.Queue, "get", _simple("queue.Queue.get()", SYNC, _get_blocks)),
        (queue.Queue, "put", _simple("queue.Queue.put()", SYNC, _put_blocks)),
        (queue.Queue, "join", _simple("queue.Queue.join()", SYNC)),
    ]


def _futures_targets(futures: ModuleType) -> list[Target]:
    return _methods(
        futures.Future, "concurrent.futures.Future", ("result", "exception"), FUTURE, _future_blocks
    )


def _urllib_targets(request: ModuleType) -> list[Target]:
    return [(request, "urlopen", _simple("urllib.request.urlopen()", HTTP))]


def _http_targets(client: ModuleType) -> list[Target]:
    names = ("connect", "request", "send", "getresponse")
    targets = _methods(client.HTTPConnection, "http.client.HTTPConnection", names, HTTP, None)
    return targets + _methods(client.HTTPSConnection, "http.client.HTTPSConnection", ("connect",), HTTP, None)


def _requests_targets(requests: ModuleType) -> list[Target]:
    return [
        (requests.api, "request", _simple("requests.request()", HTTP)),
        (requests.Session, "request", _simple("requests.Session.request()", HTTP)),
    ]


# -- sqlite3: its classes are C types, so connect() hands out guarded subclasses -----------------------------

_CURSOR_METHODS = ("execute", "executemany", "executescript", "fetchone", "fetchmany", "fetchall", "__next__")
_CONNECTION_METHODS = ("execute", "executemany", "executescript", "commit", "rollback")
_sqlite_classes: dict[type, type] = {}


def _guarded_subclass(base: type, prefix: str, names: tuple[str, ...], extra: dict[str, Any]) -> type:
    namespace = {name: guard(getattr(base, name), f"{prefix}.{name}()", SQLITE) for name in names}
    namespace.update(extra)
    namespace["__module__"] = __name__
    return type(f"Guarded{base.__name__}", (base,), namespace)


def _cursor_class(sqlite3: ModuleType) -> type:
    cursor = _sqlite_classes.get(sqlite3.Cursor)
    if cursor is None:
        cursor = _guarded_subclass(sqlite3.Cursor, "sqlite3.Cursor", _CURSOR_METHODS, {})
        _sqlite_classes[sqlite3.Cursor] = cursor
    return cursor


def _connection_class(sqlite3: ModuleType, factory: Any) -> Any:
    """A guarded subclass of the connection ``factory`` (cached); ``factory`` itself when it is not one."""
    if not (isinstance(factory, type) and issubclass(factory, sqlite3.Connection)):
        return factory
    guarded = _sqlite_classes.get(factory)
    if guarded is None:
        names: tuple[str, ...] = _CONNECTION_METHODS
        extra: dict[str, Any] = {}
        base_cursor: Callable[..., Any] = sqlite3.Connection.cursor
        if getattr(factory, "cursor", None) is base_cursor:
            # Connection.execute() & co. make their cursor in C; doing it here makes the cursor a guarded one.
            names = ("commit", "rollback")
            extra = _cursor_shortcuts(base_cursor, _cursor_class(sqlite3))
        guarded = _guarded_subclass(factory, "sqlite3.Connection", names, extra)
        _sqlite_classes[factory] = guarded
    return guarded


def _cursor_shortcuts(base_cursor: Callable[..., Any], cursor_class: type) -> dict[str, Any]:
    def cursor(self: Any, factory: Any = cursor_class) -> Any:
        return base_cursor(self, factory)

    def execute(self: Any, sql: str, parameters: Any = (), /) -> Any:
        return self.cursor().execute(sql, parameters)

    def executemany(self: Any, sql: str, parameters: Any, /) -> Any:
        return self.cursor().executemany(sql, parameters)

    def executescript(self: Any, sql_script: str, /) -> Any:
        return self.cursor().executescript(sql_script)

    return {"cursor": cursor, "execute": execute, "executemany": executemany, "executescript": executescript}


def _sqlite_targets(sqlite3: ModuleType) -> list[Target]:
    def make(original: Callable[..., Any]) -> Any:
        checked = guard(original, "sqlite3.connect()", SQLITE)

        def connect(*args: Any, **kwargs: Any) -> Any:
            if len(args) > 5:
                args = (*args[:5], _connection_class(sqlite3, args[5]), *args[6:])
            else:
                kwargs["factory"] = _connection_class(sqlite3, kwargs.get("factory", sqlite3.Connection))
            return checked(*args, **kwargs)

        functools.update_wrapper(connect, original)
        connect.__microdj_guard__ = "sqlite3.connect()"  # type: ignore[attr-defined]
        return connect

    return [(sqlite3, "connect", make)]


# -- locks: threading.Lock/RLock are C types, so the factories hand out wrappers -----------------------------

# Call sites whose lock waits are short critical sections of synchronisation code, never user blocking.
SYNC_INTERNALS = ("threading", "queue", "concurrent.futures", "asyncio", "selectors", "microdj")


class GuardedLock:
    """A ``threading.Lock``/``RLock`` made while the guard is installed; see the module docstring.

    Everything but ``acquire()`` and ``with`` is the wrapped lock's own (``release``, ``locked``, the
    methods ``threading.Condition`` uses).
    """

    __slots__ = ("lock", "call", "__weakref__")

    def __init__(self, lock: Any, call: str) -> None:
        self.lock = lock
        self.call = call

    def acquire(self, blocking: bool = True, timeout: float = -1) -> bool:
        """As the lock's ``acquire()``; fires when it would wait in user async code on the loop thread."""
        mark = USER_CODE.get()
        # PERF: with no user async code on this thread (or a non-blocking call) the C acquire is all.
        if mark is None or not blocking or timeout == 0 or mark[1] != threading.get_ident():
            return bool(self.lock.acquire(blocking, timeout))
        return self.contended(mark, blocking, timeout, sys._getframe(1))

    def __enter__(self) -> bool:
        mark = USER_CODE.get()
        if mark is None or mark[1] != threading.get_ident():
            return bool(self.lock.acquire())
        return self.contended(mark, True, -1, sys._getframe(1))

    def __exit__(self, *exc_info: object) -> None:
        self.lock.release()

    def contended(self, mark: Mark, blocking: bool, timeout: float, caller: Any) -> bool:
        """The acquire of user async code on the loop thread: free if the lock is free, else it fires."""
        lock = self.lock
        # PERF: an uncontended acquire takes the lock at once and is never reported.
        if lock.acquire(False):
            return True
        if listed(caller.f_globals.get("__name__", ""), SYNC_INTERNALS):
            return bool(lock.acquire(blocking, timeout))
        return bool(blocked(lock.acquire, self.call, SYNC, mark, (blocking, timeout), {}))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.lock, name)

    def __repr__(self) -> str:
        return repr(self.lock)


def _lock_factory(call: str) -> Callable[[Any], Any]:
    def make(original: Callable[..., Any]) -> Any:
        def factory(*args: Any, **kwargs: Any) -> GuardedLock:
            return GuardedLock(original(*args, **kwargs), call)

        functools.update_wrapper(factory, original)
        factory.__microdj_guard__ = call  # type: ignore[attr-defined]
        return factory

    return make


def _lock_targets(threading_: ModuleType) -> list[Target]:
    return [
        (threading_, "Lock", _lock_factory("threading.Lock.acquire()")),
        (threading_, "RLock", _lock_factory("threading.RLock.acquire()")),
    ]


# -- select: select.select, poll objects (C types: the factories hand out wrappers), selectors ---------------

SELECT = "use the loop's own readiness callbacks (`loop.add_reader()`) or asyncio streams"


def _poll_waits(timeout: Any = None, *args: Any, **kwargs: Any) -> bool:
    return timeout is None or (isinstance(timeout, int | float) and timeout != 0)


def _select_blocks(rlist: Any = None, wlist: Any = None, xlist: Any = None, timeout: Any = None) -> bool:
    return _waits(timeout)


def _selector_blocks(selector: Any, timeout: Any = None) -> bool:
    return _waits(timeout)


class GuardedPoll:
    """A ``select.poll()``/``select.epoll()`` object made while the guard is installed: a waiting ``poll``
    fires. Everything else is the wrapped object's own."""

    __slots__ = ("poller", "call", "poll")

    def __init__(self, poller: Any, call: str) -> None:
        self.poller = poller
        self.call = call
        self.poll = guard(poller.poll, call, SELECT, _poll_waits)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.poller, name)

    def __enter__(self) -> GuardedPoll:
        self.poller.__enter__()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.poller.__exit__(*exc_info)


def _poll_factory(call: str) -> Callable[[Any], Any]:
    def make(original: Callable[..., Any]) -> Any:
        def factory(*args: Any, **kwargs: Any) -> GuardedPoll:
            return GuardedPoll(original(*args, **kwargs), call)

        functools.update_wrapper(factory, original)
        factory.__microdj_guard__ = call  # type: ignore[attr-defined]
        return factory

    return make


def _select_targets(select: ModuleType) -> list[Target]:
    targets = [(select, "select", _simple("select.select()", SELECT, _select_blocks))]
    targets.append((select, "poll", _poll_factory("select.poll.poll()")))
    targets.append((select, "epoll", _poll_factory("select.epoll.poll()")))
    return targets


def _selectors_targets(selectors: ModuleType) -> list[Target]:
    names = ("SelectSelector", "PollSelector", "EpollSelector", "DevpollSelector", "KqueueSelector")
    return [
        (cls, "select", _simple(f"selectors.{name}.select()", SELECT, _selector_blocks))
        for name in names
        if (cls := getattr(selectors, name, None)) is not None
    ]


# (module, targets) pairs; a module that cannot be imported is skipped.
FAMILIES: list[tuple[str, Callable[[ModuleType], list[Target]]]] = [
    ("builtins", _builtins_targets),
    ("io", _io_targets),
    ("time", _time_targets),
    ("os", _os_targets),
    ("socket", _socket_targets),
    ("ssl", _ssl_targets),
    ("subprocess", _subprocess_targets),
    ("sqlite3", _sqlite_targets),
    ("threading", _threading_targets),
    ("threading", _lock_targets),
    ("select", _select_targets),
    ("selectors", _selectors_targets),
    ("queue", _queue_targets),
    ("concurrent.futures", _futures_targets),
    ("urllib.request", _urllib_targets),
    ("http.client", _http_targets),
    ("requests", _requests_targets),
]


# -- patching ------------------------------------------------------------------------------------------------


@dataclass
class Patch:
    """One replaced attribute: ``owner.name`` was ``original`` (``own``: set on owner) and is ``wrapper``."""

    owner: Any
    name: str
    original: Any
    wrapper: Any
    own: bool


_PATCHES: list[Patch] = []


def _current(owner: Any, name: str) -> Any:
    return getattr(owner, name) if isinstance(owner, ModuleType) else owner.__dict__.get(name)


def patch_all() -> list[Patch]:
    """Wrap every target of every importable family; return the patches made."""
    for module_name, targets in FAMILIES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        for owner, name, make in targets(module):
            if not hasattr(owner, name):
                continue  # not on this platform (e.g. socket.sendmsg)
            original = getattr(owner, name)
            if hasattr(original, "__microdj_guard__"):
                continue  # already ours
            own = isinstance(owner, ModuleType) or name in owner.__dict__
            wrapper = make(original)
            setattr(owner, name, wrapper)
            _PATCHES.append(Patch(owner, name, original, wrapper, own))
    return list(_PATCHES)


def unpatch_all() -> None:
    """Put back every original still covered by our wrapper; leave alone what others patched over it."""
    for patch in reversed(_PATCHES):
        if _current(patch.owner, patch.name) is patch.wrapper:
            if patch.own:
                setattr(patch.owner, patch.name, patch.original)
            else:
                delattr(patch.owner, patch.name)
    _PATCHES.clear()
