"""The cache backend interface (Django's ``BaseCache``): keys, versions, timeouts and the async twins.

A backend implements ``add``, ``get``, ``set``, ``touch``, ``delete`` and ``clear``; the rest (``get_many``,
``incr``, ``get_or_set``, versions, ...) is built on them and may be overridden for speed. The async twins
(``aget``, ``aset``, ...) default to the sync method in a worker thread; backends that never block override
them to run inline, and ``RedisCache`` gives them an asyncio client.
"""

from __future__ import annotations

import re
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from asgiref.sync import sync_to_async

from microdj.core.exceptions import ImproperlyConfigured, ServiceUnavailable
from microdj.utils.module_loading import import_string


class InvalidCacheBackendError(ImproperlyConfigured):
    """``CACHES`` names a backend that cannot be imported, or an alias that is not configured."""


class CacheKeyWarning(RuntimeWarning):
    """A key that memcached would reject (too long, or with control characters or spaces)."""


class InvalidCacheKey(ValueError):
    """A key this backend cannot store."""


class CacheValueTooLarge(ValueError):
    """A value whose serialized size exceeds the backend's ``MAX_VALUE_SIZE`` option."""


class CacheUnavailable(ServiceUnavailable):
    """The cache server could not be reached, or did not answer within its timeout (a write failed)."""


# Passed as ``timeout`` by default: use the backend's default timeout (None itself means "forever").
DEFAULT_TIMEOUT: Any = object()

# Memcached's key length limit; keys past it draw a CacheKeyWarning, for portability.
MEMCACHE_MAX_KEY_LENGTH = 250

_MEMCACHE_BAD_CHARS = re.compile(r"[\x00-\x20\x7f]")


def default_key_func(key: str, key_prefix: str, version: int) -> str:
    """``"<prefix>:<version>:<key>"``."""
    return f"{key_prefix}:{version}:{key}"


def get_key_func(key_func: Callable[[str, str, int], str] | str | None) -> Callable[[str, str, int], str]:
    """The KEY_FUNCTION option as a callable (a dotted path is imported); ``default_key_func`` if None."""
    if key_func is None:
        return default_key_func
    if callable(key_func):
        return key_func
    return import_string(key_func)  # type: ignore[no-any-return]


def memcache_key_warnings(key: str) -> Iterator[str]:
    """The reasons ``key`` would fail with memcached (Django's portability rules)."""
    if len(key) > MEMCACHE_MAX_KEY_LENGTH:
        yield (
            f"Cache key will cause errors if used with memcached: {key!r} "
            f"(longer than {MEMCACHE_MAX_KEY_LENGTH})"
        )
    if _MEMCACHE_BAD_CHARS.search(key):
        yield f"Cache key contains characters that will cause errors if used with memcached: {key!r}"


