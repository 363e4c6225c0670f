"""Consumers and a URLconf for the WebSocket tests (``ROOT_URLCONF = "tests.websocket.ws_app"``).

``EVENTS`` records what the consumers saw, so tests can check that disconnect() ran exactly once.
"""

from __future__ import annotations

import asyncio
import re
import time
from typing import Any

from asgiref.sync import async_to_sync

from microdj.http import HttpResponse, JsonResponse
from microdj.urls import include, path, re_path
from microdj.websocket import (
    AcceptConnection,
    AsyncJsonWebsocketConsumer,
    AsyncWebsocketConsumer,
    DenyConnection,
    JsonWebsocketConsumer,
    StopConsumer,
    WebsocketConsumer,
    consumer,
)
from microdj.websocket.layers import InMemoryChannelLayer

EVENTS: list[tuple[Any, ...]] = []


class EchoConsumer(AsyncWebsocketConsumer):
    """Echoes text and bytes; "close" closes (4000), "boom" raises, "stop" raises StopConsumer."""

    async def connect(self) -> None:
        EVENTS.append(("connect", "echo", self.scope["url_route"]["kwargs"]))
        offered = self.scope.get("subprotocols") or []
        await self.accept("chat.v2" if "chat.v2" in offered else None)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data == "close":
            await self.close(4000, "bye")
        elif text_data == "boom":
            raise RuntimeError("boom in receive")
        elif text_data == "stop":
            raise StopConsumer()
        elif text_data == "send-close":
            await self.send(text_data="last", close=True)
        elif text_data is not None:
            await self.send(text_data=text_data)
        else:
            await self.send(bytes_data=bytes_data)

    async def disconnect(self, code: int) -> None:
        EVENTS.append(("disconnect", "echo", code))


class ShutdownConsumer(AsyncWebsocketConsumer):
    """Prints its disconnect code (a server test reads the server's output)."""

    async def disconnect(self, code: int) -> None:
        print(f"disconnect {self.scope['url_route']['kwargs']['n']} {code}", flush=True)  # noqa: T201 - the test reads the server's output


class RoomConsumer(AsyncJsonWebsocketConsumer):
    """A chat room: joins the group named by the URL, broadcasts what it receives as 'chat.message'."""

    async def connect(self) -> None:
        self.room = "room." + self.scope["url_route"]["kwargs"]["room"]
        await self.channel_layer.group_add(self.room, self.channel_name)
        EVENTS.append(("connect", "room", self.channel_name))
        await self.accept()

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if content.get("kick"):
            await self.channel_layer.group_send(self.room, {"type": "kick.out"})
            return
        if content.get("bad"):
            await self.channel_layer.group_send(self.room, {"type": "no.such.handler"})
            return
        await self.channel_layer.group_send(self.room, {"type": "chat.message", "text": content["text"]})

    async def chat_message(self, event: dict[str, Any]) -> None:
        await self.send_json({"text": event["text"]})

    async def kick_out(self, event: dict[str, Any]) -> None:
        await self.close(4001)

    async def disconnect(self, code: int) -> None:
        await self.channel_layer.group_discard(self.room, self.channel_name)
        EVENTS.append(("disconnect", "room", code))


class LobbyConsumer(AsyncWebsocketConsumer):
    """Joins the 'lobby' group through the ``groups`` attribute."""

    groups = ["lobby"]

    async def lobby_news(self, event: dict[str, Any]) -> None:
        await self.send(text_data=event["text"])

    async def disconnect(self, code: int) -> None:
        EVENTS.append(("disconnect", "lobby", code))


class RefusingConsumer(AsyncWebsocketConsumer):
    """Refuses by close(), by DenyConnection, or accepts by AcceptConnection, by its ``mode``."""

    mode = "close"

    async def connect(self) -> None:
        if self.mode == "close":
            await self.close()
        elif self.mode == "deny":
            raise DenyConnection()
        elif self.mode == "accept":
            raise AcceptConnection()
        else:
            raise RuntimeError("boom in connect")

    async def disconnect(self, code: int) -> None:
        EVENTS.append(("disconnect", "refusing", code))


class ScopeConsumer(AsyncJsonWebsocketConsumer):
    """Sends back what the handshake saw."""

    async def connect(self) -> None:
        await self.accept()
        session = self.scope.get("session")
        await self.send_json(
            {
                "cookies": self.scope["cookies"],
                "session": dict(session.items()) if session is not None else None,
                "route": self.scope["url_route"],
                "scheme": self.scope.get("scheme"),
                "state": self.scope.get("state", {}).get("greeting"),
            }
        )


class BlockingConsumer(AsyncWebsocketConsumer):
    """Blocks the event loop in receive() (the async-safety guard names it)."""

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        time.sleep(0.01)


class SlowDisconnectConsumer(AsyncWebsocketConsumer):
    """Its disconnect() fails: logged, not raised."""

    async def disconnect(self, code: int) -> None:
        EVENTS.append(("disconnect", "slow", code))
        raise RuntimeError("boom in disconnect")


