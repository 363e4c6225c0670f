"""microdj.middleware.csrf: Django's CSRF token model, Origin/Referer checks and rejections."""

from __future__ import annotations

import asyncio
import logging

import pytest

from microdj.conf import settings
from microdj.core.exceptions import DisallowedHost, ImproperlyConfigured
from microdj.http import HttpResponse, UnreadablePostError
from microdj.middleware import csrf
from microdj.middleware.csrf import (
    CSRF_SESSION_KEY,
    REASON_BAD_ORIGIN,
    REASON_BAD_REFERER,
    REASON_CSRF_TOKEN_MISSING,
    REASON_INSECURE_REFERER,
    REASON_MALFORMED_REFERER,
    REASON_NO_CSRF_COOKIE,
    REASON_NO_REFERER,
    CsrfViewMiddleware,
    get_token,
    rotate_token,
)
from microdj.test import RequestFactory
from microdj.views.decorators.csrf import csrf_exempt

SECRET = "A" * 16 + "b" * 16
OTHER_SECRET = "z" * 32


def view(request):
    return HttpResponse(b"view")


async def aview(request):
    return HttpResponse(b"aview")


def make(method: str = "post", path: str = "/form/", cookie: str | None = SECRET, secure: bool = False, **kw):
    rf = RequestFactory()
    if cookie is not None:
        rf.cookies[settings.CSRF_COOKIE_NAME] = cookie
    return getattr(rf, method)(path, secure=secure, **kw)


def run_view(request, callback=view):
    """process_request + process_view + the view + process_response, as the handler does."""
    middleware = CsrfViewMiddleware(callback)
    middleware.process_request(request)
    response = middleware.process_view(request, callback, (), {})
    if response is None:
        response = callback(request)
    return middleware.process_response(request, response)


def reason_of(response) -> str | None:
    return getattr(response, "csrf_reason", None)


@pytest.fixture(autouse=True)
def reason_capturing_failure_view(monkeypatch: pytest.MonkeyPatch):
    """Use a failure view that records the reason (the default view is tested separately)."""

    def failure(request, reason=""):
        response = HttpResponse(reason, status=403)
        response.csrf_reason = reason
        return response

    monkeypatch.setattr(settings, "CSRF_FAILURE_VIEW", failure)


# ----------------------------------------------------------------------------------------- token model


def test_mask_and_unmask_round_trip() -> None:
    token = csrf._mask_cipher_secret(SECRET)
    assert len(token) == csrf.CSRF_TOKEN_LENGTH and token.isalnum()
    assert csrf._unmask_cipher_token(token) == SECRET
    assert csrf._mask_cipher_secret(SECRET) != token  # a fresh mask each time


def test_masking_matches_django() -> None:
    from django.middleware import csrf as dj_csrf

    token = csrf._mask_cipher_secret(SECRET)
    assert dj_csrf._unmask_cipher_token(token) == SECRET
    assert csrf._unmask_cipher_token(dj_csrf._mask_cipher_secret(SECRET)) == SECRET


def test_get_token_creates_and_reuses_secret() -> None:
    request = make("get", cookie=None)
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert len(secret) == 32 and request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert csrf._unmask_cipher_token(token) == secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
    assert csrf._unmask_cipher_token(get_token(request)) == secret
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True


def test_rotate_token() -> None:
    request = make("get")
    run_view(request)
    assert request.META["CSRF_COOKIE"] == SECRET
    rotate_token(request)
    assert request.META["CSRF_COOKIE"] != SECRET and request.META["CSRF_COOKIE_NEEDS_UPDATE"]


@pytest.mark.parametrize(
    ("token", "reason"),
    [("a" * 31, csrf.REASON_INCORRECT_LENGTH), ("a" * 31 + "!", csrf.REASON_INVALID_CHARACTERS)],
)
def test_check_token_format(token: str, reason: str) -> None:
    with pytest.raises(csrf.InvalidTokenFormat) as info:
        csrf._check_token_format(token)
    assert info.value.reason == reason
    csrf._check_token_format("a" * 32)
    csrf._check_token_format("a" * 64)


# ------------------------------------------------------------------------------------------ the cookie


def test_safe_request_sets_no_cookie_unless_token_used() -> None:
    response = run_view(make("get", cookie=None))
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    request = make("get", cookie=None)
    get_token(request)
    response = run_view(request)
    morsel = response.cookies[settings.CSRF_COOKIE_NAME]
    assert morsel.value == request.META["CSRF_COOKIE"]
    assert morsel["max-age"] == settings.CSRF_COOKIE_AGE and morsel["path"] == "/"
    assert morsel["samesite"] == "Lax"
    assert response["Vary"] == "Cookie"
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is False


