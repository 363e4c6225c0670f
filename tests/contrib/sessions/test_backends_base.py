"""microdj.contrib.sessions.backends.base: the dict interface, expiry, encoding, sync and async."""

import logging
import sys
import types
from datetime import UTC, datetime, timedelta

import pytest

from microdj.conf import settings
from microdj.contrib.sessions.backends import base
from microdj.contrib.sessions.backends.base import SessionBase
from microdj.contrib.sessions.backends.signed_cookies import SessionStore
from microdj.contrib.sessions.exceptions import InvalidSessionKey, SessionInterrupted, SuspiciousSession
from microdj.core import signing
from microdj.core.exceptions import BadRequest, SuspiciousOperation
from tests.support.sessions import NOW, MemoryStore, run

# Exceptions.


def test_exception_hierarchy():
    assert issubclass(InvalidSessionKey, SuspiciousOperation)
    assert issubclass(SuspiciousSession, SuspiciousOperation)
    assert issubclass(SessionInterrupted, BadRequest)


# SessionBase.


def test_session_base_is_abstract():
    with pytest.raises(TypeError, match="abstract"):
        SessionBase()


def test_dict_interface():
    s = SessionStore()
    assert not s.accessed and not s.modified
    assert "a" not in s
    assert s.accessed and not s.modified
    s["a"] = 1
    assert s.modified and s["a"] == 1 and "a" in s and s.has_key("a")
    assert s.get("a") == 1 and s.get("b") is None and s.get("b", 2) == 2
    s.update({"b": 2})
    assert (
        list(s.keys()) == ["a", "b"]
        and list(s.values()) == [1, 2]
        and list(s.items()) == [("a", 1), ("b", 2)]
    )
    assert s.setdefault("a", 5) == 1 and s.setdefault("c", 3) == 3 and s["c"] == 3
    del s["c"]
    assert "c" not in s
    with pytest.raises(KeyError):
        s["missing"]


def test_pop_marks_modified_only_when_present():
    s = SessionStore()
    assert s.pop("x", "default") == "default"
    assert not s.modified
    with pytest.raises(KeyError):
        s.pop("x")
    s._session_cache = {"x": 1}
    assert s.pop("x") == 1
    assert s.modified


def test_clear_and_is_empty():
    s = SessionStore()
    assert s.is_empty()
    s["a"] = 1
    assert not s.is_empty()
    s.clear()
    assert s.is_empty() and s.modified and s.accessed
    assert not SessionStore("x" * 20).is_empty()


def test_session_key_validation():
    assert SessionStore(None).session_key is None
    assert SessionStore("").session_key is None
    assert SessionStore("short").session_key is None
    assert SessionStore("12345678").session_key == "12345678"


def test_test_cookie():
    s = SessionStore()
    assert not s.test_cookie_worked()
    s.set_test_cookie()
    assert s.test_cookie_worked()
    s.delete_test_cookie()
    assert not s.test_cookie_worked()


def test_encode_decode_and_key_salt(caplog):
    s = MemoryStore()
    assert s.key_salt == "microdj.contrib.sessions.MemoryStore"
    encoded = s.encode({"a": [1, 2]})
    assert s.decode(encoded) == {"a": [1, 2]}
    assert signing.loads(encoded, salt=s.key_salt) == {"a": [1, 2]}
    with caplog.at_level(logging.WARNING, logger="microdj.security.SuspiciousSession"):
        assert s.decode(encoded[:-2] + "xx") == {}
    assert [r.getMessage() for r in caplog.records] == ["Session data corrupted"]
    # Valid signature over data the serializer cannot read: empty session, nothing logged.
    assert s.decode(signing.TimestampSigner(salt=s.key_salt).sign("!!!")) == {}
    assert len(caplog.records) == 1


