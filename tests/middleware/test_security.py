"""microdj.middleware.security.SecurityMiddleware."""

from __future__ import annotations

import asyncio

import pytest

from microdj.conf import settings
from microdj.http import HttpResponse
from microdj.middleware.security import SecurityMiddleware
from microdj.test import RequestFactory

rf = RequestFactory()


def view(request):
    return HttpResponse(b"ok")


async def aview(request):
    return HttpResponse(b"ok")


@pytest.fixture
def configure(monkeypatch: pytest.MonkeyPatch):
    def apply(**values):
        for name, value in values.items():
            monkeypatch.setattr(settings, name, value)

    return apply


def run(request, response=None, get_response=view):
    middleware = SecurityMiddleware(get_response)
    return middleware.process_request(request) or middleware.process_response(
        request, response or view(request)
    )


def test_default_headers() -> None:
    response = run(rf.get("/"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response


def test_headers_not_overwritten() -> None:
    response = HttpResponse()
    response["X-Content-Type-Options"] = "other"
    response["Referrer-Policy"] = "no-referrer"
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    response["Strict-Transport-Security"] = "max-age=1"
    run(rf.get("/", secure=True), response)
    assert response["X-Content-Type-Options"] == "other"
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cross-Origin-Opener-Policy"] == "unsafe-none"
    assert response["Strict-Transport-Security"] == "max-age=1"


def test_headers_disabled(configure) -> None:
    configure(
        SECURE_CONTENT_TYPE_NOSNIFF=False, SECURE_REFERRER_POLICY=None, SECURE_CROSS_ORIGIN_OPENER_POLICY=None
    )
    response = run(rf.get("/"))
    for header in ("X-Content-Type-Options", "Referrer-Policy", "Cross-Origin-Opener-Policy"):
        assert header not in response


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("strict-origin", "strict-origin"),
        ("no-referrer, strict-origin-when-cross-origin", "no-referrer,strict-origin-when-cross-origin"),
        (["same-origin", "origin"], "same-origin,origin"),
        (("origin",), "origin"),
    ],
)
def test_referrer_policy_forms(configure, policy, expected: str) -> None:
    configure(SECURE_REFERRER_POLICY=policy)
    assert run(rf.get("/"))["Referrer-Policy"] == expected


@pytest.mark.parametrize(
    ("include", "preload", "expected"),
    [
        (False, False, "max-age=3600"),
        (True, False, "max-age=3600; includeSubDomains"),
        (False, True, "max-age=3600; preload"),
        (True, True, "max-age=3600; includeSubDomains; preload"),
    ],
)
def test_hsts_on_secure_requests_only(configure, include: bool, preload: bool, expected: str) -> None:
    configure(SECURE_HSTS_SECONDS=3600, SECURE_HSTS_INCLUDE_SUBDOMAINS=include, SECURE_HSTS_PRELOAD=preload)
    assert run(rf.get("/", secure=True))["Strict-Transport-Security"] == expected
    assert "Strict-Transport-Security" not in run(rf.get("/"))


def test_ssl_redirect(configure) -> None:
    configure(SECURE_SSL_REDIRECT=True)
    response = run(rf.get("/some/path/?a=b"))
    assert response.status_code == 301 and response["Location"] == "https://testserver/some/path/?a=b"
    assert run(rf.get("/", secure=True)).status_code == 200


def test_ssl_redirect_host_and_exempt(configure) -> None:
    configure(
        SECURE_SSL_REDIRECT=True, SECURE_SSL_HOST="secure.example.com", SECURE_REDIRECT_EXEMPT=[r"^health/"]
    )
    assert run(rf.get("/page/"))["Location"] == "https://secure.example.com/page/"
    assert run(rf.get("/health/check")).status_code == 200


def test_sync_and_async_get_response(configure) -> None:
    configure(SECURE_SSL_REDIRECT=True, SECURE_HSTS_SECONDS=60)
    assert SecurityMiddleware(view)(rf.get("/")).status_code == 301
    response = asyncio.run(SecurityMiddleware(aview)(rf.get("/", secure=True)))
    assert response.content == b"ok" and response["Strict-Transport-Security"] == "max-age=60"
    assert asyncio.run(SecurityMiddleware(aview)(rf.get("/"))).status_code == 301
