"""The ASGI application: dispatch, errors, HEAD, streaming, lifespan, host checks."""

import asyncio
import json
import logging

import pytest

from microdj.asgi import get_asgi_application
from microdj.conf import settings
from microdj.core.handlers.asgi import ASGIHandler
from tests.support.asgi import call, header, make_scope


@pytest.fixture(scope="module")
def app():
    return get_asgi_application()


def test_sync_plaintext(app):
    result = call(app, "GET", "/")
    assert result["status"] == 200
    assert result["body"] == b"Hello, world!"
    assert header(result, b"content-type") == b"text/plain"
    assert header(result, b"content-length") == b"13"


def test_async_plaintext(app):
    result = call(app, "GET", "/async/")
    assert result["status"] == 200
    assert result["body"] == b"Hello, async world!"


def test_json_and_converters(app):
    result = call(app, "GET", "/items/books/42/")
    assert json.loads(result["body"]) == {"group": "books", "item": 42}
    assert header(result, b"content-type") == b"application/json"
    result = call(app, "GET", "/re/music/7/")
    assert json.loads(result["body"]) == {"group": "music", "item": "7"}


def test_not_found_is_short_without_debug(app):
    result = call(app, "GET", "/nowhere/")
    assert result["status"] == 404
    assert b"Not Found" in result["body"]
    assert b"Traceback" not in result["body"]


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/404/", 404),
        ("/403/", 403),
        ("/400/", 400),
        ("/suspicious/", 400),
        ("/500/", 500),
        ("/async-500/", 500),
    ],
)
def test_exceptions_become_responses(app, path, status, caplog):
    with caplog.at_level(logging.WARNING):
        result = call(app, "GET", path)
    assert result["status"] == status
    assert b"boom" not in result["body"]
    assert len([r for r in caplog.records if r.levelno >= logging.WARNING]) == 1


def test_server_error_is_logged_with_traceback(app, caplog):
    with caplog.at_level(logging.ERROR, logger="microdj.request"):
        call(app, "GET", "/500/")
    (record,) = [r for r in caplog.records if r.name == "microdj.request"]
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError
    assert record.getMessage() == "Internal Server Error: /500/"


def test_debug_page_shows_traceback(app, monkeypatch):
    monkeypatch.setattr(settings, "DEBUG", True)
    result = call(app, "GET", "/500/")
    assert result["status"] == 500
    assert b"ZeroDivisionError" in result["body"]
    assert b"Traceback" in result["body"]
    result = call(app, "GET", "/nowhere/<script>/")
    assert result["status"] == 404
    assert b"<script>" not in result["body"]


@pytest.mark.parametrize(
    ("path", "words"), [("/none/", b"returned None"), ("/coroutine/", b"unawaited coroutine")]
)
def test_view_returning_non_response(app, monkeypatch, path, words):
    monkeypatch.setattr(settings, "DEBUG", True)
    result = call(app, "GET", path)
    assert result["status"] == 500
    assert words in result["body"]
    assert b"tests.urls_root" in result["body"]


def test_head_has_headers_but_no_body(app):
    result = call(app, "HEAD", "/")
    assert result["status"] == 200
    assert result["body"] == b""
    assert header(result, b"content-length") == b"13"


def test_no_content_has_no_body_or_length(app):
    result = call(app, "GET", "/204/")
    assert result["status"] == 204
    assert result["body"] == b""
    assert header(result, b"content-length") is None


@pytest.mark.parametrize("path", ["/stream/", "/async-stream/"])
def test_streaming(app, path):
    result = call(app, "GET", path)
    assert result["status"] == 200
    assert header(result, b"content-length") is None
    bodies = [m for m in result["messages"] if m["type"] == "http.response.body"]
    assert len(bodies) == 4
    assert bodies[-1].get("more_body", False) is False


def test_head_on_streaming_sends_no_body(app):
    result = call(app, "HEAD", "/stream/")
    assert result["body"] == b""


def test_cookies_are_sent(app):
    result = call(app, "GET", "/cookie/")
    cookie = header(result, b"set-cookie")
    assert cookie.startswith(b"flavour=oatmeal;")
    assert b"HttpOnly" in cookie and b"Max-Age=3600" in cookie


def test_disallowed_host_is_400_before_the_view(app, caplog):
    result = call(app, "GET", "/", headers=[(b"host", b"evil.example")])
    assert result["status"] == 400
    assert any(r.name == "microdj.security.DisallowedHost" for r in caplog.records)


def test_wildcard_host_skips_check(monkeypatch):
    monkeypatch.setattr(settings, "ALLOWED_HOSTS", ["*"])
    app = ASGIHandler()
    assert call(app, "GET", "/", headers=[(b"host", b"anything.example")])["status"] == 200


