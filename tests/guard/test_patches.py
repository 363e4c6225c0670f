"""The blocking-call guard, family by family: fires on the loop thread under the mark, never elsewhere."""

from __future__ import annotations

import asyncio
import concurrent.futures
import http.client
import http.server
import io
import os
import queue
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from asgiref.sync import sync_to_async

from microdj.guard import (
    BlockingCallError,
    allow_blocking,
    enter,
    leave,
    user_code,
)
from tests.guard.support import LABEL, Resources


def c_sleep(r: Resources) -> None:
    time.sleep(0.001)


def c_socket_connect(r: Resources) -> None:
    with socket.socket() as sock:
        sock.settimeout(5)
        sock.connect(r.tcp)


def c_create_connection(r: Resources) -> None:
    socket.create_connection(r.tcp, timeout=5).close()


def c_getaddrinfo(r: Resources) -> None:
    socket.getaddrinfo("127.0.0.1", r.tcp[1])


def c_gethostbyname(r: Resources) -> None:
    socket.gethostbyname("127.0.0.1")


def c_socket_send_recv(r: Resources) -> None:
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"x")
        assert b.recv(1) == b"x"


def c_socket_accept(r: Resources) -> None:
    with socket.create_server(("127.0.0.1", 0)) as server, socket.socket() as client:
        client.setblocking(False)
        client.connect_ex(server.getsockname())
        conn, _ = server.accept()
        conn.close()


def c_open(r: Resources) -> None:
    with open(r.file) as f:
        assert f.read() == "hello"


def c_path_read(r: Resources) -> None:
    assert r.file.read_text() == "hello"


def c_os_read(r: Resources) -> None:
    fd = os.open(r.file, os.O_RDONLY)
    try:
        assert os.read(fd, 5) == b"hello"
    finally:
        os.close(fd)


def c_os_write_pipe(r: Resources) -> None:
    rfd, wfd = os.pipe()
    try:
        os.write(wfd, b"x")
    finally:
        os.close(rfd)
        os.close(wfd)


def c_os_system(r: Resources) -> None:
    assert os.system("true") == 0


def c_subprocess_run(r: Resources) -> None:
    subprocess.run(["true"], check=True)


def c_check_output(r: Resources) -> None:
    assert subprocess.check_output(["echo", "hi"]) == b"hi\n"


def c_popen(r: Resources) -> None:
    subprocess.Popen(["true"]).wait()


def c_popen_wait(r: Resources) -> None:
    with allow_blocking():
        process = subprocess.Popen(["true"])
    try:
        process.wait()
    finally:
        with allow_blocking():
            process.wait()


def c_popen_communicate(r: Resources) -> None:
    with allow_blocking():
        process = subprocess.Popen(["echo", "hi"], stdout=subprocess.PIPE)
    try:
        assert process.communicate()[0] == b"hi\n"
    finally:
        with allow_blocking():
            process.wait()
            process.stdout.close()  # type: ignore[union-attr]


def c_sqlite_connect(r: Resources) -> None:
    sqlite3.connect(":memory:").close()


def c_sqlite_query(r: Resources) -> None:
    with allow_blocking():
        conn = sqlite3.connect(":memory:", check_same_thread=False)
    try:
        assert conn.execute("select 1").fetchall() == [(1,)]
    finally:
        conn.close()


def c_event_wait(r: Resources) -> None:
    threading.Event().wait(0.001)


def c_condition_wait(r: Resources) -> None:
    condition = threading.Condition()
    with condition:
        condition.wait(0.001)


def c_semaphore(r: Resources) -> None:
    assert threading.Semaphore().acquire()


def c_semaphore_with(r: Resources) -> None:
    with threading.BoundedSemaphore():
        pass


def c_barrier(r: Resources) -> None:
    threading.Barrier(1).wait()


def c_thread_join(r: Resources) -> None:
    event = threading.Event()
    thread = threading.Thread(target=event.wait, args=(5,))
    thread.start()
    try:
        thread.join(0.001)
    finally:
        event.set()
        with allow_blocking():
            thread.join()


def c_queue_get(r: Resources) -> None:
    q: queue.Queue[int] = queue.Queue()
    q.put(1)
    assert q.get() == 1


def c_queue_put(r: Resources) -> None:
    queue.Queue(1).put(1)


def c_queue_join(r: Resources) -> None:
    queue.Queue().join()


def c_future_result(r: Resources) -> None:
    with pytest.raises(concurrent.futures.TimeoutError):
        concurrent.futures.Future().result(timeout=0.001)


def c_future_exception(r: Resources) -> None:
    with pytest.raises(concurrent.futures.TimeoutError):
        concurrent.futures.Future().exception(timeout=0.001)


