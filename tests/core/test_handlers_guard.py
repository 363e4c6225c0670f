"""The blocking-call guard through the handler and the test client: every blocking family raises in an
async view and passes in a sync view or a worker thread; middleware, modes, allow-lists, non-blocking uses."""

from __future__ import annotations

import asyncio
import builtins
import io
import logging
import mimetypes
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from microdj.asgi import get_asgi_application
from microdj.guard import BlockingCallError, install, is_installed, policy, uninstall
from microdj.test import AsyncClient, Client, override_settings
from tests.core import guard_families
from tests.core.blockbuster_support import framework_blockbuster
from tests.core.guard_families import FAMILIES

URLCONF = "tests.core.urls_guard"
VIEW = "tests.core.urls_guard.async_blocking (url name 'guard-async')"
THREADED = ["sync", "sync-to-async", "anyio-thread", "executor"]


@pytest.fixture(autouse=True)
def fresh_guard() -> Iterator[None]:
    """Start each test with the originals in place (and no 'warned' memory); put the prior state back."""
    state = policy.state
    was_installed, mode = is_installed(), state.mode
    uninstall()
    yield
    uninstall()
    if was_installed:
        install("raise")
        state.mode = mode


@pytest.fixture(scope="module")
def http_server() -> Iterator[int]:
    server = guard_families.start_http_server()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(autouse=True)
def family_env(tmp_path, monkeypatch, http_server) -> None:
    """Files in tmp_path, a local HTTP server without proxies, and lines for input()."""
    monkeypatch.setitem(guard_families.WORKDIR, "path", str(tmp_path))
    monkeypatch.setitem(guard_families.HTTP, "port", http_server)
    monkeypatch.setenv("NO_PROXY", "*")
    monkeypatch.setenv("no_proxy", "*")
    monkeypatch.setattr(sys, "stdin", io.StringIO("typed line\n" * 10))


@pytest.fixture
def client() -> Iterator[Client]:
    """The test client's default application (guard on) on the guard URLconf."""
    with override_settings(ROOT_URLCONF=URLCONF):
        client = Client()
        try:
            yield client
        finally:
            client.close()


# -- every family: raises on the loop, passes in threads -----------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_blocking_call_in_async_view_raises_naming_call_view_and_remedy(client, family):
    expected = FAMILIES[family]
    with pytest.raises(BlockingCallError) as caught:
        client.get(f"/async/{family}/")
    error = caught.value
    message = str(error)
    assert message.startswith(f"Blocking call {expected.call} in async code: {VIEW}, at ")
    assert expected.remedy in message
    assert "sync_to_async" in message and "allow_blocking()" in message
    assert (error.call, error.label) == (expected.call, VIEW)
    assert f"{os.sep}guard_families.py:" in error.location
    assert f"(in {expected.action.__name__})" in error.location
    if family == "path-read-text":
        assert error.call_site.startswith("pathlib.")  # the frame that called io.open()
    else:
        assert error.call_site == f"tests.core.guard_families.{expected.action.__name__}"


@pytest.mark.parametrize("family", FAMILIES)
def test_blocking_call_in_async_view_is_a_500_when_not_reraised(family):
    with override_settings(ROOT_URLCONF=URLCONF):
        client = Client(raise_request_exception=False)
        response = client.get(f"/async/{family}/")
        client.close()
    assert response.status_code == 500


@pytest.mark.parametrize("via", THREADED)
@pytest.mark.parametrize("family", FAMILIES)
def test_same_call_passes_in_sync_view_and_worker_threads(client, family, via):
    response = client.get(f"/{via}/{family}/")
    assert response.status_code == 200
    expected = FAMILIES[family].result
    if expected is not None:
        assert response.content.decode() == expected
    assert is_installed()


def test_input_reads_stdin_in_a_sync_view(client):
    assert client.get("/sync/input/").content == b"typed line"


def test_a_contended_threading_lock_is_caught(client):
    # threading.Lock() made while the guard is installed is a guarded lock: a contended acquire that would
    # wait (here with a timeout) fires, naming the call.
    with pytest.raises(BlockingCallError, match=r"threading\.Lock\.acquire\(\)") as info:
        client.get("/lock/")
    assert "do_lock_acquire" in info.value.location


