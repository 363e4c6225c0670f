"""Sending a response over ASGI: ``http.response.start``, then the body (streamed, or in one message).

A response with a body-less status (1xx, 204, 304) or to a HEAD request is sent without its body; a
non-streaming response without a Content-Length header gets one. Streaming responses are sent by
:mod:`microdj.core.handlers.streaming`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from microdj.core.handlers.asgi_types import NO_BODY_STATUSES, Send
from microdj.core.handlers.streaming import send_streaming_response

if TYPE_CHECKING:
    from microdj.guard.runner import ViewRunner
    from microdj.http.request import HttpRequest
    from microdj.http.response_base import HttpResponseBase
    from microdj.utils.concurrency import WorkerPool

__all__ = ["send_response"]

# PERF: the Content-Length header lines of short bodies, made once.
_LENGTH_LINES = [(b"content-length", str(n).encode()) for n in range(4096)]


async def send_response(
    request: HttpRequest, response: HttpResponseBase, send: Send, pool: WorkerPool, runner: ViewRunner
) -> None:
    """Send ``response`` to ``request``; a streaming body's sync iterator runs in ``pool``, its async one
    through ``runner``."""
    if response.streaming:
        await send_streaming_response(request, response, send, pool, runner)
        return
    status = response.status_code
    headers = response.asgi_headers()
    body: bytes = response.content  # type: ignore[attr-defined]
    if status in NO_BODY_STATUSES:
        body = b""
    elif "content-length" not in response.headers:
        size = len(body)
        headers.append(_LENGTH_LINES[size] if size < 4096 else (b"content-length", str(size).encode()))
    if request.method == "HEAD":
        body = b""
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
