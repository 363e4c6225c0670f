"""microdj.contrib.sessions.backends.signed_cookies: the session kept in its own signed cookie."""

from datetime import UTC, datetime

from microdj.contrib.sessions.backends.signed_cookies import SALT, SessionStore
from microdj.core import signing
from tests.support.sessions import run

# Signed cookie backend.


def test_signed_cookie_round_trip():
    s = SessionStore()
    s["user"] = 42
    s.save()
    assert s.modified
    assert signing.loads(s.session_key, salt=SALT) == {"user": 42}
    loaded = SessionStore(s.session_key)
    assert not loaded.accessed
    assert loaded["user"] == 42 and not loaded.modified


def test_signed_cookie_compresses():
    s = SessionStore()
    s["data"] = "x" * 1000
    s.save()
    assert s.session_key.startswith(".") and len(s.session_key) < 200


def test_signed_cookie_tampered_or_foreign_data_resets():
    s = SessionStore()
    s["admin"] = False
    s.save()
    forged = SessionStore(s.session_key[:-3] + "abc")
    assert forged.get("admin") is None and forged.modified
    other_salt = SessionStore(signing.dumps({"admin": True}, compress=True))
    assert other_salt.get("admin") is None


def test_signed_cookie_expires_with_session_cookie_age(monkeypatch, override):
    s = SessionStore()
    s["a"] = 1
    s.save()
    monkeypatch.setattr(signing.time, "time", lambda: datetime.now(UTC).timestamp() + 11)
    override(SESSION_COOKIE_AGE=10)
    assert SessionStore(s.session_key).get("a") is None
    override(SESSION_COOKIE_AGE=20)
    assert SessionStore(s.session_key).get("a") == 1


def test_signed_cookie_flush_cycle_and_storage_methods():
    s = SessionStore()
    s["a"] = 1
    s.save()
    key = s.session_key
    assert not s.exists(key)
    s.cycle_key()
    assert s["a"] == 1 and s.modified
    s.flush()
    assert s.session_key is None and s.is_empty() and dict(s.items()) == {}
    assert SessionStore.clear_expired() is None
    s2 = SessionStore(key)
    s2.delete()
    assert s2.session_key is None and s2.modified and s2.is_empty()
    assert len(s._get_new_session_key()) == 32


def test_signed_cookie_async_methods():
    async def main():
        s = SessionStore()
        await s.aset("a", 1)
        await s.asave()
        key = s.session_key
        loaded = SessionStore(key)
        assert await loaded.aget("a") == 1
        assert await loaded.aload() == {"a": 1}
        assert not await loaded.aexists(key)
        await loaded.acycle_key()
        assert loaded.session_key
        await loaded.acreate()
        assert loaded.modified
        await loaded.aflush()
        assert loaded.session_key is None and loaded.is_empty()
        await SessionStore.aclear_expired()
        await s.adelete()
        assert s.session_key is None

    run(main())
