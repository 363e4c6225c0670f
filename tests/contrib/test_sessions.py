import asyncio
import logging
import sys
import types
from datetime import UTC, datetime, timedelta

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.contrib.sessions.backends import base
from microdj.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError
from microdj.contrib.sessions.backends.signed_cookies import SALT, SessionStore
from microdj.contrib.sessions.exceptions import InvalidSessionKey, SessionInterrupted, SuspiciousSession
from microdj.contrib.sessions.middleware import SessionMiddleware
from microdj.core import signing
from microdj.core.exceptions import BadRequest, SuspiciousOperation
from microdj.http.response import HttpResponse
from microdj.test import RequestFactory

NOW = datetime(2030, 1, 1, tzinfo=UTC)


class MemoryStore(SessionBase):
    """A server-side backend implementing only the sync interface (async defaults hop threads)."""

    data: dict[str, str] = {}

    def exists(self, session_key):
        return session_key in self.data

    def create(self):
        while True:
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        if must_create and self.session_key in self.data:
            raise CreateError
        if not must_create and self.session_key not in self.data:
            raise UpdateError
        self.data[self.session_key] = self.encode(self._get_session(no_load=must_create))

    def delete(self, session_key=None):
        self.data.pop(session_key or self.session_key, None)

    def load(self):
        try:
            return self.decode(self.data[self.session_key])
        except KeyError:
            self._session_key = None
            return {}

    @classmethod
    def clear_expired(cls):
        cls.data.clear()


@pytest.fixture(autouse=True)
def empty_memory_store():
    MemoryStore.data = {}


def run(coro):
    return asyncio.run(coro)


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


# SessionMiddleware.


def make_request(cookies=None):
    factory = RequestFactory()
    for name, value in (cookies or {}).items():
        factory.cookies[name] = value
    return factory.get("/")


def view_factory(action, status=200):
    def view(request):
        action(request.session)
        return HttpResponse("ok", status=status)

    return view


def cookie_for(**data):
    s = SessionStore()
    s.update(data)
    s.save()
    return s.session_key


def call(view, request, engine_store=None):
    mw = SessionMiddleware(view)
    if engine_store is not None:
        mw.SessionStore = engine_store
    return mw(request)


def acall(view, request, engine_store=None):
    async def async_view(request):
        return view(request)

    mw = SessionMiddleware(async_view)
    if engine_store is not None:
        mw.SessionStore = engine_store
    assert iscoroutinefunction(mw) and mw.async_mode
    return run(mw(request))


both_modes = pytest.mark.parametrize("invoke", [call, acall], ids=["sync", "async"])


def test_middleware_requires_get_response():
    with pytest.raises(ValueError, match="get_response must be provided"):
        SessionMiddleware(None)


def test_middleware_flags_and_repr():
    def get_response(request):
        return HttpResponse()

    mw = SessionMiddleware(get_response)
    assert SessionMiddleware.sync_capable and SessionMiddleware.async_capable
    assert not mw.async_mode and not iscoroutinefunction(mw)
    assert repr(mw) == "<SessionMiddleware get_response=test_middleware_flags_and_repr.<locals>.get_response>"

    class Callable:
        def __call__(self, request):
            return HttpResponse()

    assert repr(SessionMiddleware(Callable())) == "<SessionMiddleware get_response=Callable>"


def test_middleware_uses_session_engine(monkeypatch, override):
    module = types.ModuleType("fake_engine")
    module.SessionStore = MemoryStore
    monkeypatch.setitem(sys.modules, "fake_engine", module)
    override(SESSION_ENGINE="fake_engine")
    request = make_request()
    response = SessionMiddleware(view_factory(lambda s: s.__setitem__("a", 1)))(request)
    assert isinstance(request.session, MemoryStore)
    assert response.cookies["sessionid"].value == request.session.session_key
    assert MemoryStore(request.session.session_key)["a"] == 1


@both_modes
def test_untouched_session_sets_nothing(invoke):
    request = make_request()
    response = invoke(view_factory(lambda s: None), request)
    assert isinstance(request.session, SessionStore)
    assert "sessionid" not in response.cookies
    assert not response.has_header("Vary")


@both_modes
def test_read_session_varies_on_cookie(invoke):
    request = make_request({"sessionid": cookie_for(user=1)})
    seen = []
    response = invoke(view_factory(lambda s: seen.append(s.get("user"))), request)
    assert seen == [1]
    assert response.headers["Vary"] == "Cookie"
    assert "sessionid" not in response.cookies


@both_modes
def test_modified_session_sets_cookie(invoke):
    request = make_request()
    response = invoke(view_factory(lambda s: s.__setitem__("user", 7)), request)
    morsel = response.cookies["sessionid"]
    assert signing.loads(morsel.value, salt=SALT) == {"user": 7}
    assert morsel["max-age"] == settings.SESSION_COOKIE_AGE
    assert morsel["expires"].endswith(" GMT")
    assert morsel["path"] == "/" and morsel["httponly"] is True and morsel["samesite"] == "Lax"
    assert not morsel["secure"] and not morsel["domain"]
    assert response.headers["Vary"] == "Cookie"
    # The next request carries the data back.
    seen = []
    invoke(view_factory(lambda s: seen.append(s["user"])), make_request({"sessionid": morsel.value}))
    assert seen == [7]


