"""microdj.middleware.cache and the page-cache keys of microdj.utils.cache, checked against Django."""

from __future__ import annotations

import asyncio
import logging

import pytest
from django.test import RequestFactory as DjangoRequestFactory
from django.test import override_settings as django_override
from django.utils import cache as dj_cache

from microdj.core.cache import caches
from microdj.http import HttpResponse, StreamingHttpResponse
from microdj.middleware.cache import CacheMiddleware, FetchFromCacheMiddleware, UpdateCacheMiddleware
from microdj.test import RequestFactory
from microdj.utils.cache import get_cache_key, learn_cache_key
from tests.support.redis_server import requires_redis

rf = RequestFactory()


@pytest.fixture(autouse=True)
def fresh_cache(override):
    override(
        CACHES={"default": {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "mw"}}
    )
    store = caches["default"]
    store.clear()
    yield store
    store.clear()


class CountingView:
    """A view counting its calls; its response is built by ``make`` (a plain 200 by default)."""

    def __init__(self, make=None):
        self.calls = 0
        self.make = make or (lambda request: HttpResponse(f"call {self.calls}"))

    def __call__(self, request):
        self.calls += 1
        return self.make(request)


def stack(view):
    """UpdateCacheMiddleware outermost, FetchFromCacheMiddleware innermost, as MIDDLEWARE would be."""
    return UpdateCacheMiddleware(FetchFromCacheMiddleware(view))


@pytest.mark.parametrize(
    ("path", "vary", "headers"),
    [
        ("/page/", None, {}),
        ("/page/?a=1&b=%C3%A9", None, {}),
        ("/page/", "Accept-Encoding, Cookie", {"accept-encoding": "gzip", "cookie": "a=b"}),
        ("/page/", "X-Missing", {}),
        ("/page/", "X-Empty", {"x-empty": ""}),
    ],
)
def test_keys_match_django(fresh_cache, path, vary, headers):
    request = rf.get(path, headers=headers)
    response = HttpResponse("x")
    if vary:
        response["Vary"] = vary
    dj_request = DjangoRequestFactory().get(path, headers=headers)
    from django.core.cache.backends.locmem import LocMemCache as DjangoLocMem
    from django.http import HttpResponse as DjangoResponse

    dj_response = DjangoResponse("x")
    if vary:
        dj_response["Vary"] = vary
    dj_store = DjangoLocMem("dj-keys", {})
    with django_override(USE_I18N=False, USE_TZ=False, CACHE_MIDDLEWARE_KEY_PREFIX=""):
        expected = dj_cache.learn_cache_key(dj_request, dj_response, 60, "", cache=dj_store)
        expected_get = dj_cache.get_cache_key(dj_request, "", "GET", cache=dj_store)
    assert learn_cache_key(request, response, 60) == expected
    assert get_cache_key(request) == expected_get == expected


def test_no_header_list_means_no_key():
    assert get_cache_key(rf.get("/unknown/")) is None


def test_miss_then_hit_with_age():
    view = CountingView()
    app = stack(view)
    first = app(rf.get("/page/"))
    assert (
        first.content == b"call 1" and first.has_header("Expires") and "max-age=600" in first["Cache-Control"]
    )
    second = app(rf.get("/page/"))
    assert view.calls == 1
    assert second.content == b"call 1" and second["Age"] == "0"
    assert app(rf.head("/page/")).content == b"call 1"
    assert app(rf.get("/page/?other=1")).content == b"call 2"


def test_head_is_stored_under_head():
    view = CountingView()
    app = stack(view)
    app(rf.head("/h/"))
    app(rf.head("/h/"))
    assert view.calls == 1


def test_vary_headers_make_separate_entries():
    def make(request):
        response = HttpResponse(request.headers.get("Accept-Language", "none"))
        response["Vary"] = "Accept-Language"
        return response

    view = CountingView(make)
    app = stack(view)
    assert app(rf.get("/v/", headers={"accept-language": "fr"})).content == b"fr"
    assert app(rf.get("/v/", headers={"accept-language": "de"})).content == b"de"
    assert app(rf.get("/v/", headers={"accept-language": "fr"})).content == b"fr"
    assert view.calls == 2


def _cookie(request):
    response = HttpResponse("c")
    response.set_cookie("a", "b")
    response["Vary"] = "Cookie"
    return response


