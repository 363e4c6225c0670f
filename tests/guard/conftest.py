"""Fixtures shared by the blocking-call guard tests."""

from __future__ import annotations

import http.server
import socket
import threading
import time
from collections.abc import Iterator

import pytest

from microdj.guard import install, is_installed, uninstall
from tests.guard.support import Handler, Resources

# The test client installs the guard for the whole process; these tests start from the originals.
_GUARD_WAS_INSTALLED = is_installed()
uninstall()
ORIGINAL_SLEEP = time.sleep
ORIGINAL_OPEN = open


@pytest.fixture(autouse=True)
def _nothing_left_installed() -> Iterator[None]:
    was_installed = is_installed()
    uninstall()
    yield
    assert not is_installed()
    assert time.sleep is ORIGINAL_SLEEP and open is ORIGINAL_OPEN
    if was_installed or _GUARD_WAS_INSTALLED:
        install("raise")


@pytest.fixture
def guard() -> Iterator[None]:
    """The guard installed in "raise" mode for the test, uninstalled afterwards."""
    install("raise")
    try:
        yield
    finally:
        uninstall()


@pytest.fixture(scope="module")
def res(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Resources]:
    """A file, a TCP listener and an HTTP server on 127.0.0.1 for the family cases."""
    file = tmp_path_factory.mktemp("guard") / "data.txt"
    file.write_text("hello")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    listener = socket.create_server(("127.0.0.1", 0), backlog=128)
    try:
        port = server.server_address[1]
        yield Resources(listener.getsockname(), port, f"http://127.0.0.1:{port}/", file)
    finally:
        listener.close()
        server.shutdown()
        server.server_close()


# -- one case per blocking family: (expected call, function doing the blocking call and succeeding) ----------
