"""microdj.middleware.http.ConditionalGetMiddleware, checked against Django's."""

from __future__ import annotations

import asyncio

import pytest
from django.http import HttpResponse as DjangoResponse
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGet

from microdj.http import HttpResponse, StreamingHttpResponse
from microdj.middleware.http import ConditionalGetMiddleware
from microdj.test import RequestFactory
from microdj.utils.http import http_date

rf = RequestFactory()
STAMP = 1_700_000_000
BODY = b"conditional body"
BODY_ETAG = '"86ba1d7a943f65bb6da23b4ef56d99a2"'  # MD5 of BODY


class _DjangoRequest:
    def __init__(self, method: str, meta: dict) -> None:
        self.method = method
        self.META = meta
        self.path = "/"


def process(request, response):
    return ConditionalGetMiddleware(lambda r: response).process_response(request, response)


def test_adds_etag_to_get_responses() -> None:
    response = process(rf.get("/"), HttpResponse(BODY))
    theirs = DjangoConditionalGet(lambda r: None).process_response(
        _DjangoRequest("GET", {}), DjangoResponse(BODY)
    )
    assert response["ETag"] == theirs["ETag"]
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "headers", "response_headers", "status"),
    [
        ("GET", {"if-none-match": "MATCH"}, {}, 304),
        ("GET", {"if-none-match": '"other"'}, {}, 200),
        ("HEAD", {"if-none-match": "MATCH"}, {}, 200),
        ("POST", {"if-none-match": "MATCH"}, {}, 200),
        ("GET", {"if-modified-since": http_date(STAMP)}, {"Last-Modified": http_date(STAMP)}, 304),
        ("GET", {"if-modified-since": http_date(STAMP - 1)}, {"Last-Modified": http_date(STAMP)}, 304),
        ("GET", {"if-match": '"nope"'}, {}, 412),
        ("GET", {"if-none-match": "MATCH"}, {"Cache-Control": "No-Store"}, 200),
        (
            "GET",
            {"if-modified-since": http_date(STAMP)},
            {"Last-Modified": "garbage", "Cache-Control": "no-store"},
            200,
        ),
    ],
)
def test_status_matches_django(method: str, headers: dict, response_headers: dict, status: int) -> None:
    headers = {k: BODY_ETAG if v == "MATCH" else v for k, v in headers.items()}
    ours = HttpResponse(BODY)
    theirs = DjangoResponse(BODY)
    for name, value in response_headers.items():
        ours[name] = theirs[name] = value
    request = rf.generic(method, "/", headers=headers)
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    ours = process(request, ours)
    theirs = DjangoConditionalGet(lambda r: None).process_response(_DjangoRequest(method, meta), theirs)
    assert ours.status_code == theirs.status_code


def test_body_etag_constant_is_md5() -> None:
    assert process(rf.get("/"), HttpResponse(BODY))["ETag"] == BODY_ETAG


def test_non_2xx_and_streaming_untouched() -> None:
    not_found = HttpResponse(BODY, status=404)
    assert process(rf.get("/", headers={"if-none-match": BODY_ETAG}), not_found) is not_found
    streaming = StreamingHttpResponse([BODY])
    assert process(rf.get("/"), streaming) is streaming and "ETag" not in streaming
    empty = HttpResponse(b"")
    assert process(rf.get("/"), empty) is empty and "ETag" not in empty


def test_existing_etag_used() -> None:
    response = HttpResponse(BODY)
    response["ETag"] = '"mine"'
    assert process(rf.get("/", headers={"if-none-match": '"mine"'}), response).status_code == 304


def test_sync_and_async_get_response() -> None:
    def view(request):
        return HttpResponse(BODY)

    async def aview(request):
        return HttpResponse(BODY)

    request = rf.get("/", headers={"if-none-match": BODY_ETAG})
    assert ConditionalGetMiddleware(view)(request).status_code == 304
    response = asyncio.run(ConditionalGetMiddleware(aview)(rf.get("/", headers={"if-none-match": BODY_ETAG})))
    assert response.status_code == 304 and response["ETag"] == BODY_ETAG
