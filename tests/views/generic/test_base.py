"""microdj.views.generic.base: View and RedirectView, with sync and async handlers."""

from __future__ import annotations

import asyncio
import logging
import sys
import types

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.http import HttpResponse
from microdj.test import RequestFactory
from microdj.urls import path
from microdj.utils.decorators import method_decorator
from microdj.views import RedirectView, View
from microdj.views.decorators.csrf import csrf_exempt

rf = RequestFactory()


class SyncView(View):
    """A sync view."""

    greeting = "hello"

    def get(self, request, *args, **kwargs):
        return HttpResponse(f"{self.greeting} {args} {kwargs}")

    def post(self, request, *args, **kwargs):
        return HttpResponse(b"posted")


class AsyncView(View):
    async def get(self, request, *args, **kwargs):
        return HttpResponse(b"async get")

    async def post(self, request, *args, **kwargs):
        return HttpResponse(b"async post")


class MixedView(View):
    def get(self, request):
        return HttpResponse()

    async def post(self, request):
        return HttpResponse()


class EmptyView(View):
    pass


@method_decorator(csrf_exempt, name="dispatch")
class ExemptView(View):
    def get(self, request):
        return HttpResponse()


def test_as_view_sync() -> None:
    view = SyncView.as_view(greeting="hi")
    assert not iscoroutinefunction(view)
    assert view.view_class is SyncView and view.view_initkwargs == {"greeting": "hi"}
    assert view.__doc__ == "A sync view." and view.__module__ == __name__
    response = view(rf.get("/"), 1, a="b")
    assert response.content == b"hi (1,) {'a': 'b'}"
    assert view(rf.post("/")).content == b"posted"
    # HEAD falls back to GET.
    assert view(rf.head("/")).status_code == 200


def test_as_view_async_is_a_coroutine_function() -> None:
    view = AsyncView.as_view()
    assert iscoroutinefunction(view)
    assert asyncio.run(view(rf.get("/"))).content == b"async get"
    assert asyncio.run(view(rf.post("/"))).content == b"async post"


def test_view_is_async() -> None:
    assert SyncView.view_is_async is False
    assert AsyncView.view_is_async is True
    assert AsyncView().view_is_async is True
    assert EmptyView.view_is_async is False
    with pytest.raises(
        ImproperlyConfigured, match="MixedView HTTP handlers must either be all sync or all async."
    ):
        MixedView.view_is_async  # noqa: B018
    with pytest.raises(ImproperlyConfigured):
        MixedView.as_view()


def test_as_view_rejects_bad_initkwargs() -> None:
    with pytest.raises(
        TypeError, match="The method name get is not accepted as a keyword argument to SyncView"
    ):
        SyncView.as_view(get=lambda: None)
    with pytest.raises(TypeError, match=r"SyncView\(\) received an invalid keyword 'nope'"):
        SyncView.as_view(nope=1)
    with pytest.raises(AttributeError, match="only on the class"):
        SyncView().as_view()


def test_setup_must_call_super() -> None:
    class Broken(View):
        def setup(self, request, *args, **kwargs):
            pass

        def get(self, request):
            return HttpResponse()

    with pytest.raises(AttributeError, match="Broken instance has no 'request' attribute"):
        Broken.as_view()(rf.get("/"))


def test_dispatch_attributes_copied() -> None:
    assert ExemptView.as_view().csrf_exempt is True


@pytest.mark.parametrize("view_class", [SyncView, AsyncView])
def test_method_not_allowed(view_class, caplog: pytest.LogCaptureFixture) -> None:
    view = view_class.as_view()
    with caplog.at_level(logging.WARNING, logger="microdj.request"):
        result = view(rf.put("/some/path/"))
        response = asyncio.run(result) if view_class.view_is_async else result
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert "Method Not Allowed (PUT): /some/path/" in caplog.text
    unknown = rf.get("/")
    unknown.method = "BREW"
    result = view(unknown)
    response = asyncio.run(result) if view_class.view_is_async else result
    assert response.status_code == 405


@pytest.mark.parametrize("view_class", [SyncView, AsyncView])
def test_options(view_class) -> None:
    result = view_class.as_view()(rf.options("/"))
    response = asyncio.run(result) if view_class.view_is_async else result
    assert response.status_code == 200
    assert response["Allow"] == "GET, POST, HEAD, OPTIONS"
    assert response["Content-Length"] == "0"


def test_explicit_head_not_replaced() -> None:
    class WithHead(View):
        def get(self, request):
            return HttpResponse(b"get")

        def head(self, request):
            return HttpResponse(b"head")

    assert WithHead.as_view()(rf.head("/")).content == b"head"


# ------------------------------------------------------------------------------------------ RedirectView


@pytest.fixture
def urlconf(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("views_generic_base_urls")
    module.urlpatterns = [
        path("target/<int:pk>/", SyncView.as_view(), name="target"),
        path("plain/", SyncView.as_view(), name="plain"),
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(settings, "ROOT_URLCONF", module.__name__)


def test_redirect_view_url_and_kwargs() -> None:
    response = RedirectView.as_view(url="/new/%(slug)s/")(rf.get("/old/"), slug="abc")
    assert response.status_code == 302 and response["Location"] == "/new/abc/"
    permanent = RedirectView.as_view(url="/new/", permanent=True)(rf.get("/old/"))
    assert permanent.status_code == 301


def test_redirect_view_query_string() -> None:
    request = rf.get("/old/?a=1&b=2")
    assert RedirectView.as_view(url="/new/")(request)["Location"] == "/new/"
    assert RedirectView.as_view(url="/new/", query_string=True)(request)["Location"] == "/new/?a=1&b=2"
    assert RedirectView.as_view(url="/new/", query_string=True)(rf.get("/old/"))["Location"] == "/new/"


def test_redirect_view_pattern_name(urlconf: None) -> None:
    response = RedirectView.as_view(pattern_name="target")(rf.get("/old/"), pk=3)
    assert response["Location"] == "/target/3/"
    response = RedirectView.as_view(pattern_name="plain", query_string=True)(rf.get("/old/?q=x"))
    assert response["Location"] == "/plain/?q=x"


@pytest.mark.parametrize("method", ["get", "head", "post", "options", "delete", "put", "patch"])
def test_redirect_view_every_method(method: str) -> None:
    response = RedirectView.as_view(url="/new/")(getattr(rf, method)("/old/"))
    assert response.status_code == 302


def test_redirect_view_gone(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="microdj.request"):
        response = RedirectView.as_view()(rf.get("/gone/"))
    assert response.status_code == 410
    assert "Gone: /gone/" in caplog.text
