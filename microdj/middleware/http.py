"""``ConditionalGetMiddleware``: ETags for GET responses and 304 answers to conditional GETs."""

from __future__ import annotations

from typing import Any

from microdj.utils.cache import cc_delim_re, get_conditional_response, set_response_etag
from microdj.utils.deprecation import MiddlewareMixin
from microdj.utils.http import parse_http_date_safe


class ConditionalGetMiddleware(MiddlewareMixin):
    """Add an ETag to GET responses lacking one; answer 304 when If-None-Match/If-Modified-Since match."""

    # PERF: the hooks only hash and compare headers; in async mode they run on the loop.
    sync_hooks_in_thread = False

    def process_response(self, request: Any, response: Any) -> Any:
        """Replace a 2xx GET response with 304 (or 412) when the request's preconditions say so."""
        # Unsafe methods are past preventing, and HEAD has no body to hash.
        if request.method != "GET":
            return response
        if self.needs_etag(response) and not response.has_header("ETag"):
            set_response_etag(response)
        etag = response.get("ETag")
        last_modified = response.get("Last-Modified")
        last_modified = last_modified and parse_http_date_safe(last_modified)
        if etag or last_modified:
            return get_conditional_response(
                request, etag=etag, last_modified=last_modified, response=response
            )
        return response

    def needs_etag(self, response: Any) -> bool:
        """Return whether an ETag should be added: not when Cache-Control has no-store."""
        directives = cc_delim_re.split(response.get("Cache-Control", ""))
        return all(directive.lower() != "no-store" for directive in directives)