def test_cookie_settings_honoured(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_COOKIE_NAME", "mycsrf")
    monkeypatch.setattr(settings, "CSRF_COOKIE_DOMAIN", ".example.com")
    monkeypatch.setattr(settings, "CSRF_COOKIE_SECURE", True)
    monkeypatch.setattr(settings, "CSRF_COOKIE_HTTPONLY", True)
    request = make("get", cookie=None)
    get_token(request)
    morsel = run_view(request).cookies["mycsrf"]
    assert morsel["domain"] == ".example.com" and morsel["secure"] and morsel["httponly"]


def test_malformed_cookie_is_replaced() -> None:
    request = make("get", cookie="short")
    response = run_view(request)
    new_secret = request.META["CSRF_COOKIE"]
    assert len(new_secret) == 32
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == new_secret


def test_masked_cookie_from_old_django_is_unmasked() -> None:
    request = make("get", cookie=csrf._mask_cipher_secret(SECRET))
    run_view(request)
    assert request.META["CSRF_COOKIE"] == SECRET


# ------------------------------------------------------------------------------------------ acceptance


def test_post_with_form_token_accepted() -> None:
    request = make(data={"csrfmiddlewaretoken": csrf._mask_cipher_secret(SECRET)})
    response = run_view(request)
    assert response.content == b"view" and request.csrf_processing_done


def test_post_with_unmasked_secret_accepted() -> None:
    assert run_view(make(data={"csrfmiddlewaretoken": SECRET})).content == b"view"


def test_header_token_accepted(monkeypatch: pytest.MonkeyPatch) -> None:
    token = csrf._mask_cipher_secret(SECRET)
    assert run_view(make("put", headers={"X-CSRFToken": token})).content == b"view"
    monkeypatch.setattr(settings, "CSRF_HEADER_NAME", "HTTP_X_XSRF_TOKEN")
    assert run_view(make("delete", headers={"X-XSRF-Token": token})).content == b"view"


@pytest.mark.parametrize("method", ["get", "head", "options", "trace"])
def test_safe_methods_skip_checks(method: str) -> None:
    request = make(method, cookie=None)
    assert run_view(request).status_code == 200
    assert request.csrf_processing_done


def test_exempt_view_skips_checks() -> None:
    exempt = csrf_exempt(view)
    request = make(cookie=None)
    assert run_view(request, exempt).content == b"view"
    assert not getattr(request, "csrf_processing_done", False)


def test_processing_done_skips_checks() -> None:
    request = make(cookie=None)
    request.csrf_processing_done = True
    assert run_view(request).content == b"view"


def test_dont_enforce_csrf_checks() -> None:
    request = make(cookie=None)
    request._dont_enforce_csrf_checks = True
    assert run_view(request).content == b"view"


# ------------------------------------------------------------------------------------------- rejection


def test_rejections_are_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="microdj.security.csrf"):
        response = run_view(make(cookie=None, path="/secret/"))
    assert response.status_code == 403 and reason_of(response) == REASON_NO_CSRF_COOKIE
    assert f"Forbidden ({REASON_NO_CSRF_COOKIE}): /secret/" in caplog.text


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({}, REASON_CSRF_TOKEN_MISSING),
        ({"data": {"csrfmiddlewaretoken": "x"}}, "CSRF token from POST has incorrect length."),
        ({"data": {"csrfmiddlewaretoken": "#" * 32}}, "CSRF token from POST has invalid characters."),
        ({"data": {"csrfmiddlewaretoken": OTHER_SECRET}}, "CSRF token from POST incorrect."),
        (
            {"headers": {"X-CSRFToken": "x"}},
            "CSRF token from the 'X-Csrftoken' HTTP header has incorrect length.",
        ),
        (
            {"headers": {"X-CSRFToken": OTHER_SECRET}},
            "CSRF token from the 'X-Csrftoken' HTTP header incorrect.",
        ),
    ],
)
def test_bad_tokens_rejected(kwargs: dict, reason: str) -> None:
    assert reason_of(run_view(make(**kwargs))) == reason


def test_bad_cookie_rejected_on_post() -> None:
    response = run_view(make(cookie="bad!", data={"csrfmiddlewaretoken": SECRET}))
    assert reason_of(response) == "CSRF cookie has incorrect length."


def test_token_checked_against_rotated_secret() -> None:
    request = make(data={"csrfmiddlewaretoken": SECRET})
    middleware = CsrfViewMiddleware(view)
    middleware.process_request(request)
    rotate_token(request)
    # The cookie is what counts (as in Django), so the old token still matches the request's cookie.
    assert middleware.process_view(request, view, (), {}) is None


