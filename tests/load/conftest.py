"""Real servers on 127.0.0.1 for the load, fault and server tests; the ``stress`` switch.

Tests marked ``@pytest.mark.stress`` (the long load runs) are skipped unless MICRODJ_STRESS=1 is set
(``make stress``); their short versions always run.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import pytest

from tests.load.load_servers import Server, listening_socket, start, stop

STRESS = os.environ.get("MICRODJ_STRESS") == "1"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "stress: a long load run; skipped unless MICRODJ_STRESS=1")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if STRESS:
        return
    skip = pytest.mark.skip(reason="long load run: set MICRODJ_STRESS=1 (make stress)")
    for item in items:
        if item.get_closest_marker("stress") is not None:
            item.add_marker(skip)


@pytest.fixture(scope="module")
def uvicorn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``uvicorn tests.load.app_load:application`` on a socket bound here to 127.0.0.1:0."""
    tmp = tmp_path_factory.mktemp("uploads")
    sock = listening_socket()
    command = [
        sys.executable, "-m", "uvicorn", "tests.load.app_load:application", "--fd", str(sock.fileno()),
        "--log-level", "warning", "--lifespan", "on", "--backlog", "512", "--timeout-keep-alive", "30",
    ]  # fmt: skip
    server = start(command, tmp, "tests.load.settings_load", sock, sock.getsockname()[1])
    try:
        yield server
    finally:
        stop(server.process)
        sock.close()