def test_serializer_from_settings(monkeypatch, override):
    class Upper:
        def dumps(self, obj):
            return signing.JSONSerializer().dumps(obj)

        def loads(self, data):
            return {k.upper(): v for k, v in signing.JSONSerializer().loads(data).items()}

    module = types.ModuleType("fake_serializers")
    module.Upper = Upper
    monkeypatch.setitem(sys.modules, "fake_serializers", module)
    override(SESSION_SERIALIZER="fake_serializers.Upper")
    s = SessionStore()
    assert s.serializer is Upper
    s["a"] = 1
    s.save()
    assert SessionStore(s.session_key)["A"] == 1


def test_import_string_is_cached():
    assert base.import_string("microdj.core.signing.JSONSerializer") is signing.JSONSerializer
    before = base.import_string.cache_info().hits
    base.import_string("microdj.core.signing.JSONSerializer")
    assert base.import_string.cache_info().hits == before + 1


# Expiry.


def test_expiry_defaults(override):
    s = SessionStore()
    assert s.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert s.get_expiry_age(modification=NOW, expiry=None) == settings.SESSION_COOKIE_AGE
    assert s.get_expiry_date(modification=NOW) == NOW + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert abs(s.get_expiry_date() - datetime.now(UTC)) < timedelta(seconds=settings.SESSION_COOKIE_AGE + 5)
    assert not s.get_expire_at_browser_close()
    override(SESSION_EXPIRE_AT_BROWSER_CLOSE=True)
    assert s.get_expire_at_browser_close()
    assert not s.modified


def test_set_expiry_seconds_and_zero():
    s = SessionStore()
    s.set_expiry(60)
    assert s.modified and s["_session_expiry"] == 60
    assert s.get_expiry_age() == 60
    assert s.get_expiry_date(modification=NOW) == NOW + timedelta(seconds=60)
    assert not s.get_expire_at_browser_close()
    s.set_expiry(0)
    assert s.get_expire_at_browser_close()
    assert s.get_expiry_age() == settings.SESSION_COOKIE_AGE
    s.set_expiry(None)
    assert "_session_expiry" not in s
    s.set_expiry(None)  # nothing to remove


def test_set_expiry_datetime_and_timedelta():
    s = SessionStore()
    s.set_expiry(NOW + timedelta(seconds=90))
    assert s["_session_expiry"] == (NOW + timedelta(seconds=90)).isoformat()
    assert s.get_expiry_age(modification=NOW) == 90
    assert s.get_expiry_date() == NOW + timedelta(seconds=90)
    s.set_expiry(datetime(2030, 1, 1, 0, 2))  # naive: taken as UTC
    assert s.get_expiry_age(modification=NOW) == 120
    s.set_expiry(timedelta(hours=1))
    assert 3590 <= s.get_expiry_age() <= 3600
    # Explicit expiry arguments win over the stored value.
    assert s.get_expiry_age(modification=NOW, expiry=NOW + timedelta(seconds=5)) == 5
    assert s.get_expiry_age(expiry=30) == 30
    assert s.get_expiry_date(expiry=NOW) == NOW
    assert s.get_expiry_date(modification=NOW, expiry=10) == NOW + timedelta(seconds=10)


def test_expiry_survives_round_trip():
    s = SessionStore()
    s.set_expiry(NOW + timedelta(seconds=90))
    s.save()
    loaded = SessionStore(s.session_key)
    assert loaded.get_expiry_date() == NOW + timedelta(seconds=90)


def test_async_dict_interface():
    async def main():
        s = SessionStore()
        assert await s.aget("a", 0) == 0
        await s.aset("a", 1)
        assert s.modified and await s.ahas_key("a")
        assert await s.asetdefault("a", 9) == 1 and await s.asetdefault("b", 2) == 2
        await s.aupdate({"c": 3})
        assert list(await s.akeys()) == ["a", "b", "c"]
        assert list(await s.avalues()) == [1, 2, 3]
        assert next(iter(await s.aitems())) == ("a", 1)
        assert await s.apop("c") == 3 and await s.apop("c", None) is None
        await s.aset_test_cookie()
        assert await s.atest_cookie_worked()
        await s.adelete_test_cookie()
        assert not await s.atest_cookie_worked()

    run(main())


