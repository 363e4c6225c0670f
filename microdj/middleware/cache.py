"""The page cache: ``UpdateCacheMiddleware`` stores responses, ``FetchFromCacheMiddleware`` serves them.

Django's rules: only GET and HEAD are served from the cache; a 200 (or 304) response is stored unless it is
streaming, sets cookies while varying on Cookie, is ``private``/``no-cache``/``no-store``, varies on ``*``, or
has ``max-age=0``; keys are made of the method, the absolute URL and the request headers the response's
``Vary`` names. Put ``UpdateCacheMiddleware`` first in MIDDLEWARE and ``FetchFromCacheMiddleware`` last.

Each runs sync or async as its ``get_response`` does; async instances use the cache's async methods, so a
Redis round trip never blocks the loop. A cache that cannot be reached is a miss, and a page that cannot be
stored (unreachable cache, value too large) is served anyway: the failure is logged, never a 500.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from microdj.conf import settings
from microdj.core.cache import DEFAULT_CACHE_ALIAS, BaseCache, CacheUnavailable, CacheValueTooLarge, caches
from microdj.utils.cache import (
    aget_cache_key,
    alearn_cache_key,
    get_cache_key,
    get_max_age,
    has_vary_header,
    learn_cache_key,
    patch_response_headers,
    patch_vary_headers,
)
from microdj.utils.http import parse_http_date_safe

logger = logging.getLogger("microdj.core.cache")

_UNCACHEABLE = ("private", "no-cache", "no-store")
# Failures storing a page that must not fail the request (CacheUnavailable is logged by the backend;
# TypeError: the response cannot be pickled).
_STORE_ERRORS = (CacheUnavailable, CacheValueTooLarge, TypeError)


class _Hybrid:
    sync_capable = True
    async_capable = True
    # Each subclass defines it; declared here so that the instance can be marked a coroutine function.
    __call__: Callable[[Any], Any]

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        if get_response is None:
            raise ValueError("get_response must be provided.")
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            markcoroutinefunction(self)
        self.key_prefix: str = settings.CACHE_MIDDLEWARE_KEY_PREFIX
        self.cache_alias: str = settings.CACHE_MIDDLEWARE_ALIAS

    @property
    def cache(self) -> BaseCache:
        """The backend pages are stored in."""
        return caches[self.cache_alias]

    def __repr__(self) -> str:
        target = getattr(self.get_response, "__qualname__", type(self.get_response).__name__)
        return f"<{type(self).__qualname__} get_response={target}>"


def _unrendered(response: Any) -> bool:
    """A template response not rendered yet: it is stored by a post-render callback, once rendered."""
    return callable(getattr(response, "render", None)) and not getattr(response, "is_rendered", True)


class UpdateCacheMiddleware(_Hybrid):
    """Stores cacheable responses (response phase); must come first in MIDDLEWARE."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        super().__init__(get_response)
        self.cache_timeout: int = settings.CACHE_MIDDLEWARE_SECONDS
        self.page_timeout: int | None = None

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self._acall(request)
        return self.process_response(request, self.get_response(request))

    async def _acall(self, request: Any) -> Any:
        return await self.aprocess_response(request, await self.get_response(request))

    def _timeout(self, request: Any, response: Any) -> int | None:
        """Seconds to store ``response`` for (its headers patched), or None when it must not be stored."""
        if not getattr(request, "_cache_update_cache", False):
            return None
        if response.streaming or response.status_code not in (200, 304):
            return None
        if response.cookies and has_vary_header(response, "Cookie"):
            return None
        cache_control = response.get("Cache-Control", "").lower()
        if cache_control and any(directive in cache_control for directive in _UNCACHEABLE):
            return None
        if has_vary_header(response, "*"):
            return None
        timeout = self.page_timeout
        if timeout is None:
            timeout = get_max_age(response)
            if timeout is None:
                timeout = self.cache_timeout
            elif timeout == 0:
                return None
        patch_response_headers(response, timeout)
        if request.headers.get("Authorization") and "public" not in cache_control:
            patch_vary_headers(response, ("Authorization",))
        return timeout if timeout and response.status_code == 200 else None

    def _store_failed(self, request: Any, error: Exception) -> None:
        if not isinstance(error, CacheUnavailable):
            logger.warning("Page not cached: %s (%s)", request.path, error)

    def process_response(self, request: Any, response: Any) -> Any:
        """Store the response when cacheable."""
        timeout = self._timeout(request, response)
        if timeout is None:
            return response
        cache = self.cache
        try:
            key = learn_cache_key(request, response, timeout, self.key_prefix, cache=cache)
            if _unrendered(response):
                response.add_post_render_callback(lambda rendered: cache.set(key, rendered, timeout))
            else:
                cache.set(key, response, timeout)
        except _STORE_ERRORS as error:
            self._store_failed(request, error)
        return response

    async def aprocess_response(self, request: Any, response: Any) -> Any:
        """Async process_response() (the cache's async methods)."""
        timeout = self._timeout(request, response)
        if timeout is None:
            return response
        cache = self.cache
        try:
            key = await alearn_cache_key(request, response, timeout, self.key_prefix, cache=cache)
            if _unrendered(response):
                # A sync callback: an async render runs it in a worker thread, never on the loop.
                response.add_post_render_callback(lambda rendered: cache.set(key, rendered, timeout))
            else:
                await cache.aset(key, response, timeout)
        except _STORE_ERRORS as error:
            self._store_failed(request, error)
        return response


