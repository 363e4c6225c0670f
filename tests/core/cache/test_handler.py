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


def test_default_is_locmem_and_built_once():
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
