"""Response caching headers (Cache-Control, Expires, Vary, ETag).

Same functions and answers as ``django.utils.cache``. Its ``get_conditional_response`` is
``microdj.middleware.http.get_conditional_response`` here (over :mod:`microdj.http.conditional`), so that
this module stays below the HTTP layer.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Iterable
from hashlib import md5
from typing import Any

from microdj.conf import settings
from microdj.utils.http import http_date, quote_etag

cc_delim_re = re.compile(r"\s*,\s*")


def _directive(field: str) -> tuple[str, Any]:
    name, sep, value = field.partition("=")
    return name.lower(), (value if sep else True)


def _render_directive(name: str, value: Any) -> str:
    return name if value is True else f"{name}={value}"


def patch_cache_control(response: Any, **kwargs: Any) -> None:
    """Add directives to Cache-Control: ``no_store=True`` -> ``no-store``, ``max_age=60`` -> ``max-age=60``.

    An existing smaller max-age wins; ``public`` and ``private`` replace each other; ``no-cache`` may
    carry several field names.
    """
    cc: dict[str, Any] = defaultdict(set)
    if response.get("Cache-Control"):
        for field in cc_delim_re.split(response.headers["Cache-Control"]):
            name, value = _directive(field)
            if name == "no-cache":
                cc[name].add(value)
            else:
                cc[name] = value
    if "max-age" in cc and "max_age" in kwargs:
        kwargs["max_age"] = min(int(cc["max-age"]), kwargs["max_age"])
    if "private" in cc and "public" in kwargs:
        del cc["private"]
    elif "public" in cc and "private" in kwargs:
        del cc["public"]
    for key, value in kwargs.items():
        name = key.replace("_", "-")
        if name == "no-cache":
            cc[name].add(value)
        else:
            cc[name] = value
    rendered: list[str] = []
    for name, values in cc.items():
        if isinstance(values, set):
            # A bare no-cache covers every field-named one.
            rendered.extend(_render_directive(name, v) for v in ({True} if True in values else values))
        else:
            rendered.append(_render_directive(name, values))
    response.headers["Cache-Control"] = ", ".join(rendered)


def get_max_age(response: Any) -> int | None:
    """Return Cache-Control's max-age as an int, or None when it is missing or not an integer."""
    if not response.has_header("Cache-Control"):
        return None
    cc = dict(_directive(field) for field in cc_delim_re.split(response.headers["Cache-Control"]))
    try:
        return int(cc["max-age"])
    except (ValueError, TypeError, KeyError):
        return None


def set_response_etag(response: Any) -> Any:
    """Set a strong ETag (MD5 of the content) on a non-streaming response with content; return it."""
    if not response.streaming and response.content:
        response.headers["ETag"] = quote_etag(md5(response.content, usedforsecurity=False).hexdigest())
    return response


def patch_response_headers(response: Any, cache_timeout: int | float | None = None) -> None:
    """Set Expires (unless present) and Cache-Control max-age to ``cache_timeout`` seconds.

    The default timeout is settings.CACHE_MIDDLEWARE_SECONDS (600 when not set); negative means 0.
    """
    if cache_timeout is None:
        cache_timeout = getattr(settings, "CACHE_MIDDLEWARE_SECONDS", 600)
    cache_timeout = max(cache_timeout, 0)
    if not response.has_header("Expires"):
        response.headers["Expires"] = http_date(time.time() + cache_timeout)
    patch_cache_control(response, max_age=cache_timeout)


def add_never_cache_headers(response: Any) -> None:
    """Mark ``response`` as never to be cached."""
    patch_response_headers(response, cache_timeout=-1)
    patch_cache_control(response, no_cache=True, no_store=True, must_revalidate=True, private=True)


def patch_vary_headers(response: Any, newheaders: Iterable[str]) -> None:
    """Add header names to Vary, keeping its order and ignoring case; ``*`` replaces everything."""
    vary = cc_delim_re.split(response.headers["Vary"]) if response.has_header("Vary") else []
    present = {header.lower() for header in vary}
    vary += [header for header in newheaders if header.lower() not in present]
    response.headers["Vary"] = "*" if "*" in vary else ", ".join(vary)


def has_vary_header(response: Any, header_query: str) -> bool:
    """Return whether the response's Vary header names ``header_query`` (case-insensitively)."""
    if not response.has_header("Vary"):
        return False
    present = {header.lower().strip() for header in cc_delim_re.split(response.headers["Vary"])}
    return header_query.lower().strip() in present
