"""What the test clients share: responses rebuilt from the wire, the cookie jar, following redirects."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from functools import partial
from http import HTTPStatus
from http.cookies import Morsel, SimpleCookie
from typing import Any
from urllib.parse import urljoin, urlsplit

from microdj.http.response import HttpResponse
from microdj.test.hooks import STATE_KEY, new_state
from microdj.test.hooks import install as install_hooks
from microdj.test.requestfactory import JSON_CONTENT_TYPE_RE
from microdj.test.transport import AppRunner, ASGIApp, WireResponse
from microdj.utils.http import parse_http_date_safe

__all__ = ["REDIRECT_STATUS_CODES", "ClientMixin", "RedirectCycleError", "response_from_wire"]

REDIRECT_STATUS_CODES = frozenset(
    {
        HTTPStatus.MOVED_PERMANENTLY,
        HTTPStatus.FOUND,
        HTTPStatus.SEE_OTHER,
        HTTPStatus.TEMPORARY_REDIRECT,
        HTTPStatus.PERMANENT_REDIRECT,
    }
)
_METHODS_WITH_BODY = frozenset({"post", "put", "patch", "delete", "options"})


class RedirectCycleError(Exception):
    """The test client was asked to follow a redirect loop."""

    def __init__(self, message: str, last_response: Any) -> None:
        super().__init__(message)
        self.last_response = last_response
        self.redirect_chain = last_response.redirect_chain


def _same_headers(response: Any, wire: WireResponse) -> bool:
    """Whether the wire carries exactly the response object's headers (Content-Length aside)."""
    sent = sorted(line for line in wire.headers if line[0] != b"content-length")
    own = sorted(line for line in response.asgi_headers() if line[0] != b"content-length")
    return sent == own


def response_from_wire(wire: WireResponse) -> Any:
    """An ``HttpResponse`` holding what the application sent: status, every header, cookies and body.

    An application that crashed before starting a response gives a 500, as an ASGI server answers.
    """
    if wire.status is None:
        return HttpResponse(b"Internal Server Error", status=500, content_type="text/plain; charset=utf-8")
    response = HttpResponse(wire.body, status=wire.status)
    del response.headers["Content-Type"]
    for raw_name, raw_value in wire.headers:
        name, value = raw_name.decode("latin-1"), raw_value.decode("latin-1")
        if name == "set-cookie":
            response.cookies.load(value)
        elif name in response.headers:
            # Repeated header lines are one comma-separated list (RFC 9110 section 5.3).
            response.headers[name] = f"{response.headers[name]}, {value}"
        else:
            response.headers[name] = value
    return response


async def _aiterate(chunks: list[bytes]) -> Any:
    for chunk in chunks:
        yield chunk


def _expired(morsel: Morsel) -> bool:
    """True if a Set-Cookie asks to delete the cookie: Max-Age <= 0, else an Expires in the past."""
    max_age = morsel["max-age"]
    if max_age != "":
        try:
            return int(max_age) <= 0
        except ValueError:
            pass
    expires = morsel["expires"]
    if isinstance(expires, str) and expires:
        moment = parse_http_date_safe(expires)
        return moment is not None and moment <= time.time()
    return False


def _parse_json(response: Any, **extra: Any) -> Any:
    """``response.json()``: the body decoded as JSON; ValueError unless the Content-Type is JSON."""
    if not hasattr(response, "_json"):
        content_type = response.get("Content-Type")
        if not JSON_CONTENT_TYPE_RE.match(content_type or ""):
            raise ValueError(f'Content-Type header is "{content_type}", not "application/json"')
        response._json = json.loads(response.content.decode(response.charset), **extra)
    return response._json


