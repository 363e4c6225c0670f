"""The benchmark scenarios: one request each, answered identically by every application.

A scenario names the application *variant* it needs: ``""`` (the base app: 48 filler routes before the
scenario routes, no middleware), ``"1000"`` (1,000 filler routes before them) or ``"mw"`` (the base routes
behind 5 no-op middleware). Frameworks whose route table or middleware list is global build one variant per
process.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

BOUNDARY = b"----microdjbench"
HELLO = b"Hello, world!"
FILE_BODY = bytes(range(256)) * 64  # 16 KiB
FILLERS = {"": 48, "1000": 1000, "mw": 48, "mw1": 48, "pages": 48}
# How many no-op middleware layers each variant puts in front of the routes.
MIDDLEWARE_LAYERS = {"mw": 5, "mw1": 1}
VARIANTS = tuple(FILLERS)


def _multipart() -> bytes:
    return b"".join(
        [
            b"--" + BOUNDARY + b"\r\n",
            b'Content-Disposition: form-data; name="title"\r\n\r\n',
            b"holiday photos\r\n",
            b"--" + BOUNDARY + b"\r\n",
            b'Content-Disposition: form-data; name="photo"; filename="photo.bin"\r\n',
            b"Content-Type: application/octet-stream\r\n\r\n",
            FILE_BODY + b"\r\n",
            b"--" + BOUNDARY + b"--\r\n",
        ]
    )


FORM_BODY = "&".join(f"field{i}=value{i}" for i in range(10)).encode()
FORM_BODY_100 = "&".join(f"field{i}=value{i}" for i in range(100)).encode()
UPLOAD_BODY = _multipart()
QUERY = b"a=1&b=two&c=%C3%A9t%C3%A9&d=&e=5"


@dataclass(frozen=True)
class Scenario:
    """One request and the answer every application must give to it."""

    name: str
    method: str
    path: str
    query: bytes = b""
    headers: tuple[tuple[bytes, bytes], ...] = ()
    body: bytes = b""
    expect: int = 200
    text: bytes | None = None  # exact body expected (plain text answers)
    json: object = None  # decoded JSON body expected (serialisers differ in spacing)
    variant: str = ""
    contains: bytes | None = None  # a part of the body expected (pages)
    length: int | None = None  # the body's exact length (files)
    frameworks: tuple[str, ...] = ()  # slugs of the frameworks that have it (empty: all)

    def runs_on(self, slug: str) -> bool:
        """Whether the framework ``slug`` answers this scenario."""
        return not self.frameworks or slug in self.frameworks

    def check(self, status: int, body: bytes) -> str | None:
        """Return why ``status``/``body`` is not the expected answer, or None when it is."""
        if status != self.expect:
            return f"{self.name}: expected status {self.expect}, got {status}"
        if self.contains is not None and self.contains not in body:
            return f"{self.name}: expected {self.contains!r} in the body, got {body[:200]!r}"
        if self.length is not None and len(body) != self.length:
            return f"{self.name}: expected {self.length} bytes, got {len(body)}"
        if self.text is not None and body != self.text:
            return f"{self.name}: expected body {self.text!r}, got {body[:200]!r}"
        if self.json is not None:
            try:
                decoded = json.loads(body)
            except ValueError:
                return f"{self.name}: expected JSON {self.json!r}, got {body[:200]!r}"
            if decoded != self.json:
                return f"{self.name}: expected JSON {self.json!r}, got {decoded!r}"
        return None


PLAINTEXT = "plaintext"
PARAMS_48 = "2-param route (48 before)"
PARAMS_1000 = "2-param route (1,000 before)"
MIDDLEWARE = "5 no-op middleware"
MIDDLEWARE_1 = "1 no-op middleware"
TEMPLATE_PAGE = "template page (10 vars, 20 rows)"
STATIC_16K = "static file (16 KiB)"
STATIC_1M = "static file (1 MiB)"
# Template and static-file rows: microdj against Starlette (Jinja2Templates, StaticFiles) and Django (Jinja2
# backend, ServeStatic in front).
PAGE_PEERS = ("microdj", "starlette", "django")

SCENARIOS = [
    Scenario(PLAINTEXT, "GET", "/plaintext", text=HELLO),
    Scenario("json", "GET", "/json", json={"message": "Hello, world!"}),
    Scenario(PARAMS_48, "GET", "/items/books/42/", json={"group": "books", "item": 42}),
    Scenario(PARAMS_1000, "GET", "/items/books/42/", json={"group": "books", "item": 42}, variant="1000"),
    Scenario(
        "query string",
        "GET",
        "/query",
        query=QUERY,
        json={"a": "1", "b": "two", "c": "\u00e9t\u00e9", "d": "", "e": "5"},
    ),
    Scenario(
        "urlencoded form (10 fields)",
        "POST",
        "/form",
        headers=((b"content-type", b"application/x-www-form-urlencoded"),),
        body=FORM_BODY,
        json={"fields": 10, "field9": "value9"},
    ),
    Scenario(
        "urlencoded form (100 fields)",
        "POST",
        "/form",
        headers=((b"content-type", b"application/x-www-form-urlencoded"),),
        body=FORM_BODY_100,
        json={"fields": 100, "field9": "value9"},
    ),
    Scenario(
        "multipart upload (16 KiB)",
        "POST",
        "/upload",
        headers=((b"content-type", b"multipart/form-data; boundary=" + BOUNDARY),),
        body=UPLOAD_BODY,
        json={"title": 14, "photo": len(FILE_BODY)},
    ),
    Scenario("404", "GET", "/missing/page", expect=404),
    Scenario(MIDDLEWARE_1, "GET", "/plaintext", text=HELLO, variant="mw1"),
    Scenario(MIDDLEWARE, "GET", "/plaintext", text=HELLO, variant="mw"),
    Scenario(
        TEMPLATE_PAGE,
        "GET",
        "/page",
        contains=b"<tr><td>20</td><td>item 19 &lt;b&gt;</td><td>57</td></tr>",
        variant="pages",
        frameworks=PAGE_PEERS,
    ),
    Scenario(
        STATIC_16K, "GET", "/static/bench16k.bin", length=16 * 1024, variant="pages", frameworks=PAGE_PEERS
    ),
    Scenario(
        STATIC_1M, "GET", "/static/bench1m.bin", length=1024 * 1024, variant="pages", frameworks=PAGE_PEERS
    ),
]
BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