def _with(header, value):
    def make(request):
        response = HttpResponse("x")
        response[header] = value
        return response

    return make


@pytest.mark.parametrize(
    "make",
    [
        _cookie,
        _with("Cache-Control", "private"),
        _with("Cache-Control", "no-cache"),
        _with("Cache-Control", "no-store"),
        _with("Cache-Control", "max-age=0"),
        _with("Vary", "*"),
        lambda request: HttpResponse("nope", status=404),
        lambda request: StreamingHttpResponse(iter([b"a"])),
    ],
    ids=["cookie", "private", "no-cache", "no-store", "max-age-0", "vary-star", "404", "streaming"],
)
def test_uncacheable_responses_are_not_stored(make):
    view = CountingView(make)
    app = stack(view)
    app(rf.get("/u/"))
    app(rf.get("/u/"))
    assert view.calls == 2


def test_unsafe_methods_bypass_the_cache():
    view = CountingView()
    app = stack(view)
    app(rf.post("/p/"))
    app(rf.post("/p/"))
    assert view.calls == 2


def test_max_age_of_the_response_is_the_timeout_and_authorization_varies():
    view = CountingView(_with("Cache-Control", "max-age=30"))
    app = stack(view)
    response = app(rf.get("/m/", headers={"authorization": "Basic eDp5"}))
    assert "max-age=30" in response["Cache-Control"]
    assert "Authorization" in response["Vary"]


def test_304_gets_headers_but_is_not_stored():
    view = CountingView(lambda request: HttpResponse(status=304))
    app = stack(view)
    assert app(rf.get("/n/")).has_header("Expires")
    app(rf.get("/n/"))
    assert view.calls == 2


def test_update_alone_stores_nothing_without_fetch():
    view = CountingView()
    app = UpdateCacheMiddleware(view)
    app(rf.get("/a/"))
    app(rf.get("/a/"))
    assert view.calls == 2
    assert "UpdateCacheMiddleware get_response=CountingView" in repr(app)


def test_cache_middleware_arguments(override, fresh_cache):
    override(CACHES={
        "default": {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "mw"},
        "other": {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "other"},
    })  # fmt: skip
    view = CountingView()
    app = CacheMiddleware(view, cache_timeout=5, key_prefix="pre", cache_alias="other")
    assert app(rf.get("/c/"))["Cache-Control"] == "max-age=5"
    app(rf.get("/c/"))
    assert view.calls == 1
    assert caches["other"].get(get_cache_key(rf.get("/c/"), "pre", cache=caches["other"])) is not None
    defaults = CacheMiddleware(view, key_prefix=None, cache_alias=None)
    assert (defaults.key_prefix, defaults.cache_alias) == ("", "default")
    with pytest.raises(ValueError):
        CacheMiddleware(None)


def test_oversize_page_is_served_and_not_stored(override, caplog):
    override(CACHES={"default": {
        "BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "big",
        "OPTIONS": {"MAX_VALUE_SIZE": 1000},
    }})  # fmt: skip
    view = CountingView(lambda request: HttpResponse(b"x" * 5000))
    app = stack(view)
    caplog.set_level(logging.WARNING, logger="microdj.core.cache")
    assert app(rf.get("/big/")).status_code == 200
    app(rf.get("/big/"))
    assert view.calls == 2
    assert "Page not cached: /big/" in caplog.text


def test_async_stack_uses_the_async_path():
    calls = []

    async def view(request):
        calls.append(1)
        return HttpResponse(f"async {len(calls)}")

    app = stack(view)
    assert asyncio.iscoroutinefunction(app)

    async def body():
        first = await app(rf.get("/async/"))
        second = await app(rf.get("/async/"))
        head = await app(rf.head("/async/"))
        post = await app(rf.post("/async/"))
        return first, second, head, post

    first, second, head, post = asyncio.run(body())
    assert first.content == second.content == head.content == b"async 1"
    assert post.content == b"async 2"
    whole = CacheMiddleware(view)
    assert asyncio.run(whole(rf.get("/async/"))).content == b"async 1"
    assert asyncio.run(whole(rf.get("/async-new/"))).content == b"async 3"


