"""A minimal raw ASGI driver for tests that must see exactly what the application sends."""

import asyncio
from typing import Any


def make_scope(method: str = "GET", path: str = "/", query: bytes = b"", headers=None, **extra: Any) -> dict:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"testserver")] if headers is None else headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    scope.update(extra)
    return scope


async def acall(app, scope: dict, chunks=(b"",), disconnect_after_body: bool = True) -> dict:
    """Run one request; return {'status', 'headers', 'body', 'messages'}."""
    messages = [
        {"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)
    ]
    sent: list[dict] = []
    done = asyncio.Event()

    async def receive() -> dict:
        if messages:
            return messages.pop(0)
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and not message.get("more_body"):
            done.set()

    await app(scope, receive, send)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    return {
        "status": start["status"] if start else None,
        "headers": start["headers"] if start else [],
        "body": b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
        "messages": sent,
    }


def call(app, method: str = "GET", path: str = "/", **kwargs: Any) -> dict:
    chunks = kwargs.pop("chunks", (b"",))
    return asyncio.run(acall(app, make_scope(method, path, **kwargs), chunks))


def header(result: dict, name: bytes) -> bytes | None:
    for key, value in result["headers"]:
        if key == name:
            return value
    return None
