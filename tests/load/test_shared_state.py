"""Four uvicorn workers behind one port on one real Redis: sessions, cache_page, WebSocket groups, faults.

Each answer carries ``X-Served-By`` (the worker's pid); new connections are spread over the workers by the
kernel, so each check repeats (bounded) until every worker has answered.
"""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.load.load_servers import ROOT, stop
from tests.support.redis_server import RedisServer, requires_redis

pytestmark = requires_redis
WORKERS = 4
TRIES = 400
SETTINGS = "tests.support.scaling_settings"

try:
    import microdj.websocket  # noqa: F401
    from microdj.websocket import AsyncWebsocketConsumer  # noqa: F401

    HAVE_CONSUMERS = True
except ImportError:  # pragma: no cover
    HAVE_CONSUMERS = False


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def redis(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis-workers"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def workers(redis, tmp_path_factory):
    """``uvicorn --workers 4`` on 127.0.0.1; yields its base URL once all four workers have answered."""
    import os

    port = _port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MICRODJ_SETTINGS_MODULE": SETTINGS}
    env["MICRODJ_TEST_REDIS_URL"] = redis.url
    env.pop("COVERAGE_PROCESS_START", None)
    command = [
        sys.executable, "-m", "uvicorn", "tests.support.scaling_asgi:application",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(WORKERS),
        "--log-level", "warning", "--timeout-graceful-shutdown", "3",
    ]  # fmt: skip
    log = open(tmp_path_factory.mktemp("workers") / "uvicorn.log", "w+b")  # noqa: SIM115 - closed below
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        seen: set[str] = set()
        deadline = time.monotonic() + 60
        while len(seen) < WORKERS:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                log.seek(0)
                pytest.fail(f"{len(seen)} of {WORKERS} workers answered: {log.read()[-3000:]!r}")
            try:
                seen.add(httpx.get(base + "/", timeout=2).headers["X-Served-By"])
            except httpx.TransportError:
                time.sleep(0.1)
        yield base
    finally:
        stop(process)
        log.close()


def until_every_worker(fetch) -> dict[str, httpx.Response]:
    """Call ``fetch()`` (a new connection each time) until each worker has answered; their last answers."""
    answers: dict[str, httpx.Response] = {}
    for _ in range(TRIES):
        response = fetch()
        answers[response.headers["X-Served-By"]] = response
        if len(answers) == WORKERS:
            return answers
    pytest.fail(f"only {len(answers)} workers answered in {TRIES} requests")


def test_a_session_written_by_one_worker_is_read_by_all(workers):
    written = httpx.get(workers + "/session/set/?v=shared", timeout=5)
    assert written.status_code == 200
    cookie = written.cookies["sessionid"]
    answers = until_every_worker(
        lambda: httpx.get(workers + "/session/aget/", cookies={"sessionid": cookie}, timeout=5)
    )
    assert {r.json()["value"] for r in answers.values()} == {"shared"}
    sync_answers = until_every_worker(
        lambda: httpx.get(workers + "/session/get/", cookies={"sessionid": cookie}, timeout=5)
    )
    assert {r.json()["value"] for r in sync_answers.values()} == {"shared"}


@pytest.mark.parametrize("path", ["/cached/", "/cached-sync/"])
def test_a_cached_page_is_served_by_any_worker(workers, path):
    first = httpx.get(workers + path + "?run=1", timeout=5)
    answers = until_every_worker(lambda: httpx.get(workers + path + "?run=1", timeout=5))
    # Every worker answers the one rendering stored in Redis.
    assert {r.content for r in answers.values()} == {first.content}
    assert all(r.status_code == 200 and "max-age=60" in r.headers["Cache-Control"] for r in answers.values())


@pytest.mark.skipif(not HAVE_CONSUMERS, reason="needs microdj.websocket consumers")
def test_a_group_message_reaches_clients_on_different_workers(workers):
    import websockets

    url = workers.replace("http://", "ws://") + "/ws/room/lobby/"

    async def body():
        clients: dict[str, object] = {}
        extra = []
        for _ in range(TRIES):
            ws = await websockets.connect(url, open_timeout=5)
            pid = (await asyncio.wait_for(ws.recv(), 5)).split()[1]
            if pid in clients:
                extra.append(ws)
            else:
                clients[pid] = ws
            if len(clients) >= 2:
                break
        try:
            assert len(clients) >= 2, "every connection landed on one worker"
            (sender_pid, sender), *_ = clients.items()
            await sender.send("hello")
            for pid, ws in clients.items():
                assert await asyncio.wait_for(ws.recv(), 10) == f"hello from {sender_pid} to {pid}"
        finally:
            for ws in [*clients.values(), *extra]:
                await ws.close()

    asyncio.run(body())


def test_redis_outage_and_recovery(workers, redis):
    cookie = httpx.get(workers + "/session/set/?v=before", timeout=5).cookies["sessionid"]
    cached = httpx.get(workers + "/cached/?outage=1", timeout=5)
    redis.stop()
    try:
        for _ in range(WORKERS * 3):
            started = time.monotonic()
            page = httpx.get(workers + "/cached/?outage=1", timeout=10)
            session = httpx.get(workers + "/session/aget/", cookies={"sessionid": cookie}, timeout=10)
            write = httpx.get(workers + "/session/set/?v=x", timeout=10)
            # Bounded by the 0.5 s Redis timeouts of scaling_settings, not hanging.
            assert time.monotonic() - started < 8
            assert page.status_code == 200 and page.content != cached.content  # a miss: rendered afresh
            assert session.status_code == 503 and session.text == "503 Service Unavailable"
            assert write.status_code == 503
    finally:
        redis.start()
    # The same workers recover without a restart (the new Redis is empty: old sessions are gone).
    written = httpx.get(workers + "/session/set/?v=after", timeout=5)
    assert written.status_code == 200
    answers = until_every_worker(
        lambda: httpx.get(
            workers + "/session/get/", cookies={"sessionid": written.cookies["sessionid"]}, timeout=5
        )
    )
    assert {r.json()["value"] for r in answers.values()} == {"after"}
    fresh = httpx.get(workers + "/cached/?outage=2", timeout=5)
    assert httpx.get(workers + "/cached/?outage=2", timeout=5).content == fresh.content