class SyncEchoConsumer(WebsocketConsumer):
    """A sync consumer: echoes, joins 'sync' on "join" and broadcasts on "shout"."""

    def connect(self) -> None:
        EVENTS.append(("connect", "sync", self.scope["url_route"]["kwargs"]))
        self.accept()

    def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if text_data == "join":
            async_to_sync(self.channel_layer.group_add)("sync", self.channel_name)
            self.send(text_data="joined")
        elif text_data == "shout":
            async_to_sync(self.channel_layer.group_send)("sync", {"type": "sync.shout", "text": "hey"})
        elif text_data == "boom":
            raise ValueError("boom in a sync receive")
        elif text_data == "close":
            self.close(4002)
        elif text_data == "send-close":
            self.send(bytes_data=b"last", close=4003)
        elif text_data is not None:
            self.send(text_data=text_data)
        else:
            self.send(bytes_data=bytes_data)

    def sync_shout(self, event: dict[str, Any]) -> None:
        self.send(text_data=event["text"])

    def disconnect(self, code: int) -> None:
        EVENTS.append(("disconnect", "sync", code))


class SyncJsonConsumer(JsonWebsocketConsumer):
    def connect(self) -> None:
        self.accept("json")

    def receive_json(self, content: Any, **kwargs: Any) -> None:
        self.send_json({"got": content})


class SyncDenyConsumer(WebsocketConsumer):
    mode = "deny"

    def connect(self) -> None:
        if self.mode == "deny":
            raise DenyConnection()
        raise AcceptConnection()


@consumer
async def echo_function(websocket: Any, name: str = "") -> None:
    """The function form: echoes messages; "json" switches to a JSON echo."""
    await websocket.accept()
    async for message in websocket:
        if message == "json":
            data = await websocket.receive_json()
            await websocket.send_json({"name": name, "data": data})
        elif message == "boom":
            raise RuntimeError("boom in a function")
        elif message == "quit":
            return
        else:
            await websocket.send(message)


async def sleepy(seconds: float) -> None:
    await asyncio.sleep(seconds)


class BrokenLayer(InMemoryChannelLayer):
    """A layer whose backend is down."""

    async def new_channel(self, prefix: str = "specific.") -> str:
        raise ConnectionError("no channels today")


def http_view(request: Any) -> HttpResponse:
    return HttpResponse("an HTTP view")


async def status(request: Any) -> JsonResponse:
    """What a test asks the server about itself: its WebSocket tasks, the layer's channels and groups."""
    from microdj.websocket.layers import get_channel_layer

    layer = get_channel_layer()
    return JsonResponse(
        {
            # Tasks running WebSocket code: connections still served, channel readers.
            "tasks": sum(1 for task in asyncio.all_tasks() if _OURS.search(_where(task))),
            "waiting": sorted(_where(task) for task in asyncio.all_tasks()) if "tasks" in request.GET else [],
            "channels": len(getattr(layer, "channels", {})),
            "groups": {name: len(members) for name, members in getattr(layer, "groups", {}).items()},
        }
    )


def login(request: Any) -> HttpResponse:
    """Puts a user name in the session (SessionMiddleware saves it in the cookie)."""
    request.session["user"] = request.GET.get("user", "alice")
    return HttpResponse("logged in")


_OURS = re.compile(r"handle_websocket|ConsumerBase|function_app")


def _where(task: asyncio.Task[Any]) -> str:
    """The coroutine a task is suspended in, innermost first (for a test's failure message)."""
    coro: Any = task.get_coro()
    names = []
    while coro is not None:
        names.append(getattr(coro, "__qualname__", type(coro).__name__))
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)
    return " > ".join(names)


chat_patterns = (
    [
        path("room/<slug:room>/", RoomConsumer.as_asgi(), name="room"),
        path("echo/", echo_function, name="echo"),
    ],
    "chat",
)

urlpatterns = [
    path("", http_view, name="home"),
    path("ws/echo/", EchoConsumer.as_asgi(), name="echo"),
    path("ws/echo/<int:number>/", EchoConsumer.as_asgi(), name="echo-number"),
    path("ws/chat/", include(chat_patterns, namespace="chat")),
    path("ws/lobby/", LobbyConsumer.as_asgi(), name="lobby"),
    path("ws/shutdown/<int:n>/", ShutdownConsumer.as_asgi()),
    path("ws/refuse/", RefusingConsumer.as_asgi(), name="refuse-close"),
    path("ws/deny/", RefusingConsumer.as_asgi(mode="deny")),
    path("ws/accept/", RefusingConsumer.as_asgi(mode="accept")),
    path("ws/raise/", RefusingConsumer.as_asgi(mode="raise")),
    path("ws/scope/<str:part>/", ScopeConsumer.as_asgi(), {"extra": "yes"}, name="scope"),
    path("ws/block/", BlockingConsumer.as_asgi(), name="block"),
    path("ws/slow/", SlowDisconnectConsumer.as_asgi()),
    path("ws/sync/", SyncEchoConsumer.as_asgi(), name="sync"),
    path("ws/sync-json/", SyncJsonConsumer.as_asgi()),
    path("ws/sync-deny/", SyncDenyConsumer.as_asgi()),
    path("ws/sync-accept/", SyncDenyConsumer.as_asgi(mode="accept")),
    re_path(r"^ws/fn/(?P<name>\w+)/$", echo_function, name="fn"),
    path("http/", http_view, name="http"),
    path("status/", status, name="status"),
    path("login/", login, name="login"),
]
