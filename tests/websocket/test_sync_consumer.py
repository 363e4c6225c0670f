"""WebsocketConsumer and JsonWebsocketConsumer: handlers in worker threads, hops back to the loop."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from microdj.test import WebsocketCommunicator
from microdj.websocket import WebsocketConsumer
from tests.websocket.conftest import run
from tests.websocket.ws_app import EVENTS


def test_sync_echo_runs_in_a_worker_thread(app: Any) -> None:
    seen: list[str] = []

    class Where(WebsocketConsumer):
        def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
            seen.append(threading.current_thread().name)
            self.send(text_data=text_data)

    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/sync/")
        assert await communicator.connect() == (True, None)
        await communicator.send_to(text_data="hi")
        assert await communicator.receive_from() == "hi"
        await communicator.send_to(bytes_data=b"\x01")
        assert await communicator.receive_from() == b"\x01"
        await communicator.disconnect()
        sent: list[dict[str, Any]] = []
        messages = [{"type": "websocket.connect"}, {"type": "websocket.receive", "text": "where"}]

        async def receive() -> dict[str, Any]:
            return messages.pop(0) if messages else {"type": "websocket.disconnect", "code": 1000}

        async def send(message: dict[str, Any]) -> None:
            sent.append(message)

        # Outside microdj's handler (no pool in the scope) the consumer uses a pool of its own.
        await Where()({"type": "websocket", "path": "/"}, receive, send)
        assert sent[-1] == {"type": "websocket.send", "text": "where"}

    run(main())
    assert EVENTS == [("connect", "sync", {}), ("disconnect", "sync", 1000)]
    assert seen and seen[0].startswith("microdj-websocket")


def test_sync_groups_through_async_to_sync(app: Any) -> None:
    async def main() -> None:
        members = [WebsocketCommunicator(app, "/ws/sync/") for _ in range(2)]
        for member in members:
            await member.connect()
            await member.send_to(text_data="join")
            assert await member.receive_from() == "joined"
        await members[0].send_to(text_data="shout")
        for member in members:
            assert await member.receive_from() == "hey"
        for member in members:
            await member.disconnect()

    run(main())


@pytest.mark.parametrize(
    ("text", "output", "code"),
    [
        ("close", [{"type": "websocket.close", "code": 4002}], 4002),
        (
            "send-close",
            [{"type": "websocket.send", "bytes": b"last"}, {"type": "websocket.close", "code": 4003}],
            4003,
        ),
        ("boom", [{"type": "websocket.close", "code": 1011}], 1011),
    ],
)
def test_sync_ends(
    app: Any, caplog: pytest.LogCaptureFixture, text: str, output: list[Any], code: int
) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/sync/")
        await communicator.connect()
        await communicator.send_to(text_data=text)
        for expected in output:
            assert await communicator.receive_output() == expected
        await communicator.disconnect()

    with caplog.at_level(logging.ERROR, logger="microdj.websocket"):
        run(main())
    assert [e for e in EVENTS if e[0] == "disconnect"] == [("disconnect", "sync", code)]
    assert ("boom in a sync receive" in caplog.text) == (text == "boom")


def test_sync_json_and_subprotocol(app: Any) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, "/ws/sync-json/", subprotocols=["json"])
        assert await communicator.connect() == (True, "json")
        await communicator.send_json_to({"a": 1})
        assert await communicator.receive_json_from() == {"got": {"a": 1}}
        await communicator.send_to(bytes_data=b"x")
        assert await communicator.receive_output() == {"type": "websocket.close", "code": 1011}
        await communicator.disconnect()

    run(main())


@pytest.mark.parametrize(
    ("path", "result"), [("/ws/sync-deny/", (False, 1000)), ("/ws/sync-accept/", (True, None))]
)
def test_sync_accept_and_deny_exceptions(app: Any, path: str, result: tuple[bool, Any]) -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(app, path)
        assert await communicator.connect() == result
        await communicator.disconnect()

    run(main())


def test_sync_methods_refuse_the_loop_thread() -> None:
    class Wrong(WebsocketConsumer):
        pass

    async def main() -> None:
        consumer = Wrong()
        consumer._loop_thread = threading.get_ident()
        with pytest.raises(RuntimeError, match="cannot be called on the event loop's thread"):
            consumer.close()

    run(main())


def test_sync_send_requires_data() -> None:
    with pytest.raises(ValueError, match="one of bytes_data or text_data"):
        WebsocketConsumer().send()
