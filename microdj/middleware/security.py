"""``SecurityMiddleware``: HTTPS redirect, HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from microdj.conf import settings
from microdj.http import HttpResponsePermanentRedirect
from microdj.utils.deprecation import MiddlewareMixin

if TYPE_CHECKING:
    from microdj.http import HttpRequest, HttpResponseBase


class SecurityMiddleware(MiddlewareMixin):
    """Security headers and the HTTP-to-HTTPS redirect, set by the ``SECURE_*`` settings at start-up."""

    # PERF: the hooks only read and set headers; in async mode they run on the loop.
    sync_hooks_in_thread = False

    def __init__(self, get_response: Callable[..., Any]) -> None:
        super().__init__(get_response)
        # PERF: settings are read and the header values built once, not per request.
        self.sts_seconds = settings.SECURE_HSTS_SECONDS
        self.sts_include_subdomains = settings.SECURE_HSTS_INCLUDE_SUBDOMAINS
        self.sts_preload = settings.SECURE_HSTS_PRELOAD
        self.content_type_nosniff = settings.SECURE_CONTENT_TYPE_NOSNIFF
        self.redirect = settings.SECURE_SSL_REDIRECT
        self.redirect_host = settings.SECURE_SSL_HOST
        self.redirect_exempt = [re.compile(r) for r in settings.SECURE_REDIRECT_EXEMPT]
        self.referrer_policy = settings.SECURE_REFERRER_POLICY
        self.cross_origin_opener_policy = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        sts = f"max-age={self.sts_seconds}"
        if self.sts_include_subdomains:
            sts += "; includeSubDomains"
        if self.sts_preload:
            sts += "; preload"
        self._sts_header = sts
        policy = self.referrer_policy
        # A comma-separated string or an iterable of policies (fallbacks for older browsers).
        self._referrer_header = (
            ",".join(v.strip() for v in policy.split(","))
            if isinstance(policy, str)
            else ",".join(policy or ())
        )

    def process_request(self, request: HttpRequest) -> Any:
        """Redirect plain-HTTP requests to HTTPS when SECURE_SSL_REDIRECT is on and the path is not exempt."""
        if not self.redirect or request.is_secure():
            return None
        path = request.path.lstrip("/")
        if any(pattern.search(path) for pattern in self.redirect_exempt):
            return None
        host = self.redirect_host or request.get_host()
        return HttpResponsePermanentRedirect(f"https://{host}{request.get_full_path()}")

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> Any:
        """Add the configured security headers that the response does not already have."""
        headers = response.headers
        if self.sts_seconds and request.is_secure() and "Strict-Transport-Security" not in response:
            headers["Strict-Transport-Security"] = self._sts_header
        if self.content_type_nosniff:
            headers.setdefault("X-Content-Type-Options", "nosniff")
        if self.referrer_policy:
            headers.setdefault("Referrer-Policy", self._referrer_header)
        if self.cross_origin_opener_policy:
            headers.setdefault("Cross-Origin-Opener-Policy", self.cross_origin_opener_policy)
        return response
