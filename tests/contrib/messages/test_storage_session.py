"""SessionStorage and FallbackStorage."""

import asyncio

import pytest

from microdj.contrib.messages import constants
from microdj.contrib.messages.storage.base import BaseStorage, Message
from microdj.contrib.messages.storage.cookie import CookieStorage
from microdj.contrib.messages.storage.fallback import FallbackStorage
from microdj.contrib.messages.storage.session import SessionStorage
from microdj.core.exceptions import ImproperlyConfigured
from microdj.http import HttpResponse
from tests.contrib.messages.conftest import cookie_value, make_request
from tests.contrib.messages.test_storage_cookie import big_messages


def test_session_storage_needs_the_session_middleware():
    with pytest.raises(ImproperlyConfigured, match="SessionMiddleware"):
        SessionStorage(make_request(session=False))


def test_session_round_trip_and_removal():
    request = make_request()
    storage = SessionStorage(request)
    assert storage._get() == (None, True)
    assert storage._store([Message(20, "a"), Message(40, "b", "t")], None) == []
    again = SessionStorage(request)
    assert list(again) == [Message(20, "a"), Message(40, "b")]
    again.update(None)
    assert "_messages" not in request.session


def test_session_deserialize_passes_other_values_through():
    storage = SessionStorage(make_request())
    assert storage.deserialize_messages([Message(20, "x")]) == [Message(20, "x")]
    assert storage.deserialize_messages("") == ""


def test_session_async_api():
    asyncio.run(_session_async_api())


async def _session_async_api():
    request = make_request()
    storage = SessionStorage(request)
    storage.add(20, "a")
    await storage.aupdate(None)
    assert SessionStorage(request)._get()[0] == [Message(20, "a")]
    assert await SessionStorage(request)._aget() == ([Message(20, "a")], True)
    emptied = SessionStorage(request)
    list(emptied)
    await emptied.aupdate(None)
    assert "_messages" not in request.session


def test_fallback_stores_in_the_cookie_when_it_fits():
    request = make_request()
    storage = FallbackStorage(request)
    storage.add(20, "short")
    response = HttpResponse()
    assert storage.update(response) == []
    assert cookie_value(response) and "_messages" not in request.session


def test_fallback_puts_the_overflow_in_the_session_and_reads_both_back():
    request = make_request()
    msgs = big_messages(12)
    storage = FallbackStorage(request)
    for message in msgs:
        storage.add(message.level, message.message)
    response = HttpResponse()
    assert storage.update(response) == []
    assert "_messages" in request.session
    # The next request: the cookie holds the oldest, the session the rest, in order.
    following = make_request({"messages": cookie_value(response)})
    following.session = request.session
    reread = FallbackStorage(following)
    assert list(reread) == msgs
    # Everything read: both are emptied.
    response = HttpResponse()
    reread.update(response)
    assert response.cookies["messages"]["max-age"] == 0 and "_messages" not in following.session


def test_fallback_without_any_stored_messages():
    storage = FallbackStorage(make_request())
    assert storage._get() == ([], True)
    cookie_only = CookieStorage._encode(CookieStorage(make_request()), [Message(constants.INFO, "x")])
    request = make_request({"messages": cookie_only})
    assert list(FallbackStorage(request)) == [Message(constants.INFO, "x")]


def test_fallback_needs_sessions():
    with pytest.raises(ImproperlyConfigured):
        FallbackStorage(make_request(session=False))


class Empty(BaseStorage):
    """Holds no messages at all for this client."""

    def _get(self):
        return None, True

    def _store(self, messages, response, **kwargs):
        return messages


class Partial(BaseStorage):
    """Holds one message and says more are elsewhere."""

    def _get(self):
        return [Message(20, "first")], False

    def _store(self, messages, response, **kwargs):
        return []


class Nothing(BaseStorage):
    """Was used, holds nothing now."""

    def _get(self):
        return [], False

    def _store(self, messages, response, **kwargs):
        return []


def test_fallback_reading_rules():
    class Stops(FallbackStorage):
        storage_classes = (Empty, Partial)

    class Continues(FallbackStorage):
        storage_classes = (Partial, Nothing, Partial)

    assert Stops(make_request())._get() == ([], True)
    assert Continues(make_request())._get() == ([Message(20, "first"), Message(20, "first")], False)


def test_fallback_async_api_matches_the_sync_one():
    msgs = big_messages(12)

    async def store_async():
        storage = FallbackStorage(make_request())
        for message in msgs:
            storage.add(message.level, message.message)
        response = HttpResponse()
        assert await storage.aupdate(response) == []
        return storage.request, response

    request, response = asyncio.run(store_async())
    assert "_messages" in request.session
    following = make_request({"messages": cookie_value(response)})
    following.session = request.session

    async def read_async():
        storage = FallbackStorage(following)
        assert await storage._aget() == (msgs, True)
        list(storage)  # read: both storages are emptied by the async update
        emptied = HttpResponse()
        await storage.aupdate(emptied)
        return emptied

    emptied = asyncio.run(read_async())
    assert emptied.cookies["messages"]["max-age"] == 0 and "_messages" not in following.session

    class Stops(FallbackStorage):
        storage_classes = (Empty, Partial)

    assert asyncio.run(Stops(make_request())._aget()) == ([], True)
