"""WebSockets through the URLconf: consumers, routing and channel layers.

``path("ws/chat/<room>/", ChatConsumer.as_asgi())`` routes a consumer class; ``@consumer`` makes an
``async def handler(websocket, **url_kwargs)`` a route. See :mod:`microdj.websocket.handler` for the
handshake, :mod:`microdj.websocket.consumer` for the consumers' life cycle.
"""

from microdj.websocket.consumer import AsyncJsonWebsocketConsumer, AsyncWebsocketConsumer
from microdj.websocket.exceptions import AcceptConnection, DenyConnection, Disconnected, StopConsumer
from microdj.websocket.function import WebSocket
from microdj.websocket.layers import get_channel_layer
from microdj.websocket.routing import consumer, is_websocket_route
from microdj.websocket.sync import JsonWebsocketConsumer, WebsocketConsumer

__all__ = [
    "AcceptConnection",
    "AsyncJsonWebsocketConsumer",
    "AsyncWebsocketConsumer",
    "DenyConnection",
    "Disconnected",
    "JsonWebsocketConsumer",
    "StopConsumer",
    "WebSocket",
    "WebsocketConsumer",
    "consumer",
    "get_channel_layer",
    "is_websocket_route",
]