@requires_redis
def test_redis_down_pages_are_served_uncached(override, tmp_path, caplog):
    from tests.support.redis_server import RedisServer

    server = RedisServer(tmp_path)
    server.start()
    try:
        override(
            CACHES={
                "default": {"BACKEND": "microdj.core.cache.backends.redis.RedisCache", "LOCATION": server.url}
            }
        )
        view = CountingView()
        app = stack(view)
        app(rf.get("/r/"))
        assert app(rf.get("/r/")).content == b"call 1"
        server.stop()
        caplog.set_level(logging.ERROR, logger="microdj.core.cache")
        assert app(rf.get("/r/")).content == b"call 2"
        assert app(rf.get("/r/")).status_code == 200
        assert "unavailable" in caplog.text

        async def aview(request):
            return HttpResponse("async")

        assert asyncio.run(stack(aview)(rf.get("/r/"))).content == b"async"
        server.start()
        app(rf.get("/r/"))
        assert app(rf.get("/r/")).content == b"call 4"
    finally:
        server.stop()


def test_async_key_functions_default_to_the_settings(fresh_cache):
    from microdj.utils.cache import aget_cache_key, alearn_cache_key

    request = rf.get("/defaults/")
    response = HttpResponse("x")
    response["Vary"] = "Accept"

    async def body():
        assert await aget_cache_key(request) is None
        key = await alearn_cache_key(request, response)
        assert await aget_cache_key(request) == key == learn_cache_key(request, response)

    asyncio.run(body())
    assert get_cache_key(request, cache=fresh_cache) is not None


class Rendered(HttpResponse):
    """A response rendered later (as a TemplateResponse): the page is stored once it is rendered."""

    is_rendered = False

    def __init__(self):
        super().__init__("")
        self.callbacks = []

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("callbacks", None)
        return state

    def add_post_render_callback(self, callback):
        self.callbacks.append(callback)

    def render(self):
        self.content = b"rendered"
        self.is_rendered = True
        for callback in self.callbacks:
            callback(self)
        return self


def test_unrendered_responses_are_stored_after_rendering():
    view = CountingView(lambda request: Rendered())
    app = stack(view)
    app(rf.get("/t/")).render()
    assert app(rf.get("/t/")).content == b"rendered"
    assert view.calls == 1


def test_async_stack_stores_unrendered_responses_after_rendering():
    async def view(request):
        return Rendered()

    app = stack(view)
    asyncio.run(app(rf.get("/at/"))).render()
    assert asyncio.run(app(rf.get("/at/"))).content == b"rendered"


def test_async_head_falls_back_to_the_head_entry():
    async def view(request):
        return HttpResponse("head body")

    app = stack(view)

    async def body():
        await app(rf.head("/ah/"))
        return await app(rf.head("/ah/"))

    assert asyncio.run(body()).status_code == 200


def test_unpicklable_page_is_served_and_not_stored(caplog):
    def make(request):
        response = HttpResponse("x")
        response.lock = __import__("threading").Lock()
        return response

    view = CountingView(make)
    app = stack(view)
    caplog.set_level(logging.WARNING, logger="microdj.core.cache")
    assert app(rf.get("/lock/")).status_code == 200
    app(rf.get("/lock/"))
    assert view.calls == 2 and "cannot be pickled" in caplog.text


def test_no_age_without_max_age():
    from microdj.middleware.cache import FetchFromCacheMiddleware as Fetch

    app = stack(CountingView())
    app(rf.get("/age/"))
    key = get_cache_key(rf.get("/age/"))
    stored = caches["default"].get(key)
    del stored["Cache-Control"]
    caches["default"].set(key, stored)
    assert not Fetch(CountingView())(rf.get("/age/")).has_header("Age")


@pytest.mark.parametrize("path", ["/sync/", "/async/", "/tr/", "/async/tr/"])
def test_template_pages_are_cached_through_the_whole_stack(override, path):
    from microdj.test import Client
    from tests.template.conftest import engine_settings

    override(
        ROOT_URLCONF="tests.template.pages",
        TEMPLATES=engine_settings(context_processors=["tests.template.pages.greeting"]),
        MIDDLEWARE=[
            "microdj.middleware.cache.UpdateCacheMiddleware",
            "microdj.middleware.cache.FetchFromCacheMiddleware",
        ],
    )
    with Client() as client:
        first = client.get(path)
        second = client.get(path)
    assert first.status_code == second.status_code == 200
    assert not first.has_header("Age") and second.has_header("Age")
    assert second.content == first.content and first.content
