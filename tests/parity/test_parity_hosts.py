"""Differential tests, ALLOWED_HOSTS: with DEBUG on and the list empty, the local hosts are served as by
Django; any other host is refused with 400 and a page saying which host to add."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.parity.parity_driver import Parity


@pytest.fixture(autouse=True)
def quiet(caplog: Any) -> None:
    caplog.set_level(logging.CRITICAL)


@pytest.fixture(scope="module")
def pair() -> Iterator[Parity]:
    with Parity(DEBUG=True, ALLOWED_HOSTS=[]) as both:
        yield both


@pytest.mark.parametrize(
    "host",
    ["localhost", "localhost:8000", "127.0.0.1", "127.0.0.1:8000", "[::1]", "[::1]:8000", "app.localhost",
     "LOCALHOST", "localhost.", "example.com", "127.0.0.2", "[::2]", "evil.com:8000", "local host"],
)  # fmt: skip
def test_debug_hosts_as_django(pair: Parity, host: str) -> None:
    # /info/ reads the host (request.get_host()), which is where Django checks it.
    mine, theirs = pair.run("GET", "/info/", headers=(("host", host),))
    assert mine["status"] == theirs["status"]
    if mine["status"] == 400:
        # Both pages say why: Django's DisallowedHost message.
        assert b"Invalid HTTP_HOST header" in theirs["body"]
        assert b"Invalid HTTP_HOST header" in mine["body"]


def test_an_empty_list_without_debug_refuses_every_host(pair: Parity) -> None:
    with pair.override(DEBUG=False):
        for host in ("localhost", "127.0.0.1", "example.com"):
            mine, theirs = pair.run("GET", "/info/", headers=(("host", host),))
            assert mine["status"] == theirs["status"] == 400