def test_unreadable_post_falls_back_to_header() -> None:
    class Broken:
        def get(self, key, default=None):
            raise UnreadablePostError("connection lost")

    request = make()
    request.POST = Broken()  # type: ignore[assignment]
    middleware = CsrfViewMiddleware(view)
    middleware.process_request(request)
    assert reason_of(middleware.process_view(request, view, (), {})) == REASON_CSRF_TOKEN_MISSING


# ---------------------------------------------------------------------------------------------- Origin


def good_post(**kwargs):
    return make(data={"csrfmiddlewaretoken": SECRET}, **kwargs)


@pytest.mark.parametrize(
    ("origin", "secure", "trusted", "ok"),
    [
        ("http://testserver", False, [], True),
        ("https://testserver", True, [], True),
        ("https://testserver", False, [], False),
        ("http://evil.example", False, [], False),
        ("https://evil.example", True, ["https://evil.example"], True),
        ("https://sub.example.com", True, ["https://*.example.com"], True),
        ("http://sub.example.com", True, ["https://*.example.com"], False),
        ("https://example.com", True, ["https://*.example.com"], True),
        ("https://[", True, [], False),
        ("null", False, [], False),
    ],
)
def test_origin_checks(monkeypatch, origin: str, secure: bool, trusted: list, ok: bool) -> None:
    monkeypatch.setattr(settings, "CSRF_TRUSTED_ORIGINS", trusted)
    response = run_view(good_post(secure=secure, headers={"Origin": origin}))
    if ok:
        assert response.content == b"view"
    else:
        assert reason_of(response) == REASON_BAD_ORIGIN % origin


def test_origin_with_disallowed_host_uses_trusted_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_TRUSTED_ORIGINS", ["http://evil.example"])
    request = good_post(headers={"Origin": "http://evil.example", "Host": "evil.example"})
    with pytest.raises(DisallowedHost):
        request.get_host()
    assert run_view(request).content == b"view"


# --------------------------------------------------------------------------------------------- Referer


@pytest.mark.parametrize(
    ("referer", "reason"),
    [
        (None, REASON_NO_REFERER),
        ("https://[", REASON_MALFORMED_REFERER),
        ("/relative/", REASON_MALFORMED_REFERER),
        ("http://testserver/", REASON_INSECURE_REFERER),
        ("https://evil.example/page", REASON_BAD_REFERER % "https://evil.example/page"),
        ("https://testserver/form/", None),
    ],
)
def test_referer_checks_on_https(referer: str | None, reason: str | None) -> None:
    headers = {"Referer": referer} if referer is not None else {}
    response = run_view(good_post(secure=True, headers=headers))
    assert reason_of(response) == reason


def test_referer_not_checked_over_http() -> None:
    assert run_view(good_post(headers={"Referer": "http://evil.example/"})).content == b"view"


def test_referer_trusted_origins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_TRUSTED_ORIGINS", ["https://*.example.com", "https://other.org"])
    for referer in ("https://a.example.com/x", "https://other.org/"):
        assert run_view(good_post(secure=True, headers={"Referer": referer})).content == b"view"


def test_referer_cookie_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_COOKIE_DOMAIN", ".example.com")
    request = good_post(secure=True, headers={"Referer": "https://www.example.com/"})
    request.META["SERVER_PORT"] = "443"
    assert run_view(request).content == b"view"
    # A non-standard port must appear in the Referer.
    request = good_post(secure=True, headers={"Referer": "https://www.example.com/"})
    request.META["SERVER_PORT"] = "8443"
    request.get_port = lambda: "8443"
    assert reason_of(run_view(request)) == REASON_BAD_REFERER % "https://www.example.com/"
    request = good_post(secure=True, headers={"Referer": "https://www.example.com:8443/"})
    request.get_port = lambda: "8443"
    assert run_view(request).content == b"view"


def test_referer_with_disallowed_host() -> None:
    request = good_post(secure=True, headers={"Referer": "https://evil.example/", "Host": "evil.example"})
    assert reason_of(run_view(request)) == REASON_BAD_REFERER % "https://evil.example/"


# --------------------------------------------------------------------------------------------- sessions


class Session(dict):
    modified = False

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        self.modified = True


def test_csrf_use_sessions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_USE_SESSIONS", True)
    request = make("get", cookie=None)
    request.session = Session()
    get_token(request)
    response = run_view(request)
    assert request.session[CSRF_SESSION_KEY] == request.META["CSRF_COOKIE"]
    assert settings.CSRF_COOKIE_NAME not in response.cookies
    # The same secret is not stored twice.
    request.session.modified = False
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    CsrfViewMiddleware(view).process_response(request, response)
    assert request.session.modified is False

    post = make(cookie=None, data={"csrfmiddlewaretoken": request.META["CSRF_COOKIE"]})
    post.session = Session({CSRF_SESSION_KEY: request.META["CSRF_COOKIE"]})
    assert run_view(post).content == b"view"
    empty = make(cookie=None, data={"csrfmiddlewaretoken": SECRET})
    empty.session = Session()
    assert reason_of(run_view(empty)) == REASON_NO_CSRF_COOKIE