@both_modes
def test_cookie_settings(invoke, override):
    override(SESSION_COOKIE_NAME="sid")
    override(SESSION_COOKIE_DOMAIN="example.com")
    override(SESSION_COOKIE_PATH="/app")
    override(SESSION_COOKIE_SECURE=True)
    override(SESSION_COOKIE_HTTPONLY=False)
    override(SESSION_COOKIE_SAMESITE="Strict")
    response = invoke(view_factory(lambda s: s.__setitem__("a", 1)), make_request())
    morsel = response.cookies["sid"]
    assert morsel["domain"] == "example.com" and morsel["path"] == "/app"
    assert morsel["secure"] is True and not morsel["httponly"] and morsel["samesite"] == "Strict"


@both_modes
def test_expire_at_browser_close(invoke, override):
    override(SESSION_EXPIRE_AT_BROWSER_CLOSE=True)
    response = invoke(view_factory(lambda s: s.__setitem__("a", 1)), make_request())
    morsel = response.cookies["sessionid"]
    assert morsel.value and not morsel["max-age"] and not morsel["expires"]


@both_modes
def test_set_expiry_drives_cookie(invoke):
    response = invoke(view_factory(lambda s: s.set_expiry(60)), make_request())
    assert response.cookies["sessionid"]["max-age"] == 60
    response = invoke(view_factory(lambda s: s.set_expiry(0)), make_request())
    assert not response.cookies["sessionid"]["max-age"]


@both_modes
@pytest.mark.parametrize(
    ("before", "after"), [("Accept-Encoding", "Accept-Encoding, Cookie"), ("cookie", "cookie"), ("*", "*")]
)
def test_vary_header_is_merged(invoke, before, after):
    def view(request):
        request.session.get("a")
        response = HttpResponse()
        response.headers["Vary"] = before
        return response

    assert invoke(view, make_request()).headers["Vary"] == after


@both_modes
def test_emptied_session_deletes_cookie(invoke):
    request = make_request({"sessionid": cookie_for(user=1)})
    response = invoke(view_factory(lambda s: s.flush()), request)
    morsel = response.cookies["sessionid"]
    assert morsel.value == "" and morsel["max-age"] == 0 and morsel["samesite"] == "Lax"
    assert response.headers["Vary"] == "Cookie"


@both_modes
def test_empty_session_without_cookie_sets_nothing(invoke):
    response = invoke(view_factory(lambda s: s.flush()), make_request())
    assert "sessionid" not in response.cookies
    assert response.headers["Vary"] == "Cookie"  # accessed


@both_modes
def test_server_error_does_not_save(invoke):
    response = invoke(view_factory(lambda s: s.__setitem__("a", 1), status=500), make_request())
    assert "sessionid" not in response.cookies
    assert response.headers["Vary"] == "Cookie"


@both_modes
def test_save_every_request(invoke, override):
    override(SESSION_SAVE_EVERY_REQUEST=True)
    response = invoke(view_factory(lambda s: None), make_request({"sessionid": cookie_for(user=1)}))
    assert signing.loads(response.cookies["sessionid"].value, salt=SALT) == {"user": 1}
    assert response.headers["Vary"] == "Cookie"
    response = invoke(view_factory(lambda s: None), make_request())
    assert "sessionid" not in response.cookies  # empty sessions are not saved


@both_modes
def test_tampered_cookie_gives_empty_session(invoke):
    forged = cookie_for(admin=False)[:-2] + "zz"
    seen = []
    response = invoke(
        view_factory(lambda s: seen.append(s.get("admin"))), make_request({"sessionid": forged})
    )
    assert seen == [None]
    # The bad cookie is replaced by a valid, empty one.
    assert signing.loads(response.cookies["sessionid"].value, salt=SALT) == {}


@both_modes
def test_deleted_server_side_session_interrupts(invoke):
    store = MemoryStore()
    store.create()
    key = store.session_key

    def action(session):
        session["a"] = 1
        MemoryStore.data.clear()  # e.g. a concurrent logout

    with pytest.raises(SessionInterrupted, match="deleted before the request completed"):
        invoke(view_factory(action), make_request({"sessionid": key}), engine_store=MemoryStore)


@both_modes
def test_request_without_session_is_left_alone(invoke):
    class NoSession(SessionMiddleware):
        def process_request(self, request):
            pass

    def view(request):
        return HttpResponse("ok")

    async def async_view(request):
        return HttpResponse("ok")

    mw = NoSession(view if invoke is call else async_view)
    response = mw(make_request()) if invoke is call else run(mw(make_request()))
    assert not response.has_header("Vary") and not response.cookies


def test_async_mode_makes_no_thread_hop_for_signed_cookies(monkeypatch):
    import threading

    threads = []

    async def async_view(request):
        threads.append(threading.get_ident())
        request.session["a"] = 1
        return HttpResponse("ok")

    def no_hop(*args, **kwargs):
        raise AssertionError("unexpected thread hop")

    monkeypatch.setattr(base, "sync_to_async", no_hop)
    mw = SessionMiddleware(async_view)

    async def main():
        response = await mw(make_request())
        return threading.get_ident(), response

    loop_thread, response = run(main())
    assert threads == [loop_thread]
    assert response.cookies["sessionid"].value
