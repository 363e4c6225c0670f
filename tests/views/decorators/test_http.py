"""microdj.views.decorators.http and .vary on sync and async views."""

from __future__ import annotations

import asyncio
import datetime
import logging

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.http import HttpResponse
from microdj.test import RequestFactory
from microdj.utils.http import http_date
from microdj.views.decorators.http import (
    condition,
    conditional_page,
    etag,
    last_modified,
    require_GET,
    require_http_methods,
    require_POST,
    require_safe,
)
from microdj.views.decorators.vary import vary_on_cookie, vary_on_headers

rf = RequestFactory()

STAMP = datetime.datetime(2024, 5, 1, 12, 0, 0, tzinfo=datetime.UTC)


def both_kinds(body: bytes = b"ok"):
    """A sync and an async view returning HttpResponse(body)."""

    def sync_view(request, *args, **kwargs):
        return HttpResponse(body)

    async def async_view(request, *args, **kwargs):
        return HttpResponse(body)

    return [sync_view, async_view]


def call(view, request, *args, **kwargs):
    result = view(request, *args, **kwargs)
    return asyncio.run(result) if iscoroutinefunction(view) else result


@pytest.fixture(params=["sync", "async"])
def kind(request) -> int:
    return 0 if request.param == "sync" else 1


# ----------------------------------------------------------------------------------- method decorators


def test_require_http_methods(kind: int, caplog: pytest.LogCaptureFixture) -> None:
    view = require_http_methods(["GET", "PUT"])(both_kinds()[kind])
    assert iscoroutinefunction(view) is bool(kind)
    assert view.__name__ in ("sync_view", "async_view")
    assert call(view, rf.get("/")).status_code == 200
    assert call(view, rf.put("/")).status_code == 200
    with caplog.at_level(logging.WARNING, logger="microdj.request"):
        response = call(view, rf.post("/p/"))
    assert response.status_code == 405 and response["Allow"] == "GET, PUT"
    assert "Method Not Allowed (POST): /p/" in caplog.text


@pytest.mark.parametrize(
    ("decorator", "allowed", "refused"),
    [(require_GET, "get", "post"), (require_POST, "post", "get"), (require_safe, "head", "delete")],
)
def test_shortcut_method_decorators(kind: int, decorator, allowed: str, refused: str) -> None:
    view = decorator(both_kinds()[kind])
    assert call(view, getattr(rf, allowed)("/")).status_code == 200
    assert call(view, getattr(rf, refused)("/")).status_code == 405


# ---------------------------------------------------------------------------------------- condition()


def test_etag_sets_header_and_answers_304(kind: int) -> None:
    seen = []

    def compute(request, *args, **kwargs):
        seen.append((args, kwargs))
        return "abc"

    view = etag(compute)(both_kinds()[kind])
    assert iscoroutinefunction(view) is bool(kind)
    response = call(view, rf.get("/"), 1, x=2)
    assert response.status_code == 200 and response["ETag"] == '"abc"'
    assert seen == [((1,), {"x": 2})]
    assert call(view, rf.get("/", headers={"if-none-match": '"abc"'})).status_code == 304
    assert call(view, rf.get("/", headers={"if-none-match": '"other"'})).status_code == 200
    assert call(view, rf.put("/", headers={"if-match": '"other"'})).status_code == 412
    assert call(view, rf.put("/", headers={"if-match": '"abc"'})).status_code == 200
    # Unsafe methods do not get the headers.
    assert "ETag" not in call(view, rf.post("/"))


def test_etag_keeps_existing_header_and_weak_etags(kind: int) -> None:
    def with_etag(response_etag):
        def sync_view(request):
            response = HttpResponse()
            response["ETag"] = response_etag
            return response

        async def async_view(request):
            return sync_view(request)

        return [sync_view, async_view][kind]

    view = etag(lambda request: 'W/"weak"')(with_etag('"own"'))
    assert call(view, rf.get("/"))["ETag"] == '"own"'
    assert call(etag(lambda request: None)(both_kinds()[kind]), rf.get("/")).get("ETag") is None


def test_last_modified(kind: int) -> None:
    naive = STAMP.replace(tzinfo=None)
    view = last_modified(lambda request: naive)(both_kinds()[kind])
    response = call(view, rf.get("/"))
    assert response["Last-Modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    fresh = call(view, rf.get("/", headers={"if-modified-since": http_date(STAMP.timestamp())}))
    assert fresh.status_code == 304
    stale = call(view, rf.get("/", headers={"if-modified-since": http_date(STAMP.timestamp() - 10)}))
    assert stale.status_code == 200
    changed = call(view, rf.post("/", headers={"if-unmodified-since": http_date(STAMP.timestamp() - 10)}))
    assert changed.status_code == 412


def test_last_modified_aware_other_zone_and_none(kind: int) -> None:
    plus_two = STAMP.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    response = call(last_modified(lambda request: plus_two)(both_kinds()[kind]), rf.get("/"))
    assert response["Last-Modified"] == "Wed, 01 May 2024 12:00:00 GMT"
    response = call(last_modified(lambda request: None)(both_kinds()[kind]), rf.get("/"))
    assert "Last-Modified" not in response


def test_last_modified_header_already_set(kind: int) -> None:
    def sync_view(request):
        response = HttpResponse()
        response["Last-Modified"] = "Mon, 01 Jan 2024 00:00:00 GMT"
        return response

    async def async_view(request):
        return sync_view(request)

    view = condition(etag_func=lambda r: '"e"', last_modified_func=lambda r: STAMP)(
        [sync_view, async_view][kind]
    )
    response = call(view, rf.head("/"))
    assert response["Last-Modified"] == "Mon, 01 Jan 2024 00:00:00 GMT"
    assert response["ETag"] == '"e"'


def test_condition_without_functions(kind: int) -> None:
    response = call(condition()(both_kinds()[kind]), rf.get("/", headers={"if-none-match": "*"}))
    assert response.status_code == 200
    assert "ETag" not in response and "Last-Modified" not in response


def test_conditional_page(kind: int) -> None:
    view = conditional_page(both_kinds(b"content")[kind])
    first = call(view, rf.get("/"))
    assert first.status_code == 200 and first["ETag"]
    assert call(view, rf.get("/", headers={"if-none-match": first["ETag"]})).status_code == 304


# ------------------------------------------------------------------------------------------------- vary


def test_vary_on_headers(kind: int) -> None:
    view = vary_on_headers("Accept-Language", "Cookie")(both_kinds()[kind])
    assert iscoroutinefunction(view) is bool(kind)
    assert call(view, rf.get("/"))["Vary"] == "Accept-Language, Cookie"
    assert call(vary_on_cookie(both_kinds()[kind]), rf.get("/"))["Vary"] == "Cookie"
