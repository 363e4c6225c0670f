"""The blocking-call guard's non-blocking forms: calls that would not block never fire."""

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
import ssl
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from microdj.guard import (
    BlockingCallError,
    enter,
    install,
    leave,
    patches,
    uninstall,
    user_code,
)
from tests.guard.support import LABEL, Resources, run_guarded

# -- non-blocking forms --------------------------------------------------------------------------------------


def test_time_sleep_zero_and_bad_arguments(guard: None) -> None:
    run_guarded(lambda: time.sleep(0))
    with pytest.raises(TypeError):
        run_guarded(lambda: time.sleep("1"))


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("connect", (("127.0.0.1", 9),)),
        ("connect_ex", (("127.0.0.1", 9),)),
        ("send", (b"x",)),
        ("sendall", (b"x",)),
        ("sendto", (b"x", ("127.0.0.1", 9))),
        ("sendmsg", ([b"x"],)),
        ("recv", (1,)),
        ("recv_into", (bytearray(1),)),
        ("recvfrom", (1,)),
        ("recvfrom_into", (bytearray(1),)),
        ("recvmsg", (1,)),
        ("recvmsg_into", ([bytearray(1)],)),
        ("accept", ()),
        ("sendfile", (io.BytesIO(b"x"),)),
    ],
)
def test_socket_methods(guard: None, name: str, args: tuple) -> None:
    with socket.socket() as sock:
        with pytest.raises(BlockingCallError, match=rf"socket\.socket\.{name}\(\)"):
            run_guarded(lambda: getattr(sock, name)(*args))
        sock.settimeout(2.0)  # a timeout still blocks the loop
        with pytest.raises(BlockingCallError):
            run_guarded(lambda: getattr(sock, name)(*args))
        sock.setblocking(False)
        try:
            run_guarded(lambda: getattr(sock, name)(*args))
        except BlockingCallError:  # pragma: no cover - the assertion below reports it
            pytest.fail(f"non-blocking socket.{name}() fired")
        except (OSError, ValueError, TypeError):
            pass  # the socket's own answer (not connected, would block, ...)


@pytest.mark.parametrize("name", patches.SSL_METHODS)
def test_ssl_socket_methods(guard: None, name: str) -> None:
    context = ssl.create_default_context()
    with socket.socket() as raw:
        sock = context.wrap_socket(raw, server_hostname="localhost", do_handshake_on_connect=False)
        with sock:
            args: dict[str, tuple] = {
                "connect": (("127.0.0.1", 9),),
                "connect_ex": (("127.0.0.1", 9),),
                "read": (),
                "write": (b"x",),
                "recv": (1,),
                "recv_into": (bytearray(1),),
                "recvfrom": (1,),
                "recvfrom_into": (bytearray(1),),
                "send": (b"x",),
                "sendall": (b"x",),
                "sendto": (b"x", ("127.0.0.1", 9)),
            }
            call = getattr(sock, name)
            with pytest.raises(BlockingCallError, match=rf"ssl\.SSLSocket\.{name}\(\)"):
                run_guarded(lambda: call(*args.get(name, ())))
            sock.setblocking(False)
            try:
                run_guarded(lambda: call(*args.get(name, ())))
            except BlockingCallError:  # pragma: no cover - the assertion below reports it
                pytest.fail(f"non-blocking SSLSocket.{name}() fired")
            except (OSError, ValueError, TypeError):
                pass


def test_asyncio_streams_and_sock_methods_never_fire(guard: None) -> None:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(await reader.readline())
        await writer.drain()
        writer.close()
        await writer.wait_closed()

    async def view() -> bytes:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        with user_code(LABEL):
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(b"ping\n")
            await writer.drain()
            echoed = await reader.readline()
            writer.close()
            await writer.wait_closed()
            loop = asyncio.get_running_loop()
            sock = socket.socket()
            sock.setblocking(False)
            with sock:
                await loop.sock_connect(sock, ("127.0.0.1", port))
                await loop.sock_sendall(sock, b"pong\n")
                echoed += await loop.sock_recv(sock, 5)
            await loop.getaddrinfo("localhost", port)  # runs socket.getaddrinfo in the default executor
            process = await asyncio.create_subprocess_exec("echo", "sub", stdout=subprocess.PIPE)
            echoed += (await process.communicate())[0]
        server.close()
        await server.wait_closed()
        return echoed

    assert asyncio.run(view()) == b"ping\npong\nsub\n"


