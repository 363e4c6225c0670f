"""microdj.contrib.sessions.backends.cache on LocMemCache and on a real Redis; 503 when Redis is down."""

from __future__ import annotations

import asyncio
import time

import pytest

from microdj.contrib.sessions.backends.cache import KEY_PREFIX, SessionStore
from microdj.contrib.sessions.exceptions import SessionUnavailable
from microdj.core.cache import caches
from microdj.test import Client
from tests.support.redis_server import RedisServer, requires_redis

LOCMEM = {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions"}


def redis_caches(url):
    return {
        "default": LOCMEM,
        "sessions": {"BACKEND": "microdj.core.cache.backends.redis.RedisCache", "LOCATION": url},
    }


@pytest.fixture(params=["locmem", "redis"])
def store_cache(request, override):
    """SESSION_CACHE_ALIAS pointing at a LocMemCache, or at a RedisCache on the test server."""
    if request.param == "locmem":
        override(CACHES={"default": LOCMEM}, SESSION_CACHE_ALIAS="default")
    else:
        override(CACHES=redis_caches(request.getfixturevalue("redis_url")), SESSION_CACHE_ALIAS="sessions")
    cache = caches["sessions" if request.param == "redis" else "default"]
    cache.clear()
    return cache


def test_save_and_load(store_cache):
    session = SessionStore()
    session["user"] = 42
    session.save()
    key = session.session_key
    assert key and store_cache.get(KEY_PREFIX + key) == {"user": 42}
    again = SessionStore(key)
    assert again["user"] == 42
    assert again.exists(key) and not again.exists("nosuchkeyatall")


def test_unknown_key_gives_an_empty_session_without_the_key(store_cache):
    session = SessionStore("a" * 32)
    assert session.get("user") is None
    assert session.session_key is None


def test_cycle_key_keeps_data_under_a_new_key(store_cache):
    session = SessionStore()
    session["user"] = 1
    session.save()
    old = session.session_key
    session.cycle_key()
    session.save()
    assert session.session_key != old
    assert store_cache.get(KEY_PREFIX + old) is None
    assert SessionStore(session.session_key)["user"] == 1


def test_delete_and_flush(store_cache):
    session = SessionStore()
    session["a"] = 1
    session.save()
    key = session.session_key
    session.flush()
    assert session.session_key is None and store_cache.get(KEY_PREFIX + key) is None
    SessionStore().delete()  # no key: nothing to do
    SessionStore.clear_expired()
    asyncio.run(SessionStore.aclear_expired())


def test_expiry_is_the_cache_timeout(store_cache):
    session = SessionStore()
    session.set_expiry(1)
    session["a"] = 1
    session.save()
    key = session.session_key
    assert SessionStore(key)["a"] == 1
    time.sleep(1.2)
    assert SessionStore(key).get("a") is None


def test_async_methods(store_cache):
    async def body():
        session = SessionStore()
        await session.aset("user", 7)
        await session.asave()
        key = session.session_key
        loaded = SessionStore(key)
        assert await loaded.aget("user") == 7
        assert await loaded.aexists(key)
        await loaded.acycle_key()
        assert loaded.session_key != key
        assert not await loaded.aexists(key)
        await loaded.asave()
        assert await SessionStore(loaded.session_key).aget("user") == 7
        assert await SessionStore("b" * 32).aget("user") is None
        await loaded.aflush()
        assert not await loaded.aexists(key)
        await SessionStore().adelete()
        await store_cache.aclose()

    asyncio.run(body())


def test_key_collisions_are_retried(store_cache, monkeypatch):
    taken = SessionStore()
    taken.save()
    keys = iter([taken.session_key, "c" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    session = SessionStore()
    session.create()
    assert session.session_key == "c" * 32

    async def acreate():
        keys2 = iter([taken.session_key, "d" * 32])

        async def new_key(self):
            return next(keys2)

        monkeypatch.setattr(SessionStore, "_aget_new_session_key", new_key)
        other = SessionStore()
        await other.acreate()
        await store_cache.aclose()
        return other.session_key

    assert asyncio.run(acreate()) == "d" * 32


def test_create_gives_up_when_every_key_is_taken(store_cache, monkeypatch):
    taken = SessionStore()
    taken.save()
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: taken.session_key)

    async def same(self):
        return taken.session_key

    monkeypatch.setattr(SessionStore, "_aget_new_session_key", same)
    with pytest.raises(RuntimeError, match="Unable to create"):
        SessionStore().create()
    with pytest.raises(RuntimeError, match="Unable to create"):
        asyncio.run(SessionStore().acreate())


# ------------------------------------------------------------------------------- through the middleware


@pytest.fixture
def app_settings(override):
    def apply(url, **extra):
        override(
            ROOT_URLCONF="tests.support.scaling_urls",
            MIDDLEWARE=["microdj.contrib.sessions.middleware.SessionMiddleware"],
            SESSION_ENGINE="microdj.contrib.sessions.backends.cache",
            SESSION_CACHE_ALIAS="sessions",
            CACHES=redis_caches(url),
            **extra,
        )

    return apply


@requires_redis
def test_session_save_every_request_refreshes_the_expiry(app_settings, redis_url):
    app_settings(redis_url, SESSION_SAVE_EVERY_REQUEST=True, SESSION_COOKIE_AGE=100)
    with Client() as client:
        client.get("/session/set/?v=x")
        key = client.cookies["sessionid"].value
        redis = caches["sessions"].get_client()
        stored = caches["sessions"].make_key(KEY_PREFIX + key)
        assert redis.expire(stored, 5)
        assert client.get("/session/get/").json()["value"] == "x"
        assert redis.ttl(stored) > 50


@requires_redis
def test_redis_down_gives_503_and_recovery(app_settings, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    try:
        app_settings(server.url)
        with Client() as client:
            assert client.get("/session/set/?v=kept").status_code == 200
            assert client.get("/session/aget/").json()["value"] == "kept"
            server.stop()
            for path in ("/session/get/", "/session/aget/", "/session/set/?v=1", "/session/aset/?v=1"):
                response = client.get(path)
                assert response.status_code == 503, path
                assert response.content == b"503 Service Unavailable"
            fresh = Client()
            assert fresh.get("/session/aset/?v=new").status_code == 503
            fresh.close()
            server.start()
            # The data went with the old server; the app serves again without a restart.
            assert client.get("/session/get/").json()["value"] is None
            assert client.get("/session/set/?v=again").status_code == 200
            assert client.get("/session/aget/").json()["value"] == "again"
    finally:
        server.stop()


@requires_redis
def test_store_errors_are_session_unavailable(override, tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    override(CACHES=redis_caches(server.url), SESSION_CACHE_ALIAS="sessions")
    session = SessionStore()
    session["a"] = 1
    session.save()
    server.stop()
    with pytest.raises(SessionUnavailable, match="session store is unavailable"):
        SessionStore(session.session_key).load()
    with pytest.raises(SessionUnavailable):
        session.delete()
    with pytest.raises(SessionUnavailable):
        session.save()

    async def body():
        with pytest.raises(SessionUnavailable):
            await SessionStore(session.session_key).aload()
        with pytest.raises(SessionUnavailable):
            await session.adelete()
        with pytest.raises(SessionUnavailable):
            await session.asave()
        await caches["sessions"].aclose()

    asyncio.run(body())
