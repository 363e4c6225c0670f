"""AsyncWebsocketConsumer and AsyncJsonWebsocketConsumer through the communicator: the life cycle, groups,
limits and faults (disconnect() exactly once on every path)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from microdj.test import WebsocketCommunicator, override_settings
from microdj.websocket import AsyncWebsocketConsumer
from microdj.websocket.consumer import handler_name
from microdj.websocket.layers import get_channel_layer
from tests.websocket.conftest import run
from tests.websocket.ws_app import EVENTS, EchoConsumer


def disconnects(kind: str) -> list[int]:
    return [event[2] for event in EVENTS if event[:2] == ("disconnect", kind)]


def test_echo_text_binary_and_subprotocol(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/echo/", subprotocols=["chat.v1", "chat.v2"])
        assert await communicator.connect() == (True, "chat.v2")
        await communicator.send_to(text_data="hello")
        assert await communicator.receive_from() == "hello"
        await communicator.send_to(bytes_data=b"\x00\x01")
        assert await communicator.receive_from() == b"\x00\x01"
        assert await communicator.receive_nothing()
        await communicator.disconnect(code=1001)

    run(main())
    assert EVENTS == [("connect", "echo", {}), ("disconnect", "echo", 1001)]


def test_url_kwargs_reach_the_scope(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/echo/7/")
        assert await communicator.connect() == (True, None)
        await communicator.disconnect()

    run(main())
    assert EVENTS[0] == ("connect", "echo", {"number": 7})


@pytest.mark.parametrize(
    ("text", "close_code", "reply"),
    [("close", 4000, None), ("stop", 1000, None), ("send-close", 1000, "last"), ("boom", 1011, None)],
)
def test_every_server_side_end_runs_disconnect_once(
    app: Any, caplog: pytest.LogCaptureFixture, text: str, close_code: int, reply: str | None
) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/echo/")
        await communicator.connect()
        await communicator.send_to(text_data=text)
        if reply is not None:
            assert await communicator.receive_from() == reply
        closed = await communicator.receive_output()
        assert closed["type"] == "websocket.close"
        assert closed.get("code", 1000) == close_code
        await communicator.disconnect()

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(main())
    assert disconnects("echo") == [close_code]
    failures = [r for r in caplog.records if r.name == "microdj.websocket"]
    if text == "boom":
        assert len(failures) == 1
        message = failures[0].getMessage()
        assert "tests.websocket.ws_app.EchoConsumer" in message
        assert "'ws/echo/'" in message and "boom in receive" in message
    else:
        assert failures == []


@pytest.mark.parametrize(
    ("path", "result", "disconnect_code"),
    [
        ("/ws/refuse/", (False, 1000), 1000),
        ("/ws/deny/", (False, 1000), 1000),
        ("/ws/accept/", (True, None), 1000),
        ("/ws/raise/", (False, 1011), 1011),
    ],
)
def test_connect_accepts_or_refuses(
    app: Any, path: str, result: tuple[bool, Any], disconnect_code: int
) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, path)
        assert await communicator.connect() == result
        await communicator.disconnect()

    run(main())
    assert disconnects("refusing") == [disconnect_code]


def test_oversize_message_closes_1009(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/echo/")
        await communicator.connect()
        await communicator.send_to(text_data="é" * 8)  # 16 bytes: within the limit
        assert await communicator.receive_from() == "é" * 8
        await communicator.send_to(text_data="é" * 9)  # 18 bytes
        assert await communicator.receive_output() == {
            "type": "websocket.close",
            "code": 1009,
            "reason": "message too big",
        }
        await communicator.disconnect()

    with override_settings(WEBSOCKET_MAX_MESSAGE_SIZE=16):
        run(main())
    assert disconnects("echo") == [1009]


def test_group_broadcast_and_a_group_handler_closing(app: Any) -> None:
    async def main() -> None:
        members = [WebsocketCommunicator(app, "/ws/chat/room/lobby/") for _ in range(3)]
        for member in members:
            assert (await member.connect())[0]
        await members[0].send_json_to({"text": "hi all"})
        for member in members:
            assert await member.receive_json_from() == {"text": "hi all"}
        await members[1].send_json_to({"kick": True})
        for member in members:
            assert await member.receive_output() == {"type": "websocket.close", "code": 4001}
        for member in members:
            await member.disconnect()
        layer = get_channel_layer()
        assert layer.groups == {} and layer.channels == {}  # type: ignore[union-attr]

    run(main())
    assert disconnects("room") == [4001, 4001, 4001]


def test_a_group_message_without_handler_closes_1011(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/chat/room/x/")
        await communicator.connect()
        await communicator.send_json_to({"bad": True})
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1011}
        await communicator.disconnect()

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(main())
    assert "No handler for message type 'no.such.handler'" in caplog.text
    assert disconnects("room") == [1011]


def test_groups_attribute_joins_and_leaves(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/lobby/")
        await communicator.connect()
        layer = get_channel_layer()
        assert layer is not None
        await layer.group_send("lobby", {"type": "lobby.news", "text": "news"})
        assert await communicator.receive_from() == "news"
        await communicator.disconnect()
        assert "lobby" not in layer.groups  # type: ignore[attr-defined]

    run(main())
    assert disconnects("lobby") == [1000]


def test_without_a_channel_layer(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/echo/")
        await communicator.connect()
        await communicator.send_to(text_data="plain")
        assert await communicator.receive_from() == "plain"
        await communicator.disconnect()
        lobby = WebsocketCommunicator(app, "/ws/lobby/")
        assert await lobby.connect() == (False, 1011)
        await lobby.disconnect()

    with override_settings(CHANNEL_LAYERS={}), caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(main())
    assert "lists groups, which need a channel layer" in caplog.text
    assert disconnects("lobby") == [1011]


def test_a_failing_disconnect_is_logged_not_raised(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/slow/")
        await communicator.connect()
        await communicator.disconnect(code=1000)

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(main())
    assert EVENTS == [("disconnect", "slow", 1000)]
    assert "boom in disconnect" in caplog.text


def test_server_shutdown_cancelling_the_consumer_runs_disconnect(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/chat/room/shut/")
        await communicator.connect()
        before = len(asyncio.all_tasks())
        await communicator._stop_app()  # what a server does to its tasks at shutdown
        assert len(asyncio.all_tasks()) == before - 2  # the connection's task and its channel reader
        assert get_channel_layer().channels == {}  # type: ignore[union-attr]
        await communicator.disconnect()

    run(main())
    assert disconnects("room") == [1006]


class _Recorder(AsyncWebsocketConsumer):
    codes: list[int] = []

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        await self.send(text_data="into the void")

    async def disconnect(self, code: int) -> None:
        self.codes.append(code)


def test_a_client_gone_while_sending_is_a_quiet_1006(caplog: pytest.LogCaptureFixture) -> None:
    sent: list[dict[str, Any]] = []
    messages = [
        {"type": "websocket.connect"},
        {"type": "websocket.receive", "text": "x"},
    ]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "websocket.send":
            raise ConnectionResetError("gone")
        sent.append(message)

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(_Recorder()({"type": "websocket", "path": "/"}, receive, send))
    assert sent == [{"type": "websocket.accept"}]
    assert _Recorder.codes == [1006]
    assert caplog.records == []


def test_a_failing_layer_refuses_before_connect(caplog: pytest.LogCaptureFixture) -> None:
    layers = {"default": {"BACKEND": "tests.websocket.ws_app.BrokenLayer"}}
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def receive() -> dict[str, Any]:
        raise AssertionError("not reached")

    with override_settings(CHANNEL_LAYERS=layers), caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(EchoConsumer()({"type": "websocket", "path": "/x/"}, receive, send))
    assert sent == [{"type": "websocket.close", "code": 1011}]
    assert "no channels today" in caplog.text
    assert EVENTS == []


def test_handler_names() -> None:
    assert handler_name("chat.message") == "chat_message"
    for bad in ("", "_private", ".x", None, 3):
        with pytest.raises(ValueError, match="names no handler"):
            handler_name(bad)


def test_as_asgi_checks_its_arguments() -> None:
    with pytest.raises(TypeError, match="not an attribute"):
        EchoConsumer.as_asgi(colour="blue")
    route = EchoConsumer.as_asgi()
    assert route.view_class is EchoConsumer  # type: ignore[attr-defined]
    assert route.websocket_app.consumer_class is EchoConsumer  # type: ignore[attr-defined]
    assert route.__name__ == "EchoConsumer"


def test_json_consumer_refuses_binary(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/chat/room/bin/")
        await communicator.connect()
        await communicator.send_to(bytes_data=b"{}")
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1011}
        await communicator.disconnect()

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(main())
    assert "No text section" in caplog.text


def test_accept_headers_and_send_requires_data() -> None:
    sent: list[dict[str, Any]] = []

    class Picky(AsyncWebsocketConsumer):
        async def connect(self) -> None:
            await self.accept(headers=[("x-one", "1"), (b"x-two", b"2")])
            with pytest.raises(ValueError, match="one of bytes_data or text_data"):
                await self.send()
            await self.close()
            await self.close(4005)  # no-op once closed

    messages = [{"type": "websocket.connect"}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    run(Picky()({"type": "websocket", "path": "/"}, receive, send))
    assert sent == [
        {"type": "websocket.accept", "headers": [(b"x-one", b"1"), (b"x-two", b"2")]},
        {"type": "websocket.close", "code": 1000},
    ]
