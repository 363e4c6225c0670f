"""Sending a response over ASGI: ``http.response.start``, then the body (streamed, or in one message).

A response with a body-less status (1xx, 204, 304) or to a HEAD request is sent without its body; a
non-streaming response without a Content-Length header gets one. Streaming responses are sent by
:mod:`microdj.core.handlers.streaming`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from microdj.core.handlers.asgi_types import NO_BODY_STATUSES, Message, Send
from microdj.core.handlers.streaming import send_streaming_response

if TYPE_CHECKING:
    from microdj.guard.runner import ViewRunner
    from microdj.http.request import HttpRequest
    from microdj.http.response_base import HttpResponseBase
    from microdj.utils.concurrency import WorkerPool

__all__ = ["response_messages", "send_response"]


def response_messages(request: HttpRequest, response: HttpResponseBase) -> tuple[Message, Message]:
    """The ``http.response.start`` and ``http.response.body`` messages of non-streaming ``response``."""
    status = response.status_code
    body: bytes = response.content  # type: ignore[attr-defined]
    if status in NO_BODY_STATUSES:
        body = b""
        headers = response.asgi_headers()
    else:
        # A Content-Length unless the response set its own (HEAD: the length of the body it would get).
        headers = response.asgi_headers(len(body))
        if request.method == "HEAD":
            body = b""
    return (
        {"type": "http.response.start", "status": status, "headers": headers},
        {"type": "http.response.body", "body": body},
    )


async def send_response(
    request: HttpRequest, response: HttpResponseBase, send: Send, pool: WorkerPool, runner: ViewRunner
) -> None:
    """Send ``response`` to ``request``; a streaming body's sync iterator runs in ``pool``, its async one
    through ``runner``."""
    if response.streaming:
        await send_streaming_response(request, response, send, pool, runner)
        return
    start, body = response_messages(request, response)
    await send(start)
    await send(body)
