"""microdj.views.decorators.cache on sync and async views."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.http import HttpResponse
from microdj.test import RequestFactory
from microdj.utils.decorators import method_decorator
from microdj.views.decorators.cache import cache_control, never_cache

rf = RequestFactory()


def sync_view(request):
    return HttpResponse(b"ok")


async def async_view(request):
    return HttpResponse(b"ok")


def call(view, *args):
    result = view(*args)
    return asyncio.run(result) if iscoroutinefunction(view) else result


@pytest.mark.parametrize("view", [sync_view, async_view])
def test_never_cache(view) -> None:
    decorated = never_cache(view)
    assert iscoroutinefunction(decorated) is iscoroutinefunction(view)
    assert decorated.__name__ == view.__name__
    response = call(decorated, rf.get("/"))
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Expires" in response


@pytest.mark.parametrize("view", [sync_view, async_view])
def test_cache_control(view) -> None:
    decorated = cache_control(max_age=3600, public=True)(view)
    assert iscoroutinefunction(decorated) is iscoroutinefunction(view)
    response = call(decorated, rf.get("/"))
    assert response["Cache-Control"] == "max-age=3600, public"
    # The decorator can be reused: its arguments are not consumed.
    assert call(decorated, rf.get("/"))["Cache-Control"] == "max-age=3600, public"


@pytest.mark.parametrize(
    ("decorator", "name"), [(never_cache, "never_cache"), (cache_control(private=True), "cache_control")]
)
@pytest.mark.parametrize("is_async", [False, True])
def test_undecorated_method_gets_helpful_error(decorator, name: str, is_async: bool) -> None:
    if is_async:

        class Views:
            @decorator
            async def get(self, request):
                return HttpResponse()

    else:

        class Views:
            @decorator
            def get(self, request):
                return HttpResponse()

    with pytest.raises(
        TypeError, match=f"{name} didn't receive an HttpRequest. If you are decorating a classmethod"
    ):
        call(Views().get, rf.get("/"))

    class Fixed:
        @method_decorator(decorator)
        def get(self, request):
            return HttpResponse()

    assert "private" in Fixed().get(rf.get("/"))["Cache-Control"]


# ------------------------------------------------------------------------------------------- cache_page


@pytest.fixture
def page_cache(override):
    from microdj.core.cache import caches

    override(CACHES={
        "default": {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
        "second": {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages2"},
    })  # fmt: skip
    for alias in ("default", "second"):
        caches[alias].clear()
    return caches


def test_cache_page_sync_view(page_cache):
    from microdj.test import RequestFactory
    from microdj.views.decorators.cache import cache_page

    calls = []

    @cache_page(30)
    def view(request, slug):
        calls.append(slug)
        return HttpResponse(f"page {slug} {len(calls)}")

    rf = RequestFactory()
    first = view(rf.get("/p/a/"), "a")
    assert first.content == b"page a 1" and "max-age=30" in first["Cache-Control"]
    assert view(rf.get("/p/a/"), "a").content == b"page a 1"
    assert view(rf.get("/p/b/"), "b").content == b"page b 2"
    assert view.__name__ == "view"


def test_cache_page_async_view_with_alias_and_prefix(page_cache):
    from microdj.test import RequestFactory
    from microdj.utils.cache import get_cache_key
    from microdj.views.decorators.cache import cache_page

    calls = []

    @cache_page(30, cache="second", key_prefix="pre")
    async def view(request):
        calls.append(1)
        return HttpResponse(f"async {len(calls)}")

    rf = RequestFactory()
    assert asyncio.iscoroutinefunction(view)
    assert asyncio.run(view(rf.get("/q/"))).content == b"async 1"
    assert asyncio.run(view(rf.get("/q/"))).content == b"async 1"
    assert get_cache_key(rf.get("/q/"), "pre", cache=page_cache["second"]) is not None
    assert get_cache_key(rf.get("/q/"), "pre", cache=page_cache["default"]) is None
