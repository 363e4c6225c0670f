"""MessageMiddleware through the application, sync and async, and the API functions."""

import pytest

from microdj.contrib import messages
from microdj.contrib.messages.middleware import MessageMiddleware
from microdj.contrib.messages.storage.cookie import CookieStorage
from microdj.contrib.messages.storage.session import SessionStorage
from microdj.http import HttpResponse
from microdj.test import Client, override_settings
from tests.contrib.messages.conftest import make_request

SESSION = "microdj.contrib.sessions.middleware.SessionMiddleware"
MESSAGES = "microdj.contrib.messages.middleware.MessageMiddleware"
URLS = "tests.contrib.messages.urls_messages"

ALL_ADDED = [
    [20, "info message", "info"],
    [25, "success message", "success"],
    [30, "warning message", "warning"],
    [40, "error message", "x error"],
]


@pytest.fixture(params=["sync", "async"])
def client(request):
    # An async view innermost keeps the whole chain async; a sync one keeps it sync.
    with override_settings(ROOT_URLCONF=URLS, MIDDLEWARE=[SESSION, MESSAGES]), Client() as client:
        client.mode = request.param
        yield client


def show(client):
    return client.get("/show/" if client.mode == "sync" else "/ashow/").json()


def test_messages_reach_the_next_request_once(client):
    assert client.get("/add/").status_code == 200
    assert "messages" in client.cookies
    assert show(client) == ALL_ADDED
    # Read: the cookie is deleted and nothing is shown again.
    assert "messages" not in client.cookies
    assert show(client) == []


def test_async_view_adds(client):
    client.get("/aadd/")
    assert show(client) == [[20, "from async", "info"]]


def test_overflow_goes_to_the_session(client):
    client.get("/many/", {"n": 40})
    shown = show(client)
    assert [m[1][:4] for m in shown] == [f"{n:04d}" for n in range(40)]
    assert show(client) == []


def test_set_level_and_get_level(client):
    assert client.get("/level/").content == b"10"
    assert show(client) == [[10, "now recorded", "debug"]]


def test_cookie_storage_only_debug_refuses_to_lose_messages():
    storage = "microdj.contrib.messages.storage.cookie.CookieStorage"
    with override_settings(ROOT_URLCONF=URLS, MIDDLEWARE=[MESSAGES], MESSAGE_STORAGE=storage, DEBUG=True):
        with Client(raise_request_exception=True) as client, pytest.raises(ValueError, match="Not all"):
            client.get("/many/", {"n": 40})
    with override_settings(ROOT_URLCONF=URLS, MIDDLEWARE=[MESSAGES], MESSAGE_STORAGE=storage):
        with Client() as client:
            client.get("/many/", {"n": 40})
            shown = show_sync(client)
    # The newest that fit are kept.
    assert shown and shown[-1][1].startswith("0039") and len(shown) < 40


def show_sync(client):
    return client.get("/show/").json()


def test_the_storage_setting_is_read_per_request():
    with (
        override_settings(
            ROOT_URLCONF=URLS, MIDDLEWARE=[SESSION, MESSAGES], MESSAGE_STORAGE="tests.nowhere.Storage"
        ),
        Client() as client,
        pytest.raises(ImportError),
    ):
        client.get("/show/")


def test_middleware_leaves_a_request_without_storage_alone():
    middleware = MessageMiddleware(lambda request: HttpResponse())
    request = make_request()
    response = HttpResponse()
    assert middleware.process_response(request, response) is response
    assert repr(middleware).startswith("<MessageMiddleware get_response=")
    with pytest.raises(ValueError, match="get_response"):
        MessageMiddleware(None)


def test_async_middleware_without_storage():
    import asyncio

    async def inner(request):
        del request._messages
        return HttpResponse("ok")

    middleware = MessageMiddleware(inner)
    assert asyncio.run(middleware(make_request())).content == b"ok"


def test_api_without_the_middleware():
    request = make_request()
    with pytest.raises(messages.MessageFailure, match="MessageMiddleware"):
        messages.info(request, "x")
    messages.info(request, "x", fail_silently=True)
    with pytest.raises(TypeError, match="HttpRequest object, not 'object'"):
        messages.add_message(object(), messages.INFO, "x")
    assert messages.get_messages(request) == []
    assert messages.set_level(request, messages.DEBUG) is False
    assert messages.get_level(request) == messages.INFO


def test_api_with_a_storage():
    request = make_request()
    request._messages = CookieStorage(request)
    assert messages.set_level(request, messages.WARNING)
    messages.info(request, "dropped")
    messages.warning(request, "kept")
    assert [m.message for m in messages.get_messages(request)] == ["kept"]
    assert messages.get_level(request) == messages.WARNING
    request._messages = SessionStorage(request)
    messages.success(request, "s")
    assert len(request._messages) == 1


def test_sync_mode_stores_on_the_response():
    def view(request):
        messages.error(request, "sync")
        return HttpResponse("ok")

    middleware = MessageMiddleware(view)
    request = make_request()
    response = middleware(request)
    assert response.cookies["messages"].value
    assert [
        m.message for m in CookieStorage(make_request({"messages": response.cookies["messages"].value}))
    ] == ["sync"]
