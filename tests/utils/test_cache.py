"""microdj.utils.cache: Cache-Control/Vary/ETag helpers and conditional responses, checked against Django."""

from __future__ import annotations

import itertools
import logging
import time

import pytest
from django.http import HttpResponse as DjangoResponse
from django.utils import cache as dj_cache

from microdj.conf import settings
from microdj.http import HttpResponse, StreamingHttpResponse
from microdj.http.request import HttpRequest
from microdj.utils import cache
from microdj.utils.http import http_date, parse_http_date


def make_request(method: str = "GET", **meta: str) -> HttpRequest:
    request = HttpRequest()
    request.method = method
    request.path = request.path_info = "/page/"
    request.META.update(meta)
    return request


class _DjangoRequest:
    """The parts of a request Django's get_conditional_response reads."""

    def __init__(self, method: str, meta: dict[str, str]) -> None:
        self.method = method
        self.META = meta
        self.path = "/page/"


# ------------------------------------------------------------------------------------- Cache-Control


@pytest.mark.parametrize(
    ("initial", "kwargs"),
    [
        (None, {"no_cache": True}),
        (None, {"max_age": 60, "public": True}),
        ("max-age=100", {"max_age": 30}),
        ("max-age=10", {"max_age": 30}),
        ("private", {"public": True}),
        ("public", {"private": True}),
        ("public, max-age=5", {"s_maxage": 3}),
        ('no-cache="Set-Cookie"', {"no_cache": "Foo"}),
        ('no-cache="Set-Cookie"', {"no_cache": True}),
        ("no-cache", {"no_cache": "Foo"}),
        ("No-Store, MAX-AGE=9", {"must_revalidate": True}),
        ("", {"no_store": True}),
        ("immutable", {"stale_while_revalidate": 30}),
    ],
)
def test_patch_cache_control_matches_django(initial: str | None, kwargs: dict) -> None:
    ours, theirs = HttpResponse(), DjangoResponse()
    if initial is not None:
        ours["Cache-Control"] = theirs["Cache-Control"] = initial
    cache.patch_cache_control(ours, **kwargs)
    dj_cache.patch_cache_control(theirs, **kwargs)
    assert ours["Cache-Control"] == theirs["Cache-Control"]


def test_patch_cache_control_examples() -> None:
    response = HttpResponse()
    cache.patch_cache_control(response, max_age=60, no_store=True)
    assert response["Cache-Control"] == "max-age=60, no-store"
    cache.patch_cache_control(response, max_age=120)
    assert response["Cache-Control"] == "max-age=60, no-store"


@pytest.mark.parametrize(
    ("header", "expected"),
    # A bare "max-age" gives 1 (int(True)), as in Django.
    [(None, None), ("max-age=30", 30), ("public, MAX-AGE=7", 7), ("max-age=x", None), ("max-age", 1)],
)
def test_get_max_age(header: str | None, expected: int | None) -> None:
    response = HttpResponse()
    if header is not None:
        response["Cache-Control"] = header
    assert cache.get_max_age(response) == expected
    theirs = DjangoResponse()
    if header is not None:
        theirs["Cache-Control"] = header
    assert dj_cache.get_max_age(theirs) == expected


def test_patch_response_headers_sets_expires_and_max_age() -> None:
    response = HttpResponse()
    before = int(time.time())
    cache.patch_response_headers(response, cache_timeout=30)
    assert response["Cache-Control"] == "max-age=30"
    expires = parse_http_date(response["Expires"])
    assert before + 29 <= expires <= int(time.time()) + 31


def test_patch_response_headers_keeps_expires_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    response = HttpResponse()
    response["Expires"] = "Thu, 01 Jan 1970 00:00:00 GMT"
    cache.patch_response_headers(response)
    assert response["Expires"] == "Thu, 01 Jan 1970 00:00:00 GMT"
    assert response["Cache-Control"] == "max-age=600"
    monkeypatch.setattr(settings, "CACHE_MIDDLEWARE_SECONDS", 5, raising=False)
    other = HttpResponse()
    cache.patch_response_headers(other)
    assert other["Cache-Control"] == "max-age=5"


def test_add_never_cache_headers_matches_django() -> None:
    ours, theirs = HttpResponse(), DjangoResponse()
    cache.add_never_cache_headers(ours)
    dj_cache.add_never_cache_headers(theirs)
    assert (
        ours["Cache-Control"]
        == theirs["Cache-Control"]
        == ("max-age=0, no-cache, no-store, must-revalidate, private")
    )
    assert abs(parse_http_date(ours["Expires"]) - time.time()) < 5


# ------------------------------------------------------------------------------------------------ Vary