def _int_option(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class BaseCache:
    """A cache: string keys to picklable values, each with a timeout (seconds; None is forever, 0 is now)."""

    _missing_key: Any = object()

    def __init__(self, params: dict[str, Any]) -> None:
        timeout = params.get("timeout", params.get("TIMEOUT", 300))
        if timeout is not None:
            timeout = _int_option(timeout, 300)
        self.default_timeout: int | None = timeout
        options = params.get("OPTIONS", {})
        self._max_entries = _int_option(params.get("max_entries", options.get("MAX_ENTRIES", 300)), 300)
        self._cull_frequency = _int_option(params.get("cull_frequency", options.get("CULL_FREQUENCY", 3)), 3)
        max_size = options.get("MAX_VALUE_SIZE")
        self.max_value_size: int | None = None if max_size is None else int(max_size)
        self.key_prefix: str = params.get("KEY_PREFIX", "")
        self.version: int = params.get("VERSION", 1)
        self.key_func = get_key_func(params.get("KEY_FUNCTION"))

    # ----------------------------------------------------------------------------------------- keys
    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> float | None:
        """The expiry time (a ``time.time()`` value) for ``timeout``; None for never."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        elif timeout == 0:
            timeout = -1  # already expired, whatever the clock's precision
        return None if timeout is None else time.time() + timeout

    def make_key(self, key: str, version: int | None = None) -> str:
        """The stored key: KEY_FUNCTION(key, KEY_PREFIX, version or VERSION)."""
        return self.key_func(key, self.key_prefix, self.version if version is None else version)

    def validate_key(self, key: str) -> None:
        """Warn (CacheKeyWarning) about keys that would not work with memcached."""
        for warning in memcache_key_warnings(key):
            warnings.warn(warning, CacheKeyWarning, stacklevel=3)

    def make_and_validate_key(self, key: str, version: int | None = None) -> str:
        """make_key() then validate_key()."""
        key = self.make_key(key, version=version)
        self.validate_key(key)
        return key

    def check_value_size(self, key: str, size: int) -> None:
        """Raise CacheValueTooLarge when ``size`` bytes exceed the MAX_VALUE_SIZE option."""
        if self.max_value_size is not None and size > self.max_value_size:
            raise CacheValueTooLarge(
                f"Cache value for key {key!r} is {size} bytes, more than MAX_VALUE_SIZE "
                f"({self.max_value_size} bytes)."
            )

    def ping(self) -> None:
        """Return when the cache can be reached; raise CacheUnavailable when it cannot (local ones can)."""

    # ------------------------------------------------------------------------- what a backend implements
    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Store ``value`` only if ``key`` is absent; return whether it was stored."""
        raise NotImplementedError("subclasses of BaseCache must provide an add() method")

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """The value of ``key``, or ``default`` when it is missing or expired."""
        raise NotImplementedError("subclasses of BaseCache must provide a get() method")

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        """Store ``value`` under ``key``."""
        raise NotImplementedError("subclasses of BaseCache must provide a set() method")

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Give ``key`` a new timeout; return whether it existed."""
        raise NotImplementedError("subclasses of BaseCache must provide a touch() method")

    def delete(self, key: str, version: int | None = None) -> bool:
        """Remove ``key``; return whether it existed."""
        raise NotImplementedError("subclasses of BaseCache must provide a delete() method")

    def clear(self) -> None:
        """Remove every key of this cache."""
        raise NotImplementedError("subclasses of BaseCache must provide a clear() method")

    # ---------------------------------------------------------------------------- built on the above
    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """A dict of the keys found (missing ones left out)."""
        found = {}
        for key in keys:
            value = self.get(key, self._missing_key, version=version)
            if value is not self._missing_key:
                found[key] = value
        return found

    def get_or_set(
        self, key: str, default: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> Any:
        """The value of ``key``; when missing, add ``default`` (called first if callable) and return it."""
        value = self.get(key, self._missing_key, version=version)
        if value is not self._missing_key:
            return value
        if callable(default):
            default = default()
        self.add(key, default, timeout=timeout, version=version)
        # Read back: another client may have added a value between the get() and the add().
        return self.get(key, default, version=version)

    def has_key(self, key: str, version: int | None = None) -> bool:
        """Whether ``key`` is present and not expired."""
        return self.get(key, self._missing_key, version=version) is not self._missing_key

    def __contains__(self, key: str) -> bool:
        return self.has_key(key)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        """Add ``delta`` to the value of ``key`` and return it; ValueError when the key is missing."""
        value = self.get(key, self._missing_key, version=version)
        if value is self._missing_key:
            raise ValueError(f"Key '{key}' not found")
        new_value = value + delta
        self.set(key, new_value, version=version)
        return new_value

    def decr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        """incr() by ``-delta``."""
        return self.incr(key, -delta, version=version)

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        """Store every item; return the keys that could not be stored (none here)."""
        for key, value in data.items():
            self.set(key, value, timeout=timeout, version=version)
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        """Remove every key."""
        for key in keys:
            self.delete(key, version=version)

    def incr_version(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Move ``key``'s value to version + ``delta``; return the new version (ValueError if missing)."""
        if version is None:
            version = self.version
        value = self.get(key, self._missing_key, version=version)
        if value is self._missing_key:
            raise ValueError(f"Key '{key}' not found")
        self.set(key, value, version=version + delta)
        self.delete(key, version=version)
        return version + delta

    def decr_version(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """incr_version() by ``-delta``."""
        return self.incr_version(key, -delta, version)

    def close(self, **kwargs: Any) -> None:
        """Release connections at the end of a request (nothing to release by default)."""

    # -------------------------------------------------------------------------------- async twins
    async def aping(self) -> None:
        """Async ping()."""
        await sync_to_async(self.ping, thread_sensitive=True)()

    async def aadd(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        """Async add()."""
        return await sync_to_async(self.add, thread_sensitive=True)(key, value, timeout, version)

    async def aget(self, key: str, default: Any = None, version: int | None = None) -> Any:
        """Async get()."""
        return await sync_to_async(self.get, thread_sensitive=True)(key, default, version)

    async def aset(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        """Async set()."""
        await sync_to_async(self.set, thread_sensitive=True)(key, value, timeout, version)

    async def atouch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        """Async touch()."""
        return await sync_to_async(self.touch, thread_sensitive=True)(key, timeout, version)

    async def adelete(self, key: str, version: int | None = None) -> bool:
        """Async delete()."""
        return await sync_to_async(self.delete, thread_sensitive=True)(key, version)

    async def aclear(self) -> None:
        """Async clear()."""
        await sync_to_async(self.clear, thread_sensitive=True)()

    async def aget_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        """Async get_many()."""
        found = {}
        for key in keys:
            value = await self.aget(key, self._missing_key, version=version)
            if value is not self._missing_key:
                found[key] = value
        return found

    async def aget_or_set(
        self, key: str, default: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> Any:
        """Async get_or_set()."""
        value = await self.aget(key, self._missing_key, version=version)
        if value is not self._missing_key:
            return value
        if callable(default):
            default = default()
        await self.aadd(key, default, timeout=timeout, version=version)
        return await self.aget(key, default, version=version)

    async def ahas_key(self, key: str, version: int | None = None) -> bool:
        """Async has_key()."""
        return await self.aget(key, self._missing_key, version=version) is not self._missing_key

    async def aincr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        """Async incr()."""
        value = await self.aget(key, self._missing_key, version=version)
        if value is self._missing_key:
            raise ValueError(f"Key '{key}' not found")
        new_value = value + delta
        await self.aset(key, new_value, version=version)
        return new_value

    async def adecr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        """Async decr()."""
        return await self.aincr(key, -delta, version=version)

    async def aset_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        """Async set_many()."""
        for key, value in data.items():
            await self.aset(key, value, timeout=timeout, version=version)
        return []

    async def adelete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        """Async delete_many()."""
        for key in keys:
            await self.adelete(key, version=version)

    async def aincr_version(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Async incr_version()."""
        if version is None:
            version = self.version
        value = await self.aget(key, self._missing_key, version=version)
        if value is self._missing_key:
            raise ValueError(f"Key '{key}' not found")
        await self.aset(key, value, version=version + delta)
        await self.adelete(key, version=version)
        return version + delta

    async def adecr_version(self, key: str, delta: int = 1, version: int | None = None) -> int:
        """Async decr_version()."""
        return await self.aincr_version(key, -delta, version)

    async def aclose(self, **kwargs: Any) -> None:
        """Async close()."""
