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
from microdj.test.requestfactory import JSON_CONTENT_TYPE_RE, MULTIPART_CONTENT, Extra
from microdj.test.signals import collected_renders, instrument_templates
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


OCTET_STREAM = "application/octet-stream"


def _client_verb(name: str, data_default: Any, content_type_default: str | None = None) -> Any:
    """The client's ``name`` method: the request factory's, taking ``follow`` as Django's Client does.

    Without ``content_type_default`` the verb has no content type (GET, HEAD): its data is the query string.
    """

    def factory_verb(client: Any) -> Any:
        return getattr(super(ClientMixin, client), name)

    def query_verb(
        self: Any,
        path: str,
        data: Any = data_default,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        return factory_verb(self)(
            path, data, secure, headers=headers, query_params=query_params, follow=follow, **extra
        )

    def body_verb(
        self: Any,
        path: str,
        data: Any = data_default,
        content_type: str | None = content_type_default,
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        return factory_verb(self)(
            path,
            data,
            content_type,
            secure,
            headers=headers,
            query_params=query_params,
            follow=follow,
            **extra,
        )

    verb: Any = query_verb if content_type_default is None else body_verb
    verb.__name__ = name
    verb.__qualname__ = f"ClientMixin.{name}"
    verb.__doc__ = f"{name.upper()} ``path``; ``follow=True`` follows redirects."
    return verb


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


def _expired(morsel: Morsel[str]) -> bool:
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
    """What ``Client`` and ``AsyncClient`` share: scopes, responses, cookies, redirects, the verbs.

    Each verb method is the request factory's with ``follow``; they all end in the client's ``generic()``.
    """

    cookies: SimpleCookie
    _scope_and_body: Callable[[Mapping[str, Any]], tuple[dict[str, Any], Any]]
    generic: Callable[..., Any]
    # Lets a held application finish (``wait``: until it has, where possible); each client knows its loop.
    _release_held: Callable[[WireResponse, bool], None]

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
        super().__init__(headers=headers, query_params=query_params, **defaults)  # type: ignore[call-arg]
        self.enforce_csrf_checks = enforce_csrf_checks
        self.raise_request_exception = raise_request_exception
        install_hooks()
        instrument_templates()
        self._runner = AppRunner(application)
        # Streaming responses whose application waits for the test to consume them (see WireResponse).
        self._held: list[WireResponse] = []
        self._runner_made()

    def _runner_made(self) -> None:
        """Hook run once ``_runner`` exists (``Client`` gives it a loop thread)."""

    @property
    def application(self) -> ASGIApp:
        """The ASGI application under test."""
        return self._runner.app

    def _prepare(self, request: dict[str, Any]) -> tuple[dict[str, Any], Any]:
        scope, body = self._scope_and_body(request)
        # The handler's observer shares "request", "response" and "exc_info" through this dict.
        scope[STATE_KEY] = new_state(self.enforce_csrf_checks)
        return scope, body

    async def _exchange(self, scope: dict[str, Any], body: Any, renders: list[Any]) -> WireResponse:
        """Run one request, collecting into ``renders`` the templates rendered for it."""
        token = collected_renders.set(renders)
        try:
            return await self._runner.request(scope, body)
        finally:
            collected_renders.reset(token)

    def _finish(
        self,
        request: dict[str, Any],
        scope: dict[str, Any],
        wire: WireResponse,
        renders: list[Any] | None = None,
    ) -> Any:
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
            response.streaming_content = self._replay(response, wire)
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
        renders = renders or []
        response.templates = [template for template, _context in renders]
        contexts = [context for _template, context in renders]
        response.context = contexts[0] if len(contexts) == 1 else (contexts or None)
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
        self, response: Any, data: Any, content_type: str | None, headers: Any, extra: Extra
    ) -> Any:
        """Request the target of one redirect: GET, except for 307/308 that keep the method and body.

        The query string sent is the Location's (``query_params`` of the first request are not sent again).
        """
        url = response["Location"]
        response.redirect_chain.append((url, response.status_code))
        parts = urlsplit(url)
        extra = dict(extra)
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
        # As a browser does: the query string is the Location's, not the first request's.
        extra["QUERY_STRING"] = parts.query
        if response.status_code in (HTTPStatus.TEMPORARY_REDIRECT, HTTPStatus.PERMANENT_REDIRECT):
            method = response.request["REQUEST_METHOD"]
            return self.generic(method, path, data, content_type, headers=headers, **extra)
        return self.generic("GET", path, b"", None, headers=headers, **extra)

    # ------------------------------------------------------------------------ held streaming responses
    def _replay(self, response: Any, wire: WireResponse) -> Any:
        """The received chunks as the response's streaming content; the end of it lets the application
        finish (``request_finished`` is sent then, as after a real client has read the body)."""
        if not wire.held:
            return _aiterate(wire.chunks) if response.is_async else iter(wire.chunks)
        self._held.append(wire)
        close = response.close

        def close_and_release() -> None:
            self._let_go(wire, wait=False)
            close()

        response.close = close_and_release
        return self._areplay(wire) if response.is_async else self._sync_replay(wire)

    def _sync_replay(self, wire: WireResponse) -> Any:
        consumed = False
        try:
            yield from wire.chunks
            consumed = True
            self._let_go(wire, wait=True)
        finally:
            if not consumed:
                self._let_go(wire, wait=False)

    async def _areplay(self, wire: WireResponse) -> Any:
        for chunk in wire.chunks:
            yield chunk
        await self._alet_go(wire)

    def _let_go(self, wire: WireResponse, wait: bool) -> None:
        """Let a held application finish; with ``wait``, return once it has (where that is possible)."""
        if wire in self._held:
            self._held.remove(wire)
        self._release_held(wire, wait)

    async def _alet_go(self, wire: WireResponse) -> None:
        """``_let_go`` from async code: waits for the application when it runs on this loop."""
        if wire in self._held:
            self._held.remove(wire)
        await wire.finish()

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

    # ------------------------------------------------------------------------------------------ verbs
    # Each verb is the factory's with ``follow`` placed after ``data`` (and ``content_type``), as Django's
    # Client has it; _client_verb() writes them from one template.
    get = _client_verb("get", None)
    head = _client_verb("head", None)
    post = _client_verb("post", None, MULTIPART_CONTENT)
    options = _client_verb("options", "", OCTET_STREAM)
    put = _client_verb("put", "", OCTET_STREAM)
    patch = _client_verb("patch", "", OCTET_STREAM)
    delete = _client_verb("delete", "", OCTET_STREAM)

    def trace(
        self,
        path: str,
        data: Any = "",
        follow: bool = False,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """TRACE ``path`` (the factory's trace takes no body: ``data`` travels in ``extra``)."""
        return super().trace(  # type: ignore[misc]
            path, secure, headers=headers, query_params=query_params, follow=follow, data=data, **extra
        )
