"""The ASGI layer around the chain (asgi.py): lifespan hooks, headers, other entry points."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest

from microdj.asgi import get_asgi_application
from microdj.test import override_settings
from tests.core import urls_middleware
from tests.core.chain_support import MW, URLCONF, clear_events, client_for, get  # noqa: F401
from tests.support.asgi import acall, call, make_scope

# -- the ASGI layer around the chain (asgi.py): lifespan hooks, headers, other entry points -------------


def lifespan(app, *types: str) -> list[dict]:
    """Drive the lifespan protocol with messages of ``types``; return what the application sent."""
    incoming = [{"type": kind} for kind in types]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0)

    async def send(message: dict) -> None:
        sent.append(message)

    asyncio.run(app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send))
    return sent


COMPLETE = [{"type": "lifespan.startup.complete"}, {"type": "lifespan.shutdown.complete"}]
HOOKS = "tests.core.urls_middleware."


@pytest.fixture
def hook_calls() -> Iterator[list[str]]:
    urls_middleware.HOOK_CALLS.clear()
    yield urls_middleware.HOOK_CALLS
    urls_middleware.HOOK_CALLS.clear()


def test_lifespan_hooks_from_settings_then_arguments_by_dotted_path(hook_calls):
    async def async_hook():
        hook_calls.append("async argument")

    with override_settings(ROOT_URLCONF=URLCONF, ON_STARTUP=[HOOKS + "startup_hook"]):
        app = get_asgi_application(
            on_startup=[async_hook, HOOKS + "startup_hook"], on_shutdown=[HOOKS + "shutdown_hook"]
        )
    assert lifespan(app, "lifespan.startup", "lifespan.shutdown") == COMPLETE
    assert hook_calls == ["startup", "async argument", "startup", "shutdown"]


def test_sync_lifespan_hook_returning_a_coroutine_is_awaited(hook_calls):
    with override_settings(ROOT_URLCONF=URLCONF, ON_SHUTDOWN=[HOOKS + "coroutine_hook"]):
        app = get_asgi_application(on_startup=[urls_middleware.coroutine_hook])
    assert lifespan(app, "lifespan.startup", "lifespan.shutdown") == COMPLETE
    assert hook_calls == ["awaited", "awaited"]


def test_unknown_lifespan_messages_are_ignored(hook_calls):
    with override_settings(ROOT_URLCONF=URLCONF):
        app = get_asgi_application(on_shutdown=[urls_middleware.shutdown_hook])
    assert lifespan(app, "lifespan.startup", "lifespan.unknown", "lifespan.shutdown") == COMPLETE
    assert hook_calls == ["shutdown"]


def test_lifespan_shutdown_failure_is_reported_and_the_pool_still_stops(caplog):
    def broken():
        raise RuntimeError("cannot stop")

    with override_settings(ROOT_URLCONF=URLCONF):
        app = get_asgi_application(on_startup=[lambda: None], on_shutdown=[broken])
    with caplog.at_level(logging.ERROR, logger="microdj.request"):
        sent = lifespan(app, "lifespan.startup", "lifespan.shutdown")
    assert sent == [
        {"type": "lifespan.startup.complete"},
        {"type": "lifespan.shutdown.failed", "message": "RuntimeError: cannot stop"},
    ]
    (record,) = [r for r in caplog.records if r.name == "microdj.request"]
    assert record.getMessage() == "Lifespan shut-down failed"
    assert record.exc_info[0] is RuntimeError
    assert app.pool.size == 0


def test_lifespan_hook_that_cannot_be_imported_fails_start_up():
    with override_settings(ROOT_URLCONF=URLCONF):
        app = get_asgi_application(on_startup=[HOOKS + "missing_hook"])
    assert lifespan(app, "lifespan.startup") == [
        {
            "type": "lifespan.startup.failed",
            "message": "ImportError: Module 'tests.core.urls_middleware' does not define a 'missing_hook' "
            "attribute.",
        }
    ]


def test_handle_http_answers_like_the_application():
    with override_settings(ROOT_URLCONF=URLCONF):
        app = get_asgi_application()
        result = asyncio.run(acall(app.handle_http, make_scope("GET", "/sync/")))
    assert (result["status"], result["body"]) == (200, b"sync view")


def test_non_ascii_paths_are_checked_then_resolved():
    with override_settings(ROOT_URLCONF=URLCONF):
        app = get_asgi_application()
        valid = call(app, "GET", "/caf\u00e9/")
        invalid = call(app, "GET", "/caf\u00e9/", raw_path=b"/caf\xe9/")
    assert valid["status"] == 404
    assert invalid["status"] == 400


def test_a_content_length_set_by_the_view_is_not_repeated():
    with override_settings(ROOT_URLCONF=URLCONF):
        result = call(get_asgi_application(), "GET", "/explicit-length/")
    assert [value for name, value in result["headers"] if name == b"content-length"] == [b"3"]
    assert result["body"] == b"abc"


def test_file_response_answers_a_range_request():
    with override_settings(ROOT_URLCONF=URLCONF):
        result = call(
            get_asgi_application(),
            "GET",
            "/file/",
            headers=[(b"host", b"testserver"), (b"range", b"bytes=2-4")],
        )
    assert (result["status"], result["body"]) == (206, b"234")


def test_response_of_a_view_that_swallowed_a_disconnect_is_not_sent(hook_calls):
    # (Coverage under CPython 3.11 does not see the handler's lines after the cancellation is thrown into
    # the view: the frames that delegate the throw lose their trace function.)
    sent: list[dict] = []
    delivered: list[bool] = []

    async def receive() -> dict:
        if not delivered:
            delivered.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        return {"type": "http.disconnect"}  # the client is gone at once

    async def send(message: dict) -> None:
        sent.append(message)

    with override_settings(ROOT_URLCONF=URLCONF):
        app = get_asgi_application()
        asyncio.run(app(make_scope("GET", "/stubborn/"), receive, send))
    assert hook_calls == ["view cancelled"]
    assert sent == []