@pytest.mark.parametrize(
    ("initial", "new"),
    [
        (None, ("Accept-Encoding",)),
        ("Cookie", ("cookie", "Accept-Language")),
        ("Cookie,  Accept", ("Origin",)),
        ("Cookie", ("*",)),
        ("*", ("Cookie",)),
        (None, ()),
    ],
)
def test_patch_vary_headers_matches_django(initial: str | None, new: tuple[str, ...]) -> None:
    ours, theirs = HttpResponse(), DjangoResponse()
    if initial is not None:
        ours["Vary"] = theirs["Vary"] = initial
    cache.patch_vary_headers(ours, new)
    dj_cache.patch_vary_headers(theirs, new)
    assert ours["Vary"] == theirs["Vary"]


def test_has_vary_header() -> None:
    response = HttpResponse()
    assert not cache.has_vary_header(response, "Cookie")
    response["Vary"] = "Accept-Encoding, COOKIE"
    assert cache.has_vary_header(response, " cookie ")
    assert not cache.has_vary_header(response, "Origin")


# ------------------------------------------------------------------------------------------------ ETag


def test_set_response_etag() -> None:
    response = cache.set_response_etag(HttpResponse(b"hello"))
    assert response["ETag"] == '"5d41402abc4b2a76b9719d911017c592"'
    assert "ETag" not in cache.set_response_etag(HttpResponse(b""))
    assert "ETag" not in cache.set_response_etag(StreamingHttpResponse([b"x"]))


# -------------------------------------------------------------------------------- conditional responses

STAMP = 1_600_000_000
CONDITION_HEADERS = {
    "HTTP_IF_MATCH": ['"abc"', 'W/"abc"', "*", '"zzz"', "junk"],
    "HTTP_IF_NONE_MATCH": ['"abc"', 'W/"abc"', "*", '"zzz", "abc"', '"zzz"'],
    "HTTP_IF_MODIFIED_SINCE": [http_date(STAMP), http_date(STAMP - 100), "not a date"],
    "HTTP_IF_UNMODIFIED_SINCE": [http_date(STAMP), http_date(STAMP - 100), "garbage"],
}


def _header_combinations():
    names = list(CONDITION_HEADERS)
    for r in range(len(names) + 1):
        for chosen in itertools.combinations(names, r):
            for values in itertools.product(*(CONDITION_HEADERS[n][:3] for n in chosen)):
                yield dict(zip(chosen, values, strict=True))


@pytest.mark.parametrize("method", ["GET", "HEAD", "POST", "PUT"])
@pytest.mark.parametrize("etag", [None, '"abc"', 'W/"abc"'])
@pytest.mark.parametrize("last_modified", [None, STAMP])
def test_get_conditional_response_matches_django(
    method: str, etag: str | None, last_modified: int | None
) -> None:
    for meta in _header_combinations():
        ours = cache.get_conditional_response(
            make_request(method, **meta), etag=etag, last_modified=last_modified
        )
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
        ours = cache.get_conditional_response(make_request(method, **meta), etag=etag)
        theirs = dj_cache.get_conditional_response(_DjangoRequest(method, dict(meta)), etag=etag)
        assert (ours and ours.status_code) == (theirs and theirs.status_code)


def test_conditional_response_keeps_non_2xx_and_passes_through() -> None:
    request = make_request(HTTP_IF_NONE_MATCH='"abc"')
    not_found = HttpResponse(status=404)
    assert cache.get_conditional_response(request, etag='"abc"', response=not_found) is not_found
    ok = HttpResponse()
    assert cache.get_conditional_response(make_request(), etag='"abc"', response=ok) is ok


def test_not_modified_keeps_headers_and_cookies(caplog: pytest.LogCaptureFixture) -> None:
    response = HttpResponse(b"body")
    response["ETag"] = '"abc"'
    response["Cache-Control"] = "max-age=5"
    response["Vary"] = "Cookie"
    response["X-Other"] = "dropped"
    response.set_cookie("a", "b")
    result = cache.get_conditional_response(
        make_request(HTTP_IF_NONE_MATCH='"abc"'), etag='"abc"', response=response
    )
    assert result.status_code == 304
    assert result["ETag"] == '"abc"' and result["Cache-Control"] == "max-age=5" and result["Vary"] == "Cookie"
    assert "X-Other" not in result
    assert result.cookies["a"].value == "b"
    with caplog.at_level(logging.WARNING, logger="microdj.request"):
        failed = cache.get_conditional_response(make_request("PUT", HTTP_IF_MATCH='"zzz"'), etag='"abc"')
    assert failed.status_code == 412
    assert "Precondition Failed: /page/" in caplog.text


def test_if_modified_since_304_without_response() -> None:
    request = make_request(HTTP_IF_MODIFIED_SINCE=http_date(STAMP))
    result = cache.get_conditional_response(request, last_modified=STAMP)
    assert result.status_code == 304
    assert "ETag" not in result