def test_async_client_reports_the_same_error():
    async def main() -> None:
        with override_settings(ROOT_URLCONF=URLCONF):
            client = AsyncClient()
            with pytest.raises(BlockingCallError, match=r"time\.sleep\(\)"):
                await client.get("/async/sleep/")
            assert (await client.get("/async-no/", follow=False)).status_code == 404
            assert (await client.get("/sync/sleep/")).content == b"slept"
            await client.aclose()

    asyncio.run(main())


def test_the_error_is_a_synchronous_only_operation(client):
    from microdj.core.exceptions import SynchronousOnlyOperation

    with pytest.raises(SynchronousOnlyOperation):
        client.get("/async/sleep/")


# -- middleware ----------------------------------------------------------------------------------------------


def test_async_middleware_that_blocks_raises_naming_the_middleware():
    path = "tests.core.urls_guard.SleepyAsyncMiddleware"
    with override_settings(ROOT_URLCONF=URLCONF, MIDDLEWARE=[path]):
        client = Client()
        with pytest.raises(BlockingCallError) as caught:
            client.get("/ok/")
        client.close()
    assert caught.value.label == f"middleware {path}"
    assert f"Blocking call time.sleep() in async code: middleware {path}, at " in str(caught.value)
    assert "(in SleepyAsyncMiddleware.__call__)" in caught.value.location


def test_sync_middleware_that_blocks_runs_in_a_thread_and_passes():
    with override_settings(ROOT_URLCONF=URLCONF, MIDDLEWARE=["tests.core.urls_guard.SleepySyncMiddleware"]):
        client = Client()
        assert client.get("/ok/").content == b"ok"
        with pytest.raises(BlockingCallError):
            client.get("/async/sleep/")  # the async view inside still runs under the guard
        client.close()


def test_async_process_view_hook_that_blocks_raises_inside_its_middleware():
    # The hook runs inside the middleware's own (marked) call, so it is reported under its label.
    path = "tests.core.urls_guard.SleepyViewHookMiddleware"
    with override_settings(ROOT_URLCONF=URLCONF, MIDDLEWARE=[path]):
        client = Client()
        try:
            with pytest.raises(BlockingCallError) as caught:
                client.get("/ok/")
        finally:
            client.close()
    assert caught.value.label == f"middleware {path}"
    assert "(in SleepyViewHookMiddleware.process_view)" in caught.value.location


# -- modes ---------------------------------------------------------------------------------------------------


def _security_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "microdj.security"]


def test_warn_mode_from_settings_logs_once_per_call_site(caplog):
    caplog.set_level(logging.WARNING, logger="microdj.security")
    with override_settings(ROOT_URLCONF=URLCONF, ASYNC_SAFETY="warn"):
        client = Client()
        for _ in range(3):
            assert client.get("/async/sleep/").content == b"slept"
        records = _security_records(caplog)
        assert len(records) == 1
        assert records[0].levelno == logging.WARNING
        message = records[0].getMessage()
        assert f"Blocking call time.sleep() in async code: {VIEW}" in message
        assert "(Logged once per call site.)" in message
        for _ in range(2):
            assert client.get("/sleep-elsewhere/").content == b"slept"
            assert client.get("/async/open-read/").content == b"read me"
        client.close()
    messages = [record.getMessage() for record in _security_records(caplog)]
    assert len(messages) == 3
    assert "url name 'guard-sleep-elsewhere'" in messages[1] and "do_sleep_elsewhere" in messages[1]
    assert "Blocking call open()" in messages[2]


def test_warn_mode_given_to_the_application(caplog):
    caplog.set_level(logging.WARNING, logger="microdj.security")
    with override_settings(ROOT_URLCONF=URLCONF):
        client = Client(get_asgi_application(async_safety="warn"))
        assert client.get("/async/subprocess-run/").content == b"0"
        assert client.get("/sync-to-async/sleep/").content == b"slept"  # threads: nothing logged
        client.close()
    [record] = _security_records(caplog)
    assert "Blocking call subprocess.run()" in record.getMessage()


def test_off_mode_given_to_the_application_installs_nothing():
    original = time.sleep
    with override_settings(ROOT_URLCONF=URLCONF, ASYNC_SAFETY=None, DEBUG=False):
        client = Client(get_asgi_application(async_safety="off"))
        assert client.get("/async/sleep/").content == b"slept"
        assert client.get("/async/open-read/").content == b"read me"
        client.close()
    assert not is_installed()
    assert time.sleep is original