def c_input(r: Resources) -> None:
    stdin = sys.stdin
    sys.stdin = io.StringIO("typed\n")
    try:
        assert input() == "typed"
    finally:
        sys.stdin = stdin


def c_urlopen(r: Resources) -> None:
    with urllib.request.urlopen(r.url, timeout=5) as response:
        assert response.read() == b"ok"


def c_http_client(r: Resources) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", r.http_port, timeout=5)
    try:
        conn.request("GET", "/")
        assert conn.getresponse().read() == b"ok"
    finally:
        conn.close()


CASES: list[tuple[str, Callable[[Resources], None]]] = [
    ("time.sleep()", c_sleep),
    ("socket.socket.connect()", c_socket_connect),
    ("socket.create_connection()", c_create_connection),
    ("socket.getaddrinfo()", c_getaddrinfo),
    ("socket.gethostbyname()", c_gethostbyname),
    ("socket.socket.sendall()", c_socket_send_recv),
    ("socket.socket.accept()", c_socket_accept),
    ("open()", c_open),
    ("io.open()", c_path_read),
    ("os.read()", c_os_read),
    ("os.write()", c_os_write_pipe),
    ("os.system()", c_os_system),
    ("subprocess.run()", c_subprocess_run),
    ("subprocess.check_output()", c_check_output),
    ("subprocess.Popen()", c_popen),
    ("subprocess.Popen.wait()", c_popen_wait),
    ("subprocess.Popen.communicate()", c_popen_communicate),
    ("sqlite3.connect()", c_sqlite_connect),
    ("sqlite3.Cursor.execute()", c_sqlite_query),
    ("threading.Event.wait()", c_event_wait),
    ("threading.Condition.wait()", c_condition_wait),
    ("threading.Semaphore.acquire()", c_semaphore),
    ("threading.Semaphore.acquire()", c_semaphore_with),
    ("threading.Barrier.wait()", c_barrier),
    ("threading.Thread.join()", c_thread_join),
    ("queue.Queue.get()", c_queue_get),
    ("queue.Queue.put()", c_queue_put),
    ("queue.Queue.join()", c_queue_join),
    ("concurrent.futures.Future.result()", c_future_result),
    ("concurrent.futures.Future.exception()", c_future_exception),
    ("input()", c_input),
    ("urllib.request.urlopen()", c_urlopen),
    ("http.client.HTTPConnection.request()", c_http_client),
]
CASE_IDS = [case.__name__[2:] for _, case in CASES]


@pytest.mark.parametrize(("call", "case"), CASES, ids=CASE_IDS)
def test_raises_in_async_code_on_the_loop(guard: None, res: Resources, call: str, case: Callable) -> None:
    async def view() -> None:
        with user_code(LABEL):
            case(res)

    with pytest.raises(BlockingCallError) as info:
        asyncio.run(view())
    assert info.value.call == call
    assert info.value.label == LABEL
    assert f"Blocking call {call} in async code: {LABEL}" in str(info.value)
    assert __file__ in info.value.location


async def _to_thread(case: Callable, r: Resources) -> None:
    await asyncio.to_thread(case, r)


async def _sync_to_async(case: Callable, r: Resources) -> None:
    await sync_to_async(case)(r)


async def _anyio(case: Callable, r: Resources) -> None:
    await anyio.to_thread.run_sync(case, r)


async def _executor(case: Callable, r: Resources) -> None:
    await asyncio.get_running_loop().run_in_executor(None, case, r)


@pytest.mark.parametrize("runner", [_to_thread, _sync_to_async, _anyio, _executor])
@pytest.mark.parametrize(("call", "case"), CASES, ids=CASE_IDS)
def test_passes_in_worker_threads(
    guard: None, res: Resources, call: str, case: Callable, runner: Any
) -> None:
    async def view() -> None:
        with user_code(LABEL):
            await runner(case, res)

    asyncio.run(view())


@pytest.mark.parametrize(("call", "case"), CASES, ids=CASE_IDS)
def test_passes_when_the_mark_is_unset(guard: None, res: Resources, call: str, case: Callable) -> None:
    async def startup_code() -> None:
        case(res)

    asyncio.run(startup_code())
    case(res)  # plain sync code (a sync view's thread) too


def test_passes_when_the_mark_belongs_to_another_thread(guard: None) -> None:
    import contextvars

    token = enter(LABEL)
    try:
        context = contextvars.copy_context()  # a thread carrying the mark, as run_in_executor's do
        errors: list[BaseException] = []

        def work() -> None:
            try:
                time.sleep(0.001)
            except BaseException as exc:  # pragma: no cover - reported by the assertion below
                errors.append(exc)

        thread = threading.Thread(target=context.run, args=(work,))
    finally:
        leave(token)
    thread.start()
    thread.join()
    assert errors == []
