"""The example application, unchanged, under each ASGI server (skipped with a reason when the server is
not installed): uvicorn, hypercorn, daphne, granian, and gunicorn with two uvicorn workers."""

from __future__ import annotations

import importlib.util
import socket
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.load.load_servers import Server, free_port, listening_socket, start, stop

APP = "examples.app:application"
Command = Callable[[int | None, int], list[str]]


def uvicorn_command(fd: int | None, port: int) -> list[str]:
    return [sys.executable, "-m", "uvicorn", APP, "--fd", str(fd), "--log-level", "warning"]


def hypercorn_command(fd: int | None, port: int) -> list[str]:
    return [sys.executable, "-m", "hypercorn", APP, "--bind", f"fd://{fd}", "--log-level", "warning"]


def daphne_command(fd: int | None, port: int) -> list[str]:
    return [sys.executable, "-m", "daphne", "--fd", str(fd), "-v", "0", APP]


def granian_command(fd: int | None, port: int) -> list[str]:
    return [
        sys.executable, "-m", "granian", "--interface", "asgi", "--host", "127.0.0.1", "--port", str(port),
        "--log-level", "warning", "--workers", "1", APP,
    ]  # fmt: skip


def gunicorn_command(fd: int | None, port: int) -> list[str]:
    return [
        sys.executable, "-m", "gunicorn", "-k", "uvicorn.workers.UvicornWorker", "-w", "2",
        "--bind", f"fd://{fd}", "--log-level", "warning", "--graceful-timeout", "5", APP,
    ]  # fmt: skip


# (id, module that must be importable, command, can it take a listening socket's fd?)
SERVERS: list[tuple[str, str, Command, bool]] = [
    ("uvicorn", "uvicorn", uvicorn_command, True),
    ("hypercorn", "hypercorn", hypercorn_command, True),
    ("daphne", "daphne", daphne_command, True),
    ("granian", "granian", granian_command, False),
    ("gunicorn-uvicorn-workers", "gunicorn", gunicorn_command, True),
]


@pytest.fixture(params=SERVERS, ids=[server[0] for server in SERVERS])
def served(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Server]:
    _name, module, command, takes_fd = request.param
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"{module} is not installed (pip install {module}; it belongs in the dev extra)")
    if takes_fd:
        sock = listening_socket()
        try:
            server = start(command(sock.fileno(), 0), tmp_path, None, sock, sock.getsockname()[1])
        finally:
            # The server process holds its own copy of the socket.
            sock.close()
    else:
        server = start_on_free_port(command, tmp_path)
    try:
        yield server
    finally:
        stop(server.process)


def start_on_free_port(command: Command, tmp: Path, attempts: int = 3) -> Server:
    """Start a server that binds its own port; retry when the port was taken in between."""
    for attempt in range(attempts):
        port = free_port()
        try:
            return start(command(None, port), tmp, None, None, port)
        except pytest.fail.Exception:
            if attempt == attempts - 1 or port_is_free(port):
                raise
    raise AssertionError("unreachable")


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_example_app_answers(served: Any) -> None:
    with httpx.Client(base_url=served.base, timeout=10) as client:
        index = client.get("/")
        assert index.status_code == 200
        assert "/articles/1/" in index.text
        hello = client.get("/hello/ada/", params={"greeting": "Hi"})
        assert hello.json() == {"message": "Hi, ada!"}
        echo = client.post("/echo/", data={"a": "1"}, files={"f": ("x.txt", b"data", "text/plain")})
        assert echo.json() == {"form": {"a": ["1"]}}
        assert client.get("/no/such/page").status_code == 404