def test_open_forms(guard: None, tmp_path: Path) -> None:
    fd = os.open(tmp_path / "f", os.O_CREAT | os.O_WRONLY)
    run_guarded(lambda: open(fd, "w", closefd=True).close())  # a descriptor: no path lookup
    run_guarded(lambda: open(os.devnull).close())  # a character device
    with pytest.raises(TypeError):
        run_guarded(lambda: open(None))  # type: ignore[call-overload]
    with pytest.raises(BlockingCallError, match=r"open\(\)"):
        run_guarded(lambda: open(tmp_path / "new.txt", "w"))  # creating a file
    with pytest.raises(BlockingCallError):
        run_guarded(lambda: open(b"bad\x00path"))  # stat() fails: the open would still go to the disk
    assert not (tmp_path / "new.txt").exists()


def test_os_read_write_forms(guard: None, tmp_path: Path) -> None:
    rfd, wfd = os.pipe()
    null = os.open(os.devnull, os.O_RDWR)
    try:
        os.set_blocking(wfd, False)
        os.set_blocking(rfd, False)
        run_guarded(lambda: os.write(wfd, b"x"))  # a non-blocking pipe
        assert run_guarded(lambda: os.read(rfd, 1)) == b"x"
        run_guarded(lambda: os.write(null, b"x"))  # a character device
        run_guarded(lambda: os.write(2, b""))  # console output, as logging and print()
        with pytest.raises(TypeError):
            run_guarded(lambda: os.read("1", 1))  # type: ignore[arg-type]
        with pytest.raises(OSError):
            run_guarded(lambda: os.read(999_999, 1))  # a bad descriptor: the OS answers
        fd = os.open(tmp_path / "f", os.O_CREAT | os.O_WRONLY)
        with pytest.raises(BlockingCallError, match=r"os\.write\(\)"):
            run_guarded(lambda: os.write(fd, b"x"))  # a regular file
        os.close(fd)
    finally:
        os.close(rfd)
        os.close(wfd)
        os.close(null)


def test_subprocess_finished_and_other_helpers(guard: None) -> None:
    process = subprocess.Popen(["true"])
    with pytest.raises(BlockingCallError):
        run_guarded(lambda: process.wait(timeout=5))
    try:
        run_guarded(lambda: process.wait(timeout=0))  # polls: never fires
    except subprocess.TimeoutExpired:
        pass
    process.wait()
    assert run_guarded(process.wait) == 0  # finished: returns at once
    assert run_guarded(process.communicate) == (None, None)
    for name in ("call", "check_call", "getoutput", "getstatusoutput"):
        args = "true" if name.startswith("get") else ["true"]
        with pytest.raises(BlockingCallError, match=rf"subprocess\.{name}\(\)"):
            run_guarded(lambda name=name, args=args: getattr(subprocess, name)(args))


def test_threading_non_blocking_forms(guard: None) -> None:
    event = threading.Event()
    assert run_guarded(lambda: event.wait(0)) is False
    event.set()
    assert run_guarded(event.wait) is True
    condition = threading.Condition()
    with condition:
        assert run_guarded(lambda: condition.wait(0)) is False
        with pytest.raises(TypeError):
            run_guarded(lambda: condition.wait("bad"))  # not a timeout: Condition.wait() itself reports it
    semaphore = threading.Semaphore(1)
    assert run_guarded(lambda: semaphore.acquire(False)) is True
    assert run_guarded(lambda: semaphore.acquire(timeout=0)) is False
    thread = threading.Thread(target=lambda: None)
    thread.start()
    thread.join()
    run_guarded(thread.join)  # finished
    assert run_guarded(lambda: threading.Barrier(1).wait(timeout=0)) == 0


