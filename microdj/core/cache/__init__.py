"""The cache framework: ``caches[alias]`` builds each backend of ``CACHES`` once; ``cache`` is the default.

Same names and behaviour as ``django.core.cache``. The backends are thread-safe and shared by every thread
and task of the process (Redis pools are per process and per event loop, see ``RedisCache``).
"""

from __future__ import annotations

import threading
from typing import Any

from microdj.conf import settings
from microdj.core.cache.backends.base import (
    DEFAULT_TIMEOUT,
    BaseCache,
    CacheKeyWarning,
    CacheUnavailable,
    CacheValueTooLarge,
    InvalidCacheBackendError,
    InvalidCacheKey,
)
from microdj.utils.module_loading import import_string

__all__ = [
    "DEFAULT_CACHE_ALIAS",
    "DEFAULT_TIMEOUT",
    "BaseCache",
    "CacheKeyWarning",
    "CacheUnavailable",
    "CacheValueTooLarge",
    "InvalidCacheBackendError",
    "InvalidCacheKey",
    "cache",
    "caches",
    "close_caches",
]

DEFAULT_CACHE_ALIAS = "default"


class CacheHandler:
    """``caches[alias]``: the backend configured under ``alias`` in CACHES, built on first use."""

    def __init__(self) -> None:
        self._caches: dict[str, BaseCache] = {}
        self._lock = threading.Lock()
        settings.add_listener(self._setting_changed)

    def _setting_changed(self, name: str, value: Any) -> None:
        if name == "CACHES":
            self.reset()

    def reset(self) -> None:
        """Forget the built backends (the next access builds them from the current CACHES)."""
        with self._lock:
            self._caches = {}

    def create_connection(self, alias: str) -> BaseCache:
        """Build the backend of ``alias`` (InvalidCacheBackendError if missing or unimportable)."""
        try:
            params = dict(settings.CACHES[alias])
        except KeyError:
            raise InvalidCacheBackendError(f"The connection '{alias}' doesn't exist.") from None
        backend = params.pop("BACKEND")
        location = params.pop("LOCATION", "")
        try:
            backend_class = import_string(backend)
        except ImportError as error:
            raise InvalidCacheBackendError(f"Could not find backend '{backend}': {error}") from error
        return backend_class(location, params)  # type: ignore[no-any-return]

    def __getitem__(self, alias: str) -> BaseCache:
        # PERF: one dict lookup once built; the lock only guards the first build.
        try:
            return self._caches[alias]
        except KeyError:
            pass
        with self._lock:
            if alias not in self._caches:
                self._caches[alias] = self.create_connection(alias)
            return self._caches[alias]

    def __iter__(self) -> Any:
        return iter(settings.CACHES)

    def all(self, initialized_only: bool = False) -> list[BaseCache]:
        """Every configured backend (only those already built, with ``initialized_only``)."""
        if initialized_only:
            return list(self._caches.values())
        return [self[alias] for alias in settings.CACHES]

    def close_all(self) -> None:
        """close() every built backend."""
        for backend in self.all(initialized_only=True):
            backend.close()


class _DefaultCache:
    """``cache``: attribute access goes to ``caches["default"]`` (so settings overrides are followed)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(caches[DEFAULT_CACHE_ALIAS], name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(caches[DEFAULT_CACHE_ALIAS], name, value)

    def __delattr__(self, name: str) -> None:
        delattr(caches[DEFAULT_CACHE_ALIAS], name)

    def __contains__(self, key: str) -> bool:
        return key in caches[DEFAULT_CACHE_ALIAS]

    def __eq__(self, other: object) -> bool:
        return caches[DEFAULT_CACHE_ALIAS] == other

    def __hash__(self) -> int:
        return hash(caches[DEFAULT_CACHE_ALIAS])


caches = CacheHandler()
cache: Any = _DefaultCache()


def close_caches(**kwargs: Any) -> None:
    """close() every built backend (connected to request_finished, as in Django)."""
    caches.close_all()
