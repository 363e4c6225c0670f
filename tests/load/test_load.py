"""Load and faults under a real uvicorn on 127.0.0.1: mixed traffic over 100 connections, a disconnect
storm, a trickling client, a view that raises and one that hangs. Every run is bounded; afterwards the
server answers normally and holds no more file descriptors or temp files than before.

Short versions always run; the ``stress`` ones (10,000 requests, 500 faults) need MICRODJ_STRESS=1.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import httpx
import pytest

CONCURRENCY = 100
# Descriptors the server may legitimately still hold after a run (keep-alive sockets being reaped, ...).
FD_SLACK = 5
UPLOAD_DATA = b"u" * 3000  # over FILE_UPLOAD_MAX_MEMORY_SIZE (1 KB): each upload uses a temp file


def fd_count(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def settle(server: Any, baseline: int, timeout: float = 15.0) -> tuple[int, list[str]]:
    """Wait until the server is back to ``baseline`` descriptors and no temp file is left; return both."""
    deadline = time.monotonic() + timeout
    while True:
        fds, leftovers = fd_count(server.pid), os.listdir(server.tmp)
        if (fds <= baseline + FD_SLACK and not leftovers) or time.monotonic() > deadline:
            return fds, leftovers
        time.sleep(0.1)


def healthy(server: Any) -> None:
    response = httpx.get(server.base + "/", timeout=5)
    assert (response.status_code, response.text) == (200, "ok")


@pytest.fixture
def baseline(uvicorn_server: Any) -> int:
    healthy(uvicorn_server)
    fds, leftovers = settle(uvicorn_server, fd_count(uvicorn_server.pid))
    assert leftovers == []
    return fds


# --------------------------------------------------------------------------------------------- load
async def one_request(client: httpx.AsyncClient, i: int) -> str | None:
    """Request number ``i`` of the mix (GET, form POST, upload to a sync or async view); None if right."""
    kind = i % 4
    if kind == 0:
        response = await client.get("/")
        expected: Any = "ok"
        got: Any = response.text
    elif kind == 1:
        response = await client.post("/form/", data={"n": str(i), "name": "ada lovelace"})
        expected, got = {"n": [str(i)], "name": ["ada lovelace"]}, response.json()
    else:
        view = "/upload/" if kind == 2 else "/aupload/"
        files = {"f": (f"file{i}.bin", UPLOAD_DATA, "application/octet-stream")}
        response = await client.post(view, data={"n": str(i)}, files=files)
        expected, got = {"f": [f"file{i}.bin", len(UPLOAD_DATA), "uuuu"]}, response.json()
    if response.status_code != 200 or got != expected:
        return f"{i}: {response.status_code} {response.text[:200]}"
    return None


async def mixed_load(base: str, total: int) -> list[str]:
    """``total`` requests over CONCURRENCY connections; the list of failures."""
    limits = httpx.Limits(max_connections=CONCURRENCY, max_keepalive_connections=CONCURRENCY)
    counter = iter(range(total))
    errors: list[str] = []

    async def worker(client: httpx.AsyncClient) -> None:
        for i in counter:
            try:
                error = await one_request(client, i)
            except httpx.HTTPError as exc:
                error = f"{i}: {type(exc).__name__}: {exc}"
            if error:
                errors.append(error)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await asyncio.wait_for(asyncio.gather(*(worker(client) for _ in range(CONCURRENCY))), 600)
    return errors


@pytest.mark.parametrize(
    "total", [pytest.param(1000, id="short"), pytest.param(10_000, id="stress", marks=pytest.mark.stress)]
)
def test_mixed_load_has_no_errors_and_leaks_nothing(uvicorn_server: Any, baseline: int, total: int) -> None:
    errors = asyncio.run(mixed_load(uvicorn_server.base, total))
    assert errors == []
    fds, leftovers = settle(uvicorn_server, baseline)
    assert leftovers == []
    assert fds <= baseline + FD_SLACK
    healthy(uvicorn_server)


# ------------------------------------------------------------------------------------------- faults
def multipart_head(port: int, path: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: multipart/form-data; boundary=storm\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


PARTIAL_UPLOAD = (
    b'--storm\r\nContent-Disposition: form-data; name="f"; filename="big.bin"\r\n'
    b"Content-Type: application/octet-stream\r\n\r\n" + b"z" * 20_000
)


async def drop_mid_upload(port: int, i: int) -> None:
    """Send the start of a 200 KB upload (enough to open a temp file), then vanish."""
    _reader, writer = await asyncio.open_connection("127.0.0.1", port)
    path = "/upload/" if i % 2 else "/aupload/"
    writer.write(multipart_head(port, path, 200_000) + PARTIAL_UPLOAD)
    await writer.drain()
    await asyncio.sleep(0.05)
    if i % 3:
        writer.close()
    else:
        writer.transport.abort()


async def drop_mid_stream(port: int, i: int) -> None:
    """Read the first chunks of a one-second stream, then vanish."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(f"GET /stream/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    assert head.startswith(b"HTTP/1.1 200")
    await asyncio.wait_for(reader.read(1024), 10)
    if i % 3:
        writer.close()
    else:
        writer.transport.abort()


