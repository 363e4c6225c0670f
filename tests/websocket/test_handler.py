"""The handshake: routing through the URLconf, 426 for HTTP, refusals (HTTP route, no route, host, origin,
middleware), what the consumer's scope holds, the async-safety guard naming the consumer."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from microdj.asgi import get_asgi_application
from microdj.http import HttpResponseForbidden
from microdj.test import Client, WebsocketCommunicator, override_settings
from microdj.urls import reverse
from microdj.websocket.handler import handshake_request
from microdj.websocket.routing import websocket_route
from tests.websocket.conftest import run

SESSION = "microdj.contrib.sessions.middleware.SessionMiddleware"


def connect(app: Any, path: str, **kwargs: Any) -> tuple[bool, Any]:
    async def main() -> tuple[bool, Any]:
        communicator = WebsocketCommunicator(app, path, **kwargs)
        result = await communicator.connect()
        await communicator.disconnect()
        return result

    return run(main())  # type: ignore[no-any-return]


def test_http_request_to_a_websocket_route_gets_426(app: Any) -> None:
    with Client(app) as client:
        response = client.get("/ws/echo/")
        assert response.status_code == 426
        assert response["Upgrade"] == "websocket"
        assert client.post("/ws/chat/room/a/").status_code == 426
        assert client.get("/http/").status_code == 200


def test_reverse_and_namespaces_work_unchanged(app: Any) -> None:
    with override_settings(ROOT_URLCONF="tests.websocket.ws_app"):
        assert reverse("echo") == "/ws/echo/"
        assert reverse("chat:room", kwargs={"room": "lobby"}) == "/ws/chat/room/lobby/"
        assert reverse("fn", args=["ann"]) == "/ws/fn/ann/"


@pytest.mark.parametrize("path", ["/http/", "/nowhere/", "/"])
def test_handshake_to_an_http_route_or_no_route_is_refused(
    app: Any, path: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="microdj.websocket"):
        assert connect(app, path) == (False, 1008)
    assert "refused" in caplog.text


def test_disallowed_host_is_refused(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="microdj.security.websocket"):
        assert connect(app, "/ws/echo/", headers={"Host": "evil.example"}) == (False, 1008)
    assert "Invalid HTTP_HOST header: 'evil.example'" in caplog.text


def test_cross_site_origin_is_refused(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="microdj.security.websocket"):
        assert connect(app, "/ws/echo/", headers={"Origin": "https://evil.example"}) == (False, 1008)
    assert "origin 'https://evil.example' refused" in caplog.text
    assert connect(app, "/ws/echo/", headers={"Origin": "http://testserver"}) == (True, None)
    with override_settings(WEBSOCKET_ALLOWED_ORIGINS=["https://evil.example"]):
        assert connect(app, "/ws/echo/", headers={"Origin": "https://evil.example"}) == (True, None)


def test_the_consumer_sees_cookies_session_route_and_lifespan_state(app: Any) -> None:
    async def remember(scope_state: Any = None) -> None:
        pass

    with override_settings(MIDDLEWARE=[SESSION]):
        application = get_asgi_application()
        with Client(application) as client:
            login = client.get("/login/?user=ann")
            cookie = login.cookies["sessionid"].value

        async def main() -> Any:
            communicator = WebsocketCommunicator(
                application, "/ws/scope/p/?q=1", headers=[(b"cookie", f"sessionid={cookie}; a=b".encode())]
            )
            assert (await communicator.connect())[0]
            seen = await communicator.receive_json_from()
            await communicator.disconnect()
            return seen

        seen = run(main())
    assert seen["cookies"] == {"sessionid": cookie, "a": "b"}
    assert seen["session"] == {"user": "ann"}
    assert seen["route"] == {
        "args": [],
        "kwargs": {"part": "p", "extra": "yes"},
        "route": "ws/scope/<str:part>/",
        "url_name": "scope",
    }
    assert seen["scheme"] == "ws"


class RefuseWebsockets:
    """A middleware that answers every WebSocket handshake with 403 and every other request normally."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if request.headers.get("Upgrade") == "websocket":
            return HttpResponseForbidden("no")
        return self.get_response(request)


class Exploding:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        raise RuntimeError("middleware down")


def test_middleware_answering_otherwise_refuses(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    with override_settings(MIDDLEWARE=["tests.websocket.test_handler.RefuseWebsockets"]):
        application = get_asgi_application()
        with caplog.at_level(logging.INFO, logger="microdj.websocket"):
            assert connect(application, "/ws/echo/", headers={"Upgrade": "websocket"}) == (False, 1008)
            assert connect(application, "/ws/echo/") == (True, None)
    assert "the middleware chain answered 403" in caplog.text


def test_a_failing_middleware_chain_refuses(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    application = get_asgi_application()
    # A chain that raises (the handler's own chain turns exceptions into responses).
    application._middleware_chain = Exploding(None)
    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        assert connect(application, "/ws/echo/") == (False, 1008)
    assert "failed in the middleware chain" in caplog.text


def test_the_guard_names_the_consumer(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    application = get_asgi_application(async_safety="raise")

    async def main() -> Any:
        communicator = WebsocketCommunicator(application, "/ws/block/")
        await communicator.connect()
        await communicator.send_to(text_data="sleep")
        closed = await communicator.receive_output()
        await communicator.disconnect()
        return closed

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        assert run(main()) == {"type": "websocket.close", "code": 1011}
    assert "BlockingCallError" in caplog.text
    assert "tests.websocket.ws_app.BlockingConsumer (url name 'block')" in caplog.text
    assert "time.sleep()" in caplog.text


def test_an_application_that_raises_is_closed_1011(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def raw(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        raise RuntimeError("raw failure")

    route = websocket_route(raw, raw)
    application = get_asgi_application()
    match = application.resolver.resolve("/ws/echo/")
    match.func.websocket_app, saved = raw, match.func.websocket_app
    try:

        async def main() -> Any:
            communicator = WebsocketCommunicator(application, "/ws/echo/")
            assert await communicator.connect() == (True, None)
            closed = await communicator.receive_output()
            await communicator.disconnect()
            return closed

        with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
            assert run(main()) == {"type": "websocket.close", "code": 1011}
    finally:
        match.func.websocket_app = saved
    assert "WebSocket application failed on /ws/echo/ (route 'ws/echo/')" in caplog.text
    assert route.__name__ == "raw"


def test_handshake_request_is_a_bodiless_get() -> None:
    request = handshake_request(
        {
            "type": "websocket",
            "path": "/a/",
            "scheme": "wss",
            "headers": [(b"host", b"h")],
            "query_string": b"",
        }
    )
    assert request.method == "GET" and request.scheme == "https" and request.is_secure()
    assert request.body == b""
    assert handshake_request({"type": "websocket", "path": "/", "headers": []}).scheme == "http"


def test_a_client_gone_before_a_refusal(app: Any) -> None:
    sent: list[Any] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.disconnect", "code": 1006}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "websocket",
        "path": "/nowhere/",
        "headers": [(b"host", b"testserver")],
        "query_string": b"",
    }
    run(app(scope, receive, send))
    assert sent == []
