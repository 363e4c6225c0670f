"""``ConditionalGetMiddleware``: ETags for GET responses and 304 answers to conditional GETs.

``get_conditional_response`` (``django.utils.cache``'s function of that name) turns the status
:mod:`microdj.http.conditional` gives into the 304 or 412 response.
"""

from __future__ import annotations

from microdj.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseNotModified
from microdj.http.conditional import NOT_MODIFIED, NOT_MODIFIED_HEADERS, precondition_status
from microdj.utils.cache import cc_delim_re, set_response_etag
from microdj.utils.deprecation import MiddlewareMixin
from microdj.utils.http import parse_http_date_safe
from microdj.utils.log import log_response

__all__ = ["ConditionalGetMiddleware", "get_conditional_response"]


def get_conditional_response(
    request: HttpRequest,
    etag: str | None = None,
    last_modified: int | None = None,
    response: HttpResponseBase | None = None,
) -> HttpResponseBase | None:
    """Return a 304 or 412 response when the request's preconditions say so, else ``response``.

    ``etag`` is a quoted ETag and ``last_modified`` a timestamp of the current representation; only
    2xx responses are replaced. A 304 keeps the validator and caching headers, and the cookies, of
    ``response``.
    """
    if response is not None and not (200 <= response.status_code < 300):
        return response
    status = precondition_status(request.META, request.method or "", etag, last_modified)
    if status is None:
        return response
    if status == NOT_MODIFIED:
        not_modified = HttpResponseNotModified()
        if response is not None:
            for header in NOT_MODIFIED_HEADERS:
                if response.has_header(header):
                    not_modified.headers[header] = response.headers[header]
            not_modified.cookies = response.cookies
        return not_modified
    failed = HttpResponse(status=status)
    log_response("Precondition Failed: %s", request.path, response=failed, request=request)
    return failed


class ConditionalGetMiddleware(MiddlewareMixin):
    """Add an ETag to GET responses lacking one; answer 304 when If-None-Match/If-Modified-Since match."""

    # PERF: the hooks only hash and compare headers; in async mode they run on the loop.
    sync_hooks_in_thread = False

    def process_response(self, request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
        """Replace a 2xx GET response with 304 (or 412) when the request's preconditions say so."""
        # Unsafe methods are past preventing, and HEAD has no body to hash.
        if request.method != "GET":
            return response
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        date = response.get("Last-Modified")
        last_modified = parse_http_date_safe(date) if date else None
        if etag or last_modified:
            answer = get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
            return answer or response
        return response

    def needs_etag(self, response: HttpResponseBase) -> bool:
        """Return whether an ETag should be added: not when Cache-Control has no-store."""
        directives = cc_delim_re.split(response.get("Cache-Control", ""))
        return all(directive.lower() != "no-store" for directive in directives)
