"""Sending a response over ASGI: ``http.response.start``, then the body in one message.

A response with a body-less status (1xx, 204, 304) or to a HEAD request is sent without its body; a
non-streaming response without a Content-Length header gets one. Streaming responses are sent by
:mod:`microdj.core.handlers.streaming`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from microdj.core.handlers.asgi_types import NO_BODY_STATUSES, Message

if TYPE_CHECKING:
    from microdj.http.request import HttpRequest
    from microdj.http.response_base import HttpResponseBase

__all__ = ["response_messages"]


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
