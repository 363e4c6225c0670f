"""RedisCache against a real redis-server: outages, recovery, pools per process and per loop."""

from __future__ import annotations

import asyncio
import logging
import os
import time

import pytest

from microdj.core.cache import CacheUnavailable
from tests.core.cache.conftest import make_redis, run
from tests.support.redis_server import RedisServer, requires_redis

pytestmark = requires_redis


@pytest.fixture
def own_server(tmp_path):
    """A redis-server of the test's own, which the test may stop and start."""
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def test_outage_reads_miss_writes_fail_fast_and_recovery(own_server, caplog):
    cache = make_redis(own_server.url)
    cache.set("k", "v")
    own_server.stop()
    caplog.set_level(logging.DEBUG, logger="microdj.core.cache")
    started = time.monotonic()
    assert cache.get("k", "miss") == "miss"
    assert cache.get_many(["k"]) == {}
    assert cache.has_key("k") is False
    for write in (
        lambda: cache.set("k", 1),
        lambda: cache.add("k", 1),
        lambda: cache.delete("k"),
        lambda: cache.touch("k"),
        lambda: cache.incr("k"),
        lambda: cache.set_many({"k": 1}),
        lambda: cache.delete_many(["k"]),
        cache.clear,
        cache.ping,
    ):
        with pytest.raises(CacheUnavailable, match="unavailable during"):
            write()
    # Bounded by the 1 s timeouts (connection refused is immediate; nothing is retried).
    assert time.monotonic() - started < 10
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1 and "unavailable during get()" in errors[0].getMessage()
    own_server.start()
    assert cache.get("k", "miss") == "miss"  # a fresh server: the data is gone, the cache works again
    cache.set("k", "back")
    assert cache.get("k") == "back"
    assert any("reachable again" in r.getMessage() for r in caplog.records)


def test_async_outage_and_recovery(own_server):
    cache = make_redis(own_server.url)

    async def body():
        await cache.aset("k", 1)
        own_server.stop()
        assert await cache.aget("k", "miss") == "miss"
        assert await cache.aget_many(["k"]) == {}
        assert await cache.ahas_key("k") is False
        for write in (
            lambda: cache.aset("k", 1),
            lambda: cache.aadd("k", 1),
            lambda: cache.adelete("k"),
            lambda: cache.atouch("k"),
            lambda: cache.aincr("k"),
            lambda: cache.aset_many({"k": 1}),
            lambda: cache.adelete_many(["k"]),
            cache.aclear,
            cache.aping,
        ):
            with pytest.raises(CacheUnavailable):
                await write()
        own_server.start()
        await cache.aset("k", 2)
        assert await cache.aget("k") == 2

    run(cache, body)


def test_timeout_zero_and_none(redis_url):
    cache = make_redis(redis_url, TIMEOUT=None)
    cache.set("forever", 1)
    client = cache.get_client()
    assert client.ttl(cache.make_key("forever")) == -1
    cache.set("gone", 1, timeout=0)
    assert not client.exists(cache.make_key("gone"))
    cache.set("ttl", 1, timeout=30)
    assert 0 < client.ttl(cache.make_key("ttl")) <= 30

    async def body():
        await cache.aset("agone", 1, timeout=0)
        assert await cache.aadd("azero", 1, timeout=0) is True
        await cache.aset_many({"amany": 1}, timeout=0)

    run(cache, body)
    assert not client.exists(cache.make_key("agone"))
    assert cache.get_many(["azero", "amany"]) == {}


def test_ints_are_stored_as_redis_integers(redis_url):
    cache = make_redis(redis_url, KEY_PREFIX="p")
    cache.set("n", 41)
    assert cache.get_client().incr("p:1:n") == 42
    assert cache.get("n") == 42


def test_reads_go_to_replicas_writes_to_the_first(redis_server, redis_url):
    cache = make_redis(f"{redis_url},{redis_url}")
    cache.set("k", 1)
    assert cache.get("k") == 1
    assert make_redis([redis_url]).get("k") == 1


def test_serializer_option(redis_url):
    cache = make_redis(redis_url, OPTIONS={"serializer": "microdj.core.cache.backends.redis.RedisSerializer"})
    cache.set("k", {"a": 1})
    assert cache.get("k") == {"a": 1}


def test_one_async_pool_per_event_loop(redis_url):
    cache = make_redis(redis_url)

    async def body():
        await cache.aset("k", 1)
        first = cache.get_async_client()
        assert first.connection_pool is cache.get_async_client().connection_pool
        return first.connection_pool

    pool_a = run(cache, body)
    pool_b = run(cache, body)
    assert pool_a is not pool_b


def test_forked_child_gets_its_own_pool(redis_url):
    cache = make_redis(redis_url)
    cache.set("k", "parent")
    parent_pool = cache.get_client().connection_pool
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            ok = cache.get_client().connection_pool is not parent_pool and cache.get("k") == "parent"
            cache.set("k", "child")
            os.write(write, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.close(read)
    os.waitpid(pid, 0)
    assert cache.get("k") == "child"


def test_sync_and_async_clients_see_the_same_data(redis_url):
    cache = make_redis(redis_url)
    cache.set("k", [1, 2])

    async def body():
        assert await cache.aget("k") == [1, 2]
        await cache.aset("j", "from async")
        await asyncio.sleep(0)

    run(cache, body)
    assert cache.get("j") == "from async"


def test_empty_batches_and_options(redis_url):
    from microdj.core.cache.backends.redis import connection_identity

    cache = make_redis(redis_url, OPTIONS={"MAX_VALUE_SIZE": 10, "lib_version": "1"})
    assert cache.max_value_size == 10
    assert connection_identity({"driver_info": None}) == {}
    assert cache.get_many([]) == {} and cache.set_many({}) == []
    cache.delete_many([])

    async def body():
        assert await cache.aget_many([]) == {}
        assert await cache.aset_many({}) == []
        await cache.adelete_many([])

    run(cache, body)
