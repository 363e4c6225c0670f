"""Raw-ASGI driving for the hostile-input suite: scopes, multipart bodies and the ``Case`` record."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

URLCONF = "tests.security.urls_security"
CT = b"content-type"
CL = b"content-length"
FORM = b"application/x-www-form-urlencoded"
MULTIPART = b"multipart/form-data; boundary=xx"


# --------------------------------------------------------------------------------------------- driving
def make_scope(
    method: str,
    path: str,
    query: bytes = b"",
    headers: list[tuple[bytes, bytes]] | None = None,
    raw_path: bytes | None = None,
    host: bytes | None = b"testserver",
) -> dict[str, Any]:
    """An HTTP scope carrying exactly the given bytes (``path`` as str, ``raw_path`` as the wire bytes)."""
    all_headers = ([(b"host", host)] if host is not None else []) + list(headers or [])
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode("utf-8", "surrogateescape") if raw_path is None else raw_path,
        "query_string": query,
        "root_path": "",
        "headers": all_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }


async def drive(
    app: Any,
    scope: dict[str, Any],
    chunks: tuple[bytes, ...] = (b"",),
    *,
    disconnect: bool = False,
    gone_after: int | None = None,
    send_raises: bool = False,
    timeout: float = 10.0,
) -> dict[str, Any]:
    """Run one request through ``app``; return what it sent.

    ``disconnect``: the client goes away after the given chunks (``more_body`` stays true).
    ``gone_after``: the client goes away after that many response body messages; then ``receive``
    returns ``http.disconnect`` and ``send`` either drops messages (as uvicorn does) or, with
    ``send_raises``, raises OSError (as the ASGI spec allows).
    """
    # A client that leaves during a declared body leaves with ``more_body`` still true.
    pending = disconnect and any(
        name in (b"content-length", b"transfer-encoding") for name, _ in scope["headers"]
    )
    messages = [
        {"type": "http.request", "body": chunk, "more_body": pending or i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []
    state = {"bodies": 0, "dropped": 0}
    gone = asyncio.Event()

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        if not disconnect:
            await gone.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if gone.is_set():
            if send_raises:
                raise OSError("client went away")
            state["dropped"] += 1
            return
        sent.append(message)
        if message["type"] == "http.response.body":
            state["bodies"] += 1
            if not message.get("more_body") or (gone_after is not None and state["bodies"] >= gone_after):
                gone.set()

    await asyncio.wait_for(app(scope, receive, send), timeout)
    start = next((m for m in sent if m["type"] == "http.response.start"), None)
    return {
        "status": start["status"] if start else None,
        "headers": start["headers"] if start else [],
        "body": b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
        "dropped": state["dropped"],
    }


def multipart(*parts: tuple[bytes, bytes | None, bytes, bytes], boundary: bytes = b"xx") -> bytes:
    """A multipart body from (name, filename or None, data, extra header lines) tuples."""
    out = b""
    for name, filename, data, extra in parts:
        disposition = b'form-data; name="' + name + b'"'
        if filename is not None:
            disposition += b'; filename="' + filename + b'"'
        out += b"--" + boundary + b"\r\nContent-Disposition: " + disposition + b"\r\n" + extra + b"\r\n"
        out += data + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


def field_part(name: bytes, value: bytes) -> tuple[bytes, None, bytes, bytes]:
    return (name, None, value, b"")


def file_part(name: bytes, filename: bytes, data: bytes = b"hello") -> tuple[bytes, bytes, bytes, bytes]:
    return (name, filename, data, b"Content-Type: text/plain\r\n")


UPLOAD = multipart(field_part(b"a", b"1"), file_part(b"f", b"notes.txt"))


# ---------------------------------------------------------------------------------------------- cases
@dataclass
class Case:
    """One hostile request; ``status`` is microdj's answer, ``django`` Django's when it differs."""

    id: str
    method: str = "GET"
    path: str = "/"
    query: bytes = b""
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: tuple[bytes, ...] = (b"",)
    status: int | None = 200
    django: int | None = None
    why: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    raw_path: bytes | None = None
    host: bytes | None = b"testserver"
    expect: Any = None
    reference: bool = True
    same_body: bool = True
    marks: tuple = ()


def post(case_id: str, path: str, body: bytes, content_type: bytes | None = MULTIPART, **kwargs: Any) -> Case:
    """A POST with an honest Content-Length (unless ``length`` is given) and the body in one chunk."""
    length = kwargs.pop("length", str(len(body)).encode())
    headers = ([(CT, content_type)] if content_type is not None else []) + [(CL, length)]
    return Case(
        case_id,
        "POST",
        path,
        headers=headers + kwargs.pop("headers", []),
        chunks=kwargs.pop("chunks", (body,)),
        **kwargs,
    )
