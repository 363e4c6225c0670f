"""The cache API, the same on LocMemCache and RedisCache (a real redis-server), sync and async."""

from __future__ import annotations

import threading
import time
import warnings

import pytest

from microdj.core.cache import CacheKeyWarning, CacheValueTooLarge
from tests.core.cache.conftest import run


class Unpicklable:
    def __reduce__(self):
        raise TypeError("no pickling for you")


def test_get_set_delete(backend):
    assert backend.get("missing") is None
    assert backend.get("missing", "default") == "default"
    backend.set("key", {"a": [1, 2]})
    assert backend.get("key") == {"a": [1, 2]}
    assert backend.has_key("key") and "key" in backend
    assert backend.delete("key") is True
    assert backend.delete("key") is False
    assert not backend.has_key("key")


def test_values_round_trip_with_their_type(backend):
    for value in (0, 7, -3, True, False, 1.5, "text", b"bytes", None, [1, "a"], (1, 2), {1: 2}):
        backend.set("v", value)
        got = backend.get("v", "sentinel")
        assert got == value and type(got) is type(value)


def test_add_only_when_absent(backend):
    assert backend.add("k", 1) is True
    assert backend.add("k", 2) is False
    assert backend.get("k") == 1
    assert backend.add("zero", 1, timeout=0) is True
    assert backend.get("zero") is None


def test_timeouts(backend):
    backend.set("never", 1, timeout=None)
    backend.set("now", 1, timeout=0)
    backend.set("soon", 1, timeout=1)
    assert backend.get("now") is None
    assert backend.get("soon") == 1
    time.sleep(1.2)
    assert backend.get("soon") is None
    assert backend.get("never") == 1


def test_touch(backend):
    assert backend.touch("missing") is False
    backend.set("k", 1, timeout=1)
    assert backend.touch("k", None) is True
    time.sleep(1.2)
    assert backend.get("k") == 1
    backend.set("k2", 1)
    backend.touch("k2", 0)
    assert backend.get("k2") is None


def test_many(backend):
    assert backend.set_many({"a": 1, "b": "two"}) == []
    assert backend.set_many({}) == []
    assert backend.get_many(["a", "b", "c"]) == {"a": 1, "b": "two"}
    assert backend.get_many([]) == {}
    backend.delete_many(["a", "c"])
    backend.delete_many([])
    assert backend.get_many(["a", "b"]) == {"b": "two"}
    backend.set_many({"gone": 1}, timeout=0)
    assert backend.get("gone") is None


def test_incr_decr(backend):
    backend.set("n", 10)
    assert backend.incr("n") == 11
    assert backend.incr("n", 5) == 16
    assert backend.decr("n", 6) == 10
    assert backend.get("n") == 10
    with pytest.raises(ValueError, match="not found"):
        backend.incr("missing")
    with pytest.raises(ValueError):
        backend.decr("missing")


def test_get_or_set(backend):
    assert backend.get_or_set("k", "first") == "first"
    assert backend.get_or_set("k", "second") == "first"
    assert backend.get_or_set("c", lambda: "called") == "called"


def test_versions_and_prefix(backend):
    backend.set("k", "v1")
    backend.set("k", "v2", version=2)
    assert backend.get("k") == "v1"
    assert backend.get("k", version=2) == "v2"
    assert backend.incr_version("k") == 2
    assert backend.get("k") is None
    assert backend.get("k", version=2) == "v1"
    assert backend.decr_version("k", version=2) == 1
    assert backend.get("k") == "v1"
    with pytest.raises(ValueError):
        backend.incr_version("missing")
    assert backend.make_key("k") == ":1:k"


def test_clear(backend):
    backend.set("a", 1)
    backend.clear()
    assert backend.get("a") is None


def test_control_characters_and_long_keys_warn(backend):
    with pytest.warns(CacheKeyWarning, match="characters"):
        backend.set("bad key\n", 1)
    with pytest.warns(CacheKeyWarning, match="longer than 250"):
        backend.get("k" * 300)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        backend.set("fine-key", 1)


def test_unpicklable_values_are_refused(backend):
    with pytest.raises(TypeError, match="cannot be pickled"):
        backend.set("k", Unpicklable())
    with pytest.raises(TypeError, match="cannot be pickled"):
        backend.set("k", threading.Lock())
    assert backend.get("k") is None


def test_oversize_values_are_refused(backend):
    backend.max_value_size = 1000
    with pytest.raises(CacheValueTooLarge, match="more than MAX_VALUE_SIZE"):
        backend.set("k", b"x" * 2000)
    with pytest.raises(CacheValueTooLarge):
        backend.add("k", "y" * 2000)
    assert backend.get("k") is None
    backend.set("k", b"x" * 100)
    assert backend.get("k") == b"x" * 100


def test_async_twins(backend):
    async def body():
        assert await backend.aget("k") is None
        await backend.aset("k", [1])
        assert await backend.aget("k") == [1]
        assert await backend.aadd("k", 2) is False
        assert await backend.aadd("j", 2) is True
        assert await backend.ahas_key("j")
        assert await backend.aget_many(["k", "j", "x"]) == {"k": [1], "j": 2}
        assert await backend.aset_many({"m": 1, "n": 2}) == []
        await backend.adelete_many(["m"])
        assert await backend.aget_many(["m", "n"]) == {"n": 2}
        assert await backend.aincr("n", 3) == 5
        assert await backend.adecr("n") == 4
        with pytest.raises(ValueError):
            await backend.aincr("nope")
        assert await backend.atouch("n", None) is True
        assert await backend.atouch("nope") is False
        assert await backend.aget_or_set("g", lambda: "made") == "made"
        assert await backend.aget_or_set("g", "other") == "made"
        assert await backend.aincr_version("g") == 2
        assert await backend.adecr_version("g", version=2) == 1
        with pytest.raises(ValueError):
            await backend.aincr_version("nope")
        assert await backend.adelete("g") is True
        assert await backend.adelete("g") is False
        await backend.aping()
        await backend.aclear()
        assert await backend.aget("n") is None

    run(backend, body)


def test_threads_share_one_cache(backend):
    backend.set("n", 0)
    errors = []

    def worker():
        try:
            for _ in range(50):
                backend.incr("n")
        except Exception as error:  # noqa: BLE001  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors
    assert backend.get("n") == 200
