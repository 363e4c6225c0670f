"""``CommonMiddleware``: DISALLOWED_USER_AGENTS, PREPEND_WWW, APPEND_SLASH and Content-Length."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import PermissionDenied
from microdj.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from microdj.urls import is_valid_path
from microdj.utils.deprecation import MiddlewareMixin
from microdj.utils.http import escape_leading_slashes


class CommonMiddleware(MiddlewareMixin):
    """Everyday URL and header fix-ups, as Django's.

    - Requests whose User-Agent matches a regex in DISALLOWED_USER_AGENTS raise PermissionDenied.
    - PREPEND_WWW redirects ``host`` to ``www.host``.
    - APPEND_SLASH turns a 404 for ``/path`` into a redirect to ``/path/`` when that URL resolves.
    - Non-streaming responses get Content-Length when they lack it.

    Subclasses may change ``response_redirect_class``.
    """

    # PERF: the hooks only match regexes and resolve URLs; in async mode they run on the loop.
    sync_hooks_in_thread = False
    response_redirect_class = HttpResponsePermanentRedirect

    def process_request(self, request: HttpRequest) -> Any:
        """Refuse disallowed user agents; redirect to the www. host when PREPEND_WWW asks for it."""
        user_agent = request.META.get("HTTP_USER_AGENT")
        if user_agent is not None:
            for pattern in settings.DISALLOWED_USER_AGENTS:
                if pattern.search(user_agent):
                    raise PermissionDenied("Forbidden user agent")
        if not settings.PREPEND_WWW:
            return None
        host = request.get_host()
        if not host or host.startswith("www."):
            return None
        # One redirect does both fix-ups when the slashed path is also needed.
        if self.should_redirect_with_slash(request):
            path = self.get_full_path_with_slash(request)
        else:
            path = request.get_full_path()
        return self.response_redirect_class(f"{request.scheme}://www.{host}{path}")

    def should_redirect_with_slash(self, request: HttpRequest) -> bool:
        """Return whether APPEND_SLASH is on and only the slashed path resolves (and its view allows it)."""
        if not settings.APPEND_SLASH or request.path_info.endswith("/"):
            return False
        urlconf = getattr(request, "urlconf", None)
        if is_valid_path(request.path_info, urlconf):
            return False
        match = is_valid_path(f"{request.path_info}/", urlconf)
        if not match:
            return False
        return getattr(match.func, "should_append_slash", True)

    def get_full_path_with_slash(self, request: HttpRequest) -> str:
        """Return the request's full path with a slash appended.

        With DEBUG on, raise RuntimeError for DELETE/POST/PUT/PATCH: a redirect would lose the body.
        """
        new_path = escape_leading_slashes(request.get_full_path(force_append_slash=True))
        if settings.DEBUG and request.method in ("DELETE", "POST", "PUT", "PATCH"):
            raise RuntimeError(
                f"You called this URL via {request.method}, but the URL doesn't end in a slash and you "
                "have APPEND_SLASH set. microdj can't redirect to the slash URL while keeping the "
                f"{request.method} data. Change your form to point to {request.get_host() + new_path} "
                "(note the trailing slash), or set APPEND_SLASH=False in your settings."
            )
        return new_path

    def process_response(
        self, request: HttpRequest, response: HttpResponse | StreamingHttpResponse
    ) -> HttpResponseBase:
        """Redirect a 404 to the slashed URL when it resolves; set Content-Length when missing."""
        if response.status_code == 404 and self.should_redirect_with_slash(request):
            return self.response_redirect_class(self.get_full_path_with_slash(request))
        if isinstance(response, HttpResponse) and not response.has_header("Content-Length"):
            response.headers["Content-Length"] = str(len(response.content))
        return response
