"""Route functions: a plain async view to the URL machinery, 426 to HTTP, the Upgrade marker to handshakes."""

from __future__ import annotations

from typing import Any

from microdj.http import HttpRequest
from microdj.urls.resolvers import ResolverMatch
from microdj.websocket import is_websocket_route
from microdj.websocket.routing import UPGRADE_KEY, Upgrade, websocket_route
from tests.websocket.conftest import run
from tests.websocket.ws_app import EchoConsumer, echo_function, http_view


async def raw_app(scope: Any, receive: Any, send: Any) -> None:
    """A raw ASGI application."""


def test_route_functions_name_their_source() -> None:
    route = websocket_route(raw_app, raw_app)
    assert route.__name__ == "raw_app" and route.__doc__ == "A raw ASGI application."
    assert route.websocket_app is raw_app  # type: ignore[attr-defined]
    assert ResolverMatch(EchoConsumer.as_asgi(), (), {})._func_path == "tests.websocket.ws_app.EchoConsumer"
    assert ResolverMatch(echo_function, (), {})._func_path == "tests.websocket.ws_app.echo_function"
    assert is_websocket_route(echo_function) and not is_websocket_route(http_view)


def test_http_gets_426_and_a_handshake_the_marker() -> None:
    route = websocket_route(raw_app, raw_app)
    request = HttpRequest()
    response = run(route(request))
    assert response.status_code == 426 and response["Upgrade"] == "websocket"
    upgrade = Upgrade()
    request.scope[UPGRADE_KEY] = upgrade
    assert run(route(request, "arg", key="value")) is upgrade
    assert upgrade.app is raw_app and upgrade.status_code == 101
