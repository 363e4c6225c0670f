"""WebsocketCommunicator: Channels' testing API, timeouts, lifespan and the default application."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from microdj.test import WebsocketCommunicator, override_settings
from tests.websocket.conftest import run


async def echo_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """A raw ASGI echo application that also reports its scope."""
    assert (await receive())["type"] == "websocket.connect"
    await send({"type": "websocket.accept", "subprotocol": (scope["subprotocols"] or [None])[0]})
    while True:
        message = await receive()
        if message["type"] == "websocket.disconnect":
            return
        if message.get("text") == "scope":
            await send({"type": "websocket.send", "text": repr(sorted(scope))})
        elif message.get("text") == "headers":
            await send({"type": "websocket.send", "text": repr(scope["headers"])})
        elif message.get("text") == "close":
            await send({"type": "websocket.close"})
        elif message.get("text") == "crash":
            raise RuntimeError("app crashed")
        elif message.get("text") == "silent":
            continue
        else:
            await send({"type": "websocket.send", "text": message.get("text"), "bytes": message.get("bytes")})


def test_channels_api() -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(echo_app, "/p/?a=1", subprotocols=["one"], lifespan=False)
        assert await communicator.connect() == (True, "one")
        assert communicator.scope["query_string"] == b"a=1" and communicator.scope["path"] == "/p/"
        await communicator.send_to(text_data="t")
        assert await communicator.receive_from() == "t"
        await communicator.send_to(bytes_data=b"b")
        assert await communicator.receive_from() == b"b"
        await communicator.send_json_to({"x": 1})
        assert await communicator.receive_json_from() == {"x": 1}
        await communicator.send_to(bytes_data=b"[]")
        with pytest.raises(AssertionError, match="JSON text message"):
            await communicator.receive_json_from()
        assert await communicator.receive_nothing(0.02)
        await communicator.send_to(text_data="close")
        with pytest.raises(AssertionError, match="Expected a websocket.send"):
            await communicator.receive_from()
        assert communicator.close_code == 1000
        await communicator.disconnect()

    run(main())


def test_headers_forms_and_host() -> None:
    async def main() -> None:
        for headers, expected in [
            (None, [(b"host", b"testserver")]),
            ({"X-A": "1"}, [(b"host", b"testserver"), (b"x-a", b"1")]),
            ([(b"Host", b"h"), ("cookie", "c=1")], [(b"host", b"h"), (b"cookie", b"c=1")]),
        ]:
            communicator = WebsocketCommunicator(echo_app, "/", headers=headers, lifespan=False)
            assert communicator.scope["headers"] == expected
            assert communicator.application is echo_app

    run(main())


def test_argument_and_state_errors() -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(echo_app, "/", lifespan=False)
        for call in (
            communicator.send_to(text_data="x"),
            communicator.receive_output(),
            communicator.receive_nothing(),
        ):
            with pytest.raises(RuntimeError, match="connect"):
                await call
        await communicator.disconnect()  # nothing to do yet
        await communicator.connect()
        with pytest.raises(RuntimeError, match="connected already"):
            await communicator.connect()
        for kwargs in ({}, {"text_data": "a", "bytes_data": b"b"}):
            with pytest.raises(ValueError, match="exactly one"):
                await communicator.send_to(**kwargs)
        with pytest.raises(TypeError, match="str"):
            await communicator.send_to(text_data=b"x")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="bytes"):
            await communicator.send_to(bytes_data="x")  # type: ignore[arg-type]
        await communicator.disconnect()

    run(main())


def test_timeouts_cancel_the_application() -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(echo_app, "/", lifespan=False)
        await communicator.connect()
        await communicator.send_to(text_data="silent")
        with pytest.raises(TimeoutError, match="nothing within 0.05 s"):
            await communicator.receive_output(0.05)
        assert communicator._task is not None and communicator._task.cancelled()
        await communicator.disconnect()

    run(main())


def test_application_errors_are_raised() -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(echo_app, "/", lifespan=False)
        await communicator.connect()
        await communicator.send_to(text_data="crash")
        with pytest.raises(RuntimeError, match="app crashed"):
            await communicator.receive_output()
        with pytest.raises(RuntimeError, match="app crashed"):
            await communicator.receive_output()
        with pytest.raises(RuntimeError, match="app crashed"):
            await communicator.disconnect()

    run(main())


def test_an_application_that_ends_quietly() -> None:
    async def quiet(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await send({"type": "websocket.send", "text": "bye"})

    async def odd(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.http.response.start", "status": 403})

    async def stubborn(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                return

    async def main() -> None:
        communicator = WebsocketCommunicator(quiet, "/", lifespan=False)
        await communicator.connect()
        await asyncio.sleep(0.01)
        assert await communicator.receive_from() == "bye"
        with pytest.raises(AssertionError, match="finished and sent nothing more"):
            await communicator.receive_output()
        await communicator.disconnect()
        communicator = WebsocketCommunicator(odd, "/", lifespan=False)
        with pytest.raises(
            AssertionError, match="answered the handshake with 'websocket.http.response.start'"
        ):
            await communicator.connect()
        await communicator.disconnect()
        communicator = WebsocketCommunicator(stubborn, "/", lifespan=False)
        await communicator.connect()
        await communicator.disconnect(timeout=0.05)  # the application ignored the disconnect: cancelled
        assert communicator._task is not None and communicator._task.done()

    run(main())


def test_receive_output_sees_a_message_sent_as_the_application_ends() -> None:
    async def last_words(scope: Any, receive: Any, send: Any) -> None:
        await receive()
        await send({"type": "websocket.accept"})
        await receive()
        await send({"type": "websocket.send", "text": "last"})

    async def main() -> None:
        communicator = WebsocketCommunicator(last_words, "/", lifespan=False)
        await communicator.connect()
        await communicator.send_to(text_data="go")
        assert await communicator.receive_from() == "last"
        await communicator.disconnect()

    run(main())


def startup_hook() -> None:
    pass


def test_default_application_and_lifespan_state() -> None:
    layers = {"default": {"BACKEND": "microdj.websocket.layers.InMemoryChannelLayer"}}

    async def main() -> Any:
        communicator = WebsocketCommunicator(path="/ws/scope/x/")
        communicator.scope["state"] = {}
        assert await communicator.connect() == (True, None)
        seen = await communicator.receive_json_from()
        await communicator.disconnect()
        return seen

    with override_settings(
        ROOT_URLCONF="tests.websocket.ws_app", CHANNEL_LAYERS=layers, ON_STARTUP=[startup_hook]
    ):
        seen = run(main())
    assert seen["route"]["kwargs"] == {"part": "x", "extra": "yes"}


def test_receive_nothing_sees_a_message_and_a_cancelled_wait_is_clean() -> None:
    async def main() -> None:
        communicator = WebsocketCommunicator(echo_app, "/", lifespan=False)
        await communicator.connect()
        await communicator.send_to(text_data="pending")
        await asyncio.sleep(0.01)
        assert await communicator.receive_nothing() is False
        assert await communicator.receive_from() == "pending"
        await communicator.send_to(text_data="silent")
        waiting = asyncio.ensure_future(communicator.receive_output(5))
        await asyncio.sleep(0.01)
        waiting.cancel()
        await asyncio.gather(waiting, return_exceptions=True)
        await communicator.send_to(text_data="after")
        assert await communicator.receive_from() == "after"  # the cancelled wait took nothing
        await communicator.disconnect()

    run(main())
