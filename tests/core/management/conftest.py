"""Fixtures for the command-line tests: a fresh command list, the sample project's settings module."""

import io
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from microdj.conf import settings
from microdj.core.management import call_command, get_commands

PROJECT_SETTINGS = "tests.core.management.project.settings"


@pytest.fixture(autouse=True)
def fresh_commands():
    get_commands.cache_clear()
    yield
    get_commands.cache_clear()


@pytest.fixture
def project(monkeypatch, override):
    """The sample project: its settings module's package has management/commands, COMMANDS lists more."""
    monkeypatch.setattr(settings, "SETTINGS_MODULE", PROJECT_SETTINGS)
    override(COMMANDS=["tests.core.management.extra_commands", "tests.core.management.single_command"])
    get_commands.cache_clear()


# -- real servers -------------------------------------------------------------------------------------------


ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MICRODJ_SETTINGS_MODULE", "PYTHONPATH")}
    env.update({"NO_PROXY": "*", "no_proxy": "*", "PYTHONUNBUFFERED": "1", "NO_COLOR": "1"})
    return env


def start(command: list[str], cwd: Path, log: Path) -> subprocess.Popen:
    """A server process writing its output to ``log`` (a pipe nobody reads could fill up and stall it)."""
    return subprocess.Popen(
        command,
        cwd=cwd,
        env=project_env(),
        stdin=subprocess.DEVNULL,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for(condition, process: subprocess.Popen, log: Path, timeout: float = 30.0):
    """Poll ``condition()`` until it returns something true; fail with the server's output otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = condition()
        except (httpx.TransportError, OSError):
            result = None
        if result:
            return result
        if process.poll() is not None or time.monotonic() > deadline:
            raise AssertionError(
                f"server not ready (exit {process.poll()}): {log.read_text(errors='replace')}"
            )
        time.sleep(0.1)


def stop(process: subprocess.Popen) -> None:
    """SIGTERM the server (and its children, in its own session), then wait; kill after 15 s."""
    if process.poll() is None:
        os.killpg(process.pid, 15)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, 9)
            process.wait(timeout=5)


def get(url: str) -> httpx.Response:
    return httpx.get(url, timeout=5, trust_env=False)


@pytest.fixture
def new_project(tmp_path) -> Path:
    """A project made by startproject: tmp_path/mysite with manage.py."""
    call_command("startproject", "mysite", str(tmp_path), stdout=io.StringIO())
    return tmp_path


PYTHON = sys.executable