async def storm(port: int, clients: int) -> None:
    jobs = [(drop_mid_upload if i % 2 else drop_mid_stream)(port, i) for i in range(clients)]
    await asyncio.wait_for(asyncio.gather(*jobs), 120)


@pytest.mark.parametrize(
    "clients", [pytest.param(50, id="short"), pytest.param(500, id="stress", marks=pytest.mark.stress)]
)
def test_disconnect_storm_leaves_server_healthy(uvicorn_server: Any, baseline: int, clients: int) -> None:
    asyncio.run(storm(uvicorn_server.port, clients))
    healthy(uvicorn_server)
    fds, leftovers = settle(uvicorn_server, baseline)
    assert leftovers == []
    assert fds <= baseline + FD_SLACK
    healthy(uvicorn_server)


async def trickle(port: int, path: str, head: bytes, length: int) -> bytes:
    """Send ``head`` then one body byte every 0.1 s (never all ``length``); return the status line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(head)

    async def drip() -> None:
        for _ in range(length - 1):
            writer.write(b"x")
            await writer.drain()
            await asyncio.sleep(0.1)

    dripping = asyncio.create_task(drip())
    try:
        return await asyncio.wait_for(reader.readline(), 10)
    finally:
        dripping.cancel()
        writer.close()


@pytest.mark.parametrize("path", ["/body/", "/upload/", "/aupload/"])
def test_trickling_client_gets_408_and_server_keeps_serving(
    uvicorn_server: Any, baseline: int, path: str
) -> None:
    """REQUEST_BODY_TIMEOUT (5 s in settings_load) bounds the waits for the whole body, not each read."""
    port = uvicorn_server.port
    if path == "/body/":
        head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n".encode()
    else:
        # A valid start of a file part, so that only the trickled file bytes are outstanding.
        prefix = b'--storm\r\nContent-Disposition: form-data; name="f"; filename="t.bin"\r\n\r\n'
        head = multipart_head(port, path, len(prefix) + 100) + prefix
    status_line = asyncio.run(trickle(port, path, head, 100))
    assert status_line.startswith(b"HTTP/1.1 408"), status_line
    healthy(uvicorn_server)
    fds, leftovers = settle(uvicorn_server, baseline)
    assert (leftovers, fds <= baseline + FD_SLACK) == ([], True)


def test_view_that_raises_is_500_and_next_request_is_fine(uvicorn_server: Any) -> None:
    with httpx.Client(base_url=uvicorn_server.base, timeout=5) as client:
        for _ in range(3):
            response = client.get("/boom/")
            assert response.status_code == 500
            assert "RuntimeError" not in response.text
            assert client.get("/").text == "ok"


async def hang_then_leave(port: int, hung: int) -> list[int]:
    """Hold ``hung`` requests on a view that never answers; meanwhile others must be served."""
    connections = []
    for _ in range(hung):
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(f"GET /hang/ HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await writer.drain()
        connections.append((reader, writer))
    await asyncio.sleep(0.2)
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
        statuses = [(await client.get("/")).status_code for _ in range(20)]
    for _, writer in connections:
        writer.close()
    return statuses


def test_hanging_views_do_not_block_others(uvicorn_server: Any, baseline: int) -> None:
    statuses = asyncio.run(hang_then_leave(uvicorn_server.port, 10))
    assert statuses == [200] * 20
    fds, _leftovers = settle(uvicorn_server, baseline)
    assert fds <= baseline + FD_SLACK
    healthy(uvicorn_server)
