"""``RedisCache``: a cache on a Redis server shared by every worker and machine (Django's ``redis`` backend).

The sync methods use redis-py's blocking client, the async twins its asyncio client, so an async view never
blocks the loop and a sync view (in its worker thread) never needs one. Pools are per process (reset in a
forked child) and, for the asyncio client, per event loop: a pool's connections belong to the loop that
opened them.

Every call is bounded by the pool's ``socket_timeout``/``socket_connect_timeout`` (OPTIONS, default 1 s each)
and is not retried. When Redis cannot be reached, reads answer a miss and writes raise ``CacheUnavailable``;
the first failure of an outage is logged as an error on ``microdj.core.cache`` (later ones at debug level,
until a call succeeds again).
"""

from __future__ import annotations

import asyncio
import logging
import os
import pickle
import random
import re
import weakref
from collections.abc import Iterable
from typing import Any

from microdj.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache, CacheUnavailable
from microdj.utils.module_loading import import_string

try:
    import redis
    import redis.asyncio as aioredis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError as error:  # pragma: no cover - the redis extra is not installed
    raise ImportError("RedisCache needs redis-py: pip install 'microdj[redis]'") from error

logger = logging.getLogger("microdj.core.cache")

# Options of ours (or of BaseCache) that are not connection-pool arguments.
_OWN_OPTIONS = ("MAX_ENTRIES", "CULL_FREQUENCY", "MAX_VALUE_SIZE", "serializer", "pool_class")
_UNREACHABLE = (redis.ConnectionError, redis.TimeoutError)
# INCRBY only when the key exists (Django's incr() raises ValueError for a missing key), in one round trip.
_INCR_IF_EXISTS = (
    "if redis.call('EXISTS', KEYS[1]) == 1 then return redis.call('INCRBY', KEYS[1], ARGV[1]) end"
)

_live_caches: weakref.WeakSet[RedisCache] = weakref.WeakSet()


class RedisSerializer:
    """Pickle values, except plain ints, stored as Redis integers so that INCRBY works on them."""

    def __init__(self, protocol: int | None = None) -> None:
        self.protocol = pickle.HIGHEST_PROTOCOL if protocol is None else protocol

    def dumps(self, obj: Any) -> bytes | int:
        """The bytes (or int) to store for ``obj``; TypeError when it cannot be pickled."""
        if type(obj) is int:  # not bool, not int subclasses: they must come back as themselves
            return obj
        try:
            return pickle.dumps(obj, self.protocol)
        except Exception as error:
            raise TypeError(f"The cache value cannot be pickled: {error}") from error

    def loads(self, data: bytes) -> Any:
        """Inverse of dumps()."""
        try:
            return int(data)
        except ValueError:
            return pickle.loads(data)  # noqa: S301 - the site's own values, pickled by this cache (as Django's)


def connection_identity(options: dict[str, Any]) -> dict[str, Any]:
    """The pool arguments naming the client library to the server, resolved now.

    Left to redis-py, the library version is read from the package metadata (a file) when each connection
    opens: a blocking call on the event loop of an async client.
    """
    if "driver_info" in options or "lib_version" in options:
        return {}
    try:
        from redis.driver_info import DriverInfo
    except ImportError:  # pragma: no cover - redis-py before 7.1
        return {"lib_version": redis.__version__}
    return {"driver_info": DriverInfo(name="redis-py", lib_version=redis.__version__)}


def _reset_after_fork() -> None:  # pragma: no cover - runs in the forked child (its test checks the result)
    for cache in list(_live_caches):
        cache.reset_pools()


os.register_at_fork(after_in_child=_reset_after_fork)


