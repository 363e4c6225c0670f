"""``LocMemCache``: a per-process, thread-safe, least-recently-used cache (Django's ``locmem`` backend).

Values are pickled on the way in, so a caller never shares a mutable object with the cache. Caches with the
same LOCATION in one process share their storage. Nothing here leaves the process: with several workers,
each has its own copy (use ``RedisCache`` for state every worker must see).
"""

from __future__ import annotations

import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from microdj.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# LOCATION -> (values, expiry times, lock), shared by the caches of one process.
_stores: dict[str, tuple[OrderedDict[str, bytes], dict[str, float | None], threading.Lock]] = {}
_stores_lock = threading.Lock()


def _dumps(key: str, value: Any) -> bytes:
    try:
        return pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    except Exception as error:
        raise TypeError(f"Cache value for key {key!r} cannot be pickled: {error}") from error


class LocMemCache(BaseCache):
    """A cache in this process's memory; at most MAX_ENTRIES keys, the least recently used culled first."""

    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        with _stores_lock:
            store = _stores.setdefault(name, (OrderedDict(), {}, threading.Lock()))
        self._cache, self._expire_info, self._lock = store

    def _has_expired(self, key: str) -> bool:
        expiry = self._expire_info.get(key, -1)
        return expiry is not None and expiry <= time.time()

    def _delete(self, key: str) -> bool:
        try:
            del self._cache[key]
            del self._expire_info[key]
        except KeyError:
            return False
        return True

    def _cull(self) -> None:
        if self._cull_frequency == 0:
            self._cache.clear()
            self._expire_info.clear()
            return
        for _ in range(len(self._cache) // self._cull_frequency):
            key, _value = self._cache.popitem(last=False)
            del self._expire_info[key]

    def _store(self, key: str, pickled: bytes, timeout: Any) -> None:
        if len(self._cache) >= self._max_entries and key not in self._cache:
            self._cull()
        self._cache[key] = pickled
        self._cache.move_to_end(key)
        self._expire_info[key] = self.get_backend_timeout(timeout)

    def _pickled(self, key: str, value: Any) -> bytes:
        pickled = _dumps(key, value)
        self.check_value_size(key, len(pickled))
        return pickled

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        pickled = self._pickled(key, value)
        with self._lock:
            if key in self._cache and not self._has_expired(key):
                return False
            self._store(key, pickled, timeout)
            return True

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key not in self._cache:
                return default
            if self._has_expired(key):
                self._delete(key)
                return default
            pickled = self._cache[key]
            self._cache.move_to_end(key)
        return pickle.loads(pickled)  # noqa: S301 - the site's own values, pickled by this cache (as Django's)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        pickled = self._pickled(key, value)
        with self._lock:
            self._store(key, pickled, timeout)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key not in self._cache or self._has_expired(key):
                return False
            self._expire_info[key] = self.get_backend_timeout(timeout)
            return True

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key not in self._cache or self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            new_value = pickle.loads(self._cache[key]) + delta  # noqa: S301 - the site's own values, pickled by this cache (as Django's)
            self._cache[key] = pickle.dumps(new_value, self.pickle_protocol)
            self._cache.move_to_end(key)
        return new_value

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if key not in self._cache:
                return False
            if self._has_expired(key):
                self._delete(key)
                return False
            return True

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._delete(key)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()

    # PERF: a dict operation under a lock held for microseconds never blocks the loop: no thread hop.

    async def aadd(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        return self.add(key, value, timeout, version)

    async def aget(self, key: str, default: Any = None, version: int | None = None) -> Any:
        return self.get(key, default, version)

    async def aset(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        self.set(key, value, timeout, version)

    async def atouch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        return self.touch(key, timeout, version)

    async def adelete(self, key: str, version: int | None = None) -> bool:
        return self.delete(key, version)

    async def aclear(self) -> None:
        self.clear()

    async def aincr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        return self.incr(key, delta, version)

    async def ahas_key(self, key: str, version: int | None = None) -> bool:
        return self.has_key(key, version)

    async def aping(self) -> None:
        self.ping()

    async def aget_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        return self.get_many(keys, version)
