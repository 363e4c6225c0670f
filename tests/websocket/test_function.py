"""The function form: ``@consumer async def handler(websocket, **url_kwargs)`` and its WebSocket object."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from microdj.test import WebsocketCommunicator, override_settings
from microdj.websocket import Disconnected, WebSocket, consumer
from tests.websocket.conftest import run


def test_echo_json_and_url_arguments(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/fn/ann/")
        assert await communicator.connect() == (True, None)
        await communicator.send_to(text_data="hello")
        assert await communicator.receive_from() == "hello"
        await communicator.send_to(bytes_data=b"\x00")
        assert await communicator.receive_from() == b"\x00"
        await communicator.send_to(text_data="json")
        await communicator.send_json_to([1, 2])
        assert await communicator.receive_json_from() == {"name": "ann", "data": [1, 2]}
        await communicator.send_to(text_data="quit")
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1000}
        await communicator.disconnect()

    run(main())


def test_namespaced_function_route(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/chat/echo/")
        assert await communicator.connect() == (True, None)
        await communicator.disconnect()

    run(main())


def test_exception_closes_1011_and_is_logged(app: Any, caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/fn/x/")
        await communicator.connect()
        await communicator.send_to(text_data="boom")
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1011}
        await communicator.disconnect()

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(main())
    assert "tests.websocket.ws_app.echo_function failed on /ws/fn/x/" in caplog.text


def test_oversize_closes_1009(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/fn/x/")
        await communicator.connect()
        await communicator.send_to(bytes_data=b"x" * 11)
        assert await communicator.receive_output() == {
            "type": "websocket.close",
            "code": 1009,
            "reason": "message too big",
        }
        await communicator.disconnect()

    with override_settings(WEBSOCKET_MAX_MESSAGE_SIZE=10):
        run(main())


class Wire:
    """A fake ASGI connection for the WebSocket object: queued input, recorded output."""

    def __init__(self, *incoming: dict[str, Any], fail_send: bool = False) -> None:
        self.incoming = list(incoming)
        self.sent: list[dict[str, Any]] = []
        self.fail_send = fail_send

    async def receive(self) -> dict[str, Any]:
        return self.incoming.pop(0)

    async def send(self, message: dict[str, Any]) -> None:
        if self.fail_send and message["type"] == "websocket.send":
            raise BrokenPipeError()
        self.sent.append(message)


def socket(wire: Wire, **scope: Any) -> WebSocket:
    return WebSocket({"type": "websocket", "path": "/p/", **scope}, wire.receive, wire.send)


def test_what_the_handshake_saw() -> None:
    ws = socket(
        Wire(),
        headers=[(b"X-A", b"1"), (b"x-a", b"2"), (b"cookie", b"k=v")],
        cookies={"k": "v"},
        session={"user": "ann"},
        subprotocols=["a", "b"],
    )
    assert ws.path == "/p/"
    assert ws.headers == {"x-a": "1,2", "cookie": "k=v"}
    assert ws.cookies == {"k": "v"}
    assert ws.session == {"user": "ann"}
    assert ws.subprotocols == ["a", "b"]
    assert ws.channel_layer is not None


def test_send_and_receive_kinds() -> None:
    async def main() -> None:
        wire = Wire(
            {"type": "websocket.receive", "text": "t"},
            {"type": "websocket.receive", "bytes": b"b"},
            {"type": "websocket.receive", "bytes": b"b"},
            {"type": "websocket.receive", "text": "t"},
            {"type": "websocket.receive", "text": "[1]"},
            {"type": "websocket.other"},
            {"type": "websocket.disconnect", "code": 1001},
        )
        ws = socket(wire)
        await ws.accept("proto", headers=[(b"x", b"y")])
        with pytest.raises(RuntimeError, match="is connected"):
            await ws.accept()
        assert await ws.receive_text() == "t"
        assert await ws.receive_bytes() == b"b"
        with pytest.raises(TypeError, match="Expected a text message"):
            await ws.receive_text()
        with pytest.raises(TypeError, match="Expected a binary message"):
            await ws.receive_bytes()
        assert await ws.receive_json() == [1]
        with pytest.raises(RuntimeError, match="Unexpected ASGI message"):
            await ws.receive()
        with pytest.raises(Disconnected) as gone:
            await ws.receive()
        assert gone.value.code == 1001 == ws.close_code
        with pytest.raises(Disconnected):
            await ws.receive()
        with pytest.raises(Disconnected):
            await ws.send_text("late")
        await ws.close()  # no-op once closed
        assert wire.sent == [{"type": "websocket.accept", "subprotocol": "proto", "headers": [(b"x", b"y")]}]

    run(main())


def test_send_forms_and_a_vanished_client() -> None:
    async def main() -> None:
        wire = Wire()
        ws = socket(wire)
        await ws.accept()
        await ws.send("s")
        await ws.send(bytearray(b"ba"))
        await ws.send_text("t")
        await ws.send_bytes(b"b")
        await ws.send_json({"j": 1})
        await ws.close(4000, "done")
        assert wire.sent[1:] == [
            {"type": "websocket.send", "text": "s"},
            {"type": "websocket.send", "bytes": b"ba"},
            {"type": "websocket.send", "text": "t"},
            {"type": "websocket.send", "bytes": b"b"},
            {"type": "websocket.send", "text": '{"j": 1}'},
            {"type": "websocket.close", "code": 4000, "reason": "done"},
        ]
        gone = socket(Wire(fail_send=True))
        await gone.accept()
        with pytest.raises(Disconnected) as error:
            await gone.send("x")
        assert error.value.code == 1006 and gone.state == "closed"

    run(main())


def test_iteration_ends_at_disconnect() -> None:
    async def main() -> None:
        wire = Wire({"type": "websocket.receive", "text": "a"}, {"type": "websocket.disconnect"})
        ws = socket(wire)
        assert [message async for message in ws] == ["a"]
        assert ws.close_code == 1005

    run(main())


def test_a_client_gone_before_the_handler_runs() -> None:
    calls: list[Any] = []

    @consumer
    async def handler(websocket: WebSocket) -> None:
        calls.append(websocket)

    wire = Wire({"type": "websocket.disconnect", "code": 1006})
    run(handler.websocket_app({"type": "websocket", "path": "/"}, wire.receive, wire.send))  # type: ignore[attr-defined]
    assert calls == [] and wire.sent == []


def test_returning_without_accepting_refuses() -> None:
    @consumer
    async def handler(websocket: WebSocket) -> None:
        pass

    wire = Wire({"type": "websocket.connect"})
    run(handler.websocket_app({"type": "websocket", "path": "/"}, wire.receive, wire.send))  # type: ignore[attr-defined]
    assert wire.sent == [{"type": "websocket.close", "code": 1000}]


def test_consumer_needs_an_async_function() -> None:
    def handler(websocket: WebSocket) -> None:
        pass

    with pytest.raises(TypeError, match="needs an async function"):
        consumer(handler)  # type: ignore[arg-type]