class RedisCache(BaseCache):
    """LOCATION: a Redis URL, or several joined by ``,``/``;`` (writes to the first, reads from the rest)."""

    def __init__(self, server: str | list[str], params: dict[str, Any]) -> None:
        super().__init__(params)
        self._servers = re.split("[;,]", server) if isinstance(server, str) else list(server)
        options = dict(params.get("OPTIONS", {}))
        serializer = options.get("serializer")
        if isinstance(serializer, str):
            serializer = import_string(serializer)
        if callable(serializer):
            serializer = serializer()
        self._serializer: Any = serializer or RedisSerializer()
        pool_options = {key: value for key, value in options.items() if key not in _OWN_OPTIONS}
        pool_options.setdefault("socket_timeout", 1.0)
        pool_options.setdefault("socket_connect_timeout", 1.0)
        pool_options.setdefault("retry", Retry(NoBackoff(), 0))
        pool_options.update(connection_identity(pool_options))
        if "MAX_VALUE_SIZE" not in options:
            self.max_value_size = 8 * 1024 * 1024
        self._pool_options = pool_options
        self._down = False
        self.reset_pools()
        _live_caches.add(self)

    def reset_pools(self) -> None:
        """Forget every pool and client (a forked child must not share its parent's sockets)."""
        self._clients: dict[int, redis.Redis] = {}
        self._async_clients: weakref.WeakKeyDictionary[
            asyncio.AbstractEventLoop, dict[int, aioredis.Redis]
        ] = weakref.WeakKeyDictionary()

    # ----------------------------------------------------------------------------------- clients
    def _server_index(self, write: bool) -> int:
        if write or len(self._servers) == 1:
            return 0
        return random.randint(1, len(self._servers) - 1)  # noqa: S311 - spreads reads over replicas

    def get_client(self, key: str | None = None, *, write: bool = False) -> redis.Redis:
        """The blocking client (on this process's pool) of the server that serves ``key``."""
        # PERF: one client per server and process, made once (building a redis-py client costs tens of µs).
        index = self._server_index(write)
        client = self._clients.get(index)
        if client is None:
            pool = redis.ConnectionPool.from_url(self._servers[index], **self._pool_options)
            client = self._clients[index] = redis.Redis(
                connection_pool=pool, retry=self._pool_options["retry"]
            )
        return client

    def get_async_client(self, key: str | None = None, *, write: bool = False) -> aioredis.Redis:
        """The asyncio client of the running loop (a pool's connections belong to the loop that made them)."""
        loop = asyncio.get_running_loop()
        clients = self._async_clients.get(loop)
        if clients is None:
            clients = self._async_clients[loop] = {}
        index = self._server_index(write)
        client = clients.get(index)
        if client is None:
            pool = aioredis.ConnectionPool.from_url(self._servers[index], **self._pool_options)
            client = clients[index] = aioredis.Redis(connection_pool=pool, retry=self._pool_options["retry"])
        return client

    # ---------------------------------------------------------------------------------- failures
    def _failed(self, error: Exception, operation: str) -> CacheUnavailable:
        message = f"Redis cache at {self._servers[0]} unavailable during {operation}(): {error}"
        if self._down:
            logger.debug(message)
        else:
            self._down = True
            logger.error(message)
        return CacheUnavailable(message)

    def _up(self) -> None:
        if self._down:
            self._down = False
            logger.warning("Redis cache at %s reachable again", self._servers[0])

    def _encode(self, key: str, value: Any) -> bytes | int:
        try:
            data: bytes | int = self._serializer.dumps(value)
        except TypeError as error:
            raise TypeError(f"Cache value for key {key!r} cannot be pickled: {error.__cause__ or error}")
        if isinstance(data, bytes):
            self.check_value_size(key, len(data))
        return data

    def get_backend_timeout(self, timeout: Any = DEFAULT_TIMEOUT) -> int | None:
        """Seconds for Redis' EX (None: no expiry; 0 or less: the key goes at once)."""
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        return None if timeout is None else max(0, int(timeout))

    def ping(self) -> None:
        try:
            self.get_client().ping()
        except _UNREACHABLE as error:
            raise self._failed(error, "ping") from error
        self._up()

    async def aping(self) -> None:
        try:
            await self.get_async_client().ping()
        except _UNREACHABLE as error:
            raise self._failed(error, "ping") from error
        self._up()

    # ------------------------------------------------------------------------------------ reads
    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        try:
            value = self.get_client(key).get(key)
        except _UNREACHABLE as error:
            self._failed(error, "get")
            return default
        self._up()
        return default if value is None else self._serializer.loads(value)

    async def aget(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        try:
            value = await self.get_async_client(key).get(key)
        except _UNREACHABLE as error:
            self._failed(error, "get")
            return default
        self._up()
        return default if value is None else self._serializer.loads(value)

    def _keymap(self, keys: Iterable[str], version: int | None) -> dict[str, str]:
        return {self.make_and_validate_key(key, version=version): key for key in keys}

    def _found(self, keymap: dict[str, str], values: list[Any]) -> dict[str, Any]:
        return {
            keymap[k]: self._serializer.loads(v) for k, v in zip(keymap, values, strict=True) if v is not None
        }

    def get_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keymap = self._keymap(keys, version)
        if not keymap:
            return {}
        try:
            values = self.get_client().mget(list(keymap))
        except _UNREACHABLE as error:
            self._failed(error, "get_many")
            return {}
        self._up()
        return self._found(keymap, values)

    async def aget_many(self, keys: Iterable[str], version: int | None = None) -> dict[str, Any]:
        keymap = self._keymap(keys, version)
        if not keymap:
            return {}
        try:
            values = await self.get_async_client().mget(list(keymap))
        except _UNREACHABLE as error:
            self._failed(error, "get_many")
            return {}
        self._up()
        return self._found(keymap, values)

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        try:
            found = self.get_client(key).exists(key)
        except _UNREACHABLE as error:
            self._failed(error, "has_key")
            return False
        self._up()
        return bool(found)

    async def ahas_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        try:
            found = await self.get_async_client(key).exists(key)
        except _UNREACHABLE as error:
            self._failed(error, "has_key")
            return False
        self._up()
        return bool(found)

    # ----------------------------------------------------------------------------------- writes
    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        data = self._encode(key, value)
        seconds = self.get_backend_timeout(timeout)
        try:
            client = self.get_client(key, write=True)
            stored = not client.exists(key) if seconds == 0 else client.set(key, data, ex=seconds, nx=True)
        except _UNREACHABLE as error:
            raise self._failed(error, "add") from error
        self._up()
        return bool(stored)

    async def aadd(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        data = self._encode(key, value)
        seconds = self.get_backend_timeout(timeout)
        try:
            client = self.get_async_client(key, write=True)
            if seconds == 0:
                stored = not await client.exists(key)
            else:
                stored = bool(await client.set(key, data, ex=seconds, nx=True))
        except _UNREACHABLE as error:
            raise self._failed(error, "add") from error
        self._up()
        return bool(stored)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> None:
        key = self.make_and_validate_key(key, version=version)
        data = self._encode(key, value)
        seconds = self.get_backend_timeout(timeout)
        try:
            client = self.get_client(key, write=True)
            if seconds == 0:
                client.delete(key)
            else:
                client.set(key, data, ex=seconds)
        except _UNREACHABLE as error:
            raise self._failed(error, "set") from error
        self._up()

    async def aset(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        data = self._encode(key, value)
        seconds = self.get_backend_timeout(timeout)
        try:
            client = self.get_async_client(key, write=True)
            if seconds == 0:
                await client.delete(key)
            else:
                await client.set(key, data, ex=seconds)
        except _UNREACHABLE as error:
            raise self._failed(error, "set") from error
        self._up()

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        try:
            client = self.get_client(key, write=True)
            done = client.persist(key) if seconds is None else client.expire(key, seconds)
        except _UNREACHABLE as error:
            raise self._failed(error, "touch") from error
        self._up()
        return bool(done)

    async def atouch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        seconds = self.get_backend_timeout(timeout)
        try:
            client = self.get_async_client(key, write=True)
            done = await (client.persist(key) if seconds is None else client.expire(key, seconds))
        except _UNREACHABLE as error:
            raise self._failed(error, "touch") from error
        self._up()
        return bool(done)

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        try:
            deleted = self.get_client(key, write=True).delete(key)
        except _UNREACHABLE as error:
            raise self._failed(error, "delete") from error
        self._up()
        return bool(deleted)

    async def adelete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        try:
            deleted = await self.get_async_client(key, write=True).delete(key)
        except _UNREACHABLE as error:
            raise self._failed(error, "delete") from error
        self._up()
        return bool(deleted)

    def incr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        made = self.make_and_validate_key(key, version=version)
        try:
            value = self.get_client(made, write=True).eval(_INCR_IF_EXISTS, 1, made, delta)
        except _UNREACHABLE as error:
            raise self._failed(error, "incr") from error
        self._up()
        if value is None:
            raise ValueError(f"Key '{made}' not found.")
        return value

    async def aincr(self, key: str, delta: int = 1, version: int | None = None) -> Any:
        made = self.make_and_validate_key(key, version=version)
        try:
            value = await self.get_async_client(made, write=True).eval(_INCR_IF_EXISTS, 1, made, delta)
        except _UNREACHABLE as error:
            raise self._failed(error, "incr") from error
        self._up()
        if value is None:
            raise ValueError(f"Key '{made}' not found.")
        return value

    def _encoded_many(self, data: dict[str, Any], version: int | None) -> dict[str, bytes | int]:
        encoded = {}
        for key, value in data.items():
            made = self.make_and_validate_key(key, version=version)
            encoded[made] = self._encode(made, value)
        return encoded

    def set_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        if not data:
            return []
        encoded = self._encoded_many(data, version)
        seconds = self.get_backend_timeout(timeout)
        try:
            pipeline = self.get_client(write=True).pipeline()
            for key, value in encoded.items():
                pipeline.delete(key) if seconds == 0 else pipeline.set(key, value, ex=seconds)
            pipeline.execute()
        except _UNREACHABLE as error:
            raise self._failed(error, "set_many") from error
        self._up()
        return []

    async def aset_many(
        self, data: dict[str, Any], timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        if not data:
            return []
        encoded = self._encoded_many(data, version)
        seconds = self.get_backend_timeout(timeout)
        try:
            pipeline = self.get_async_client(write=True).pipeline()
            for key, value in encoded.items():
                pipeline.delete(key) if seconds == 0 else pipeline.set(key, value, ex=seconds)
            await pipeline.execute()
        except _UNREACHABLE as error:
            raise self._failed(error, "set_many") from error
        self._up()
        return []

    def delete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        if not made:
            return
        try:
            self.get_client(write=True).delete(*made)
        except _UNREACHABLE as error:
            raise self._failed(error, "delete_many") from error
        self._up()

    async def adelete_many(self, keys: Iterable[str], version: int | None = None) -> None:
        made = [self.make_and_validate_key(key, version=version) for key in keys]
        if not made:
            return
        try:
            await self.get_async_client(write=True).delete(*made)
        except _UNREACHABLE as error:
            raise self._failed(error, "delete_many") from error
        self._up()

    def clear(self) -> None:
        """Empty the whole Redis database (FLUSHDB), as Django does: give the cache a database of its own."""
        try:
            self.get_client(write=True).flushdb()
        except _UNREACHABLE as error:
            raise self._failed(error, "clear") from error
        self._up()

    async def aclear(self) -> None:
        """Async clear()."""
        try:
            await self.get_async_client(write=True).flushdb()
        except _UNREACHABLE as error:
            raise self._failed(error, "clear") from error
        self._up()

    async def aclose(self, **kwargs: Any) -> None:
        """Disconnect the running loop's pools (call before the loop ends; they cannot outlive it)."""
        clients = self._async_clients.pop(asyncio.get_running_loop(), {})
        for client in clients.values():
            await client.connection_pool.disconnect()
