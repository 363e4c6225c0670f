"""Views for the shared-state tests (in-process, and served by several uvicorn workers).

Each answer names the process that made it, so a test can tell which worker served a request.
"""

from __future__ import annotations

import os

from microdj.http import JsonResponse
from microdj.urls import path
from microdj.views.decorators.cache import cache_page

try:
    from microdj.websocket import AsyncWebsocketConsumer
except ImportError:  # pragma: no cover - before WebSocket consumers existed
    AsyncWebsocketConsumer = None

PID = os.getpid()
_renders = {"count": 0}


def session_set(request):
    request.session["value"] = request.GET.get("v", "")
    return JsonResponse({"pid": PID, "key": request.session.session_key})


async def session_aset(request):
    await request.session.aset("value", request.GET.get("v", ""))
    return JsonResponse({"pid": PID})


def session_get(request):
    return JsonResponse({"pid": PID, "value": request.session.get("value")})


async def session_aget(request):
    return JsonResponse({"pid": PID, "value": await request.session.aget("value")})


def session_cycle(request):
    old = request.session.session_key
    request.session.cycle_key()
    return JsonResponse({"pid": PID, "old": old})


def session_flush(request):
    request.session.flush()
    return JsonResponse({"pid": PID})


@cache_page(60)
async def cached(request):
    _renders["count"] += 1
    return JsonResponse({"pid": PID, "render": _renders["count"]})


@cache_page(60)
def cached_sync(request):
    _renders["count"] += 1
    return JsonResponse({"pid": PID, "render": _renders["count"]})


async def pid(request):
    return JsonResponse({"pid": PID})


def served_by(get_response):
    """Middleware: ``X-Served-By: <pid>`` on each response (a cached body names the process that made it)."""

    async def middleware(request):
        response = await get_response(request)
        response["X-Served-By"] = str(PID)
        return response

    return middleware


served_by.async_capable = True
served_by.sync_capable = False

websocket_routes = []
if AsyncWebsocketConsumer is not None:

    class RoomConsumer(AsyncWebsocketConsumer):
        """Joins the room's group; text from a client is sent to the whole group with the sender's pid."""

        async def connect(self):
            self.group = "room-" + self.scope["url_route"]["kwargs"]["room"]
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.accept()
            await self.send(text_data=f"joined {PID}")

        async def receive(self, text_data=None, bytes_data=None):
            await self.channel_layer.group_send(
                self.group, {"type": "room.message", "text": text_data, "pid": PID}
            )

        async def room_message(self, message):
            await self.send(text_data=f"{message['text']} from {message['pid']} to {PID}")

        async def disconnect(self, code):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    websocket_routes = [path("ws/room/<slug:room>/", RoomConsumer.as_asgi())]

urlpatterns = [
    *websocket_routes,
    path("", pid),
    path("session/set/", session_set),
    path("session/aset/", session_aset),
    path("session/get/", session_get),
    path("session/aget/", session_aget),
    path("session/cycle/", session_cycle),
    path("session/flush/", session_flush),
    path("cached/", cached),
    path("cached-sync/", cached_sync),
]
