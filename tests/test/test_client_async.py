"""AsyncClient against small raw ASGI apps; tracebacks of app errors; shut-down at interpreter exit."""

import asyncio
import sys
import threading

import pytest

from microdj.test import AsyncClient, Client
from microdj.test.client import RedirectCycleError
from tests.support.raw_apps import crashing_app, echo_app, header_dict, lifespan_app, redirect_app


# --------------------------------------------------------------------------------------- AsyncClient
def test_async_client_requests_cookies_and_lifespan():
    log = []

    async def main():
        async with AsyncClient(lifespan_app(log)) as client:
            assert (await client.get("/")).content == b"connected"
            assert threading.current_thread().name == log[-1][1]
        echo = AsyncClient(echo_app, headers={"X-Default": "1"})
        await echo.get("/set/")
        data = (await echo.post("/p/", {"a": "b"}, query_params={"q": 1})).json()
        await echo.aclose()
        return data

    data = asyncio.run(main())
    assert [event for event, _ in log] == ["startup", "request", "shutdown"]
    assert data["method"] == "POST"
    assert data["query"] == "q=1"
    assert header_dict(data)["cookie"] == "flavour=oatmeal; size=large"
    assert header_dict(data)["x-default"] == "1"


def test_async_client_starts_lifespan_lazily_and_aclose_shuts_it_down():
    log = []

    async def main():
        client = AsyncClient(lifespan_app(log))
        assert log == []
        await client.get("/")
        await client.aclose()
        await client.aclose()

    asyncio.run(main())
    assert [event for event, _ in log] == ["startup", "request", "shutdown"]


@pytest.mark.parametrize("method", ["put", "patch", "delete", "options"])
def test_async_client_body_methods(method):
    async def main():
        client = AsyncClient(redirect_app)
        direct = await getattr(client, method)("/x/", "data", content_type="text/plain")
        followed = await getattr(client, method)("/keep/", "data", content_type="text/plain", follow=True)
        return direct.json(), followed

    direct, followed = asyncio.run(main())
    assert (direct["method"], direct["body"]) == (method.upper(), "data")
    assert followed.json()["method"] == method.upper()
    assert followed.redirect_chain == [("/echo/?kept=1", 307)]


def test_async_client_follow_head_trace_and_exceptions():
    async def main():
        client = AsyncClient(redirect_app)
        got = await client.get("/a/", follow=True)
        posted = await client.post("/see-other/", {"a": 1}, follow=True)
        head = await client.head("/keep/", follow=True)
        trace = await client.trace("/keep/", follow=True)
        plain = [await client.head("/echo/"), await client.trace("/echo/")]
        with pytest.raises(RedirectCycleError):
            await client.get("/loop/", follow=True)
        with pytest.raises(ZeroDivisionError):
            await AsyncClient(crashing_app).get("/")
        return got, posted, head, trace, plain

    got, posted, head, trace, plain = asyncio.run(main())
    assert got.json()["path"] == "/b/relative/"
    assert len(got.redirect_chain) == 2
    assert posted.json()["method"] == "GET"
    assert head.request["REQUEST_METHOD"] == "HEAD"
    assert trace.json()["method"] == "TRACE"
    assert [r.request["REQUEST_METHOD"] for r in plain] == ["HEAD", "TRACE"]


def test_async_client_lifespan_startup_failure():
    async def main():
        async with AsyncClient(lifespan_app([], fail=True)):
            pass  # pragma: no cover - never entered

    with pytest.raises(RuntimeError, match="startup failed: no database"):
        asyncio.run(main())


def test_exception_traceback_points_at_the_app():
    with Client(crashing_app) as client:
        try:
            client.get("/")
        except ZeroDivisionError:
            frames = []
            tb = sys.exc_info()[2]
            while tb is not None:
                frames.append(tb.tb_frame.f_code.co_name)
                tb = tb.tb_next
    assert "crashing_app" in frames


EXIT_SCRIPT = """
from microdj.conf import settings
from microdj.test import Client

async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        await receive()
        await send({"type": "lifespan.startup.complete"})
        await receive()
        print("shutdown ran", flush=True)
        await send({"type": "lifespan.shutdown.complete"})
        return
    await send({"type": "http.response.start", "status": 200})
    await send({"type": "http.response.body", "body": b"ok"})

settings.configure()
client = Client(app)
print(client.get("/").content.decode(), flush=True)
"""


def test_interpreter_exit_shuts_an_open_client_down():
    import subprocess

    result = subprocess.run(
        [sys.executable, "-c", EXIT_SCRIPT], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["ok", "shutdown", "ran"]
