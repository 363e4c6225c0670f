"""WebSockets end to end: the test application under real uvicorn, hypercorn and daphne on 127.0.0.1, driven
by the ``websockets`` client (each server is skipped with a reason when it is not installed)."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from microdj.websocket.protocol import server_safe_code
from tests.load.load_servers import Server, listening_socket, start, stop

websockets = pytest.importorskip("websockets", reason="the websockets client is in the dev extra")
from websockets.asyncio.client import connect  # noqa: E402
from websockets.exceptions import ConnectionClosed, InvalidStatus  # noqa: E402

APP = "tests.websocket.ws_asgi:application"
SETTINGS = "tests.websocket.ws_settings"
Command = Callable[[int], list[str]]


def uvicorn_command(fd: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", APP, "--fd", str(fd), "--log-level", "warning"]


def hypercorn_command(fd: int) -> list[str]:
    return [
        sys.executable, "-m", "hypercorn", APP, "--bind", f"fd://{fd}", "--log-level", "warning",
        "--graceful-timeout", "1",
    ]  # fmt: skip


def daphne_command(fd: int) -> list[str]:
    return [sys.executable, "-m", "daphne", "--fd", str(fd), "-v", "0", APP]


SERVERS: list[tuple[str, str, Command]] = [
    ("uvicorn", "uvicorn", uvicorn_command),
    ("hypercorn", "hypercorn", hypercorn_command),
    ("daphne", "daphne", daphne_command),
]


@pytest.fixture(scope="module", params=SERVERS, ids=[server[0] for server in SERVERS])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    name, module, command = request.param
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install {module}; it belongs in the dev extra)")
    sock = listening_socket()
    try:
        server = start(
            command(sock.fileno()), tmp_path_factory.mktemp(name), SETTINGS, sock, sock.getsockname()[1]
        )
    finally:
        sock.close()
    try:
        yield server
    finally:
        stop(server.process)


def ws_url(server: Server, path: str) -> str:
    return f"ws://127.0.0.1:{server.port}{path}"


def run(coro: Any) -> Any:
    async def bounded() -> Any:
        return await asyncio.wait_for(coro, 30)

    return asyncio.run(bounded())


def status(server: Server) -> dict[str, Any]:
    return httpx.get(server.base + "/status/", timeout=5).json()  # type: ignore[no-any-return]


def test_echo_text_and_binary(served: Server) -> None:
    async def main() -> None:
        async with connect(ws_url(served, "/ws/echo/")) as ws:
            await ws.send("hello")
            assert await ws.recv() == "hello"
            await ws.send(b"\x00\xffbinary")
            assert await ws.recv() == b"\x00\xffbinary"
            await ws.send("close")
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4000

    run(main())


def test_json_function_form_and_session(served: Server) -> None:
    login = httpx.get(served.base + "/login/?user=bob", timeout=5)
    cookie = login.headers["set-cookie"].split(";", 1)[0]

    async def main() -> None:
        async with connect(ws_url(served, "/ws/fn/ann/")) as ws:
            await ws.send("json")
            await ws.send(json.dumps({"n": [1, 2]}))
            assert json.loads(await ws.recv()) == {"name": "ann", "data": {"n": [1, 2]}}
        async with connect(ws_url(served, "/ws/scope/x/"), additional_headers={"Cookie": cookie}) as ws:
            seen = json.loads(await ws.recv())
            assert seen["session"] == {"user": "bob"}
            assert seen["route"]["kwargs"] == {"part": "x", "extra": "yes"}

    run(main())


def test_subprotocol_is_negotiated(served: Server) -> None:
    async def main() -> None:
        async with connect(ws_url(served, "/ws/echo/"), subprotocols=["chat.v1", "chat.v2"]) as ws:  # type: ignore[list-item]
            assert ws.subprotocol == "chat.v2"

    run(main())


def test_cross_site_origin_and_http_only_route_are_refused_with_403(served: Server) -> None:
    async def main() -> None:
        for path, origin in [("/ws/echo/", "http://evil.example"), ("/http/", None), ("/nowhere/", None)]:
            with pytest.raises(InvalidStatus) as refused:
                async with connect(ws_url(served, path), origin=origin):  # type: ignore[arg-type]
                    pass
            assert refused.value.response.status_code == 403, path
        async with connect(ws_url(served, "/ws/echo/"), origin=f"http://127.0.0.1:{served.port}") as ws:  # type: ignore[arg-type]
            await ws.send("same site")
            assert await ws.recv() == "same site"

    run(main())
    response = httpx.get(served.base + "/ws/echo/", timeout=5)
    assert response.status_code == 426
    assert response.headers["upgrade"] == "websocket"


def expected_code(request: pytest.FixtureRequest, code: int) -> int:
    """The close code the client sees: daphne (autobahn) sends 1009 as 4009 and 1011 as 4011."""
    return server_safe_code(code) if request.node.callspec.params["served"][0] == "daphne" else code


def test_oversize_message_closes_1009_and_exception_closes_1011(
    served: Server, request: pytest.FixtureRequest
) -> None:
    async def main() -> None:
        async with connect(ws_url(served, "/ws/echo/")) as ws:
            await ws.send("x" * (64 * 1024 + 1))
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == expected_code(request, 1009)
        async with connect(ws_url(served, "/ws/echo/")) as ws:
            await ws.send("boom")
            with pytest.raises(ConnectionClosed) as closed:
                await ws.recv()
            assert closed.value.rcvd is not None and closed.value.rcvd.code == expected_code(request, 1011)
        # The server lives on.
        async with connect(ws_url(served, "/ws/echo/")) as ws:
            await ws.send("still here")
            assert await ws.recv() == "still here"

    run(main())


def test_group_broadcast_reaches_200_concurrent_connections(served: Server) -> None:
    count = 200

    async def main() -> None:
        sockets = await asyncio.gather(*(connect(ws_url(served, "/ws/chat/room/big/")) for _ in range(count)))
        try:
            # Every member has joined once its connection is open; one message reaches them all.
            await sockets[0].send(json.dumps({"text": "to everyone"}))
            received = await asyncio.gather(*(ws.recv() for ws in sockets))
            assert [json.loads(text) for text in received] == [{"text": "to everyone"}] * count
        finally:
            await asyncio.gather(*(ws.close() for ws in sockets))

    run(main())
    assert_settles(served, lambda now: now["tasks"] == 0 and "room.big" not in now["groups"])


def test_vanishing_clients_leave_no_task_behind(served: Server) -> None:
    async def main() -> None:
        sockets = [await connect(ws_url(served, "/ws/chat/room/gone/")) for _ in range(20)]
        await sockets[0].send(json.dumps({"text": "mid-stream"}))
        for ws in sockets:
            # Drop the TCP connection without a closing handshake, as a client that vanishes.
            ws.transport.abort()

    run(main())
    assert_settles(served, lambda now: now["tasks"] == 0 and now["channels"] == 0 and not now["groups"])


def assert_settles(server: Server, check: Callable[[dict[str, Any]], bool], timeout: float = 15) -> None:
    """Wait (bounded) until the server's status passes ``check``."""
    deadline = time.monotonic() + timeout
    while True:
        now = status(server)
        if check(now):
            return
        if time.monotonic() > deadline:
            detail = httpx.get(server.base + "/status/?tasks=1", timeout=5).json()["waiting"]
            pytest.fail(f"the server did not settle: {now}; its tasks: {detail}")
        time.sleep(0.1)


@pytest.mark.parametrize("server", SERVERS, ids=[server[0] for server in SERVERS])
def test_server_shutdown_runs_disconnect_once_per_connection(
    server: tuple[str, str, Command], tmp_path: Path
) -> None:
    name, module, command = server
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed")
    if name == "daphne":
        pytest.skip(
            "daphne closes the sockets and stops its reactor at SIGTERM without running the applications "
            "again, so no application sees the end of its connection there"
        )
    sock = listening_socket()
    try:
        running = start(command(sock.fileno()), tmp_path, SETTINGS, sock, sock.getsockname()[1])
    finally:
        sock.close()

    async def main() -> list[Any]:
        return [await connect(ws_url(running, f"/ws/shutdown/{n}/")) for n in range(3)]

    try:
        sockets = run(main())
    finally:
        stop(running.process)
    lines = sorted(line for line in running.output().splitlines() if line.startswith("disconnect "))
    assert [line.split()[1] for line in lines] == ["0", "1", "2"], running.output()[-2000:]
    del sockets
