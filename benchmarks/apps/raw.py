"""The floor: a hand-written ASGI application answering the benchmark scenarios with no framework.

It has no route table (one regular expression serves every table size) and its middleware variant wraps it
in 5 pass-through ASGI callables.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from multipart import MultipartSegment, PushMultipartParser, parse_options_header

from benchmarks.scenarios import MIDDLEWARE_LAYERS

_PARAMS = re.compile(r"^/items/(?P<group>[-a-zA-Z0-9_]+)/(?P<item>[0-9]+)/$")
_TEXT = [(b"content-type", b"text/plain")]
_JSON = [(b"content-type", b"application/json")]


async def _body(receive) -> bytes:
    parts = []
    more = True
    while more:
        message = await receive()
        parts.append(message.get("body", b""))
        more = message.get("more_body", False)
    return b"".join(parts)


async def _send(send, status: int, headers: list, body: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _upload_sizes(scope, receive) -> dict[str, int]:
    content_type = dict(scope["headers"]).get(b"content-type", b"").decode()
    _, options = parse_options_header(content_type)
    sizes: dict[str, int] = {}
    with PushMultipartParser(options["boundary"], strict=True) as parser:
        current = ""
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
            for event in parser.parse(message.get("body", b"")):
                if isinstance(event, MultipartSegment):
                    current = event.name
                    sizes[current] = 0
                elif event is not None:
                    sizes[current] += len(event)
    return sizes


async def application(scope, receive, send) -> None:
    """Answer every scenario by hand."""
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/plaintext":
        await _send(send, 200, _TEXT, b"Hello, world!")
    elif path == "/json":
        await _send(send, 200, _JSON, json.dumps({"message": "Hello, world!"}).encode())
    elif (match := _PARAMS.match(path)) is not None:
        body = json.dumps({"group": match["group"], "item": int(match["item"])}).encode()
        await _send(send, 200, _JSON, body)
    elif path == "/query":
        data = dict(parse_qsl(scope["query_string"].decode(), keep_blank_values=True))
        await _send(send, 200, _JSON, json.dumps(data).encode())
    elif path == "/form":
        data = dict(parse_qsl((await _body(receive)).decode(), keep_blank_values=True))
        await _send(send, 200, _JSON, json.dumps({"fields": len(data), "field9": data["field9"]}).encode())
    elif path == "/upload":
        await _send(send, 200, _JSON, json.dumps(await _upload_sizes(scope, receive)).encode())
    else:
        await _send(send, 404, _TEXT, b"Not Found")


def _pass_through(app):
    async def middleware(scope, receive, send) -> None:
        await app(scope, receive, send)

    return middleware


def build(variant: str = ""):
    """Return the application for ``variant`` (see benchmarks.scenarios)."""
    app = application
    for _ in range(MIDDLEWARE_LAYERS.get(variant, 0)):
        app = _pass_through(app)
    return app
