"""Hostile input, sent as raw ASGI messages: the exact status, Django's status for the same bytes, no
temp file left behind, and the application still answers the next normal request.

Every case runs twice: through microdj and through Django's own ``ASGIHandler`` (serving the twin views
of tests/django_urls.py). ``CASES`` is therefore a differential table: ``status`` is microdj's answer,
``django`` is Django's when it differs (with the reason in ``why``). Where Django answers 500 because of
the client's bytes, microdj answers 400 (issue 7).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.test import override_settings as django_override_settings

from microdj.asgi import get_asgi_application
from microdj.test import override_settings

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


STRICT_BODY = "microdj checks the body against its Content-Length; Django reads what arrives"
TRUNCATED = "a truncated multipart body is a 400 (issue 7); Django returns the partial form"
STRICT_MULTIPART = (
    "microdj's strict multipart parser rejects a malformed body; Django skips what it cannot parse"
)
TOO_BIG = "microdj answers RequestDataTooBig with 413 (core/handlers/exception.py); Django with 400"
PARTED = multipart(*(field_part(b"f%d" % i, b"x") for i in range(4)))
FILES3 = multipart(*(file_part(b"f", b"f%d.txt" % i, b"x") for i in range(3)))
NAMES = multipart(
    file_part(b"f", b"../../etc/passwd"),
    file_part(b"f", b"/abs/path.txt"),
    file_part(b"f", b"a\x00b.txt"),
    file_part(b"f", b"C:\\Windows\\evil.txt"),
    file_part(b"f", b".."),
    file_part(b"f", b"..\\..\\boot.ini"),
    file_part(b"f", b"&#47;etc&#47;shadow"),
)

CASES = [
    # Content-Type and boundary.
    post("multipart-ok", "/form/", UPLOAD),
    post("multipart-no-boundary", "/form/", UPLOAD, b"multipart/form-data", status=400),
    post("multipart-empty-boundary", "/form/", UPLOAD, b"multipart/form-data; boundary=", status=400),
    post("multipart-boundary-crlf", "/form/", UPLOAD, b"multipart/form-data; boundary=x\r\ny", status=400),
    post("multipart-boundary-lf", "/form/", UPLOAD, b"multipart/form-data; boundary=xx\nz", status=400),
    post(
        "multipart-boundary-too-long",
        "/form/",
        UPLOAD,
        b"multipart/form-data; boundary=" + b"b" * 300,
        status=400,
    ),
    post("multipart-boundary-non-ascii", "/form/", UPLOAD, b"multipart/form-data; boundary=\xff", status=400),
    post("missing-content-type", "/form/", UPLOAD, None),
    post("other-content-type", "/form/", UPLOAD, b"text/plain"),
    post("multipart-mixed", "/form/", UPLOAD, b"multipart/mixed; boundary=xx"),
    post("multipart-unknown-charset", "/form/", UPLOAD, MULTIPART + b"; charset=nope"),
    post("form-unknown-charset", "/form/", b"a=1", FORM + b"; charset=nope"),
    post("form-latin1-charset", "/form/", b"a=1", FORM + b"; charset=latin-1", status=400),
    # Multipart framing.
    post(
        "multipart-truncated",
        "/form/",
        UPLOAD[:-12],
        length=str(len(UPLOAD[:-12])).encode(),
        status=400,
        django=200,
        why=TRUNCATED,
    ),
    post(
        "multipart-no-closing-boundary",
        "/form/",
        b'--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nv',
        status=400,
        django=200,
        why=TRUNCATED,
    ),
    post(
        "multipart-garbage", "/form/", b"no boundary anywhere", status=400, django=200, why=STRICT_MULTIPART
    ),
    post(
        "multipart-no-disposition",
        "/form/",
        b"--xx\r\nX-Other: 1\r\n\r\nv\r\n--xx--\r\n",
        status=400,
        django=200,
        why=STRICT_MULTIPART,
    ),
    post("multipart-empty-body", "/form/", b""),
    post(
        "multipart-part-header-too-large",
        "/form/",
        multipart((b"a", None, b"x", b"X-Big: " + b"y" * 10_000 + b"\r\n")),
        status=400,
    ),
    post(
        "multipart-too-many-part-headers",
        "/form/",
        multipart((b"a", None, b"x", b"".join(b"X-H%d: y\r\n" % i for i in range(20)))),
        status=400,
        django=200,
        why="microdj bounds the header lines of a part (MAX_PART_HEADER_COUNT); Django does not",
    ),
    post("multipart-one-byte-chunks", "/form/", UPLOAD, chunks=tuple(bytes([b]) for b in UPLOAD)),
    post("multipart-one-byte-chunks-async", "/aform/", UPLOAD, chunks=tuple(bytes([b]) for b in UPLOAD)),
    post("multipart-non-utf8-field", "/form/", multipart(field_part(b"a", b"\xff\xfe\xc0\xaf"))),
    post(
        "multipart-non-utf8-part-name",
        "/form/",
        multipart(file_part(b"f\xff", b"\xc0\xaf.txt")),
        status=400,
        django=200,
        why=STRICT_MULTIPART,
    ),
    # Limits: at and just over each one.
    post(
        "fields-at-limit",
        "/form/",
        multipart(*(field_part(b"f%d" % i, b"x") for i in range(3))),
        settings={"DATA_UPLOAD_MAX_NUMBER_FIELDS": 3},
    ),
    post("fields-over-limit", "/form/", PARTED, status=400, settings={"DATA_UPLOAD_MAX_NUMBER_FIELDS": 3}),
    post(
        "form-fields-over-limit",
        "/form/",
        b"a=1&b=2&c=3&d=4",
        FORM,
        status=400,
        settings={"DATA_UPLOAD_MAX_NUMBER_FIELDS": 3},
    ),
    post(
        "form-fields-at-limit", "/form/", b"a=1&b=2&c=3", FORM, settings={"DATA_UPLOAD_MAX_NUMBER_FIELDS": 3}
    ),
    post("files-at-limit", "/form/", FILES3, settings={"DATA_UPLOAD_MAX_NUMBER_FILES": 3}),
    post("files-over-limit", "/form/", FILES3, status=400, settings={"DATA_UPLOAD_MAX_NUMBER_FILES": 2}),
    post(
        "multipart-field-over-memory-limit",
        "/form/",
        multipart(field_part(b"a", b"x" * 11)),
        status=413,
        django=400,
        why=TOO_BIG,
        settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 10},
    ),
    post(
        "multipart-field-at-memory-limit",
        "/form/",
        multipart(field_part(b"a", b"x" * 7)),
        settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 10},
    ),
    post(
        "form-body-over-limit",
        "/form/",
        b"a=" + b"x" * 19,
        FORM,
        status=413,
        django=400,
        why=TOO_BIG,
        settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 20},
    ),
    post(
        "form-body-over-limit-async-view",
        "/aform/",
        b"a=" + b"x" * 19,
        FORM,
        status=413,
        django=400,
        why=TOO_BIG,
        settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 20},
    ),
    post(
        "raw-body-over-limit",
        "/body/",
        b"x" * 21,
        b"text/plain",
        status=413,
        django=400,
        why=TOO_BIG,
        settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 20},
    ),
    post(
        "raw-body-over-limit-async-view",
        "/abody/",
        b"x" * 21,
        b"text/plain",
        status=413,
        django=400,
        why=TOO_BIG,
        settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 20},
    ),
    post(
        "raw-body-at-limit", "/body/", b"x" * 20, b"text/plain", settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 20}
    ),
    post(
        "raw-body-over-limit-undeclared",
        "/body/",
        b"x" * 21,
        b"text/plain",
        length=b"",
        status=413,
        django=400,
        why=TOO_BIG,
        headers=[(b"transfer-encoding", b"chunked")],
        chunks=(b"x" * 10, b"x" * 11),
        settings={"DATA_UPLOAD_MAX_MEMORY_SIZE": 20},
    ),
    post(
        "upload-larger-than-memory-limit",
        "/form/",
        multipart(file_part(b"f", b"big.bin", b"z" * 5000)),
        chunks=tuple(
            multipart(file_part(b"f", b"big.bin", b"z" * 5000))[i : i + 7] for i in range(0, 5200, 7)
        ),
    ),
    # Content-Length that lies or is not a number.
    post(
        "body-longer-than-declared",
        "/body/",
        b"abcdef",
        b"text/plain",
        length=b"3",
        status=400,
        django=200,
        why=STRICT_BODY,
    ),
    post(
        "body-shorter-than-declared",
        "/body/",
        b"abc",
        b"text/plain",
        length=b"10",
        status=400,
        django=200,
        why=STRICT_BODY,
    ),
    post(
        "form-longer-than-declared",
        "/form/",
        b"a=1&b=2",
        FORM,
        length=b"3",
        status=400,
        django=200,
        why=STRICT_BODY,
    ),
    post(
        "multipart-shorter-than-declared",
        "/form/",
        UPLOAD,
        length=str(len(UPLOAD) + 50).encode(),
        status=400,
        django=200,
        why=TRUNCATED,
    ),
    post(
        "multipart-longer-than-declared",
        "/form/",
        UPLOAD,
        length=str(len(UPLOAD) - 20).encode(),
        status=400,
        django=200,
        why=TRUNCATED,
    ),
    post(
        "content-length-not-a-number",
        "/body/",
        b"abc",
        b"text/plain",
        length=b"abc",
        status=400,
        django=500,
        why="Django's int(CONTENT_LENGTH) raises ValueError: a 500 caused by the client",
    ),
    post(
        "content-length-negative",
        "/body/",
        b"abc",
        b"text/plain",
        length=b"-1",
        status=400,
        django=200,
        why=STRICT_BODY,
    ),
    post(
        "multipart-content-length-not-a-number",
        "/form/",
        UPLOAD,
        length=b"12x",
        status=400,
        django=200,
        why=STRICT_BODY,
    ),
    post("multipart-content-length-negative", "/form/", UPLOAD, length=b"-5", status=400),
    # Upload file names.
    post(
        "upload-hostile-file-names",
        "/form/",
        NAMES,
        settings={"FILE_UPLOAD_MAX_MEMORY_SIZE": 0},
        expect={
            "FILES": {
                "f": [
                    ["passwd", 5],
                    ["path.txt", 5],
                    ["ab.txt", 5],
                    ["evil.txt", 5],
                    ["boot.ini", 5],
                    ["shadow", 5],
                ]
            },
            "POST": {},
        },
    ),
    # Path.
    Case(
        "path-latin1-decoded",
        path="/p/caf\xe9/",
        raw_path=b"/p/caf\xe9/",
        status=400,
        django=200,
        why="the path is not UTF-8",
    ),
    Case(
        "path-overlong-utf8",
        path="/p/\xc0\xaf",
        raw_path=b"/p/\xc0\xaf",
        status=400,
        django=200,
        why="overlong UTF-8 is not UTF-8",
    ),
    Case(
        "path-lone-surrogate-404",
        path="/nope/\udcff",
        raw_path=b"/nope/%FF",
        status=400,
        django=500,
        why="Django's 404 page cannot encode the path: a 500 caused by the client",
    ),
    Case("path-percent-ff-as-servers-decode", path="/p/\ufffd", raw_path=b"/p/%FF"),
    Case("path-nul", path="/p/a\x00b", raw_path=b"/p/a%00b"),
    Case("path-nul-404", path="/nope\x00", raw_path=b"/nope%00", status=404),
    Case("path-very-long", path="/p/" + "a" * 60_000),
    Case("path-very-long-404", path="/" + "a/" * 30_000, status=404),
    Case(
        "path-dot-segments",
        path="/p/../../etc/passwd",
        expect={
            "path": "/p/../../etc/passwd",
            "kwargs": {"rest": "../../etc/passwd"},
            "GET": {},
            "COOKIES": {},
            "ua": None,
        },
    ),
    Case("options-star", method="OPTIONS", path="*", raw_path=b"*", status=404),
    # Query string.
    Case("query-invalid-percent", path="/inspect/", query=b"b=%zz&c=%&d=%%41&e=%4"),
    Case("query-percent-non-utf8", path="/inspect/", query=b"a=%FF&e=%C0%AF&f=%E0%80%AF"),
    Case("query-raw-non-utf8", path="/inspect/", query=b"d=\xff\xfe", status=400),
    Case("query-raw-overlong-utf8", path="/inspect/", query=b"d=\xc0\xaf", status=400),
    Case("query-nul", path="/inspect/", query=b"a=%00b&c\x00=1"),
    Case("query-very-long", path="/inspect/", query=b"a=" + b"x" * 200_000),
    Case("query-many-keys", path="/inspect/", query=b"&".join(b"k%d=v" % i for i in range(1001)), status=400),
    Case("query-keys-at-limit", path="/inspect/", query=b"&".join(b"k%d=v" % i for i in range(1000))),
    # Form fields.
    post("form-non-utf8-values", "/form/", b"a=%FF&b=\xff\xfe&c=%C0%AF", FORM),
    # Cookies and headers.
    Case("cookie-non-utf8", path="/inspect/", headers=[(b"cookie", b"a=\xff\xfe; b=%FF; c=\xc0\xaf")]),
    Case("cookie-malformed", path="/inspect/", headers=[(b"cookie", b'=x; ;;; c; d==; e="q')]),
    Case("header-non-utf8", path="/inspect/", headers=[(b"user-agent", b"\xff\xfe\xc0\xaf")]),
    Case("header-underscore-dropped", path="/inspect/", headers=[(b"user_agent", b"spoof")]),
    # Host.
    Case(
        "host-not-allowed",
        host=b"evil.example",
        status=400,
        django=200,
        why="microdj checks Host on every request (issue 7); Django only when get_host() is called",
    ),
    Case("host-not-allowed-get-host", path="/host/", status=400, host=b"evil.example"),
    Case("host-with-port", path="/host/", host=b"testserver:8080", expect="testserver:8080"),
    Case("host-with-bad-port", path="/host/", host=b"testserver:abc", status=400),
    Case("host-user-info", path="/host/", host=b"user@testserver", status=400),
    Case("host-space", path="/host/", host=b"test server", status=400),
    Case("host-slash", path="/host/", host=b"testserver/evil", status=400),
    Case("host-non-ascii", path="/host/", host=b"\xfftestserver", status=400),
    Case("host-missing-uses-server-name", path="/host/", host=None, expect="testserver"),
    Case(
        "x-forwarded-host-ignored",
        path="/host/",
        headers=[(b"x-forwarded-host", b"evil.example")],
        expect="testserver",
    ),
    Case(
        "x-forwarded-host-not-allowed",
        path="/host/",
        headers=[(b"x-forwarded-host", b"evil.example")],
        status=400,
        settings={"USE_X_FORWARDED_HOST": True},
    ),
    Case(
        "x-forwarded-host-allowed",
        path="/host/",
        headers=[(b"x-forwarded-host", b"localhost")],
        expect="localhost",
        settings={"USE_X_FORWARDED_HOST": True},
    ),
    Case(
        "x-forwarded-host-list",
        path="/host/",
        headers=[(b"x-forwarded-host", b"localhost, evil.example")],
        status=400,
        settings={"USE_X_FORWARDED_HOST": True},
    ),
    Case(
        "x-forwarded-host-bad-chars",
        path="/host/",
        headers=[(b"x-forwarded-host", b"bad host")],
        status=400,
        settings={"USE_X_FORWARDED_HOST": True},
    ),
    # Redirects.
    Case("redirect-javascript", path="/redirect/", query=b"next=javascript:alert(1)", status=400),
    Case("redirect-data-url", path="/redirect/", query=b"next=data:text/html,x", status=400),
    Case("redirect-protocol-relative-unchecked", path="/redirect/", query=b"next=//evil.example", status=302),
    Case("safe-redirect-protocol-relative", path="/safe-redirect/", query=b"next=//evil.example", status=400),
    Case("safe-redirect-backslash", path="/safe-redirect/", query=b"next=/\\evil.example", status=400),
    Case("safe-redirect-backslashes", path="/safe-redirect/", query=b"next=\\\\evil.example", status=400),
    Case("safe-redirect-javascript", path="/safe-redirect/", query=b"next=javascript:alert(1)", status=400),
    Case("safe-redirect-control-char", path="/safe-redirect/", query=b"next=%01//evil.example", status=400),
    Case("safe-redirect-local", path="/safe-redirect/", query=b"next=/ok/", status=302),
    # Response headers a view sets from client data.
    Case("view-header-crlf", path="/bad-header/", status=500),
    Case("view-header-lf-from-query", path="/bad-header/", query=b"v=x%0ASet-Cookie:%20a=b", status=500),
    Case("view-header-cr-from-query", path="/bad-header/", query=b"v=x%0Dy", status=500),
    # Bodies a view parses.
    post(
        "deeply-nested-json",
        "/json/",
        b"[" * 100_000 + b"]" * 100_000,
        b"application/json",
        status=500,
        why="json.loads raises RecursionError in the view: a 500 in Django too, and the server survives",
    ),
    post("json-ok", "/json/", b'{"a": [1, 2]}', b"application/json", expect={"type": "dict"}),
    # Methods.
    Case("unknown-method", method="FOO", path="/any/", status=202, expect="FOO"),
    Case("webdav-method", method="PROPFIND", path="/any/", status=202, expect="PROPFIND"),
    Case("lower-case-method", method="get", path="/any/", status=202, expect="GET"),
    Case(
        "head-on-stream",
        method="HEAD",
        path="/stream/",
        expect="",
        same_body=False,
        why="microdj sends no body for HEAD on a streaming view; Django sends it",
    ),
    # Django runs the whole 10 s stream for HEAD: no reference answer.
    Case("head-on-async-stream", method="HEAD", path="/slow-stream/", expect="", reference=False),
    # Disconnects.
    post("disconnect-mid-multipart", "/form/", UPLOAD[:30], length=str(len(UPLOAD)).encode(), status=None),
    post("disconnect-mid-form", "/form/", b"a=1&b=", FORM, length=b"100", status=None),
    post(
        "disconnect-mid-upload-on-disk",
        "/form/",
        multipart(file_part(b"f", b"x.bin", b"z" * 4000))[:3000],
        length=b"5000",
        status=None,
        settings={"FILE_UPLOAD_MAX_MEMORY_SIZE": 0},
    ),
]
DISCONNECTING = {"disconnect-mid-multipart", "disconnect-mid-form", "disconnect-mid-upload-on-disk"}


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def apps() -> Any:
    """microdj's application on the security URLconf, and Django's on its twin views."""
    with override_settings(ROOT_URLCONF=URLCONF):
        yield get_asgi_application(), DjangoASGIHandler()


@pytest.fixture
def upload_dir(tmp_path: Any) -> Any:
    """A private FILE_UPLOAD_TEMP_DIR for both frameworks; small uploads already go to disk."""
    common = {"FILE_UPLOAD_TEMP_DIR": str(tmp_path), "FILE_UPLOAD_MAX_MEMORY_SIZE": 64}
    with override_settings(**common), django_override_settings(**common):
        yield tmp_path


def run_case(app: Any, case: Case) -> dict[str, Any]:
    scope = make_scope(case.method, case.path, case.query, case.headers, case.raw_path, case.host)
    return asyncio.run(drive(app, scope, case.chunks, disconnect=case.id in DISCONNECTING))


def assert_still_serving(app: Any) -> None:
    result = asyncio.run(drive(app, make_scope("GET", "/")))
    assert (result["status"], result["body"]) == (200, b"ok")


def decoded(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("latin-1")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
def test_hostile_request(apps: Any, upload_dir: Any, case: Case, caplog: Any) -> None:
    app, django_app = apps
    caplog.set_level(logging.CRITICAL)
    with override_settings(**case.settings), django_override_settings(**case.settings):
        result = run_case(app, case)
        assert result["status"] == case.status, result["body"][:300]
        assert os.listdir(upload_dir) == []
        if case.expect is not None:
            assert decoded(result["body"]) == case.expect
        for name, value in result["headers"]:
            assert b"\r" not in value and b"\n" not in value, (name, value)
        if case.status == 500:
            assert b"never sent" not in result["body"]
        reference = run_case(django_app, case) if case.reference else result
        assert os.listdir(upload_dir) == []
    # The differential: Django's answer for the very same bytes.
    if case.reference:
        assert reference["status"] == (case.status if case.django is None else case.django)
    if case.same_body and result["status"] == reference["status"] and result["status"] in (200, 202):
        assert decoded(result["body"]) == decoded(reference["body"])
    assert_still_serving(app)


def test_at_least_fifty_cases() -> None:
    assert len(CASES) >= 50
    assert len({case.id for case in CASES}) == len(CASES)


# ----------------------------------------------------------------------------- streams and disconnects
def test_bad_header_is_never_sent(apps: Any, upload_dir: Any, caplog: Any) -> None:
    """A CR/LF header value raises BadHeaderError in the view: a 500, without the injected header."""
    caplog.set_level(logging.CRITICAL)
    result = run_case(apps[0], Case("crlf", path="/bad-header/"))
    assert result["status"] == 500
    assert all(name not in (b"x-echo", b"set-cookie") for name, _ in result["headers"])


def app_of(apps: Any, which: str) -> Any:
    return apps[0] if which == "microdj" else apps[1]


@pytest.mark.parametrize("which", ["microdj", "django"])
def test_client_gone_mid_stream_stops_the_stream(apps: Any, upload_dir: Any, which: str) -> None:
    """The client leaves after two chunks of a 10 s stream and ``send`` drops messages (as uvicorn's
    does): the stream stops at once, and the application answers the next request."""
    scope = make_scope("GET", "/slow-stream/")
    result = asyncio.run(drive(app_of(apps, which), scope, gone_after=2, timeout=3))
    assert (result["status"], len(result["body"])) == (200, 2 * 1024)
    assert_still_serving(apps[0])


def test_client_gone_mid_stream_when_send_raises(apps: Any, upload_dir: Any) -> None:
    """When ``send`` raises OSError after the client left (as the ASGI spec allows), the 10 s stream stops
    at once (the server's error may propagate to it, as Django's does) and the application keeps serving."""
    scope = make_scope("GET", "/slow-stream/")
    try:
        result = asyncio.run(drive(apps[0], scope, gone_after=2, send_raises=True, timeout=3))
    except OSError as error:
        assert str(error) == "client went away"
    else:
        assert len(result["body"]) == 2 * 1024
    assert_still_serving(apps[0])


@pytest.mark.parametrize("which", ["microdj", "django"])
def test_hung_view_ends_when_the_client_leaves(apps: Any, upload_dir: Any, which: str) -> None:
    """A view awaiting forever is cancelled when the client disconnects; nothing is sent."""
    scope = make_scope("GET", "/hang/")
    result = asyncio.run(drive(app_of(apps, which), scope, disconnect=True, timeout=3))
    assert result["status"] is None
    assert_still_serving(apps[0])
