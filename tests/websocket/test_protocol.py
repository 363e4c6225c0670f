"""The shared pieces: the size limit, close codes a server refuses, failure logging."""

from __future__ import annotations

from typing import Any

import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.test import override_settings
from microdj.websocket.protocol import max_message_size, send_close, server_safe_code, too_big, where
from tests.websocket.conftest import run


def test_too_big_counts_utf8_bytes() -> None:
    assert not too_big({"text": "a" * 10}, 10)
    assert too_big({"text": "a" * 11}, 10)
    assert not too_big({"text": "é" * 5}, 10)
    assert too_big({"text": "é" * 6}, 10)
    assert too_big({"text": "\ud800" * 4}, 10)  # a lone surrogate counts as its 3 bytes
    assert not too_big({"bytes": b"x" * 10}, 10)
    assert too_big({"bytes": b"x" * 11}, 10)
    assert not too_big({}, 10)


def test_max_message_size_setting() -> None:
    assert max_message_size() == 1024 * 1024
    with override_settings(WEBSOCKET_MAX_MESSAGE_SIZE=None):
        assert max_message_size() is None
    for bad in (0, -1, True, "10", 1.5):
        with (
            override_settings(WEBSOCKET_MAX_MESSAGE_SIZE=bad),
            pytest.raises(ImproperlyConfigured, match="WEBSOCKET_MAX_MESSAGE_SIZE"),
        ):
            max_message_size()


def test_server_safe_codes() -> None:
    assert [server_safe_code(c) for c in (1000, 1001, 1009, 1011, 3000, 4999)] == [
        1000,
        4001,
        4009,
        4011,
        3000,
        4999,
    ]


class PickyServer:
    """Refuses the protocol's own close codes, as daphne (autobahn) does; optionally the client is gone."""

    def __init__(self, gone_after_retry: bool = False) -> None:
        self.sent: list[dict[str, Any]] = []
        self.gone_after_retry = gone_after_retry

    async def send(self, message: dict[str, Any]) -> None:
        code = message["code"]
        if code != 1000 and not 3000 <= code <= 4999:
            raise Exception(f"invalid close code {code}")
        if self.gone_after_retry:
            raise ConnectionResetError()
        self.sent.append(message)


def test_send_close_falls_back_to_a_code_the_server_takes() -> None:
    server = PickyServer()
    run(send_close(server.send, 1011, "oops"))
    run(send_close(server.send, 4000))
    assert server.sent == [
        {"type": "websocket.close", "code": 4011, "reason": "oops"},
        {"type": "websocket.close", "code": 4000},
    ]
    run(send_close(PickyServer(gone_after_retry=True).send, 1009))

    async def refusing(message: dict[str, Any]) -> None:
        raise Exception("server broken")

    # A code the server should take: its refusal is a real error.
    with pytest.raises(Exception, match="server broken"):
        run(send_close(refusing, 4000))


def test_where_names_path_and_route() -> None:
    assert where({"path": "/ws/", "url_route": {"route": "ws/"}}) == "/ws/ (route 'ws/')"
    assert where({"path": "/ws/"}) == "/ws/"
