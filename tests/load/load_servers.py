"""Starting and stopping real servers on 127.0.0.1 for the load, fault and server tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Server:
    """A running server process and where it listens."""

    process: subprocess.Popen
    base: str
    port: int
    tmp: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        """What the server printed (only once it has stopped)."""
        return self.process.stdout.read().decode(errors="replace") if self.process.stdout else ""


def free_port() -> int:
    """A port that was free a moment ago (for servers that cannot be handed a socket)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def listening_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    return sock


def environment(tmp: Path, settings: str | None) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MICRODJ_LOAD_TMP": str(tmp)}
    env.pop("MICRODJ_SETTINGS_MODULE", None)
    if settings:
        env["MICRODJ_SETTINGS_MODULE"] = settings
    env.pop("COVERAGE_PROCESS_START", None)
    return env


def wait_until_ready(process: subprocess.Popen, base: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            httpx.get(base + "/", timeout=1)
            return
        except httpx.TransportError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                output = process.stdout.read().decode(errors="replace") if process.stdout else ""
                pytest.fail(f"the server did not start: {output[-3000:]}")
            time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def start(
    command: list[str], tmp: Path, settings: str | None, sock: socket.socket | None, port: int
) -> Server:
    pass_fds = [sock.fileno()] if sock is not None else []
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment(tmp, settings),
        pass_fds=pass_fds,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_ready(process, base)
    return Server(process, base, port, tmp)


@contextmanager
def uvicorn_serving(app: str, settings: str | None = None, timeout: float = 30.0) -> Iterator[str]:
    """Serve ``app`` ("module:attribute") under a real uvicorn on a free port; yield its base URL."""
    sock = listening_socket()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("MICRODJ_SETTINGS_MODULE", None)
    if settings:
        env["MICRODJ_SETTINGS_MODULE"] = settings
    command = [sys.executable, "-m", "uvicorn", app, "--fd", str(sock.fileno())]
    process = subprocess.Popen(
        [*command, "--log-level", "warning", "--lifespan", "on"],
        cwd=ROOT,
        env=env,
        pass_fds=[sock.fileno()],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{sock.getsockname()[1]}"
    try:
        wait_until_ready(process, base, timeout=timeout)
        yield base
    finally:
        stop(process)
        sock.close()
