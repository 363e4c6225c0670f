"""microdj.middleware.http: ConditionalGetMiddleware and get_conditional_response, against Django's."""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest
from django.http import HttpResponse as DjangoResponse
from django.middleware.http import ConditionalGetMiddleware as DjangoConditionalGet
from django.utils import cache as dj_cache

from microdj.http import HttpResponse, StreamingHttpResponse
from microdj.http.request import HttpRequest
from microdj.middleware.http import ConditionalGetMiddleware, get_conditional_response
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


def make_request(method: str = "GET", **meta: str) -> HttpRequest:
    request = HttpRequest()
    request.method = method
    request.path = request.path_info = "/page/"
    request.META.update(meta)
    return request


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


# -------------------------------------------------------------------------------- conditional responses

PRE_STAMP = 1_600_000_000
CONDITION_HEADERS = {
    "HTTP_IF_MATCH": ['"abc"', 'W/"abc"', "*", '"zzz"', "junk"],
    "HTTP_IF_NONE_MATCH": ['"abc"', 'W/"abc"', "*", '"zzz", "abc"', '"zzz"'],
    "HTTP_IF_MODIFIED_SINCE": [http_date(PRE_STAMP), http_date(PRE_STAMP - 100), "not a date"],
    "HTTP_IF_UNMODIFIED_SINCE": [http_date(PRE_STAMP), http_date(PRE_STAMP - 100), "garbage"],
}


def _header_combinations():
    names = list(CONDITION_HEADERS)
    for r in range(len(names) + 1):
        for chosen in itertools.combinations(names, r):
            for values in itertools.product(*(CONDITION_HEADERS[n][:3] for n in chosen)):
                yield dict(zip(chosen, values, strict=True))


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT"])
@pytest.mark.parametrize("etag", [None, '"abc"', 'W/"abc"'])
@pytest.mark.parametrize("last_modified", [None, PRE_STAMP])
def test_get_conditional_response_matches_django(
    method: str, etag: str | None, last_modified: int | None
) -> None:
    for meta in _header_combinations():
        ours = get_conditional_response(make_request(method, **meta), etag=etag, last_modified=last_modified)
        theirs = dj_cache.get_conditional_response(
            _DjangoRequest(method, dict(meta)), etag=etag, last_modified=last_modified
        )
        assert (ours and ours.status_code) == (theirs and theirs.status_code), (
            method,
            etag,
            last_modified,
            meta,
        )


@pytest.mark.parametrize(
    ("meta", "etag"),
    [({"HTTP_IF_MATCH": '"zzz"'}, '"abc"'), ({"HTTP_IF_NONE_MATCH": '"zzz", W/"abc"'}, '"abc"')],
)
def test_get_conditional_response_extra_etag_cases(meta: dict, etag: str) -> None:
    for method in ("GET", "POST"):
        ours = get_conditional_response(make_request(method, **meta), etag=etag)
        theirs = dj_cache.get_conditional_response(_DjangoRequest(method, dict(meta)), etag=etag)
        assert (ours and ours.status_code) == (theirs and theirs.status_code)


def test_conditional_response_keeps_non_2xx_and_passes_through() -> None:
    request = make_request(HTTP_IF_NONE_MATCH='"abc"')
    not_found = HttpResponse(status=404)
    assert get_conditional_response(request, etag='"abc"', response=not_found) is not_found
    ok = HttpResponse()
    assert get_conditional_response(make_request(), etag='"abc"', response=ok) is ok


def test_not_modified_keeps_headers_and_cookies(caplog: pytest.LogCaptureFixture) -> None:
    response = HttpResponse(b"body")
    response["ETag"] = '"abc"'
    response["Cache-Control"] = "max-age=5"
    response["Vary"] = "Cookie"
    response["X-Other"] = "dropped"
    response.set_cookie("a", "b")
    result = get_conditional_response(
        make_request(HTTP_IF_NONE_MATCH='"abc"'), etag='"abc"', response=response
    )
    assert result.status_code == 304
    assert result["ETag"] == '"abc"' and result["Cache-Control"] == "max-age=5" and result["Vary"] == "Cookie"
    assert "X-Other" not in result
    assert result.cookies["a"].value == "b"
    with caplog.at_level(logging.WARNING, logger="microdj.request"):
        failed = get_conditional_response(make_request("PUT", HTTP_IF_MATCH='"zzz"'), etag='"abc"')
    assert failed.status_code == 412
    assert "Precondition Failed: /page/" in caplog.text


def test_if_modified_since_304_without_response() -> None:
    request = make_request(HTTP_IF_MODIFIED_SINCE=http_date(PRE_STAMP))
    result = get_conditional_response(request, last_modified=PRE_STAMP)
    assert result.status_code == 304
    assert "ETag" not in result
