"""The blocking-call guard under a real uvicorn (127.0.0.1, ephemeral port, bounded, self-stopping):
DEBUG on, so a blocking call in an async view is a 500 debug page naming it; threads pass; serving goes on."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.core.guard_families import FAMILIES
from tests.load.load_servers import stop

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[httpx.Client, subprocess.Popen]]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    port = sock.getsockname()[1]
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "GUARD_WORKDIR": str(tmp_path_factory.mktemp("guard-uvicorn")),
        "NO_PROXY": "*",
        "no_proxy": "*",
    }
    env.pop("MICRODJ_SETTINGS_MODULE", None)
    # The server logs every 500 with its traceback: to a file, as an unread pipe would fill and stall it.
    log = (tmp_path_factory.mktemp("guard-uvicorn-log") / "server.log").open("w+b")
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "tests.core.guard_app:application", "--fd", str(sock.fileno()),
         "--log-level", "warning", "--lifespan", "on"],
        cwd=ROOT, env=env, pass_fds=[sock.fileno()], stdin=subprocess.DEVNULL, stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10, trust_env=False)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                client.get("/ok/", timeout=1)
                break
            except httpx.TransportError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    output = log.read().decode(errors="replace")
                    pytest.fail(f"uvicorn did not start: {output}")
                time.sleep(0.05)
        yield client, process
    finally:
        client.close()
        stop(process)
        log.close()
        sock.close()


@pytest.mark.parametrize("family", FAMILIES)
def test_blocking_call_in_async_view_is_a_500_debug_page_naming_it(server, family):
    client, _ = server
    response = client.get(f"/async/{family}/")
    assert response.status_code == 500
    assert "BlockingCallError" in response.text
    assert f"Blocking call {FAMILIES[family].call} in async code" in response.text
    assert "tests.core.urls_guard.async_blocking (url name &#x27;guard-async&#x27;)" in response.text


def test_time_sleep_named_in_the_debug_page(server):
    client, _ = server
    response = client.get("/async/sleep/")
    assert response.status_code == 500
    assert response.headers["content-type"].startswith("text/html")
    assert "BlockingCallError" in response.text and "time.sleep()" in response.text


@pytest.mark.parametrize("via", ["sync", "sync-to-async"])
@pytest.mark.parametrize("family", FAMILIES)
def test_same_call_passes_in_sync_view_and_sync_to_async(server, family, via):
    client, _ = server
    response = client.get(f"/{via}/{family}/")
    assert response.status_code == 200
    expected = FAMILIES[family].result
    if expected is not None:
        assert response.text == expected


def test_non_blocking_async_views(server):
    client, _ = server
    assert client.get("/asyncio-sleep/").text == "asyncio slept"
    assert client.get("/tcp/").text == "PING hello"
    assert client.get("/non-blocking/").text == "done"


def test_the_server_keeps_serving_after_the_errors(server):
    client, process = server
    for _ in range(3):
        assert client.get("/async/sleep/").status_code == 500
        assert client.get("/sync/sleep/").text == "slept"
    assert client.get("/ok/").text == "ok"
    assert process.poll() is None