def _with_age(response: Any) -> Any:
    max_age = get_max_age(response)
    expires = parse_http_date_safe(response.get("Expires", ""))
    if max_age is not None and expires is not None:
        response.headers["Age"] = str(max(0, max_age - (expires - int(time.time()))))
    return response


class FetchFromCacheMiddleware(_Hybrid):
    """Answers GET/HEAD from the cache (request phase); must come last in MIDDLEWARE."""

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self._acall(request)
        return self.process_request(request) or self.get_response(request)

    async def _acall(self, request: Any) -> Any:
        return await self.aprocess_request(request) or await self.get_response(request)

    def process_request(self, request: Any) -> Any:
        """The cached response for ``request``, or None (and the request marked for storing)."""
        if request.method not in ("GET", "HEAD"):
            request._cache_update_cache = False
            return None
        cache = self.cache
        response = None
        key = get_cache_key(request, self.key_prefix, "GET", cache=cache)
        if key is not None:
            response = cache.get(key)
            if response is None and request.method == "HEAD":
                key = get_cache_key(request, self.key_prefix, "HEAD", cache=cache)
                response = cache.get(key)
        request._cache_update_cache = response is None
        return None if response is None else _with_age(response)

    async def aprocess_request(self, request: Any) -> Any:
        """Async process_request() (the cache's async methods)."""
        if request.method not in ("GET", "HEAD"):
            request._cache_update_cache = False
            return None
        cache = self.cache
        response = None
        key = await aget_cache_key(request, self.key_prefix, "GET", cache=cache)
        if key is not None:
            response = await cache.aget(key)
            if response is None and request.method == "HEAD":
                key = await aget_cache_key(request, self.key_prefix, "HEAD", cache=cache)
                response = await cache.aget(key)
        request._cache_update_cache = response is None
        return None if response is None else _with_age(response)


class CacheMiddleware(UpdateCacheMiddleware, FetchFromCacheMiddleware):
    """Both halves in one (what ``cache_page`` uses): fetch, else call the view and store its response."""

    def __init__(
        self,
        get_response: Callable[[Any], Any],
        cache_timeout: int | None = None,
        page_timeout: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(get_response)
        if "key_prefix" in kwargs:
            self.key_prefix = kwargs["key_prefix"] or ""
        if "cache_alias" in kwargs:
            self.cache_alias = kwargs["cache_alias"] or DEFAULT_CACHE_ALIAS
        if cache_timeout is not None:
            self.cache_timeout = cache_timeout
        self.page_timeout = page_timeout

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self._acall(request)
        response = self.process_request(request)
        if response is None:
            response = self.process_response(request, self.get_response(request))
        return response

    async def _acall(self, request: Any) -> Any:
        response = await self.aprocess_request(request)
        if response is None:
            response = await self.aprocess_response(request, await self.get_response(request))
        return response