def test_settings_off_by_default_without_debug_leave_the_original_functions():
    originals = (time.sleep, builtins.open, socket.socket.connect, socket.getaddrinfo, threading.Event.wait)
    assert not any(hasattr(function, "__microdj_guard__") for function in originals)
    with override_settings(ROOT_URLCONF=URLCONF, ASYNC_SAFETY=None, DEBUG=False):
        app = get_asgi_application()
        assert not app.runner.guarded
        client = Client(app)
        assert client.get("/async/sleep/").content == b"slept"
        client.close()
    assert not is_installed()
    current = (time.sleep, builtins.open, socket.socket.connect, socket.getaddrinfo, threading.Event.wait)
    assert all(now is before for now, before in zip(current, originals, strict=True))


def test_settings_off_turns_the_test_clients_guard_off():
    with override_settings(ROOT_URLCONF=URLCONF, ASYNC_SAFETY="off"):
        client = Client()
        assert client.get("/async/sleep/").content == b"slept"
        client.close()
    assert not is_installed()


def test_debug_turns_the_guard_on_when_the_setting_is_none():
    original = time.sleep
    with override_settings(ROOT_URLCONF=URLCONF, ASYNC_SAFETY=None, DEBUG=True):
        client = Client(get_asgi_application())
        assert time.sleep is not original
        with pytest.raises(BlockingCallError):
            client.get("/async/sleep/")
        client.close()
    uninstall()
    assert time.sleep is original


def test_the_test_client_turns_the_guard_on_by_default():
    original = time.sleep
    with override_settings(ROOT_URLCONF=URLCONF, ASYNC_SAFETY=None, DEBUG=False):
        client = Client()
        assert client.get("/ok/").content == b"ok"
        assert is_installed() and time.sleep is not original
        client.close()


def test_an_off_application_does_not_fire_while_another_installed_the_guard():
    with override_settings(ROOT_URLCONF=URLCONF):
        guarded = Client()
        with pytest.raises(BlockingCallError):
            guarded.get("/async/sleep/")
        unguarded = Client(get_asgi_application(async_safety="off"))
        assert unguarded.get("/async/sleep/").content == b"slept"
        guarded.close()
        unguarded.close()


def test_an_explicit_mode_applies_to_its_own_application_only():
    with override_settings(ROOT_URLCONF=URLCONF):
        raising = Client(get_asgi_application(async_safety="raise"))
        warning = Client(get_asgi_application(async_safety="warn"))
        try:
            assert warning.get("/async/sleep/").content == b"slept"
            with pytest.raises(BlockingCallError):
                raising.get("/async/sleep/")
        finally:
            raising.close()
            warning.close()


# -- escape hatches ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("entry", ["tests.core.guard_families.do_sleep", "tests.core.guard_families"])
def test_async_safety_allow_lets_a_listed_call_site_through(client, entry):
    with override_settings(ASYNC_SAFETY_ALLOW=[entry]):
        assert client.get("/async/sleep/").content == b"slept"
        if entry.endswith("do_sleep"):
            with pytest.raises(BlockingCallError, match="do_sleep_elsewhere"):
                client.get("/sleep-elsewhere/")
    with pytest.raises(BlockingCallError):
        client.get("/async/sleep/")


def test_allow_blocking_inside_a_view(client):
    assert client.get("/allowed/").content == b"allowed"
    assert client.get("/allowed-decorated/").content == b"allowed"


def test_allow_blocking_covers_only_its_block(client):
    with pytest.raises(BlockingCallError, match="async_blocking_after_allowed"):
        client.get("/after-allowed/")


# -- non-blocking uses never trip it -------------------------------------------------------------------------


def test_asyncio_sleep(client):
    assert client.get("/asyncio-sleep/").content == b"asyncio slept"


def test_asyncio_tcp_connections_on_127_0_0_1(client):
    assert client.get("/tcp/").content == b"PING hello"


def test_logging_to_a_stream_and_a_lazily_opened_file(client, tmp_path, capsys):
    assert client.get("/logging/").content == b"logged"
    assert (tmp_path / "guard.log").read_text() == "logged from an async view\n"
    assert "logged from an async view" in capsys.readouterr().err


def test_importing_modules_inside_the_view(client, tmp_path, monkeypatch):
    name = "handlers_guard_view_fresh_module"
    (tmp_path / f"{name}.py").write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "colorsys", raising=False)
    assert name not in sys.modules
    try:
        response = client.get("/import/", {"module": name})
        assert response.content == f"colorsys {name}".encode()
        assert sys.modules[name].VALUE == 1
    finally:
        sys.modules.pop(name, None)


