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


# ------------------------------------------------------------------------------------- page cache keys
# The page cache (cache_page, the cache middleware) stores two entries per URL: the header list (which
# request headers the response varies on, learned from its Vary header) and, keyed by the values of those
# headers, the page itself. Same key layout and hashing as Django, without its locale/time-zone suffix
# (microdj has no i18n).


def _generate_cache_key(request: Any, method: str, headerlist: list[str], key_prefix: str) -> str:
    """The page key: prefix, method, the URL's MD5 and an MD5 over the values of ``headerlist``."""
    ctx = md5(usedforsecurity=False)
    for header in headerlist:
        value = request.META.get(header)
        # An absent header must not share a key with an empty one (RFC 9111 Section 4.1): a marker that
        # no header value can produce.
        ctx.update(b"-," if value is None else value.encode())
    url = md5(request.build_absolute_uri().encode("ascii"), usedforsecurity=False)
    return f"views.decorators.cache.cache_page.{key_prefix}.{method}.{url.hexdigest()}.{ctx.hexdigest()}"


def _generate_cache_header_key(key_prefix: str, request: Any) -> str:
    """The key of the URL's header list."""
    url = md5(request.build_absolute_uri().encode("ascii"), usedforsecurity=False)
    return f"views.decorators.cache.cache_header.{key_prefix}.{url.hexdigest()}"


def _page_cache(cache: Any) -> Any:
    if cache is not None:
        return cache
    from microdj.core.cache import caches

    return caches[settings.CACHE_MIDDLEWARE_ALIAS]


def _headerlist(response: Any) -> list[str]:
    if not response.has_header("Vary"):
        return []
    return sorted("HTTP_" + h.upper().replace("-", "_") for h in cc_delim_re.split(response.headers["Vary"]))


def get_cache_key(request: Any, key_prefix: str | None = None, method: str = "GET", cache: Any = None) -> Any:
    """The page key for ``request`` from the stored header list, or None when no list is stored yet."""
    if key_prefix is None:
        key_prefix = settings.CACHE_MIDDLEWARE_KEY_PREFIX
    headerlist = _page_cache(cache).get(_generate_cache_header_key(key_prefix, request))
    if headerlist is None:
        return None
    return _generate_cache_key(request, method, headerlist, key_prefix)


async def aget_cache_key(
    request: Any, key_prefix: str | None = None, method: str = "GET", cache: Any = None
) -> Any:
    """Async get_cache_key() (the cache's async client)."""
    if key_prefix is None:
        key_prefix = settings.CACHE_MIDDLEWARE_KEY_PREFIX
    headerlist = await _page_cache(cache).aget(_generate_cache_header_key(key_prefix, request))
    if headerlist is None:
        return None
    return _generate_cache_key(request, method, headerlist, key_prefix)


def learn_cache_key(
    request: Any,
    response: Any,
    cache_timeout: int | None = None,
    key_prefix: str | None = None,
    cache: Any = None,
) -> str:
    """Store the header list named by the response's Vary for the URL; return the page key to store under."""
    if key_prefix is None:
        key_prefix = settings.CACHE_MIDDLEWARE_KEY_PREFIX
    if cache_timeout is None:
        cache_timeout = settings.CACHE_MIDDLEWARE_SECONDS
    headerlist = _headerlist(response)
    _page_cache(cache).set(_generate_cache_header_key(key_prefix, request), headerlist, cache_timeout)
    return _generate_cache_key(request, request.method, headerlist, key_prefix)


async def alearn_cache_key(
    request: Any,
    response: Any,
    cache_timeout: int | None = None,
    key_prefix: str | None = None,
    cache: Any = None,
) -> str:
    """Async learn_cache_key() (the cache's async client)."""
    if key_prefix is None:
        key_prefix = settings.CACHE_MIDDLEWARE_KEY_PREFIX
    if cache_timeout is None:
        cache_timeout = settings.CACHE_MIDDLEWARE_SECONDS
    headerlist = _headerlist(response)
    await _page_cache(cache).aset(_generate_cache_header_key(key_prefix, request), headerlist, cache_timeout)
    return _generate_cache_key(request, request.method, headerlist, key_prefix)
