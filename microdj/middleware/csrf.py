"""Cross Site Request Forgery protection with Django's token model.

A 32-character secret lives in the CSRF cookie (or the session with CSRF_USE_SESSIONS); pages get masked
64-character tokens from ``get_token(request)``. Unsafe requests must send a token matching the secret
(form field ``csrfmiddlewaretoken`` or the CSRF_HEADER_NAME header), and pass the Origin check (or, over
HTTPS without Origin, the Referer check).
"""

from __future__ import annotations

import logging
import re
import string
from collections import defaultdict
from collections.abc import Callable
from functools import cache, cached_property
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from microdj.conf import settings
from microdj.core.exceptions import DisallowedHost, ImproperlyConfigured
from microdj.http.request import UnreadablePostError
from microdj.utils.cache import patch_vary_headers
from microdj.utils.crypto import constant_time_compare, get_random_string
from microdj.utils.deprecation import MiddlewareMixin
from microdj.utils.http import is_same_domain
from microdj.utils.log import log_response
from microdj.utils.module_loading import import_string

if TYPE_CHECKING:
    from microdj.http import HttpRequest, HttpResponseBase

logger = logging.getLogger("microdj.security.csrf")

invalid_token_chars_re = re.compile("[^a-zA-Z0-9]")

REASON_BAD_ORIGIN = "Origin checking failed - %s does not match any trusted origins."
REASON_NO_REFERER = "Referer checking failed - no Referer."
REASON_BAD_REFERER = "Referer checking failed - %s does not match any trusted origins."
REASON_NO_CSRF_COOKIE = "CSRF cookie not set."
REASON_CSRF_TOKEN_MISSING = "CSRF token missing."  # noqa: S105 - a message, not a secret
REASON_MALFORMED_REFERER = "Referer checking failed - Referer is malformed."
REASON_INSECURE_REFERER = "Referer checking failed - Referer is insecure while host is secure."
# Phrases completing "CSRF cookie ..." or "CSRF token from ...".
REASON_INCORRECT_LENGTH = "has incorrect length"
REASON_INVALID_CHARACTERS = "has invalid characters"

CSRF_SECRET_LENGTH = 32
CSRF_TOKEN_LENGTH = 2 * CSRF_SECRET_LENGTH
CSRF_ALLOWED_CHARS = string.ascii_letters + string.digits
CSRF_SESSION_KEY = "_csrftoken"

# PERF: character <-> index tables for masking, built once.
_CHAR_INDEX = {c: i for i, c in enumerate(CSRF_ALLOWED_CHARS)}
_N_CHARS = len(CSRF_ALLOWED_CHARS)


# The failure view named by CSRF_FAILURE_VIEW, imported once per dotted path.
_import_view = cache(import_string)


def _get_failure_view() -> Callable[..., Any]:
    """Return the view answering CSRF rejections (settings.CSRF_FAILURE_VIEW, a callable or dotted path)."""
    view = settings.CSRF_FAILURE_VIEW
    result: Callable[..., Any] = _import_view(view) if isinstance(view, str) else view
    return result


def _get_new_csrf_string() -> str:
    return get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)


def _mask_cipher_secret(secret: str) -> str:
    """Return a token: a random mask followed by the secret shifted character-wise by the mask."""
    mask = _get_new_csrf_string()
    cipher = "".join(
        CSRF_ALLOWED_CHARS[(_CHAR_INDEX[s] + _CHAR_INDEX[m]) % _N_CHARS]
        for s, m in zip(secret, mask, strict=True)
    )
    return mask + cipher


def _unmask_cipher_token(token: str) -> str:
    """Return the secret hidden in a masked token (allowed characters, CSRF_TOKEN_LENGTH long)."""
    mask, cipher = token[:CSRF_SECRET_LENGTH], token[CSRF_SECRET_LENGTH:]
    return "".join(
        CSRF_ALLOWED_CHARS[_CHAR_INDEX[c] - _CHAR_INDEX[m]] for c, m in zip(cipher, mask, strict=True)
    )


def _add_new_csrf_cookie(request: HttpRequest) -> str:
    """Make a new secret for the request and flag it to be sent in the response."""
    secret = _get_new_csrf_string()
    request.META["CSRF_COOKIE"] = secret
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    return secret


def get_token(request: HttpRequest) -> str:
    """Return a masked CSRF token for a form, creating the secret if needed.

    The response then carries the CSRF cookie (renewed) and ``Vary: Cookie``.
    """
    if "CSRF_COOKIE" in request.META:
        secret = request.META["CSRF_COOKIE"]
        request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    else:
        secret = _add_new_csrf_cookie(request)
    return _mask_cipher_secret(secret)


def rotate_token(request: HttpRequest) -> None:
    """Replace the request's CSRF secret (do it on login)."""
    _add_new_csrf_cookie(request)


