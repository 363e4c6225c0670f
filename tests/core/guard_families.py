"""The blocking calls of the guard tests, one action per family, and a local HTTP server for the HTTP ones.

``FAMILIES`` maps a family name to the action that makes the blocking call, the call the guard names, a
piece of the remedy it suggests and what the action returns when it runs. Used by tests/core/urls_guard.py
(the views) in the test client and the uvicorn tests.
"""

from __future__ import annotations

import concurrent.futures
import http.client
import http.server
import os
import pathlib
import queue
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from microdj.guard import allow_blocking
from microdj.http import Http404

#: Where the file actions create their files (the tests point it at tmp_path).
WORKDIR = {"path": tempfile.gettempdir()}
#: The port of the local HTTP server the urllib and http.client actions talk to (set by whoever starts it).
HTTP = {"port": 0}

TRUE = [shutil.which("true") or sys.executable, *(() if shutil.which("true") else ("-c", ""))]
ECHO = [sys.executable, "-c", "print('out')"] if not shutil.which("echo") else [shutil.which("echo"), "out"]


# -- a local HTTP server ------------------------------------------------------------------------------------


class _Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        body = b"hello"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the stdlib's name
        """Keep the test output quiet."""


def start_http_server() -> http.server.ThreadingHTTPServer:
    """Serve ``hello`` on 127.0.0.1 (an ephemeral port) from a daemon thread; record the port in HTTP."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    HTTP["port"] = server.server_address[1]
    return server


# -- the blocking calls -------------------------------------------------------------------------------------


def _temp_file(content: bytes = b"data") -> str:
    with allow_blocking():  # preparing the file is not the call under test
        fd, name = tempfile.mkstemp(dir=WORKDIR["path"], prefix="guard-")
        os.write(fd, content)
        os.close(fd)
    return name


def _listener() -> socket.socket:
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    return server


def do_sleep() -> str:
    time.sleep(0.01)
    return "slept"


def do_sleep_elsewhere() -> str:
    time.sleep(0.01)
    return "slept"


def do_socket_connect() -> str:
    with _listener() as server, socket.socket() as client:
        client.settimeout(5)
        client.connect(server.getsockname())
        return "connected"


def do_socket_send() -> str:
    left, right = socket.socketpair()
    with left, right:
        left.settimeout(5)
        left.sendall(b"ping")
        right.setblocking(False)  # a non-blocking recv never trips the guard
        return right.recv(4).decode()


def do_socket_recv() -> str:
    left, right = socket.socketpair()
    with left, right:
        left.setblocking(False)  # a non-blocking send never trips the guard
        left.send(b"pong")
        right.settimeout(5)
        return right.recv(4).decode()


def do_socket_accept() -> str:
    with _listener() as server, socket.socket() as client:
        client.setblocking(False)
        client.connect_ex(server.getsockname())
        server.settimeout(5)
        connection, _ = server.accept()
        connection.close()
        return "accepted"


def do_create_connection() -> str:
    with _listener() as server, socket.create_connection(server.getsockname(), timeout=5):
        return "connected"


def do_getaddrinfo() -> str:
    return str(len(socket.getaddrinfo("127.0.0.1", 80, type=socket.SOCK_STREAM)))


def do_open_write() -> str:
    name = _temp_file()
    try:
        with open(name, "w") as file:
            file.write("written")
        return "written"
    finally:
        os.unlink(name)


def do_open_read() -> str:
    name = _temp_file(b"read me")
    try:
        with open(name) as file:
            return file.read()
    finally:
        os.unlink(name)


def do_path_read_text() -> str:
    name = _temp_file(b"read me")
    try:
        return pathlib.Path(name).read_text()
    finally:
        os.unlink(name)


def do_os_read() -> str:
    name = _temp_file(b"fd data")
    fd = os.open(name, os.O_RDONLY)
    try:
        return os.read(fd, 7).decode()
    finally:
        os.close(fd)
        os.unlink(name)


def do_os_write() -> str:
    name = _temp_file()
    fd = os.open(name, os.O_WRONLY)
    try:
        return str(os.write(fd, b"more"))
    finally:
        os.close(fd)
        os.unlink(name)


def do_subprocess_run() -> str:
    return str(subprocess.run(TRUE, check=True).returncode)


def do_subprocess_call() -> str:
    return str(subprocess.call(TRUE))


def do_subprocess_check_output() -> str:
    return subprocess.check_output(ECHO).decode().strip()


def do_popen() -> str:
    with subprocess.Popen(TRUE) as process:
        pass
    return str(process.returncode)


def do_popen_wait() -> str:
    with allow_blocking():  # only the wait is under test
        process = subprocess.Popen(TRUE)
    try:
        return str(process.wait(timeout=5))
    finally:
        with allow_blocking():
            process.kill()
            process.wait()


def do_popen_communicate() -> str:
    with allow_blocking():  # only communicate() is under test
        process = subprocess.Popen(ECHO, stdout=subprocess.PIPE)
    try:
        out, _ = process.communicate(timeout=5)
        return out.decode().strip()
    finally:
        with allow_blocking():
            process.kill()
            process.communicate()


def do_os_system() -> str:
    return str(os.system(" ".join(TRUE)))


def do_sqlite_connect() -> str:
    connection = sqlite3.connect(":memory:")
    try:
        return str(connection.execute("select 41 + 1").fetchone()[0])
    finally:
        connection.close()


def do_sqlite_query() -> str:
    with allow_blocking():  # only the query is under test
        connection = sqlite3.connect(":memory:")
    try:
        return str(connection.execute("select 41 + 1").fetchone()[0])
    finally:
        connection.close()


def do_event_wait() -> str:
    return str(threading.Event().wait(0.01))


def do_queue_get() -> str:
    try:
        return queue.Queue().get(block=True, timeout=0.01)
    except queue.Empty:
        return "empty"


def do_condition_wait() -> str:
    condition = threading.Condition()
    with condition:
        return str(condition.wait(0.01))


def do_semaphore_acquire() -> str:
    return str(threading.Semaphore(0).acquire(timeout=0.01))


def do_thread_join() -> str:
    thread = threading.Thread(target=time.sleep, args=(0.01,))
    thread.start()
    thread.join(5)
    return "joined"


def do_future_result() -> str:
    try:
        return concurrent.futures.Future().result(timeout=0.01)
    except TimeoutError:
        return "timed out"


def do_input() -> str:
    try:
        return input()
    except EOFError:  # stdin is /dev/null under uvicorn
        return ""


def do_urlopen() -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{HTTP['port']}/", timeout=5) as response:  # noqa: S310
        return response.read().decode()


def do_http_client() -> str:
    connection = http.client.HTTPConnection("127.0.0.1", HTTP["port"], timeout=5)
    try:
        connection.request("GET", "/")
        return connection.getresponse().read().decode()
    finally:
        connection.close()


def do_lock_acquire() -> str:
    # A contended acquire with a timeout: the guard fires (a lock made while it is installed is guarded).
    lock = threading.Lock()
    lock.acquire()
    try:
        return str(lock.acquire(timeout=0.01))
    finally:
        lock.release()


@dataclass(frozen=True)
class Family:
    """A blocking call: the action making it, the call the guard names, a piece of the remedy it gives."""

    action: Callable[[], str]
    call: str
    remedy: str
    result: str | None = None  # what the action returns when it runs (None: not checked)


FAMILIES: dict[str, Family] = {
    "sleep": Family(do_sleep, "time.sleep()", "await asyncio.sleep(...)", "slept"),
    "socket-connect": Family(
        do_socket_connect, "socket.socket.connect()", "asyncio.open_connection", "connected"
    ),
    "socket-send": Family(do_socket_send, "socket.socket.sendall()", "asyncio streams", "ping"),
    "socket-recv": Family(do_socket_recv, "socket.socket.recv()", "asyncio streams", "pong"),
    "socket-accept": Family(do_socket_accept, "socket.socket.accept()", "asyncio streams", "accepted"),
    "create-connection": Family(
        do_create_connection, "socket.create_connection()", "asyncio.open_connection", "connected"
    ),
    "getaddrinfo": Family(do_getaddrinfo, "socket.getaddrinfo()", "get_running_loop().getaddrinfo", "1"),
    "open-write": Family(do_open_write, "open()", "anyio.open_file()", "written"),
    "open-read": Family(do_open_read, "open()", "anyio.open_file()", "read me"),
    "path-read-text": Family(do_path_read_text, "io.open()", "anyio.Path", "read me"),
    "os-read": Family(do_os_read, "os.read()", "asyncio.to_thread(os.read", "fd data"),
    "os-write": Family(do_os_write, "os.write()", "asyncio.to_thread(os.read", "4"),
    "subprocess-run": Family(do_subprocess_run, "subprocess.run()", "create_subprocess_exec", "0"),
    "subprocess-call": Family(do_subprocess_call, "subprocess.call()", "create_subprocess_exec", "0"),
    "subprocess-check-output": Family(
        do_subprocess_check_output, "subprocess.check_output()", "create_subprocess_exec", "out"
    ),
    "popen": Family(do_popen, "subprocess.Popen()", "create_subprocess_exec", "0"),
    "popen-wait": Family(do_popen_wait, "subprocess.Popen.wait()", "create_subprocess_exec", "0"),
    "popen-communicate": Family(
        do_popen_communicate, "subprocess.Popen.communicate()", "create_subprocess_exec", "out"
    ),
    "os-system": Family(do_os_system, "os.system()", "create_subprocess_exec", "0"),
    "sqlite-connect": Family(do_sqlite_connect, "sqlite3.connect()", "sync_to_async(func)", "42"),
    "sqlite-query": Family(do_sqlite_query, "sqlite3.Cursor.execute()", "sync_to_async(func)", "42"),
    "event-wait": Family(do_event_wait, "threading.Event.wait()", "asyncio.Event", "False"),
    "queue-get": Family(do_queue_get, "queue.Queue.get()", "asyncio.Queue", "empty"),
    "condition-wait": Family(do_condition_wait, "threading.Condition.wait()", "asyncio.Condition", "False"),
    "semaphore-acquire": Family(
        do_semaphore_acquire, "threading.Semaphore.acquire()", "asyncio.Semaphore", "False"
    ),
    "thread-join": Family(
        do_thread_join, "threading.Thread.join()", "asyncio.to_thread(thread.join)", "joined"
    ),
    "future-result": Family(
        do_future_result, "concurrent.futures.Future.result()", "asyncio.wrap_future", "timed out"
    ),
    "input": Family(do_input, "input()", "asyncio.to_thread(input"),
    "urlopen": Family(do_urlopen, "urllib.request.urlopen()", "httpx.AsyncClient", "hello"),
    "http-client": Family(
        do_http_client, "http.client.HTTPConnection.request()", "httpx.AsyncClient", "hello"
    ),
}


def action_of(family: str) -> Callable[[], str]:
    """The action of a family; Http404 for an unknown one."""
    try:
        return FAMILIES[family].action
    except KeyError:
        raise Http404(f"No blocking family {family!r}") from None
