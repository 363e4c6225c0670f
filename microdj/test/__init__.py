"""Testing tools: the test client, the request factory, override_settings, WebsocketCommunicator."""

from microdj.test.client import AsyncClient, AsyncRequestFactory, Client, RequestFactory
from microdj.test.utils import override_settings
from microdj.test.websocket import WebsocketCommunicator

__all__ = [
    "AsyncClient",
    "AsyncRequestFactory",
    "Client",
    "RequestFactory",
    "WebsocketCommunicator",
    "override_settings",
]