def test_queue_non_blocking_forms(guard: None) -> None:
    q: queue.Queue[int] = queue.Queue()
    run_guarded(lambda: q.put(1))  # unbounded: never blocks
    run_guarded(lambda: q.put(2, timeout=5))
    assert run_guarded(lambda: q.get(block=False)) == 1
    assert run_guarded(lambda: q.get(timeout=0)) == 2
    with pytest.raises(queue.Empty):
        run_guarded(q.get_nowait)
    bounded: queue.Queue[int] = queue.Queue(1)
    run_guarded(lambda: bounded.put_nowait(1))
    with pytest.raises(queue.Full):
        run_guarded(lambda: bounded.put(2, block=False))


def test_done_future(guard: None) -> None:
    future: concurrent.futures.Future[int] = concurrent.futures.Future()
    future.set_result(3)
    assert run_guarded(future.result) == 3
    assert run_guarded(future.exception) is None


def test_sqlite_connections_cursors_and_factories(guard: None) -> None:
    class MyConnection(sqlite3.Connection):
        pass

    class OwnCursor(sqlite3.Connection):
        def cursor(self, factory: Any = sqlite3.Cursor) -> Any:
            return super().cursor(factory)

    def function_factory(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        return sqlite3.Connection(*args, **kwargs)

    conn = sqlite3.connect(":memory:", check_same_thread=False)
    mine = sqlite3.connect(":memory:", 5.0, 0, "DEFERRED", True, MyConnection)  # factory given by position
    own = sqlite3.connect(":memory:", factory=OwnCursor)
    plain = sqlite3.connect(":memory:", factory=function_factory)
    try:
        assert isinstance(conn, sqlite3.Connection) and type(conn) is not sqlite3.Connection
        assert isinstance(mine, MyConnection) and type(mine) is not MyConnection
        assert sqlite3.connect(":memory:", factory=MyConnection).__class__ is type(mine)  # cached
        assert type(plain) is sqlite3.Connection
        conn.execute("create table t (x)")
        conn.executemany("insert into t values (?)", [(1,), (2,)])
        cursor = conn.execute("select x from t")
        for name, call in [
            ("sqlite3.Cursor.executemany()", lambda: conn.executemany("insert into t values (?)", [(3,)])),
            ("sqlite3.Cursor.executescript()", lambda: conn.executescript("select 1;")),
            ("sqlite3.Cursor.fetchone()", cursor.fetchone),
            ("sqlite3.Cursor.__next__()", lambda: next(cursor)),
            ("sqlite3.Connection.commit()", conn.commit),
            ("sqlite3.Connection.rollback()", conn.rollback),
            ("sqlite3.Connection.execute()", lambda: own.execute("select 1")),
        ]:
            with pytest.raises(BlockingCallError) as info:
                run_guarded(call)
            assert info.value.call == name
        assert run_guarded(conn.cursor).__class__.__name__ == "GuardedCursor"  # making a cursor does no I/O
        assert [row for row in cursor] == [(1,), (2,)]
        run_guarded(lambda: plain.execute("select 1"))  # not a class we could subclass: unguarded
    finally:
        for c in (conn, mine, own, plain):
            c.close()


def test_imports_inside_guarded_code_pass(
    guard: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "guard_fresh_module.py").write_text(
        "import time\nwith open(__file__) as f:\n    SOURCE = f.read()\ntime.sleep(0.001)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))

    def view_code() -> str:
        import guard_fresh_module

        return guard_fresh_module.SOURCE

    try:
        assert "SOURCE" in run_guarded(view_code)
    finally:
        sys.modules.pop("guard_fresh_module", None)


def test_logging_print_tracebacks_and_mimetypes_pass(
    guard: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import linecache
    import logging
    import mimetypes
    import traceback

    logger = logging.getLogger("tests.guard.logging")
    stream = logging.StreamHandler(sys.stderr)
    to_file = logging.FileHandler(tmp_path / "log.txt", delay=True)  # opens its file on first record
    logger.addHandler(stream)
    logger.addHandler(to_file)

    def view_code() -> str:
        print("printed")
        logger.warning("logged")
        mimetypes.inited = False
        assert mimetypes.guess_type("a.json")[0] == "application/json"
        linecache.clearcache()
        try:
            raise ValueError("boom")
        except ValueError:
            return traceback.format_exc()

    try:
        assert "raise ValueError" in run_guarded(view_code)
    finally:
        logger.removeHandler(stream)
        logger.removeHandler(to_file)
        to_file.close()
    assert "printed" in capsys.readouterr().out
    assert (tmp_path / "log.txt").read_text() == "logged\n"


def test_requests_is_patched_when_importable(monkeypatch: pytest.MonkeyPatch) -> None:
    import types

    calls: list[str] = []

    class Session:
        def request(self, method: str, url: str) -> str:
            calls.append(url)
            return "response"

    def api_request(method: str, url: str) -> str:
        return Session().request(method, url)

    fake = types.ModuleType("requests")
    fake.Session = Session  # type: ignore[attr-defined]
    fake.api = types.ModuleType("requests.api")  # type: ignore[attr-defined]
    fake.api.request = api_request  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "requests", fake)
    install("raise")
    try:
        with pytest.raises(BlockingCallError, match=r"requests\.request\(\)"):
            run_guarded(lambda: fake.api.request("GET", "http://127.0.0.1/"))
        with pytest.raises(BlockingCallError, match=r"requests\.Session\.request\(\)"):
            run_guarded(lambda: Session().request("GET", "http://127.0.0.1/"))
        assert fake.api.request("GET", "http://127.0.0.1/a") == "response"
    finally:
        uninstall()
    assert fake.api.request is api_request and "request" in vars(Session) and calls == ["http://127.0.0.1/a"]


def test_http_client_other_methods(guard: None, res: Resources) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", 9, timeout=5)
    https = http.client.HTTPSConnection("127.0.0.1", 9, timeout=5)
    for call, name in [
        (conn.connect, "connect"),
        (lambda: conn.send(b"x"), "send"),
        (conn.getresponse, "getresponse"),
    ]:
        with pytest.raises(BlockingCallError, match=rf"HTTPConnection\.{name}\(\)"):
            run_guarded(call)
    with pytest.raises(BlockingCallError, match=r"HTTPSConnection\.connect\(\)"):
        run_guarded(https.connect)
    for name in ("gethostbyname_ex", "gethostbyaddr"):
        with pytest.raises(BlockingCallError):
            run_guarded(lambda name=name: getattr(socket, name)("127.0.0.1"))
    with pytest.raises(BlockingCallError, match=r"socket\.getnameinfo\(\)"):
        run_guarded(lambda: socket.getnameinfo(("127.0.0.1", 80), 0))


def test_under_a_real_uvicorn_server() -> None:
    """An ASGI app that marks its body as user code, served by uvicorn: the server's own I/O never fires."""
    import httpx
    import uvicorn

    async def app(scope: dict, receive: Callable, send: Callable) -> None:
        assert scope["type"] == "http"
        token = enter("tests.app (url name 'home')")
        try:
            await receive()
            try:
                time.sleep(0.001) if scope["path"] == "/block" else await asyncio.sleep(0)
                status, body = 200, b"fine"
            except BlockingCallError as exc:
                status, body = 500, exc.call.encode()
            await send(
                {
                    "type": "http.response.start",
                    "status": status,
                    "headers": [(b"content-length", b"%d" % len(body))],
                }
            )
            await send({"type": "http.response.body", "body": body})
        finally:
            leave(token)

    async def main() -> list[tuple[int, bytes]]:
        config = uvicorn.Config(
            app, host="127.0.0.1", port=0, lifespan="off", log_level="warning", loop="asyncio"
        )
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        port = server.servers[0].sockets[0].getsockname()[1]
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            results = [
                (r.status_code, r.content) for r in [await client.get("/"), await client.get("/block")]
            ]
        server.should_exit = True
        await task
        return results

    install("raise")
    try:
        assert asyncio.run(main()) == [(200, b"fine"), (500, b"time.sleep()")]
    finally:
        uninstall()
