"""LocMemCache: LRU culling at MAX_ENTRIES, storage shared per LOCATION; DummyCache; BaseCache defaults."""

from __future__ import annotations

import asyncio

import pytest

from microdj.core.cache.backends.base import BaseCache, default_key_func, get_key_func
from microdj.core.cache.backends.dummy import DummyCache
from microdj.core.cache.backends.locmem import LocMemCache


def test_least_recently_used_keys_are_culled_first():
    cache = LocMemCache("lru", {"OPTIONS": {"MAX_ENTRIES": 3, "CULL_FREQUENCY": 3}})
    cache.clear()
    for key in "abc":
        cache.set(key, key)
    cache.get("a")  # a is now the most recently used
    cache.set("d", "d")  # culls one third: b
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == ["a", "c", "d"]
    cache.set("a", "again")  # replacing a key does not cull
    assert cache.get("c") == "c"


def test_cull_frequency_zero_empties_the_cache():
    cache = LocMemCache("cull0", {"OPTIONS": {"MAX_ENTRIES": 2, "CULL_FREQUENCY": 0}})
    cache.clear()
    cache.set("a", 1)
    cache.set("b", 2)
    cache.add("c", 3)
    assert cache.get_many(["a", "b", "c"]) == {"c": 3}


def test_same_location_shares_storage_and_values_are_copies():
    first, second = LocMemCache("shared", {}), LocMemCache("shared", {})
    value = [1]
    first.set("k", value)
    value.append(2)
    assert second.get("k") == [1]
    assert LocMemCache("other", {}).get("k") is None


def test_expired_entries_are_dropped_on_access():
    cache = LocMemCache("expiry", {"TIMEOUT": 0})
    cache.set("k", 1)
    assert not cache.has_key("k")
    with pytest.raises(ValueError):
        cache.incr("k")
    assert cache.touch("k") is False
    cache.set("k", 1, timeout=10)
    assert cache.has_key("k")


def test_bad_options_fall_back_to_defaults():
    cache = LocMemCache(
        "opts", {"TIMEOUT": "soon", "OPTIONS": {"MAX_ENTRIES": "many", "CULL_FREQUENCY": None}}
    )
    assert (cache.default_timeout, cache._max_entries, cache._cull_frequency) == (300, 300, 3)
    assert LocMemCache("none", {"TIMEOUT": None}).default_timeout is None


def test_key_function_from_dotted_path_or_callable():
    assert get_key_func(None) is default_key_func
    assert get_key_func("microdj.core.cache.backends.base.default_key_func") is default_key_func
    cache = LocMemCache("keyfunc", {"KEY_FUNCTION": lambda k, p, v: f"{p}|{v}|{k}", "KEY_PREFIX": "site"})
    assert cache.make_key("k", version=3) == "site|3|k"


def test_dummy_cache_stores_nothing():
    cache = DummyCache("", {})
    assert cache.add("k", 1) is True
    cache.set("k", 1)
    assert cache.get("k", "d") == "d"
    assert not cache.has_key("k")
    assert cache.touch("k") is False
    assert cache.delete("k") is False
    assert cache.get_many(["k"]) == {}
    cache.clear()
    cache.ping()

    async def body():
        assert await cache.aadd("k", 1) is True
        await cache.aset("k", 1)
        assert await cache.aget("k") is None
        assert await cache.atouch("k") is False
        assert await cache.adelete("k") is False
        await cache.aclear()
        await cache.aping()

    asyncio.run(body())


class Minimal(BaseCache):
    """Only what a backend must implement, so the base's defaults (and thread hops) are exercised."""

    def __init__(self):
        super().__init__({})
        self.data = {}

    def add(self, key, value, timeout=None, version=None):
        key = self.make_and_validate_key(key, version)
        return self.data.setdefault(key, value) is value

    def get(self, key, default=None, version=None):
        return self.data.get(self.make_and_validate_key(key, version), default)

    def set(self, key, value, timeout=None, version=None):
        self.data[self.make_and_validate_key(key, version)] = value

    def touch(self, key, timeout=None, version=None):
        return self.make_and_validate_key(key, version) in self.data

    def delete(self, key, version=None):
        return self.data.pop(self.make_and_validate_key(key, version), None) is not None

    def clear(self):
        self.data.clear()


def test_base_async_defaults_run_the_sync_methods():
    cache = Minimal()

    async def body():
        await cache.aping()
        assert await cache.aadd("k", 1) is True
        await cache.aset("j", 2)
        assert await cache.aget("j") == 2
        assert await cache.atouch("j") is True
        assert await cache.adelete("j") is True
        await cache.aclear()
        await cache.aclose()

    asyncio.run(body())
    cache.close()


def test_base_requires_the_storage_methods():
    cache = BaseCache({})
    for call in (
        lambda: cache.add("k", 1),
        lambda: cache.get("k"),
        lambda: cache.set("k", 1),
        lambda: cache.touch("k"),
        lambda: cache.delete("k"),
        cache.clear,
    ):
        with pytest.raises(NotImplementedError):
            call()
    assert cache.get_backend_timeout(0) < cache.get_backend_timeout()
    assert cache.get_backend_timeout(None) is None


def test_base_defaults_built_on_the_storage_methods():
    cache = Minimal()
    cache.set_many({"a": 1, "b": 2})
    assert cache.get_many(["a", "b", "c"]) == {"a": 1, "b": 2}
    assert cache.has_key("a") and "a" in cache
    assert cache.incr("a", 4) == 5 and cache.decr("a") == 4
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.get_or_set("g", lambda: "made") == "made"
    assert cache.get_or_set("g", "other") == "made"
    assert cache.incr_version("b") == 2 and cache.decr_version("b", version=2) == 1
    with pytest.raises(ValueError):
        cache.incr_version("missing")
    cache.delete_many(["a", "b"])
    assert cache.get_many(["a", "b"]) == {}

    async def body():
        assert await cache.aset_many({"x": 1, "y": 2}) == []
        assert await cache.aget_many(["x", "y", "z"]) == {"x": 1, "y": 2}
        assert await cache.ahas_key("x")
        assert await cache.aincr("x", 2) == 3 and await cache.adecr("x") == 2
        with pytest.raises(ValueError):
            await cache.aincr("missing")
        assert await cache.aget_or_set("h", lambda: "made") == "made"
        assert await cache.aget_or_set("h", "other") == "made"
        assert await cache.aget_or_set("plain", "value") == "value"
        assert await cache.aincr_version("y") == 2 and await cache.adecr_version("y", version=2) == 1
        with pytest.raises(ValueError):
            await cache.aincr_version("missing")
        await cache.adelete_many(["x", "y"])
        assert await cache.aget_many(["x", "y"]) == {}

    asyncio.run(body())
