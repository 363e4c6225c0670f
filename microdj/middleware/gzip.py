"""``GZipMiddleware``: gzip responses for clients that accept it, with Django's BREACH mitigation."""

from __future__ import annotations

import re

from microdj.http import HttpRequest, HttpResponse, StreamingHttpResponse
from microdj.utils.cache import patch_vary_headers
from microdj.utils.deprecation import MiddlewareMixin
from microdj.utils.text import acompress_sequence, compress_sequence, compress_string

re_accepts_gzip = re.compile(r"\bgzip\b")


class GZipMiddleware(MiddlewareMixin):
    """Compress responses of 200+ bytes (and streams) when Accept-Encoding has gzip; set Vary accordingly.

    ``max_random_bytes`` bounds the random-length padding added to the gzip header against BREACH.
    """

    # PERF: compressing a page takes well under a millisecond; a thread hop would cost more.
    sync_hooks_in_thread = False
    max_random_bytes = 100

    def process_response(
        self, request: HttpRequest, response: HttpResponse | StreamingHttpResponse
    ) -> HttpResponse | StreamingHttpResponse:
        """Return the response gzipped when worthwhile and accepted, else unchanged (plus Vary)."""
        streaming = isinstance(response, StreamingHttpResponse)
        if not streaming and len(response.content) < 200:
            return response
        if response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        if isinstance(response, StreamingHttpResponse):
            compress = acompress_sequence if response.is_async else compress_sequence
            response.streaming_content = compress(
                response.streaming_content, max_random_bytes=self.max_random_bytes
            )
            # The compressed size is unknown until the stream ends.
            del response.headers["Content-Length"]
        else:
            compressed = compress_string(response.content, max_random_bytes=self.max_random_bytes)
            if len(compressed) >= len(response.content):
                return response
            response.content = compressed
            response.headers["Content-Length"] = str(len(compressed))
        # RFC 9110 Section 8.8.1: a strong ETag cannot survive a change of encoding; a weak one still matches.
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