class InvalidTokenFormat(Exception):
    """A CSRF secret or token with a wrong length or characters."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _check_token_format(token: str) -> None:
    """Raise InvalidTokenFormat unless ``token`` is a 32- or 64-character alphanumeric string."""
    if len(token) not in (CSRF_TOKEN_LENGTH, CSRF_SECRET_LENGTH):
        raise InvalidTokenFormat(REASON_INCORRECT_LENGTH)
    if invalid_token_chars_re.search(token):
        raise InvalidTokenFormat(REASON_INVALID_CHARACTERS)


def _does_token_match(request_csrf_token: str, csrf_secret: str) -> bool:
    """Compare a well-formed token (masked when 64 long) with the secret in constant time."""
    if len(request_csrf_token) == CSRF_TOKEN_LENGTH:
        request_csrf_token = _unmask_cipher_token(request_csrf_token)
    return constant_time_compare(request_csrf_token, csrf_secret)


class RejectRequest(Exception):
    """A CSRF check failed; ``reason`` tells which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _header_display_name(meta_name: str) -> str:
    """``HTTP_X_CSRFTOKEN`` -> ``X-Csrftoken`` (as HttpHeaders names it)."""
    return meta_name.removeprefix("HTTP_").replace("_", "-").title()


class CsrfViewMiddleware(MiddlewareMixin):
    """Require a valid CSRF token on unsafe requests and send the CSRF cookie when a token was used."""

    @property
    def sync_hooks_in_thread(self) -> bool:  # type: ignore[override]
        """Only with CSRF_USE_SESSIONS may the hooks block (a session backend's I/O); read in async mode."""
        result: bool = settings.CSRF_USE_SESSIONS
        return result

    @cached_property
    def csrf_trusted_origins_hosts(self) -> list[str]:
        """Hosts of CSRF_TRUSTED_ORIGINS (a leading ``*`` dropped, so ``.example.com`` matches subdomains)."""
        return [urlsplit(origin).netloc.lstrip("*") for origin in settings.CSRF_TRUSTED_ORIGINS]

    @cached_property
    def allowed_origins_exact(self) -> set[str]:
        """Trusted origins without a wildcard."""
        return {origin for origin in settings.CSRF_TRUSTED_ORIGINS if "*" not in origin}

    @cached_property
    def allowed_origin_subdomains(self) -> dict[str, list[str]]:
        """Scheme -> netlocs whose subdomains are all trusted (from ``https://*.example.com``)."""
        subdomains: dict[str, list[str]] = defaultdict(list)
        for parsed in (urlsplit(o) for o in settings.CSRF_TRUSTED_ORIGINS if "*" in o):
            subdomains[parsed.scheme].append(parsed.netloc.lstrip("*"))
        return subdomains

    def _accept(self, request: HttpRequest) -> None:
        # Checked once: a csrf_protect decorator under this middleware does nothing more.
        request.csrf_processing_done = True
        return None

    def _reject(self, request: HttpRequest, reason: str) -> Any:
        response = _get_failure_view()(request, reason=reason)
        log_response(
            "Forbidden (%s): %s", reason, request.path, response=response, request=request, logger=logger
        )
        return response

    def _get_secret(self, request: HttpRequest) -> str | None:
        """Return the request's CSRF secret or None; InvalidTokenFormat for a malformed cookie."""
        if settings.CSRF_USE_SESSIONS:
            try:
                secret = request.session.get(CSRF_SESSION_KEY)
            except AttributeError:
                raise ImproperlyConfigured(
                    "CSRF_USE_SESSIONS is enabled, but request.session is not set. SessionMiddleware must "
                    "appear before CsrfViewMiddleware in MIDDLEWARE."
                )
        else:
            secret = request.COOKIES.get(settings.CSRF_COOKIE_NAME)
            if secret is not None:
                _check_token_format(secret)
        if secret is None:
            return None
        # Cookies set by old Django versions hold a masked secret.
        if len(secret) == CSRF_TOKEN_LENGTH:
            secret = _unmask_cipher_token(secret)
        result: str | None = secret
        return result

    def _set_csrf_cookie(self, request: HttpRequest, response: HttpResponseBase) -> None:
        secret = request.META["CSRF_COOKIE"]
        if settings.CSRF_USE_SESSIONS:
            if request.session.get(CSRF_SESSION_KEY) != secret:
                request.session[CSRF_SESSION_KEY] = secret
            return
        response.set_cookie(
            settings.CSRF_COOKIE_NAME,
            secret,
            max_age=settings.CSRF_COOKIE_AGE,
            domain=settings.CSRF_COOKIE_DOMAIN,
            path=settings.CSRF_COOKIE_PATH,
            secure=settings.CSRF_COOKIE_SECURE,
            httponly=settings.CSRF_COOKIE_HTTPONLY,
            samesite=settings.CSRF_COOKIE_SAMESITE,
        )
        # The page content depends on the cookie.
        patch_vary_headers(response, ("Cookie",))

    def _origin_verified(self, request: HttpRequest) -> bool:
        origin = request.META["HTTP_ORIGIN"]
        try:
            host = request.get_host()
        except DisallowedHost:
            pass
        else:
            if origin == f"{'https' if request.is_secure() else 'http'}://{host}":
                return True
        if origin in self.allowed_origins_exact:
            return True
        try:
            parsed = urlsplit(origin)
        except ValueError:
            return False
        return any(
            is_same_domain(parsed.netloc, host)
            for host in self.allowed_origin_subdomains.get(parsed.scheme, ())
        )

    def _check_referer(self, request: HttpRequest) -> None:
        """Raise RejectRequest unless the Referer is an HTTPS URL of this site or a trusted origin."""
        referer = request.META.get("HTTP_REFERER")
        if referer is None:
            raise RejectRequest(REASON_NO_REFERER)
        try:
            parsed = urlsplit(referer)
        except ValueError:
            raise RejectRequest(REASON_MALFORMED_REFERER)
        if "" in (parsed.scheme, parsed.netloc):
            raise RejectRequest(REASON_MALFORMED_REFERER)
        if parsed.scheme != "https":
            raise RejectRequest(REASON_INSECURE_REFERER)
        if any(is_same_domain(parsed.netloc, host) for host in self.csrf_trusted_origins_hosts):
            return
        # The cookie's domain is trusted; without one, this host (with port) if ALLOWED_HOSTS permits it.
        good = settings.SESSION_COOKIE_DOMAIN if settings.CSRF_USE_SESSIONS else settings.CSRF_COOKIE_DOMAIN
        if good is None:
            try:
                good = request.get_host()
            except DisallowedHost:
                raise RejectRequest(REASON_BAD_REFERER % parsed.geturl())
        else:
            port = request.get_port()
            if port not in ("443", "80"):
                good = f"{good}:{port}"
        if not is_same_domain(parsed.netloc, good):
            raise RejectRequest(REASON_BAD_REFERER % parsed.geturl())

    def _bad_token_message(self, reason: str, source: str) -> str:
        if source != "POST":
            source = f"the {_header_display_name(source)!r} HTTP header"
        return f"CSRF token from {source} {reason}."

    def _check_token(self, request: HttpRequest) -> None:
        """Raise RejectRequest unless the request's token matches its secret."""
        # Read the secret again: rotate_token() may have run since process_request().
        try:
            secret = self._get_secret(request)
        except InvalidTokenFormat as exc:
            raise RejectRequest(f"CSRF cookie {exc.reason}.")
        if secret is None:
            raise RejectRequest(REASON_NO_CSRF_COOKIE)
        token = ""
        if request.method == "POST":
            try:
                token = request.POST.get("csrfmiddlewaretoken", "")
            except UnreadablePostError:
                # The client went away mid-body: a 403 is as good an answer as any.
                pass
        if token == "":
            # Ajax and non-POST requests send the token (masked or not) in a header.
            try:
                token = request.META[settings.CSRF_HEADER_NAME]
            except KeyError:
                raise RejectRequest(REASON_CSRF_TOKEN_MISSING)
            source = settings.CSRF_HEADER_NAME
        else:
            source = "POST"
        try:
            _check_token_format(token)
        except InvalidTokenFormat as exc:
            raise RejectRequest(self._bad_token_message(exc.reason, source))
        if not _does_token_match(token, secret):
            raise RejectRequest(self._bad_token_message("incorrect", source))

    def process_request(self, request: HttpRequest) -> None:
        """Load the request's secret into ``request.META["CSRF_COOKIE"]`` (a new one if malformed)."""
        try:
            secret = self._get_secret(request)
        except InvalidTokenFormat:
            _add_new_csrf_cookie(request)
        else:
            if secret is not None:
                request.META["CSRF_COOKIE"] = secret

    def process_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> Any:
        """Return the CSRF failure response for an unsafe request failing the checks, else None."""
        if getattr(request, "csrf_processing_done", False):
            return None
        if getattr(callback, "csrf_exempt", False):
            return None
        if request.method in ("GET", "HEAD", "OPTIONS", "TRACE"):
            return self._accept(request)
        if getattr(request, "_dont_enforce_csrf_checks", False):
            # The test client's switch: cookies still behave, only the rejection is skipped.
            return self._accept(request)
        if "HTTP_ORIGIN" in request.META:
            if not self._origin_verified(request):
                return self._reject(request, REASON_BAD_ORIGIN % request.META["HTTP_ORIGIN"])
        elif request.is_secure():
            # Without Origin, HTTPS requests need a same-site Referer: a man in the middle can plant a
            # cookie and token over plain HTTP, but cannot forge an HTTPS Referer.
            try:
                self._check_referer(request)
            except RejectRequest as exc:
                return self._reject(request, exc.reason)
        try:
            self._check_token(request)
        except RejectRequest as exc:
            return self._reject(request, exc.reason)
        return self._accept(request)

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        """Send the CSRF cookie (or store the secret in the session) when the token was used or rotated."""
        if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            self._set_csrf_cookie(request, response)
            # Once is enough, also when a decorator and the middleware both run.
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False
        return response
