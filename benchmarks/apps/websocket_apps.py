"""The WebSocket benchmark's applications: an echo at ``/ws/echo/`` and a room at ``/ws/room/`` (microdj).

``microdj`` (an AsyncWebsocketConsumer routed in the URLconf, behind the handshake), ``microdj-function``
(the ``@consumer`` function form), ``starlette`` (a WebSocketRoute endpoint) and ``raw`` (a hand-written
ASGI echo). ``build(name)`` returns the application; ``application`` (for a server) is named by the
environment variable ``MICRODJ_BENCH_WS_APP``.
"""

from __future__ import annotations

import os
from typing import Any

from microdj.conf import settings
from microdj.urls import path
from microdj.websocket import AsyncWebsocketConsumer, consumer

NAMES = ("microdj", "microdj-function", "starlette", "raw")


class Echo(AsyncWebsocketConsumer):
    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send(text_data=text_data, bytes_data=bytes_data)


class Room(AsyncWebsocketConsumer):
    groups = ["room"]

    async def room_message(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])


@consumer
async def echo_function(websocket: Any) -> None:
    await websocket.accept()
    async for message in websocket:
        await websocket.send(message)


urlpatterns = [
    path("ws/echo/", Echo.as_asgi()),
    path("ws/fn/", echo_function),
    path("ws/room/", Room.as_asgi()),
]


async def raw(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The floor: an ASGI echo with no framework."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    await receive()
    await send({"type": "websocket.accept"})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        text = message.get("text")
        if text is not None:
            await send({"type": "websocket.send", "text": text})
        else:
            await send({"type": "websocket.send", "bytes": message.get("bytes")})


def _microdj() -> Any:
    if not settings.configured:
        settings.configure(DEBUG=False, ALLOWED_HOSTS=["*"], ROOT_URLCONF=__name__, SECRET_KEY="benchmark")
    from microdj.asgi import get_asgi_application

    return get_asgi_application()


def _starlette() -> Any:
    from starlette.applications import Starlette
    from starlette.routing import WebSocketRoute

    async def echo(websocket: Any) -> None:
        await websocket.accept()
        async for text in websocket.iter_text():
            await websocket.send_text(text)

    return Starlette(routes=[WebSocketRoute("/ws/echo/", echo)])


def build(name: str) -> Any:
    """The application called ``name`` (one of NAMES)."""
    if name in ("microdj", "microdj-function"):
        return _microdj()
    if name == "starlette":
        return _starlette()
    if name == "raw":
        return raw
    raise ValueError(f"Unknown WebSocket benchmark application {name!r}; one of {NAMES}.")


def path_of(name: str) -> str:
    """The echo path of application ``name``."""
    return "/ws/fn/" if name == "microdj-function" else "/ws/echo/"


def __getattr__(attribute: str) -> Any:
    if attribute == "application":
        return build(os.environ.get("MICRODJ_BENCH_WS_APP", "microdj"))
    raise AttributeError(attribute)
