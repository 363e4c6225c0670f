"""microdj.middleware.common.CommonMiddleware."""

from __future__ import annotations

import asyncio
import re
import sys
import types

import pytest

from microdj.conf import settings
from microdj.core.exceptions import PermissionDenied
from microdj.http import (
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from microdj.middleware.common import CommonMiddleware
from microdj.test import RequestFactory
from microdj.urls import path, re_path

rf = RequestFactory()


def ok(request, *args, **kwargs):
    return HttpResponse(b"ok")


def no_slash_view(request):
    return HttpResponse()


no_slash_view.should_append_slash = False


def not_found(request):
    return HttpResponseNotFound(b"missing")


async def anot_found(request):
    return HttpResponseNotFound(b"missing")


@pytest.fixture(autouse=True)
def urlconf(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("middleware_common_urls")
    module.urlpatterns = [
        path("slash/", ok),
        path("noslash", ok),
        path("optout/", no_slash_view),
        re_path(r"^/evil\.example/$", ok),
    ]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    monkeypatch.setattr(settings, "ROOT_URLCONF", module.__name__)


def respond(request, view=not_found):
    middleware = CommonMiddleware(view)
    return middleware.process_request(request) or middleware.process_response(request, view(request))


# -------------------------------------------------------------------------------------------- APPEND_SLASH


def test_append_slash_redirects_when_slashed_path_resolves() -> None:
    response = respond(rf.get("/slash?a=1"))
    assert isinstance(response, HttpResponsePermanentRedirect)
    assert response.status_code == 301 and response["Location"] == "/slash/?a=1"


def test_append_slash_not_when_unresolvable_or_resolvable_or_slashed() -> None:
    assert respond(rf.get("/unknown")).status_code == 404
    assert respond(rf.get("/noslash")).status_code == 404  # resolves as is (the view said 404)
    assert respond(rf.get("/unknown/")).status_code == 404


def test_append_slash_respects_view_opt_out_and_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert respond(rf.get("/optout")).status_code == 404
    monkeypatch.setattr(settings, "APPEND_SLASH", False)
    assert respond(rf.get("/slash")).status_code == 404


def test_append_slash_only_for_404() -> None:
    assert respond(rf.get("/slash"), ok).status_code == 200


def test_append_slash_escapes_leading_slashes() -> None:
    request = rf.get("/")
    request.path = request.path_info = "//evil.example"
    response = respond(request)
    assert response["Location"] == "/%2Fevil.example/"


def test_append_slash_post_in_debug_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    assert respond(rf.post("/slash")).status_code == 301
    monkeypatch.setattr(settings, "DEBUG", True)
    with pytest.raises(RuntimeError, match=r"via POST.*testserver/slash/ \(note the trailing slash\)"):
        respond(rf.post("/slash"))
    assert respond(rf.get("/slash")).status_code == 301


def test_request_urlconf_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    other = types.ModuleType("middleware_common_other_urls")
    other.urlpatterns = [path("elsewhere/", ok)]
    monkeypatch.setitem(sys.modules, other.__name__, other)
    request = rf.get("/elsewhere")
    request.urlconf = other.__name__
    assert respond(request)["Location"] == "/elsewhere/"
    assert respond(rf.get("/elsewhere")).status_code == 404


def test_async_get_response_redirects() -> None:
    response = asyncio.run(CommonMiddleware(anot_found)(rf.get("/slash")))
    assert response.status_code == 301 and response["Location"] == "/slash/"


def test_response_redirect_class_customisable() -> None:
    class Temporary(CommonMiddleware):
        response_redirect_class = HttpResponseRedirect

    request = rf.get("/slash")
    middleware = Temporary(not_found)
    assert middleware.process_response(request, not_found(request)).status_code == 302


# --------------------------------------------------------------------------------------------- PREPEND_WWW


def test_prepend_www(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "PREPEND_WWW", True)
    monkeypatch.setattr(settings, "ALLOWED_HOSTS", ["*"])
    response = respond(rf.get("/path/?q=1", headers={"host": "example.com"}))
    assert response.status_code == 301 and response["Location"] == "http://www.example.com/path/?q=1"
    both = respond(rf.get("/slash", secure=True, headers={"host": "example.com"}))
    assert both["Location"] == "https://www.example.com/slash/"
    assert respond(rf.get("/path/", headers={"host": "www.example.com"})).status_code == 404


def test_prepend_www_empty_host(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "PREPEND_WWW", True)
    request = rf.get("/path/")
    request.get_host = lambda: ""
    assert CommonMiddleware(ok).process_request(request) is None


# --------------------------------------------------------------------------------- DISALLOWED_USER_AGENTS


def test_disallowed_user_agents(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "DISALLOWED_USER_AGENTS", [re.compile(r"^BadBot"), re.compile("evil")])
    with pytest.raises(PermissionDenied, match="Forbidden user agent"):
        respond(rf.get("/", headers={"user-agent": "BadBot/1.0"}))
    with pytest.raises(PermissionDenied):
        asyncio.run(CommonMiddleware(anot_found)(rf.get("/", headers={"user-agent": "very evil"})))
    assert respond(rf.get("/", headers={"user-agent": "Mozilla"}), ok).status_code == 200
    request = rf.get("/")
    request.META.pop("HTTP_USER_AGENT", None)
    assert respond(request, ok).status_code == 200


# ------------------------------------------------------------------------------------------ Content-Length


def test_content_length_added_when_missing() -> None:
    response = respond(rf.get("/"), ok)
    assert response["Content-Length"] == "2"
    preset = HttpResponse(b"abc")
    preset["Content-Length"] = "3"
    assert CommonMiddleware(ok).process_response(rf.get("/"), preset)["Content-Length"] == "3"
    streaming = CommonMiddleware(ok).process_response(rf.get("/"), StreamingHttpResponse([b"a"]))
    assert "Content-Length" not in streaming


def test_sync_and_async_calls() -> None:
    async def aok(request):
        return HttpResponse(b"ok!")

    assert CommonMiddleware(ok)(rf.get("/"))["Content-Length"] == "2"
    assert asyncio.run(CommonMiddleware(aok)(rf.get("/")))["Content-Length"] == "3"
