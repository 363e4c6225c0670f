"""Backends for the cache tests: ``backend`` runs a test on LocMemCache and on RedisCache (real server)."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

import pytest

from microdj.core.cache.backends.locmem import LocMemCache

_names = itertools.count()


def make_redis(url: str, **params: Any) -> Any:
    from microdj.core.cache.backends.redis import RedisCache

    return RedisCache(url, params)


@pytest.fixture(params=["locmem", "redis"])
def backend(request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh, empty cache of each kind."""
    if request.param == "locmem":
        cache = LocMemCache(f"test-{next(_names)}", {})
    else:
        cache = make_redis(request.getfixturevalue("redis_url"))
    yield cache
    cache.clear()


def run(cache: Any, body: Callable[[], Awaitable[Any]]) -> Any:
    """Run ``body()`` on a new loop; the cache's pools for that loop are disconnected before it ends."""

    async def main() -> Any:
        try:
            return await body()
        finally:
            await cache.aclose()

    return asyncio.run(main())