def test_post_body_to_sync_and_async_views(app):
    headers = [
        (b"host", b"testserver"),
        (b"content-type", b"application/x-www-form-urlencoded"),
        (b"content-length", b"7"),
    ]
    for path in ("/echo/", "/async-echo/"):
        result = call(app, "POST", path, headers=headers, chunks=(b"a=1", b"&b=2"))
        data = json.loads(result["body"])
        assert data["POST"] == {"a": ["1"], "b": ["2"]}
        assert data["body"] == "a=1&b=2"


def test_body_over_limit_is_413(app, monkeypatch):
    monkeypatch.setattr(settings, "DATA_UPLOAD_MAX_MEMORY_SIZE", 4)
    headers = [(b"host", b"testserver"), (b"content-type", b"text/plain"), (b"content-length", b"5")]
    assert call(app, "POST", "/echo/", headers=headers, chunks=(b"hello",))["status"] == 413
    assert (
        call(app, "POST", "/echo/", headers=headers[:2] + [(b"content-length", b"4")], chunks=(b"hell",))[
            "status"
        ]
        == 200
    )


def test_root_path_is_stripped_on_segment_boundary(app):
    result = call(app, "GET", "/mount/echo/", root_path="/mount")
    data = json.loads(result["body"])
    assert data["path"] == "/mount/echo/"
    assert data["path_info"] == "/echo/"


def test_other_scope_types_are_refused(app):
    with pytest.raises(ValueError, match="webtransport"):
        asyncio.run(app({"type": "webtransport"}, None, None))


def test_lifespan_runs_hooks():
    events = []

    async def async_hook():
        events.append("async-start")

    app = get_asgi_application(
        on_startup=[lambda: events.append("sync-start"), async_hook],
        on_shutdown=[lambda: events.append("stop")],
    )
    sent = []
    incoming = [{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}]

    async def receive():
        return incoming.pop(0)

    async def send(message):
        sent.append(message["type"])

    asyncio.run(app({"type": "lifespan"}, receive, send))
    assert events == ["sync-start", "async-start", "stop"]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


def test_lifespan_startup_failure_is_reported():
    def broken():
        raise RuntimeError("database unreachable")

    app = get_asgi_application(on_startup=[broken])
    sent = []

    async def receive():
        return {"type": "lifespan.startup"}

    async def send(message):
        sent.append(message)

    asyncio.run(app({"type": "lifespan"}, receive, send))
    assert sent[0]["type"] == "lifespan.startup.failed"
    assert "database unreachable" in sent[0]["message"]


def test_client_disconnect_while_reading_body_sends_nothing(app, caplog):
    async def run():
        sent = []

        async def receive():
            return {"type": "http.disconnect"}

        async def send(message):
            sent.append(message)

        headers = [(b"host", b"testserver"), (b"content-type", b"text/plain"), (b"content-length", b"10")]
        await app(make_scope("POST", "/echo/", headers=headers), receive, send)
        return sent

    assert asyncio.run(run()) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_lifecycle_signals(app):
    from microdj.core.signals import got_request_exception, request_finished, request_started

    seen = []

    def started(sender, scope, **kwargs):
        seen.append(("started", scope["path"]))

    async def finished(sender, **kwargs):
        seen.append(("finished", sender.__name__))

    def failed(sender, request, **kwargs):
        seen.append(("exception", request.path))

    request_started.connect(started)
    request_finished.connect(finished)
    got_request_exception.connect(failed)
    try:
        call(app, "GET", "/500/")
    finally:
        request_started.disconnect(started)
        request_finished.disconnect(finished)
        got_request_exception.disconnect(failed)
    assert seen == [("started", "/500/"), ("exception", "/500/"), ("finished", "ASGIHandler")]


def test_asgi_request_from_a_scope_and_a_body_file():
    import io

    from microdj.core.handlers.asgi import ASGIHandler, ASGIRequest

    headers = [(b"host", b"testserver"), (b"content-type", b"application/x-www-form-urlencoded")]
    scope = make_scope("POST", "/form/", b"a=1", headers=[*headers, (b"content-length", b"7")])
    request = ASGIRequest(scope, io.BytesIO(b"x=1&y=2"))
    assert isinstance(request, ASGIRequest) and ASGIHandler.request_class is ASGIRequest
    assert request.method == "POST" and request.path == "/form/" and request.GET["a"] == "1"
    assert request.body == b"x=1&y=2" and request.POST["y"] == "2"


def test_read_body_collects_the_messages_and_refuses_a_disconnect(app):
    from microdj.core.exceptions import RequestAborted

    def receiver(messages):
        items = iter(messages)

        async def receive():
            return next(items)

        return receive

    async def main():
        parts = [
            {"type": "http.request", "body": b"ab", "more_body": True},
            {"type": "http.request", "more_body": True},
            {"type": "http.request", "body": b"cd"},
        ]
        body_file = await app.read_body(receiver(parts))
        assert body_file.read() == b"abcd"
        with pytest.raises(RequestAborted):
            await app.read_body(receiver([{"type": "http.disconnect"}]))

    asyncio.run(main())