def test_csrf_use_sessions_referer_uses_session_cookie_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_USE_SESSIONS", True)
    monkeypatch.setattr(settings, "SESSION_COOKIE_DOMAIN", ".example.com")
    request = make(
        cookie=None,
        secure=True,
        data={"csrfmiddlewaretoken": SECRET},
        headers={"Referer": "https://a.example.com/"},
    )
    request.session = Session({CSRF_SESSION_KEY: SECRET})
    request.get_port = lambda: "443"
    assert run_view(request).content == b"view"


def test_csrf_use_sessions_without_session(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_USE_SESSIONS", True)
    with pytest.raises(ImproperlyConfigured, match="SessionMiddleware must appear before CsrfViewMiddleware"):
        run_view(make("get"))


def test_sessions_mode_runs_hooks_in_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    assert CsrfViewMiddleware(aview).sync_hooks_in_thread is False
    monkeypatch.setattr(settings, "CSRF_USE_SESSIONS", True)
    assert CsrfViewMiddleware(aview).sync_hooks_in_thread is True


# ------------------------------------------------------------------------------------ as a middleware


def test_middleware_call_sync_and_async() -> None:
    request = make("get", cookie=None)

    def get_token_view(request):
        get_token(request)
        return HttpResponse()

    async def aget_token_view(request):
        get_token(request)
        return HttpResponse()

    response = CsrfViewMiddleware(get_token_view)(request)
    assert settings.CSRF_COOKIE_NAME in response.cookies
    response = asyncio.run(CsrfViewMiddleware(aget_token_view)(make("get")))
    assert response.cookies[settings.CSRF_COOKIE_NAME].value == SECRET


def test_failure_view_by_dotted_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "CSRF_FAILURE_VIEW", "microdj.views.csrf.csrf_failure")
    response = run_view(make(cookie=None))
    assert response.status_code == 403
    assert b"CSRF verification failed" in response.content


# --------------------------------------------------------------------------- through the real handler


def _e2e_views():
    import types

    from microdj.urls import path

    def form(request):
        if request.method == "POST":
            return HttpResponse(f"sync got {request.POST.get('name')}")
        return HttpResponse(get_token(request))

    async def aform(request):
        if request.method == "POST":
            return HttpResponse(f"async got {request.POST.get('name')}")
        return HttpResponse(get_token(request))

    module = types.ModuleType("middleware_csrf_e2e_urls")
    module.urlpatterns = [path("form/", form), path("aform/", aform), path("exempt/", csrf_exempt(aform))]
    return module


@pytest.fixture
def csrf_site(monkeypatch: pytest.MonkeyPatch):
    from microdj.test import Client

    module = _e2e_views()
    monkeypatch.setitem(__import__("sys").modules, module.__name__, module)
    monkeypatch.setattr(settings, "ROOT_URLCONF", module.__name__)
    monkeypatch.setattr(settings, "MIDDLEWARE", ["microdj.middleware.csrf.CsrfViewMiddleware"])
    monkeypatch.setattr(settings, "CSRF_FAILURE_VIEW", "microdj.views.csrf.csrf_failure")
    client = Client(enforce_csrf_checks=True)
    yield client
    client.close()


@pytest.mark.parametrize("url", ["/form/", "/aform/"])
def test_handler_round_trip(csrf_site, url: str) -> None:
    assert csrf_site.post(url, {"name": "x"}).status_code == 403
    token = csrf_site.get(url).content.decode()
    assert settings.CSRF_COOKIE_NAME in csrf_site.cookies
    response = csrf_site.post(url, {"name": "x", "csrfmiddlewaretoken": token})
    assert response.status_code == 200 and response.content.endswith(b"got x")
    header = csrf_site.post(url, {"name": "y"}, headers={"X-CSRFToken": token})
    assert header.content.endswith(b"got y")


def test_handler_exempt(csrf_site) -> None:
    assert csrf_site.post("/exempt/", {"name": "z"}).content == b"async got z"


def test_handler_test_client_does_not_enforce_by_default(csrf_site) -> None:
    from microdj.test import Client

    relaxed = Client()
    try:
        assert relaxed.post("/form/", {"name": "r"}).content == b"sync got r"
    finally:
        relaxed.close()


def test_token_comparison_refuses_a_token_of_the_wrong_length() -> None:
    from microdj.middleware import csrf

    secret = "a" * csrf.CSRF_SECRET_LENGTH
    assert csrf._does_token_match(secret, secret) is True
    with pytest.raises(AssertionError):
        csrf._does_token_match("a" * 16, secret)
