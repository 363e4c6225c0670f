"""The message storages against Django's: what is stored, what overflows, what reads back."""

import hashlib

import pytest
from django.contrib.messages.storage.base import Message as DjangoMessage
from django.contrib.messages.storage.cookie import CookieStorage as DjangoCookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage as DjangoFallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore as DjangoSessionStore
from django.http import HttpResponse as DjangoHttpResponse
from django.test import RequestFactory as DjangoRequestFactory

from microdj.contrib.messages.storage.base import Message
from microdj.contrib.messages.storage.cookie import CookieStorage
from microdj.contrib.messages.storage.fallback import FallbackStorage
from microdj.http import HttpResponse
from tests.contrib.messages.conftest import make_request


def texts(count, size):
    """Hard-to-compress texts (hex digests), ``size`` characters each."""
    return [(hashlib.sha512(str(n).encode()).hexdigest() * 4)[:size] for n in range(count)]


def django_request(cookie=None):
    request = DjangoRequestFactory().get("/")
    if cookie is not None:
        request.COOKIES["messages"] = cookie
    request.session = DjangoSessionStore()
    return request


def both_store(items, remove_oldest):
    """Store (level, text, tags) triples with each framework's CookieStorage: (unstored, cookie) pairs."""
    mine = CookieStorage(make_request())
    theirs = DjangoCookieStorage(django_request())
    my_response, their_response = HttpResponse(), DjangoHttpResponse()
    my_unstored = mine._store([Message(*i) for i in items], my_response, remove_oldest=remove_oldest)
    their_unstored = theirs._store(
        [DjangoMessage(*i) for i in items], their_response, remove_oldest=remove_oldest
    )
    return (my_unstored, my_response.cookies["messages"]), (
        their_unstored,
        their_response.cookies["messages"],
    )


CASES = [(0, 10), (1, 50), (5, 100), (8, 300), (12, 300), (30, 120), (60, 40), (3, 1500), (1, 3000)]


@pytest.mark.parametrize("remove_oldest", [True, False])
@pytest.mark.parametrize(("count", "size"), CASES)
def test_cookie_storage_stores_and_overflows_as_django(count, size, remove_oldest):
    items = [(20 + n % 3 * 5, text, "t" if n % 2 else "") for n, text in enumerate(texts(count, size))]
    (mine, my_morsel), (theirs, their_morsel) = both_store(items, remove_oldest)
    assert [m.message for m in mine] == [m.message for m in theirs]
    # Same payload, same signature sizes: the cookie is exactly as long.
    assert len(my_morsel.coded_value) == len(their_morsel.coded_value)
    assert my_morsel["max-age"] == their_morsel["max-age"]
    if my_morsel.value:
        loaded, all_retrieved = CookieStorage(make_request({"messages": my_morsel.value}))._get()
        their_loaded, their_all = DjangoCookieStorage(django_request(their_morsel.value))._get()
        assert all_retrieved == their_all
        assert [(m.level, m.message, m.extra_tags) for m in loaded] == [
            (m.level, m.message, m.extra_tags) for m in their_loaded
        ]


@pytest.mark.parametrize(("count", "size"), [(2, 10), (12, 300), (40, 200)])
def test_fallback_storage_splits_as_django(count, size):
    items = [(20, text) for text in texts(count, size)]
    mine, theirs = FallbackStorage(make_request()), DjangoFallbackStorage(django_request())
    for storage in (mine, theirs):
        for level, text in items:
            storage.add(level, text)
    my_response, their_response = HttpResponse(), DjangoHttpResponse()
    assert mine.update(my_response) == theirs.update(their_response) == []
    my_session = mine.request.session.get("_messages")
    their_session = theirs.request.session.get("_messages")
    assert (my_session is None) == (their_session is None)
    assert my_session == their_session
    assert len(my_response.cookies["messages"].coded_value) == len(
        their_response.cookies["messages"].coded_value
    )
