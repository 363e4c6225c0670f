"""Exceptions to responses: every branch of response_for_exception, logging, custom and broken error views."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator

import pytest

from microdj.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestAborted,
    RequestDataTooBig,
    RequestTimeout,
    SuspiciousFileOperation,
)
from microdj.core.handlers.exception import error_handler, handle_uncaught_exception, response_for_exception
from microdj.core.signals import got_request_exception
from microdj.http import Http404, HttpRequest
from microdj.http.multipartparser import MultiPartParserError
from microdj.test import Client, RequestFactory, hooks, override_settings
from microdj.urls.resolvers import get_resolver
from microdj.views import defaults
from tests.core import urls_middleware

URLCONF = "tests.core.urls_middleware"
PATH = "/some/path/"


@pytest.fixture
def custom():
    """The resolver of a URLconf with handler400/403/404/500."""
    return get_resolver(URLCONF)


def request(query: str = ""):
    return RequestFactory().get(f"{PATH}?{query}" if query else PATH)


def raised(error: BaseException) -> BaseException:
    """``error`` with a traceback, as the handler catches it."""
    try:
        raise error
    except BaseException as caught:  # noqa: BLE001 - the test wants it back whatever it is
        return caught


def records(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


# -- each kind of exception ---------------------------------------------------------------------------


def test_request_aborted_gets_no_response():
    assert response_for_exception(request(), RequestAborted(), None) is None


def test_http404_without_debug_uses_the_default_view(caplog):
    with caplog.at_level(logging.WARNING):
        response = response_for_exception(request(), raised(Http404("gone")), None)
    assert response.status_code == 404
    assert response.content.decode() == defaults.NOT_FOUND_BODY
    (record,) = records(caplog, "microdj.request")
    assert (record.levelno, record.getMessage()) == (logging.WARNING, f"Not Found: {PATH}")
    assert record.status_code == 404
    assert response._has_been_logged is True


def test_http404_with_debug_shows_the_technical_page():
    with override_settings(DEBUG=True):
        response = response_for_exception(request(), raised(Http404("No <b>such</b> thing")), None)
    assert response.status_code == 404
    assert b"Page not found (404)" in response.content
    assert b"No &lt;b&gt;such&lt;/b&gt; thing" in response.content


def test_permission_denied_is_403_logged_with_the_exception(caplog):
    error = raised(PermissionDenied("no"))
    with caplog.at_level(logging.WARNING):
        response = response_for_exception(request(), error, None)
    assert response.status_code == 403
    assert response.content.decode() == defaults.FORBIDDEN_BODY
    (record,) = records(caplog, "microdj.request")
    assert record.getMessage() == f"Forbidden (Permission denied): {PATH}"
    assert record.exc_info[1] is error


def test_request_data_too_big_is_413_logged_as_security(caplog):
    with caplog.at_level(logging.WARNING):
        response = response_for_exception(request(), raised(RequestDataTooBig("body too big")), None)
    assert (response.status_code, response.content) == (413, b"413 Payload too large")
    assert response["Content-Type"] == "text/plain"
    (record,) = records(caplog, "microdj.security.RequestDataTooBig")
    assert (record.levelno, record.getMessage(), record.status_code) == (logging.ERROR, "body too big", 413)
    assert not records(caplog, "microdj.request")
    assert response._has_been_logged is True


def test_request_timeout_is_408(caplog):
    with caplog.at_level(logging.WARNING):
        response = response_for_exception(request(), raised(RequestTimeout("too slow")), None)
    assert (response.status_code, response.content) == (408, b"408 Request Timeout")
    (record,) = records(caplog, "microdj.request")
    assert record.getMessage() == f"Request Timeout: {PATH}"


@pytest.mark.parametrize("error", [MultiPartParserError("broken multipart"), BadRequest("bad input")])
def test_bad_request_and_multipart_errors_are_400(caplog, error):
    with caplog.at_level(logging.WARNING):
        response = response_for_exception(request(), raised(error), None)
    assert response.status_code == 400
    assert response.content.decode() == defaults.BAD_REQUEST_BODY
    (record,) = records(caplog, "microdj.request")
    assert (record.levelno, record.getMessage()) == (logging.WARNING, f"Bad request: {PATH}")
    assert record.exc_info[1] is error


def test_suspicious_operation_is_400_logged_to_its_security_logger(caplog):
    with caplog.at_level(logging.WARNING):
        response = response_for_exception(
            request(), raised(SuspiciousFileOperation("escapes the root")), None
        )
    assert response.status_code == 400
    (record,) = records(caplog, "microdj.security.SuspiciousFileOperation")
    assert (record.levelno, record.getMessage(), record.status_code) == (
        logging.ERROR,
        "escapes the root",
        400,
    )
    assert record.request.path == PATH
    assert not records(caplog, "microdj.request")


def test_other_exceptions_are_500_logged_with_the_traceback(caplog):
    error = raised(ZeroDivisionError("division by zero"))
    with caplog.at_level(logging.WARNING):
        response = response_for_exception(request(), error, None)
    assert response.status_code == 500
    assert response.content.decode() == defaults.SERVER_ERROR_BODY
    (record,) = records(caplog, "microdj.request")
    assert (record.levelno, record.getMessage()) == (logging.ERROR, f"Internal Server Error: {PATH}")
    assert record.exc_info == (ZeroDivisionError, error, error.__traceback__)
    assert record.status_code is None
    assert response._has_been_logged is True


def test_500_is_shared_with_the_test_client_and_sends_got_request_exception():
    seen = []

    def receiver(sender, request, **kwargs):
        seen.append(request)

    hooks.install()
    got_request_exception.connect(receiver)
    try:
        state: dict = {}
        http_request = request()
        http_request.scope[hooks.STATE_KEY] = state
        error = raised(KeyError("k"))
        response_for_exception(http_request, error, None)
    finally:
        got_request_exception.disconnect(receiver)
    assert seen == [http_request]
    assert state["exc_info"] == (KeyError, error, error.__traceback__)


def test_500_for_a_request_without_a_scope():
    bare = HttpRequest()
    bare.path = PATH
    response = response_for_exception(bare, raised(ValueError("x")), None)
    assert response.status_code == 500


def test_400_with_debug_shows_the_technical_page_with_status_400():
    with override_settings(DEBUG=True):
        response = response_for_exception(request(), raised(BadRequest("bad <input>")), None)
    assert response.status_code == 400
    assert b"BadRequest: bad &lt;input&gt;" in response.content
    assert b"Traceback" in response.content


def test_500_with_debug_shows_the_traceback():
    with override_settings(DEBUG=True):
        response = response_for_exception(request(), raised(ZeroDivisionError("oops")), None)
    assert response.status_code == 500
    assert b"ZeroDivisionError: oops" in response.content
    assert b"raise error" in response.content


# -- custom error views --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "status", "content"),
    [
        (Http404("gone"), 404, b"custom 404: gone"),
        (PermissionDenied("no"), 403, b"custom 403: no"),
        (BadRequest("bad"), 400, b"custom 400: bad"),
        (SuspiciousFileOperation("sneaky"), 400, b"custom 400: sneaky"),
        (ValueError("broken"), 500, b"custom 500"),
    ],
)
def test_custom_error_views_from_the_urlconf(custom, error, status, content):
    response = response_for_exception(request(), raised(error), custom)
    assert (response.status_code, response.content) == (status, content)


def test_error_handler_prefers_the_urlconf_and_falls_back_to_the_defaults(custom):
    assert error_handler(custom, 404) is urls_middleware.custom_404
    assert error_handler(None, 404) is defaults.page_not_found
    assert error_handler(get_resolver("tests.urls_root"), 500) is defaults.server_error


@pytest.mark.parametrize("error", [Http404("gone"), PermissionDenied("no"), BadRequest("bad")])
def test_broken_custom_error_view_falls_back_to_the_500_page(custom, error):
    response = response_for_exception(request("broken=1"), raised(error), custom)
    assert (response.status_code, response.content) == (500, b"custom 500")


def test_broken_custom_error_view_sends_got_request_exception(custom):
    seen = []

    def receiver(sender, request, **kwargs):
        seen.append(request)

    got_request_exception.connect(receiver)
    try:
        http_request = request("broken=1")
        response_for_exception(http_request, raised(Http404("gone")), custom)
    finally:
        got_request_exception.disconnect(receiver)
    assert seen == [http_request]


def test_broken_custom_500_view_falls_back_to_the_built_in_one(custom):
    response = response_for_exception(request("broken=1&broken500=1"), raised(Http404("gone")), custom)
    assert response.status_code == 500
    assert response.content.decode() == defaults.SERVER_ERROR_BODY
    direct = handle_uncaught_exception(request("broken500=1"), custom, sys.exc_info())
    assert direct.content.decode() == defaults.SERVER_ERROR_BODY


# -- through the handler -------------------------------------------------------------------------------------


@pytest.fixture
def client() -> Iterator[Client]:
    with override_settings(ROOT_URLCONF=URLCONF):
        client = Client(raise_request_exception=False)
        try:
            yield client
        finally:
            client.close()


@pytest.mark.parametrize("view", ["raise", "async-raise"])
@pytest.mark.parametrize(
    ("kind", "status", "content"),
    [
        ("404", 404, b"custom 404: No <b>such</b> thing"),
        ("403", 403, b"custom 403: forbidden thing"),
        ("413", 413, b"413 Payload too large"),
        ("408", 408, b"408 Request Timeout"),
        ("multipart", 400, b"custom 400: broken multipart"),
        ("400", 400, b"custom 400: bad input"),
        ("suspicious", 400, b"custom 400: path escapes the root"),
        ("500", 500, b"custom 500"),
    ],
)
def test_view_exceptions_through_the_handler(client, view, kind, status, content):
    response = client.get(f"/{view}/{kind}/")
    assert (response.status_code, response.content) == (status, content)


def test_unknown_url_uses_the_custom_404(client):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert response.content.startswith(b"custom 404: ")


def test_server_error_is_raised_by_a_raising_test_client(client):
    client.raise_request_exception = True
    with pytest.raises(ZeroDivisionError, match="division by zero"):
        client.get("/raise/500/")
    assert client.get("/raise/404/").status_code == 404


def test_debug_404_through_the_handler_lists_the_patterns_tried():
    with override_settings(ROOT_URLCONF=URLCONF, DEBUG=True):
        with Client() as client:
            response = client.get("/nowhere/")
    assert response.status_code == 404
    assert b"URL patterns tried, in this order:" in response.content
    assert b"<li><code>sync/</code></li>" in response.content
    assert b"The current path, nowhere/, didn&#x27;t match any of these." in response.content
