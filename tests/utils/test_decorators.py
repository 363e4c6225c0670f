"""microdj.utils.decorators and microdj.utils.deprecation.MiddlewareMixin, for sync and async callers."""

from __future__ import annotations

import asyncio
import threading
from functools import wraps

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.http import HttpResponse
from microdj.http.request import HttpRequest
from microdj.utils.decorators import (
    async_only_middleware,
    classonlymethod,
    decorator_from_middleware,
    decorator_from_middleware_with_args,
    method_decorator,
    sync_and_async_middleware,
    sync_only_middleware,
)
from microdj.utils.deprecation import MiddlewareMixin


def make_request(path: str = "/x/") -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    return request


def sync_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return HttpResponse(b"sync")


async def async_view(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    return HttpResponse(b"async")


# --------------------------------------------------------------------------------- middleware markers


def test_middleware_capability_markers() -> None:
    def factory(get_response):
        return get_response

    assert sync_only_middleware(factory) is factory
    assert (factory.sync_capable, factory.async_capable) == (True, False)
    async_only_middleware(factory)
    assert (factory.sync_capable, factory.async_capable) == (False, True)
    sync_and_async_middleware(factory)
    assert (factory.sync_capable, factory.async_capable) == (True, True)


def test_classonlymethod() -> None:
    class Thing:
        @classonlymethod
        def make(cls):  # noqa: N805 - a class method
            return cls

    assert Thing.make() is Thing
    with pytest.raises(AttributeError, match="only on the class"):
        Thing().make()


# ----------------------------------------------------------------------------------- method_decorator


def add_header(name: str):
    def decorator(func):
        if iscoroutinefunction(func):

            async def wrapper(request, *args, **kwargs):
                response = await func(request, *args, **kwargs)
                response[name] = "1"
                return response

        else:

            def wrapper(request, *args, **kwargs):
                response = func(request, *args, **kwargs)
                response[name] = "1"
                return response

        wrapper.marked = name
        return wraps(func)(wrapper)

    return decorator


def test_method_decorator_on_method_sync_and_async() -> None:
    class Views:
        @method_decorator(add_header("X-A"))
        def get(self, request):
            """Docstring kept."""
            return HttpResponse(type(self).__name__)

        @method_decorator(add_header("X-A"))
        async def aget(self, request):
            return HttpResponse(b"a")

    views = Views()
    response = views.get(make_request())
    assert response["X-A"] == "1" and response.content == b"Views"
    assert Views.get.__doc__ == "Docstring kept." and Views.get.__name__ == "get"
    assert Views.get.marked == "X-A"
    assert iscoroutinefunction(Views.aget) and not iscoroutinefunction(Views.get)
    assert asyncio.run(views.aget(make_request()))["X-A"] == "1"


def test_method_decorator_list_order_and_class_form() -> None:
    calls: list[str] = []

    def tracer(label: str):
        def decorator(func):
            @wraps(func)
            def wrapper(*args, **kwargs):
                calls.append(label)
                return func(*args, **kwargs)

            return wrapper

        return decorator

    @method_decorator([tracer("first"), tracer("second")], name="get")
    class Views:
        def get(self, request):
            return HttpResponse()

    Views().get(make_request())
    assert calls == ["first", "second"]


def test_method_decorator_names_and_errors() -> None:
    decorator = method_decorator(add_header("X-A"))
    assert decorator.__name__ == "method_decorator(decorator)"

    class Callable_:  # noqa: N801 - the name the test expects in the repr
        def __call__(self, func):
            return func

    assert method_decorator(Callable_()).__name__ == "method_decorator(Callable_)"

    class Views:
        attribute = 3

    with pytest.raises(ValueError, match="must be the name of a method"):
        method_decorator(add_header("X"), name="missing")(Views)
    with pytest.raises(ValueError, match="Got '' instead"):
        method_decorator(add_header("X"))(Views)
    with pytest.raises(TypeError, match="isn't a callable attribute"):
        method_decorator(add_header("X"), name="attribute")(Views)


# ---------------------------------------------------------------------------- decorator_from_middleware


class Recorder:
    """A full-hook middleware recording what happened."""

    def __init__(self, get_response, label: str = "rec") -> None:
        self.get_response = get_response
        self.label = label
        self.log: list[str] = []

    def process_request(self, request):
        self.log.append("request")
        return HttpResponse(b"short") if getattr(request, "short_request", False) else None

    def process_view(self, request, view_func, args, kwargs):
        self.log.append(f"view:{args}:{kwargs}")
        return HttpResponse(b"view-short") if getattr(request, "short_view", False) else None

    def process_exception(self, request, exception):
        self.log.append(f"exception:{exception}")
        return HttpResponse(b"handled") if str(exception) == "handle me" else None

    def process_template_response(self, request, response):
        self.log.append("template")
        return response

    def process_response(self, request, response):
        self.log.append("response")
        response["X-Label"] = self.label
        return response


class TemplateLike(HttpResponse):
    def __init__(self) -> None:
        super().__init__(b"t")
        self.callbacks = []

    def render(self):
        for callback in self.callbacks:
            callback(self)
        return self

    def add_post_render_callback(self, callback) -> None:
        self.callbacks.append(callback)


def _decorated(view, **kwargs):
    made: list[Recorder] = []

    class Tracking(Recorder):
        def __init__(self, get_response, *args, **kw):
            super().__init__(get_response, *args, **kw)
            made.append(self)

    decorated = (
        decorator_from_middleware_with_args(Tracking)(**kwargs)(view)
        if kwargs
        else (decorator_from_middleware(Tracking)(view))
    )
    return decorated, made[0]


@pytest.mark.parametrize("is_async", [False, True])
def test_decorator_from_middleware_hooks(is_async: bool) -> None:
    def run(func, request, *args, **kwargs):
        result = func(request, *args, **kwargs)
        return asyncio.run(result) if is_async else result

    decorated, mw = _decorated(async_view if is_async else sync_view, label="L")
    assert iscoroutinefunction(decorated) is is_async
    assert decorated.__name__ == ("async_view" if is_async else "sync_view")
    response = run(decorated, make_request(), 1, k=2)
    assert response["X-Label"] == "L"
    assert mw.log == ["request", "view:(1,):{'k': 2}", "response"]

    request = make_request()
    request.short_request = True
    assert run(decorated, request).content == b"short"
    request = make_request()
    request.short_view = True
    assert run(decorated, request).content == b"view-short"


@pytest.mark.parametrize("is_async", [False, True])
def test_decorator_from_middleware_exceptions_and_templates(is_async: bool) -> None:
    def raiser(message):
        if is_async:

            async def view(request):
                raise ValueError(message)

        else:

            def view(request):
                raise ValueError(message)

        return view

    def run(func, request):
        result = func(request)
        return asyncio.run(result) if is_async else result

    decorated, mw = _decorated(raiser("handle me"))
    assert run(decorated, make_request()).content == b"handled"
    decorated, mw = _decorated(raiser("boom"))
    with pytest.raises(ValueError, match="boom"):
        run(decorated, make_request())

    if is_async:

        async def template_view(request):
            return TemplateLike()

    else:

        def template_view(request):
            return TemplateLike()

    decorated, mw = _decorated(template_view)
    response = run(decorated, make_request())
    assert "X-Label" not in response and mw.log[-1] == "template"
    response.render()
    assert response["X-Label"] == "rec"


def test_decorator_from_middleware_with_partial_hooks() -> None:
    class OnlyResponse:
        def __init__(self, get_response):
            self.get_response = get_response

        def process_response(self, request, response):
            response["X-Only"] = "yes"
            return response

    class Nothing:
        def __init__(self, get_response):
            self.get_response = get_response

    def failing(request):
        raise KeyError("x")

    assert decorator_from_middleware(OnlyResponse)(sync_view)(make_request())["X-Only"] == "yes"
    assert decorator_from_middleware(Nothing)(sync_view)(make_request()).content == b"sync"
    template = decorator_from_middleware(Nothing)(lambda request: TemplateLike())(make_request())
    assert template.callbacks == []
    only_template = decorator_from_middleware(OnlyResponse)(lambda request: TemplateLike())(make_request())
    assert "X-Only" not in only_template
    assert only_template.render()["X-Only"] == "yes"
    with pytest.raises(KeyError):
        decorator_from_middleware(Nothing)(failing)(make_request())


# ----------------------------------------------------------------------------------------- MiddlewareMixin


class HeaderMiddleware(MiddlewareMixin):
    """Records the thread each hook ran on."""

    def process_request(self, request):
        request.seen_request_thread = threading.get_ident()
        if request.path == "/short/":
            return HttpResponse(b"short")
        return None

    def process_response(self, request, response):
        response["X-Thread"] = str(threading.get_ident())
        return response


class OnLoopMiddleware(HeaderMiddleware):
    sync_hooks_in_thread = False


class AsyncHookMiddleware(MiddlewareMixin):
    async def process_request(self, request):
        await asyncio.sleep(0)
        request.async_hook = True

    async def process_response(self, request, response):
        response["X-Async-Hook"] = "1"
        return response


class NoHooks(MiddlewareMixin):
    pass


def test_mixin_requires_get_response_and_repr() -> None:
    with pytest.raises(ValueError, match="get_response must be provided"):
        HeaderMiddleware(None)
    assert repr(HeaderMiddleware(sync_view)) == "<HeaderMiddleware get_response=sync_view>"

    class CallableResponder:
        def __call__(self, request):
            return HttpResponse()

    assert repr(NoHooks(CallableResponder())) == "<NoHooks get_response=CallableResponder>"


def test_mixin_sync_mode() -> None:
    middleware = HeaderMiddleware(sync_view)
    assert not middleware.async_mode and not iscoroutinefunction(middleware)
    response = middleware(make_request())
    assert response.content == b"sync" and response["X-Thread"] == str(threading.get_ident())
    assert middleware(make_request("/short/")).content == b"short"
    assert NoHooks(sync_view)(make_request()).content == b"sync"


def test_mixin_async_mode_runs_sync_hooks_in_a_thread_like_django() -> None:
    middleware = HeaderMiddleware(async_view)
    assert middleware.async_mode and iscoroutinefunction(middleware)

    async def main():
        request = make_request()
        response = await middleware(request)
        return request, response, threading.get_ident()

    request, response, loop_thread = asyncio.run(main())
    assert response.content == b"async"
    assert request.seen_request_thread != loop_thread
    assert response["X-Thread"] != str(loop_thread)


def test_mixin_async_mode_non_blocking_hooks_stay_on_loop() -> None:
    middleware = OnLoopMiddleware(async_view)

    async def main():
        request = make_request()
        response = await middleware(request)
        short = await middleware(make_request("/short/"))
        return request, response, short, threading.get_ident()

    request, response, short, loop_thread = asyncio.run(main())
    assert request.seen_request_thread == loop_thread
    assert response["X-Thread"] == str(loop_thread)
    assert short.content == b"short"
    assert asyncio.run(NoHooks(async_view)(make_request())).content == b"async"


def test_mixin_async_hooks_are_awaited() -> None:
    request = make_request()
    response = asyncio.run(AsyncHookMiddleware(async_view)(request))
    assert request.async_hook and response["X-Async-Hook"] == "1"


# ----------------------------------------------------------------------- Django-written middleware classes


class DjangoStyleMiddleware:
    """Written exactly as Django's docs show a middleware factory class."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.before = True
        response = self.get_response(request)
        response["X-Path"] = request.path
        return response


class DjangoStyleMixinMiddleware(MiddlewareMixin):
    """A Django-style MiddlewareMixin subclass (sync hooks only)."""

    def process_request(self, request):
        if request.META.get("HTTP_X_BLOCK"):
            return HttpResponse("blocked", status=403)
        return None

    def process_response(self, request, response):
        response.headers["X-Handled-By"] = type(self).__name__
        return response


def test_django_style_middleware_with_microdj_objects() -> None:
    request = make_request("/hello/")
    response = DjangoStyleMiddleware(sync_view)(request)
    assert request.before and response["X-Path"] == "/hello/" and response.content == b"sync"

    stack = DjangoStyleMiddleware(DjangoStyleMixinMiddleware(sync_view))
    assert stack(make_request())["X-Handled-By"] == "DjangoStyleMixinMiddleware"
    blocked = make_request()
    blocked.META["HTTP_X_BLOCK"] = "1"
    response = stack(blocked)
    assert response.status_code == 403 and response["X-Handled-By"] == "DjangoStyleMixinMiddleware"

    async_stack = DjangoStyleMixinMiddleware(async_view)
    response = asyncio.run(async_stack(make_request()))
    assert response.content == b"async" and response["X-Handled-By"] == "DjangoStyleMixinMiddleware"


# ------------------------------------------------------------------------- through the real handler


@pytest.fixture
def site(monkeypatch: pytest.MonkeyPatch):
    import sys
    import types

    from microdj.conf import settings
    from microdj.test import Client
    from microdj.urls import path

    def page(request):
        return HttpResponse(b"sync page " * 40)

    async def apage(request):
        return HttpResponse(b"async page " * 40)

    module = types.ModuleType("utils_decorators_site")
    module.DjangoStyleMiddleware = DjangoStyleMiddleware
    module.DjangoStyleMixinMiddleware = DjangoStyleMixinMiddleware
    module.urlpatterns = [path("page/", page), path("apage/", apage)]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(settings, "ROOT_URLCONF", module.__name__)
    monkeypatch.setattr(
        settings,
        "MIDDLEWARE",
        [
            "microdj.middleware.security.SecurityMiddleware",
            "microdj.middleware.gzip.GZipMiddleware",
            f"{module.__name__}.DjangoStyleMiddleware",
            "microdj.middleware.http.ConditionalGetMiddleware",
            f"{module.__name__}.DjangoStyleMixinMiddleware",
            "microdj.middleware.common.CommonMiddleware",
        ],
    )
    client = Client()
    yield client
    client.close()


@pytest.mark.parametrize("url", ["/page/", "/apage/"])
def test_django_written_middleware_in_the_handler(site, url: str) -> None:
    import gzip

    response = site.get(url, headers={"accept-encoding": "gzip"})
    assert response.status_code == 200
    assert response["X-Path"] == url and response["X-Handled-By"] == "DjangoStyleMixinMiddleware"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.content).endswith(b"page ")
    etag = response["ETag"]
    assert etag.startswith('W/"')
    assert site.get(url, headers={"if-none-match": etag}).status_code == 304
    assert site.get(url, headers={"x-block": "1"}).status_code == 403
    assert site.get(url[:-1]).status_code == 301
