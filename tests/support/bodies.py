"""A scripted ASGI client for the body, streaming and disconnect tests: what it receives, when it leaves."""

import asyncio
from collections.abc import Callable, Iterable, Iterator

from microdj.core.handlers.asgi import ASGIHandler
from microdj.test import override_settings
from tests.core.urls_bodies import EVENTS
from tests.support.asgi import make_scope

URLCONF = "tests.core.urls_bodies"


def app_fixture() -> Iterator[ASGIHandler]:
    """For a fixture: an application serving tests/core/urls_bodies.py while the test runs."""
    with override_settings(ROOT_URLCONF=URLCONF):
        EVENTS.clear()
        yield ASGIHandler()


class Exchange:
    """One request: body messages to hand out, then ``http.disconnect`` once ``leave_when(sent)`` holds.

    ``leave_after`` (seconds) makes the client leave on a timer instead; ``send_error_after`` makes ``send``
    raise OSError from that many body messages on, as a server does for a closed connection.
    """

    def __init__(
        self,
        body: Iterable[bytes] | Iterator[dict] = (b"",),
        *,
        leave_when: Callable[[list[dict]], bool] | None = None,
        leave_after: float | None = None,
        send_error_after: int | None = None,
        messages: Iterator[dict] | None = None,
    ) -> None:
        if messages is None:
            chunks = list(body)
            messages = iter(
                [
                    {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1}
                    for i, c in enumerate(chunks)
                ]
            )
        self.messages = messages
        self.leave_when = leave_when or _complete
        self.leave_after = leave_after
        self.send_error_after = send_error_after
        self.sent: list[dict] = []
        self.receive_calls = 0
        self.left: asyncio.Event | None = None

    async def receive(self) -> dict:
        self.receive_calls += 1
        message = next(self.messages, None)
        if message is not None:
            if isinstance(message, float):
                await asyncio.sleep(message)
                return await self.receive()
            return message
        await self._left().wait()
        return {"type": "http.disconnect"}

    def _left(self) -> asyncio.Event:
        if self.left is None:
            self.left = asyncio.Event()
        return self.left

    async def send(self, message: dict) -> None:
        if (
            self.send_error_after is not None
            and message["type"] == "http.response.body"
            and sum(m["type"] == "http.response.body" for m in self.sent) >= self.send_error_after
        ):
            raise OSError("connection closed")
        self.sent.append(message)
        if self.leave_when(self.sent):
            self._left().set()

    async def run(self, app: ASGIHandler, scope: dict) -> None:
        left = self._left()
        if self.leave_after is not None:
            asyncio.get_running_loop().call_later(self.leave_after, left.set)
        await app(scope, self.receive, self.send)

    @property
    def status(self) -> int | None:
        return next((m["status"] for m in self.sent if m["type"] == "http.response.start"), None)

    @property
    def headers(self) -> dict[bytes, bytes]:
        start = next((m for m in self.sent if m["type"] == "http.response.start"), None)
        return dict(start["headers"]) if start else {}

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.sent if m["type"] == "http.response.body")

    @property
    def complete(self) -> bool:
        return any(m["type"] == "http.response.body" and not m.get("more_body") for m in self.sent)


def _complete(sent: list[dict]) -> bool:
    return any(m["type"] == "http.response.body" and not m.get("more_body") for m in sent)


def run(app: ASGIHandler, exchange: Exchange, method: str = "GET", path: str = "/", **kwargs) -> Exchange:
    """Run one exchange on a fresh event loop."""
    headers = kwargs.pop("headers", None)
    scope = make_scope(method, path, headers=[(b"host", b"testserver"), *(headers or [])], **kwargs)
    asyncio.run(exchange.run(app, scope))
    return exchange


def body_chunks(sent: list[dict]) -> int:
    """The number of non-empty body messages sent."""
    return sum(1 for m in sent if m["type"] == "http.response.body" and m.get("body"))