class ClientMixin:
    """What ``Client`` and ``AsyncClient`` share: scopes, responses, cookies and redirects."""

    cookies: SimpleCookie
    _scope_and_body: Callable[[Mapping[str, Any]], tuple[dict[str, Any], bytes]]

    def __init__(
        self,
        application: ASGIApp | None = None,
        *,
        enforce_csrf_checks: bool = False,
        raise_request_exception: bool = True,
        headers: Any = None,
        query_params: Any = None,
        **defaults: Any,
    ) -> None:
        super().__init__(headers=headers, query_params=query_params, **defaults)
        self.enforce_csrf_checks = enforce_csrf_checks
        self.raise_request_exception = raise_request_exception
        install_hooks()
        self._runner = AppRunner(application)
        self._runner_made()

    def _runner_made(self) -> None:
        """Hook run once ``_runner`` exists (``Client`` gives it a loop thread)."""

    @property
    def application(self) -> ASGIApp:
        """The ASGI application under test."""
        return self._runner.app

    def _prepare(self, request: dict[str, Any]) -> tuple[dict[str, Any], bytes]:
        scope, body = self._scope_and_body(request)
        # The handler's observer shares "request", "response" and "exc_info" through this dict.
        scope[STATE_KEY] = new_state(self.enforce_csrf_checks)
        return scope, body

    def _finish(self, request: dict[str, Any], scope: dict[str, Any], wire: WireResponse) -> Any:
        """Turn what the application sent into the response object the test sees."""
        state = scope[STATE_KEY]
        exc_info = wire.exc_info or state.get("exc_info")
        if exc_info is not None and self.raise_request_exception:
            raise exc_info[1]
        response = state.get("response")
        if response is None or response.status_code != wire.status or not _same_headers(response, wire):
            # Not what microdj's handler sent as is (e.g. ASGI middleware wraps it): show the wire.
            response = response_from_wire(wire)
        elif response.streaming:
            chunks = wire.chunks
            response.streaming_content = _aiterate(chunks) if response.is_async else iter(chunks)
        else:
            # What went over the wire: no body for HEAD, 204 or 304, as a real client sees.
            response.content = wire.body
        http_request = state.get("request")
        response.exc_info = exc_info
        response.client = self
        response.request = request
        response.asgi_request = response.wsgi_request = http_request
        response.resolver_match = getattr(http_request, "resolver_match", None)
        response.json = partial(_parse_json, response)
        self._store_cookies(response.cookies)
        return response

    def _store_cookies(self, cookies: SimpleCookie) -> None:
        """Keep the cookies a response set; forget the ones it deleted."""
        for key, morsel in cookies.items():
            if _expired(morsel):
                self.cookies.pop(key, None)
            else:
                self.cookies[key] = morsel

    def _follow_redirect(
        self,
        response: Any,
        *,
        data: Any = "",
        content_type: Any = "",
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """Request the target of one redirect: GET, except for 307/308 that keep the method and body.

        ``query_params`` of the first request are not sent again: the Location's query string is.
        """
        url = response["Location"]
        response.redirect_chain.append((url, response.status_code))
        parts = urlsplit(url)
        if parts.scheme:
            extra["wsgi.url_scheme"] = parts.scheme
        if parts.hostname:
            extra["SERVER_NAME"] = extra["HTTP_HOST"] = parts.hostname
        if parts.port:
            extra["SERVER_PORT"] = str(parts.port)
        path = parts.path
        # An empty path is "/" (RFC 3986 section 6.2.3); a relative one is relative to the request's.
        if not path and parts.netloc:
            path = "/"
        if not path.startswith("/"):
            path = urljoin(response.request["PATH_INFO"], path)
        method = "get"
        if response.status_code in (HTTPStatus.TEMPORARY_REDIRECT, HTTPStatus.PERMANENT_REDIRECT):
            method = response.request["REQUEST_METHOD"].lower()
        # As a browser does: the query string is the Location's, not the first request's.
        extra["QUERY_STRING"] = parts.query
        if method in _METHODS_WITH_BODY:
            extra["data"] = data
            extra["content_type"] = content_type
        return getattr(self, method)(path, follow=False, headers=headers, **extra)

    def _next_hop(self, previous: Any, response: Any) -> Any:
        """``response`` to the redirect ``previous`` gave, carrying on its ``redirect_chain``.

        RedirectCycleError for a redirect back to a URL already visited, or more than 20 redirects.
        """
        chain = response.redirect_chain = previous.redirect_chain
        if chain[-1] in chain[:-1]:
            raise RedirectCycleError("Redirect loop detected.", last_response=response)
        if len(chain) > 20:
            # Firefox's "network.http.redirection-limit".
            raise RedirectCycleError("Too many redirects.", last_response=response)
        return response

    def _is_redirect(self, response: Any) -> bool:
        return response.status_code in REDIRECT_STATUS_CODES and response.has_header("Location")
