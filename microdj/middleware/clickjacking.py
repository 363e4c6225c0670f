"""``XFrameOptionsMiddleware``: the X-Frame-Options header against clickjacking."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.utils.deprecation import MiddlewareMixin


class XFrameOptionsMiddleware(MiddlewareMixin):
    """Set ``X-Frame-Options`` to the X_FRAME_OPTIONS setting (default ``DENY``) on every response.

    A response that sets the header itself, or is marked by ``xframe_options_exempt``, is left alone.
    """

    # PERF: the hook only sets a header; in async mode it runs on the loop.
    sync_hooks_in_thread = False

    def process_response(self, request: Any, response: Any) -> Any:
        """Add the header unless the response has it or is exempt."""
        if response.get("X-Frame-Options") is not None:
            return response
        if getattr(response, "xframe_options_exempt", False):
            return response
        response.headers["X-Frame-Options"] = self.get_xframe_options_value(request, response)
        return response

    def get_xframe_options_value(self, request: Any, response: Any) -> str:
        """The header's value: X_FRAME_OPTIONS upper-cased. Override to choose per request."""
        return str(getattr(settings, "X_FRAME_OPTIONS", "DENY")).upper()
