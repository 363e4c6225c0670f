"""Differential tests, messages: Django's default session + messages middleware on both sides, messages
carried to the next request in the cookie and, past its size limit, in the signed-cookie session."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from tests.parity.parity_driver import Parity

SESSIONS = "{fw}.contrib.sessions.middleware.SessionMiddleware"
MESSAGES = "{fw}.contrib.messages.middleware.MessageMiddleware"
MASK = ["sessionid", "messages"]


@pytest.fixture(autouse=True)
def quiet(caplog: Any) -> None:
    caplog.set_level(logging.CRITICAL)


@pytest.fixture(scope="module")
def pair() -> Iterator[Parity]:
    with Parity(
        MIDDLEWARE=[SESSIONS, MESSAGES], SESSION_ENGINE="{fw}.contrib.sessions.backends.signed_cookies"
    ) as both:
        yield both


def cookie_header(jar: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return (("cookie", "; ".join(f"{k}={v}" for k, v in jar.items())),) if jar else ()


@pytest.mark.parametrize("count", [0, 1, 3, 12])
def test_messages_reach_the_next_request_as_in_django(pair: Parity, count: int) -> None:
    jars: dict[str, dict[str, str]] = {"microdj": {}, "django": {}}

    def request(path: str, query: bytes = b"") -> Any:
        def build(framework: str) -> dict[str, Any]:
            return {"path": path, "query": query, "headers": cookie_header(jars[framework])}

        return build

    def keep(framework: str, cookies: dict[str, str]) -> None:
        for name, value in cookies.items():
            if value in ('""', ""):
                jars[framework].pop(name, None)
            else:
                jars[framework][name] = value

    steps = [("/messages-add/", b"n=%d" % count), ("/messages-show/", b""), ("/messages-show/", b"")]
    shown = []
    for path, query in steps:
        mine, theirs = pair.compare_each(request(path, query), mask_cookies=MASK)
        assert sorted(mine.cookies) == sorted(theirs.cookies)
        keep("microdj", mine.cookies)
        keep("django", theirs.cookies)
        if path == "/messages-add/":
            stored_in = sorted(jars["microdj"])
        if path == "/messages-show/":
            shown.append(json.loads(mine.body))
    first, second = shown
    assert len(first["messages"]) == count and first["level"] == 20
    assert second["messages"] == []
    # Past the cookie's size limit the session holds the rest (on both sides: the cookie names agree).
    assert stored_in == {0: [], 1: ["messages"], 3: ["messages"], 12: ["messages", "sessionid"]}[count]
    if count:
        assert first["messages"][0] == [20, first["messages"][0][1], "x info"]
