"""The WebSocket tests' application: ``tests.websocket.ws_app`` as the URLconf, events cleared per test."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Iterator
from typing import Any

import pytest

from microdj.asgi import get_asgi_application
from microdj.core.handlers.asgi import ASGIHandler
from microdj.test import override_settings
from tests.websocket import ws_app


@pytest.fixture(autouse=True)
def no_events() -> None:
    """Every test starts with no consumer events recorded."""
    ws_app.EVENTS.clear()


@pytest.fixture
def app() -> Iterator[ASGIHandler]:
    """The application over ws_app's URLconf (a fresh in-memory channel layer, no events yet)."""
    layers = {"default": {"BACKEND": "microdj.websocket.layers.InMemoryChannelLayer"}}
    with override_settings(ROOT_URLCONF="tests.websocket.ws_app", CHANNEL_LAYERS=layers):
        yield get_asgi_application()


def run(coro: Coroutine[Any, Any, Any]) -> Any:
    """Run a test coroutine on a new event loop (bounded: no test waits forever)."""

    async def bounded() -> Any:
        return await asyncio.wait_for(coro, 20)

    return asyncio.run(bounded())