def test_async_expiry(override):
    async def main():
        s = SessionStore()
        assert await s.aget_expiry_age() == settings.SESSION_COOKIE_AGE
        assert await s.aget_expiry_age(modification=NOW, expiry=15) == 15
        assert await s.aget_expiry_date(modification=NOW) == NOW + timedelta(
            seconds=settings.SESSION_COOKIE_AGE
        )
        assert await s.aget_expiry_date(expiry=NOW) == NOW
        assert not await s.aget_expire_at_browser_close()
        await s.aset_expiry(0)
        assert await s.aget_expire_at_browser_close()
        await s.aset_expiry(timedelta(seconds=100))
        assert 95 <= await s.aget_expiry_age() <= 100
        await s.aset_expiry(None)
        assert not await s.ahas_key("_session_expiry")
        override(SESSION_EXPIRE_AT_BROWSER_CLOSE=True)
        assert await s.aget_expire_at_browser_close()

    run(main())


def test_async_lazy_load_and_no_load():
    async def main():
        s = SessionStore()
        s["a"] = 1
        s.save()
        loaded = SessionStore(s.session_key)
        assert await loaded._aget_session(no_load=True) == {}
        fresh = SessionStore(s.session_key)
        assert await fresh._aget_session() == {"a": 1}
        assert SessionStore(s.session_key)._get_session(no_load=True) == {}

    run(main())


# Pluggable server-side backend (sync-only implementation, async defaults).


def test_memory_backend_sync():
    s = MemoryStore()
    s["a"] = 1
    s.save()  # no key yet: creates one
    key = s.session_key
    assert len(key) == 32 and set(key) <= set(base.VALID_KEY_CHARS)
    assert MemoryStore(key)["a"] == 1
    assert MemoryStore("unknown-key")._session == {}
    s.cycle_key()
    assert s.session_key != key and not s.exists(key) and MemoryStore(s.session_key)["a"] == 1
    new_key = s.session_key
    s.flush()
    assert s.session_key is None and not s.exists(new_key)
    fresh = MemoryStore()
    fresh.cycle_key()  # no old key to delete
    assert fresh.exists(fresh.session_key)
    MemoryStore.clear_expired()
    assert MemoryStore.data == {}


def test_new_session_key_skips_used_keys(monkeypatch):
    MemoryStore.data = {"a" * 32: "", "b" * 32: ""}
    keys = iter(["a" * 32, "b" * 32, "c" * 32, "a" * 32, "d" * 32])
    monkeypatch.setattr(base, "get_random_string", lambda length, chars: next(keys))
    assert MemoryStore()._get_new_session_key() == "c" * 32
    assert run(MemoryStore()._aget_new_session_key()) == "d" * 32


def test_get_or_create_session_key():
    s = MemoryStore()
    key = s._get_or_create_session_key()
    assert s._get_or_create_session_key() == key
    a = MemoryStore()
    akey = run(a._aget_or_create_session_key())
    assert len(akey) == 32 and run(a._aget_or_create_session_key()) == akey


def test_memory_backend_async_defaults():
    async def main():
        s = MemoryStore()
        await s.acreate()
        key = s.session_key
        assert await s.aexists(key)
        await s.aset("a", 1)
        await s.asave()
        loaded = MemoryStore(key)
        assert await loaded.aget("a") == 1
        assert await MemoryStore(key).aload() == {"a": 1}
        await loaded.acycle_key()
        assert loaded.session_key != key and not await loaded.aexists(key)
        fresh = MemoryStore()
        await fresh.acycle_key()
        assert await fresh.aexists(fresh.session_key)
        await loaded.aflush()
        assert loaded.session_key is None
        await fresh.adelete()
        await MemoryStore.aclear_expired()
        assert MemoryStore.data == {}

    run(main())
