"""The consumers' less travelled paths: a custom dispatch, a vanished client at accept, failing layers."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

import pytest

from microdj.test import override_settings
from microdj.websocket import AsyncWebsocketConsumer, Disconnected, WebsocketConsumer, consumer
from microdj.websocket.consumer import ConsumerBase
from microdj.websocket.layers import InMemoryChannelLayer
from tests.websocket.conftest import run

SCOPE = {"type": "websocket", "path": "/edge/"}


class Wire:
    def __init__(self, *incoming: dict[str, Any], fail: str | None = None) -> None:
        self.incoming = [{"type": "websocket.connect"}, *incoming]
        self.sent: list[dict[str, Any]] = []
        self.fail = fail

    async def receive(self) -> dict[str, Any]:
        if self.incoming:
            return self.incoming.pop(0)
        return {"type": "websocket.disconnect", "code": 1000}

    async def send(self, message: dict[str, Any]) -> None:
        if message["type"] == self.fail:
            raise ConnectionResetError()
        self.sent.append(message)


def serve(instance: Any, wire: Wire) -> None:
    run(instance(dict(SCOPE), wire.receive, wire.send))


class Logged(AsyncWebsocketConsumer):
    """Overrides dispatch(), so client messages go through websocket_receive()."""

    seen: list[Any] = []

    async def dispatch(self, message: dict[str, Any]) -> None:
        self.seen.append(message["type"])
        await super().dispatch(message)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send(text_data=text_data, bytes_data=bytes_data)

    async def disconnect(self, code: int) -> None:
        self.seen.append(code)


def test_a_custom_dispatch_sees_every_message() -> None:
    Logged.seen = []
    wire = Wire({"type": "websocket.receive", "text": "t"}, {"type": "websocket.receive", "bytes": b"b"})
    serve(Logged(), wire)
    assert Logged.seen == [
        "websocket.connect",
        "websocket.receive",
        "websocket.receive",
        "websocket.disconnect",
        1000,
    ]
    assert wire.sent[1:] == [
        {"type": "websocket.send", "text": "t"},
        {"type": "websocket.send", "bytes": b"b"},
    ]


class Late(AsyncWebsocketConsumer):
    codes: list[int] = []

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.close(4000)
        await self.send(text_data="after close")  # Disconnected: ends the connection quietly

    async def disconnect(self, code: int) -> None:
        self.codes.append(code)


def test_sending_after_close_ends_quietly(caplog: pytest.LogCaptureFixture) -> None:
    Late.codes = []
    wire = Wire({"type": "websocket.receive", "text": "x"})
    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        serve(Late(), wire)
    assert wire.sent[-1] == {"type": "websocket.close", "code": 4000}
    assert Late.codes == [4000] and caplog.records == []


def test_a_client_gone_at_accept() -> None:
    Late.codes = []
    serve(Late(), Wire(fail="websocket.accept"))
    assert Late.codes == [1006]
    with pytest.raises(Disconnected):
        instance = Late()
        instance._closed = 1000
        run(instance._transmit({"type": "websocket.send", "text": "x"}))


class Unreliable(InMemoryChannelLayer):
    async def group_discard(self, group: str, channel: str) -> None:
        raise ConnectionError("discard failed")

    async def discard_channel(self, channel: str) -> None:
        raise ConnectionError("channel discard failed")


class Grouped(AsyncWebsocketConsumer):
    groups = ["edge"]
    codes: list[int] = []

    async def disconnect(self, code: int) -> None:
        self.codes.append(code)


def test_failing_layer_cleanup_is_logged_and_disconnect_still_runs(caplog: pytest.LogCaptureFixture) -> None:
    Grouped.codes = []
    layers = {"default": {"BACKEND": "tests.websocket.test_consumer_edges.Unreliable"}}
    with (
        override_settings(CHANNEL_LAYERS=layers),
        caplog.at_level(logging.WARNING, logger="microdj.websocket"),
    ):
        serve(Grouped(), Wire())
    assert Grouped.codes == [1000]
    assert "Leaving group 'edge' failed" in caplog.text and "channel discard failed" in caplog.text


def test_the_base_class_handles_nothing(caplog: pytest.LogCaptureFixture) -> None:
    wire = Wire()
    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        serve(ConsumerBase(), wire)
    assert wire.sent == [{"type": "websocket.close", "code": 1011}]
    assert "NotImplementedError" in caplog.text


def test_a_sync_message_without_handler(caplog: pytest.LogCaptureFixture) -> None:
    class Quiet(WebsocketConsumer):
        pass

    wire = Wire({"type": "never.handled"})
    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        serve(Quiet(), wire)
    assert wire.sent[-1] == {"type": "websocket.close", "code": 1011}
    assert "No handler for message type 'never.handled' on Quiet" in caplog.text


def test_a_function_may_raise_disconnected() -> None:
    @consumer
    async def leaves(websocket: Any) -> None:
        await websocket.accept()
        raise Disconnected(4000)

    wire = Wire()
    run(leaves.websocket_app(dict(SCOPE), wire.receive, wire.send))  # type: ignore[attr-defined]
    assert wire.sent == [{"type": "websocket.accept"}]


def test_turns_alternate_and_survive_cancelled_waiters() -> None:
    order: list[str] = []

    class Turns(AsyncWebsocketConsumer):
        async def _step(self, message: dict[str, Any]) -> bool:
            order.append(message["type"])
            await asyncio.sleep(0)
            return False

    async def main() -> None:
        consumer_ = Turns()
        consumer_._ended = False
        consumer_._waiting = deque()
        consumer_._busy = True  # something is being handled
        cancelled = asyncio.ensure_future(consumer_._exclusive_step({"type": "cancelled"}))
        woken = asyncio.ensure_future(consumer_._exclusive_step({"type": "woken"}))
        last = asyncio.ensure_future(consumer_._exclusive_step({"type": "last"}))
        await asyncio.sleep(0)
        assert len(consumer_._waiting) == 3
        cancelled.cancel()
        await asyncio.sleep(0)
        assert len(consumer_._waiting) == 2
        consumer_._pass_turn()  # wakes "woken"...
        woken.cancel()  # ...which is cancelled before it runs: it hands its turn on to "last"
        await asyncio.gather(cancelled, woken, return_exceptions=True)
        await asyncio.sleep(0)
        assert not last.done()  # "last" was woken, found the turn still taken, and waits again
        consumer_._busy = False
        consumer_._pass_turn()
        assert await last is False
        assert order == ["last"]
        assert not consumer_._waiting and not consumer_._busy

    run(main())
