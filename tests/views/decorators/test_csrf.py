"""microdj.views.decorators.csrf (sync and async views) and the csrf_failure view."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.http import HttpResponse
from microdj.middleware.csrf import REASON_NO_CSRF_COOKIE, REASON_NO_REFERER, _mask_cipher_secret, get_token
from microdj.test import RequestFactory
from microdj.views.csrf import csrf_failure
from microdj.views.decorators.csrf import csrf_exempt, csrf_protect, ensure_csrf_cookie, requires_csrf_token

SECRET = "s" * 32


def sync_view(request):
    return HttpResponse(b"ok")


async def async_view(request):
    return HttpResponse(b"ok")


def token_view(request):
    return HttpResponse(get_token(request))


async def async_token_view(request):
    return HttpResponse(get_token(request))


def call(view, request):
    result = view(request)
    return asyncio.run(result) if iscoroutinefunction(view) else result


def post(cookie: str | None = None, **kwargs):
    rf = RequestFactory()
    if cookie:
        rf.cookies[settings.CSRF_COOKIE_NAME] = cookie
    return rf.post("/", **kwargs)


@pytest.fixture(params=[False, True], ids=["sync", "async"])
def is_async(request) -> bool:
    return request.param


def test_csrf_exempt(is_async: bool) -> None:
    view = async_view if is_async else sync_view
    exempt = csrf_exempt(view)
    assert exempt.csrf_exempt is True and exempt.__name__ == view.__name__
    assert iscoroutinefunction(exempt) is is_async
    assert not hasattr(view, "csrf_exempt")
    assert call(exempt, post()).content == b"ok"


def test_csrf_protect(is_async: bool) -> None:
    view = csrf_protect(async_view if is_async else sync_view)
    assert csrf_protect.__name__ == "csrf_protect"
    assert iscoroutinefunction(view) is is_async
    rejected = call(view, post())
    assert rejected.status_code == 403
    accepted = call(view, post(SECRET, data={"csrfmiddlewaretoken": _mask_cipher_secret(SECRET)}))
    assert accepted.content == b"ok"


def test_csrf_protect_sets_cookie_when_token_used(is_async: bool) -> None:
    view = csrf_protect(async_token_view if is_async else token_view)
    response = call(view, RequestFactory().get("/"))
    assert settings.CSRF_COOKIE_NAME in response.cookies and response["Vary"] == "Cookie"


def test_requires_csrf_token_never_rejects(is_async: bool) -> None:
    view = requires_csrf_token(async_token_view if is_async else token_view)
    assert requires_csrf_token.__name__ == "requires_csrf_token"
    response = call(view, post())
    assert response.status_code == 200 and len(response.content) == 64
    assert settings.CSRF_COOKIE_NAME in response.cookies


def test_ensure_csrf_cookie(is_async: bool) -> None:
    view = ensure_csrf_cookie(async_view if is_async else sync_view)
    assert ensure_csrf_cookie.__name__ == "ensure_csrf_cookie"
    response = call(view, RequestFactory().get("/"))
    assert response.content == b"ok"
    assert len(response.cookies[settings.CSRF_COOKIE_NAME].value) == 32
    # Bad POSTs are not rejected either.
    assert call(view, post()).status_code == 200


# ----------------------------------------------------------------------------------------- failure view


def test_csrf_failure_page(monkeypatch: pytest.MonkeyPatch) -> None:
    request = RequestFactory().post("/")
    response = csrf_failure(request, reason="Bad <thing>")
    assert response.status_code == 403
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert b"CSRF verification failed. Request aborted." in response.content
    assert b"Bad" not in response.content and b"DEBUG=True" in response.content
    monkeypatch.setattr(settings, "DEBUG", True)
    shown = csrf_failure(request, reason="Bad <thing>").content
    assert b"Bad &lt;thing&gt;" in shown and b"X-Csrftoken" in shown
    assert b"Reason given" not in csrf_failure(request).content


def test_csrf_failure_hints() -> None:
    request = RequestFactory().post("/")
    assert b"Referer" in csrf_failure(request, reason=REASON_NO_REFERER).content
    assert b"needs a CSRF cookie" in csrf_failure(request, reason=REASON_NO_CSRF_COOKIE).content
    other = csrf_failure(request, reason="CSRF token missing.").content
    assert b"needs a CSRF cookie" not in other and b"Referer" not in other
