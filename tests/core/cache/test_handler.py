"""``caches`` / ``cache``: built from CACHES once per alias, rebuilt when CACHES changes."""

from __future__ import annotations

import pytest

from microdj.core.cache import (
    DEFAULT_CACHE_ALIAS,
    InvalidCacheBackendError,
    cache,
    caches,
    close_caches,
)
from microdj.core.cache.backends.dummy import DummyCache
from microdj.core.cache.backends.locmem import LocMemCache


def test_default_is_locmem_and_built_once(override):
    built = caches["default"]
    override(CACHE_MIDDLEWARE_SECONDS=5)  # another setting: the backends are kept
    assert caches["default"] is built
    assert isinstance(caches[DEFAULT_CACHE_ALIAS], LocMemCache)
    assert caches["default"] is caches["default"]
    cache.set("handler-key", 1)
    assert "handler-key" in cache
    assert cache == caches["default"] and hash(cache) == hash(caches["default"])
    cache.delete("handler-key")


def test_settings_override_rebuilds(override):
    override(
        CACHES={
            "default": {"BACKEND": "microdj.core.cache.backends.dummy.DummyCache"},
            "x": {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "x"},
        }
    )
    assert isinstance(caches["default"], DummyCache)
    assert list(caches) == ["default", "x"]
    assert len(caches.all()) == 2
    assert caches.all(initialized_only=True)
    close_caches()
    cache.custom_attribute = 1
    assert caches["default"].custom_attribute == 1
    del cache.custom_attribute
    assert not hasattr(caches["default"], "custom_attribute")


def test_bad_configuration(override):
    override(CACHES={"default": {"BACKEND": "no.such.Backend"}})
    with pytest.raises(InvalidCacheBackendError, match="Could not find backend 'no.such.Backend'"):
        caches["default"]
    with pytest.raises(InvalidCacheBackendError, match="The connection 'other' doesn't exist"):
        caches["other"]


def test_a_backend_built_meanwhile_by_another_thread_is_kept(override):
    """The build happens under the lock; a thread that waited on it takes the other's backend."""
    import threading

    override(CACHES={"default": {"BACKEND": "microdj.core.cache.backends.dummy.DummyCache"}})
    built = []
    started = threading.Event()
    release = threading.Event()
    original = caches.create_connection

    def slow(alias):
        started.set()
        release.wait(5)
        built.append(alias)
        return original(alias)

    caches.create_connection = slow
    try:
        results = []
        first = threading.Thread(target=lambda: results.append(caches["default"]))
        first.start()
        started.wait(5)
        second = threading.Thread(target=lambda: results.append(caches["default"]))
        second.start()
        release.set()
        first.join(5)
        second.join(5)
    finally:
        del caches.create_connection
    assert built == ["default"] and results[0] is results[1]
