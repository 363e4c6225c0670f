"""microdj.utils.cache: Cache-Control/Vary/ETag helpers, checked against Django."""

from __future__ import annotations

import time

import pytest
from django.http import HttpResponse as DjangoResponse
from django.utils import cache as dj_cache

from microdj.conf import settings
from microdj.http import HttpResponse, StreamingHttpResponse
from microdj.utils import cache
from microdj.utils.http import parse_http_date

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