def test_mimetypes_first_use(client, monkeypatch):
    assert any(os.path.exists(name) for name in mimetypes.knownfiles)  # so the tables are read from disk
    monkeypatch.setattr(mimetypes, "inited", False)
    monkeypatch.setattr(mimetypes, "_db", None)
    assert client.get("/mimetypes/").content == b"application/pdf"
    assert mimetypes.inited


def test_print(client, capsys):
    assert client.get("/print/").content == b"printed"
    assert "printed from an async view" in capsys.readouterr().out


def test_forms_that_cannot_block(client):
    assert client.get("/non-blocking/").content == b"done"


def test_sync_views_work_exactly_as_before_with_the_guard_on_and_off():
    with override_settings(ROOT_URLCONF=URLCONF):
        for app in (get_asgi_application(async_safety="raise"), get_asgi_application(async_safety="off")):
            client = Client(app)
            for family in ("sleep", "open-read", "sqlite-connect", "subprocess-run"):
                response = client.get(f"/sync/{family}/")
                assert (response.status_code, response.content.decode()) == (200, FAMILIES[family].result)
            client.close()


# -- async response bodies -----------------------------------------------------------------------------------


def test_blocking_call_in_an_async_streaming_body_raises(client):
    with pytest.raises(BlockingCallError, match=r"time\.sleep\(\)"):
        client.get("/stream/")


# -- the framework itself never blocks the loop (blockbuster around microdj's code) --------------------------


@pytest.mark.parametrize("debug", [False, True])
def test_the_framework_never_blocks_the_loop(tmp_path, debug):
    def upload() -> io.BytesIO:
        data = io.BytesIO(b"x" * 5000)
        data.name = "big.bin"
        return data

    # The test client's multipart encoder (microdj/test/requestfactory.py, encode_file) calls
    # mimetypes.guess_type(), whose first use reads the system's tables from disk (os.stat, open) on the
    # loop: a one-time cost of the test tooling, not of the request path, so the tables are loaded here.
    mimetypes.init()

    async def main() -> None:
        with override_settings(
            ROOT_URLCONF=URLCONF,
            DEBUG=debug,
            FILE_UPLOAD_MAX_MEMORY_SIZE=100,  # the upload is spilled to a temporary file
            FILE_UPLOAD_TEMP_DIR=str(tmp_path),
        ):
            client = AsyncClient(get_asgi_application(), raise_request_exception=False)
            with framework_blockbuster():
                response = await client.get("/fw/echo/", {"a": "1"})
                assert response.json()["GET"] == {"a": "1"}
                response = await client.post("/fw/echo/", {"name": "value"})
                assert response.json()["POST"] == {"name": "value"}
                response = await client.post("/fw/echo/", {"name": "value", "file": upload()})
                assert response.json()["FILES"] == {"file": ["big.bin", 5000, "TemporaryUploadedFile"]}
                response = await client.post("/fw/echo-sync/", {"file": upload()})
                assert response.json()["FILES"] == {"file": ["big.bin", "x" * 5000]}
                response = await client.get("/fw/stream-async/")
                assert b"".join([chunk async for chunk in response.streaming_content]) == b"a0;a1;a2;"
                response = await client.get("/fw/stream-sync/")
                assert b"".join(response.streaming_content) == b"s0;s1;s2;"
                assert (await client.get("/no/such/page/")).status_code == 404
                assert (await client.get("/fw/error/")).status_code == 500
                assert (await client.get("/fw/error-sync/")).status_code == 500
                assert (await client.head("/fw/echo/")).status_code == 200
                await client.aclose()
        assert list(tmp_path.iterdir()) == []  # the spilled uploads were removed

    asyncio.run(main())


def test_blockbuster_sees_a_blocking_call_under_a_microdj_frame():
    # The check above could not pass vacuously: the same set-up catches a view that blocks.
    blockbuster = pytest.importorskip("blockbuster")
    uninstall()  # blockbuster alone, without the microdj guard in front of time.sleep

    async def main() -> None:
        with override_settings(ROOT_URLCONF=URLCONF):
            client = AsyncClient(get_asgi_application(async_safety="off"))
            with framework_blockbuster(), pytest.raises(blockbuster.BlockingError, match="sleep"):
                await client.get("/async/sleep/")
            await client.aclose()

    asyncio.run(main())
