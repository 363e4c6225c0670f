"""microdj.contrib.sessions.middleware.SessionMiddleware: cookies, Vary, saving, sync and async."""

import sys
import types

import pytest
from asgiref.sync import iscoroutinefunction

from microdj.conf import settings
from microdj.contrib.sessions.backends import base
from microdj.contrib.sessions.backends.signed_cookies import SALT, SessionStore
from microdj.contrib.sessions.exceptions import SessionInterrupted
from microdj.contrib.sessions.middleware import SessionMiddleware
from microdj.core import signing
from microdj.http.response import HttpResponse
from microdj.test import RequestFactory
from tests.support.sessions import MemoryStore, run

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
