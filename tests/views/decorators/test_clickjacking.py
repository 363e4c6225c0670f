"""microdj.views.decorators.clickjacking, common (no_append_slash) and gzip (gzip_page)."""

from __future__ import annotations

import asyncio
import gzip

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.http import HttpRequest, HttpResponse
from microdj.views.decorators.clickjacking import (
    xframe_options_deny,
    xframe_options_exempt,
    xframe_options_sameorigin,
)
from microdj.views.decorators.common import no_append_slash
from microdj.views.decorators.gzip import gzip_page


def view(request):
    return HttpResponse(b"x" * 300)


async def async_view(request):
    return HttpResponse(b"x" * 300)


@pytest.mark.parametrize(
    ("decorator", "value"), [(xframe_options_deny, "DENY"), (xframe_options_sameorigin, "SAMEORIGIN")]
)
def test_xframe_options_set_the_header_for_sync_and_async_views(decorator, value):
    assert iscoroutinefunction(decorator(view)) is False
    assert iscoroutinefunction(decorator(async_view)) is True
    assert decorator(view)(HttpRequest())["X-Frame-Options"] == value
    assert asyncio.run(decorator(async_view)(HttpRequest()))["X-Frame-Options"] == value


def test_xframe_options_keep_a_header_the_view_set():
    def own(request):
        response = HttpResponse()
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    assert xframe_options_deny(own)(HttpRequest())["X-Frame-Options"] == "SAMEORIGIN"


def test_xframe_options_exempt_marks_the_response():
    assert xframe_options_exempt(view)(HttpRequest()).xframe_options_exempt is True
    assert asyncio.run(xframe_options_exempt(async_view)(HttpRequest())).xframe_options_exempt is True


def test_no_append_slash_marks_sync_and_async_views():
    for func in (view, async_view):
        wrapped = no_append_slash(func)
        assert wrapped.should_append_slash is False
        assert iscoroutinefunction(wrapped) is iscoroutinefunction(func)
    assert no_append_slash(view)(HttpRequest()).content == b"x" * 300
    assert asyncio.run(no_append_slash(async_view)(HttpRequest())).content == b"x" * 300


def test_gzip_page_compresses_when_accepted():
    request = HttpRequest()
    request.META["HTTP_ACCEPT_ENCODING"] = "gzip"
    response = gzip_page(view)(request)
    assert response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content) == b"x" * 300
    assert not gzip_page(view)(HttpRequest()).has_header("Content-Encoding")
