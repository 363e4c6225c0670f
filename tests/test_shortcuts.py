"""microdj.shortcuts: redirect() and resolve_url()."""

from __future__ import annotations

import sys
import types

import pytest

from microdj.conf import settings
from microdj.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect
from microdj.shortcuts import redirect, resolve_url
from microdj.urls import NoReverseMatch, path


def article(request, year, slug="x"):
    return HttpResponse()


def unrouted(request):
    return HttpResponse()


class Article:
    def get_absolute_url(self) -> str:
        return "/articles/42/"


@pytest.fixture(autouse=True)
def urlconf(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("shortcuts_urls")
    module.urlpatterns = [
        path("articles/<int:year>/", article, name="article-year"),
        path("articles/<int:year>/<slug:slug>/", article, name="article-slug"),
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(settings, "ROOT_URLCONF", module.__name__)


def test_redirect_to_url() -> None:
    response = redirect("https://example.com/x")
    assert type(response) is HttpResponseRedirect
    assert response.status_code == 302 and response["Location"] == "https://example.com/x"


def test_redirect_permanent_and_preserve_request() -> None:
    response = redirect("/x/", permanent=True)
    assert type(response) is HttpResponsePermanentRedirect and response.status_code == 301
    assert redirect("/x/", preserve_request=True).status_code == 307
    assert redirect("/x/", permanent=True, preserve_request=True).status_code == 308


def test_redirect_to_view_name_with_args_and_kwargs() -> None:
    assert redirect("article-year", 2024)["Location"] == "/articles/2024/"
    assert redirect("article-slug", year=2024, slug="hello")["Location"] == "/articles/2024/hello/"


def test_redirect_to_view_callable_and_object() -> None:
    assert redirect(article, 1999)["Location"] == "/articles/1999/"
    assert redirect(Article())["Location"] == "/articles/42/"


def test_resolve_url_relative_and_fallbacks() -> None:
    assert resolve_url("./next/") == "./next/"
    assert resolve_url("../up/") == "../up/"
    assert resolve_url("/plain/path/") == "/plain/path/"
    assert resolve_url("example.com") == "example.com"


def test_resolve_url_errors() -> None:
    with pytest.raises(NoReverseMatch):
        resolve_url("no-such-name")
    with pytest.raises(NoReverseMatch):
        resolve_url(unrouted)


# -- render() ------------------------------------------------------------------------------------------------


def test_render_in_sync_code_answers_a_rendered_http_response():
    import asyncio

    from microdj.http import HttpResponse
    from microdj.shortcuts import render
    from microdj.template.response import AsyncRenderResponse
    from microdj.test import RequestFactory, override_settings
    from tests.template.conftest import engine_settings

    with override_settings(TEMPLATES=engine_settings()):
        request = RequestFactory().get("/r/")
        response = render(request, "plain.html", {"name": "s"}, content_type="text/plain", status=201)
        assert type(response) is HttpResponse and response.status_code == 201
        assert response["Content-Type"] == "text/plain" and response.content == b"<p>Hello s! </p>"

        async def in_async_code() -> HttpResponse:
            return render(request, ["nope.html", "plain.html"], {"name": "a"})

        pending = asyncio.run(in_async_code())
        assert isinstance(pending, AsyncRenderResponse) and isinstance(pending, HttpResponse)
        assert pending.content == b"<p>Hello a! </p>"
