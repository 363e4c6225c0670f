"""CookieStorage: signed, compressed, size-limited, the not-finished sentinel, safe text."""

import json

import pytest

from microdj.contrib import messages
from microdj.contrib.messages import constants
from microdj.contrib.messages.storage.base import Message
from microdj.contrib.messages.storage.cookie import (
    CookieStorage,
    MessageDecoder,
    MessageEncoder,
    MessageSerializer,
    SafeText,
)
from microdj.core import signing
from microdj.http import HttpResponse
from tests.contrib.messages.conftest import cookie_value, make_request


def stored_cookie(messages_list, **kwargs):
    """The cookie value a CookieStorage writes for ``messages_list``."""
    storage = CookieStorage(make_request())
    response = HttpResponse()
    unstored = storage._store(messages_list, response, **kwargs)
    return cookie_value(response), unstored


def read_back(value):
    storage = CookieStorage(make_request({"messages": value}))
    return list(storage), storage


def test_round_trip_keeps_level_text_and_tags():
    value, unstored = stored_cookie([Message(constants.INFO, "one"), Message(constants.ERROR, "two", "x y")])
    assert unstored == []
    loaded, _storage = read_back(value)
    assert loaded == [Message(constants.INFO, "one"), Message(constants.ERROR, "two")]
    assert [m.tags for m in loaded] == ["info", "x y error"]


def test_the_cookie_is_signed_with_the_messages_salt():
    value, _ = stored_cookie([Message(constants.INFO, "hello")])
    signer = signing.get_cookie_signer(salt="microdj.contrib.messages")
    assert signer.unsign_object(value, serializer=MessageSerializer) == [Message(constants.INFO, "hello")]


def test_a_tampered_cookie_is_dropped_and_deleted():
    value, _ = stored_cookie([Message(constants.INFO, "hello")])
    loaded, storage = read_back(value[:-1] + ("A" if value[-1] != "A" else "B"))
    assert loaded == []
    assert storage.used
    response = HttpResponse()
    storage.update(response)
    assert response.cookies["messages"]["max-age"] == 0


@pytest.mark.parametrize("garbage", ["not-signed", "", None])
def test_garbage_or_no_cookie_reads_as_no_messages(garbage):
    storage = CookieStorage(make_request({} if garbage is None else {"messages": garbage}))
    assert list(storage) == []
    assert storage._get() == (None, True)


def test_invalid_json_under_a_good_signature_is_dropped():
    signer = signing.get_cookie_signer(salt="microdj.contrib.messages")
    value = signer.sign(signing.b64_encode(b"[not json").decode())
    loaded, storage = read_back(value)
    assert loaded == [] and storage.used


def test_no_messages_deletes_the_cookie():
    value, _ = stored_cookie([])
    assert value == ""  # delete_cookie() sets an empty, expired cookie


def test_cookie_settings_are_used(override):
    override(
        SESSION_COOKIE_DOMAIN=".example.com", SESSION_COOKIE_SECURE=True, SESSION_COOKIE_SAMESITE="Strict"
    )
    storage = CookieStorage(make_request())
    response = HttpResponse()
    storage._store([Message(constants.INFO, "x")], response)
    morsel = response.cookies["messages"]
    assert (morsel["domain"], morsel["secure"], morsel["httponly"], morsel["samesite"]) == (
        ".example.com",
        True,
        True,
        "Strict",
    )


def big_messages(count, size=300):
    # Random-looking text does not compress, so the size limit is reached.
    import random

    rng = random.Random(count)
    return [
        Message(
            constants.INFO, "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(size))
        )
        for _ in range(count)
    ]


def test_too_many_messages_keep_the_newest_and_mark_not_finished():
    msgs = big_messages(12)
    value, unstored = stored_cookie(msgs)
    assert unstored and unstored == msgs[: len(unstored)]
    assert len(value) <= CookieStorage.max_cookie_size
    storage = CookieStorage(make_request({"messages": value}))
    loaded, all_retrieved = storage._get()
    assert not all_retrieved
    assert loaded == msgs[len(unstored) :]


def test_remove_oldest_false_keeps_the_oldest():
    msgs = big_messages(12)
    value, unstored = stored_cookie(msgs, remove_oldest=False)
    assert unstored and unstored == msgs[len(msgs) - len(unstored) :]
    loaded, all_retrieved = CookieStorage(make_request({"messages": value}))._get()
    assert loaded == msgs[: len(msgs) - len(unstored)] and not all_retrieved


def test_no_size_limit_when_max_cookie_size_is_zero(monkeypatch):
    monkeypatch.setattr(CookieStorage, "max_cookie_size", 0)
    value, unstored = stored_cookie(big_messages(12))
    assert unstored == [] and len(value) > 2048


def test_safe_text_stays_safe():
    class Markup(str):
        def __html__(self):
            return self

    value, _ = stored_cookie([Message(constants.INFO, Markup("<b>ok</b>")), Message(constants.INFO, "<i>")])
    loaded, _ = read_back(value)
    assert isinstance(loaded[0].message, SafeText) and loaded[0].message.__html__() == "<b>ok</b>"
    assert type(loaded[1].message) is str


def test_encoder_and_decoder_nest():
    data = {"a": [Message(constants.INFO, "x", "t"), Message(constants.DEBUG, "y")], "b": [1, [2]], "c": []}
    encoded = json.dumps(data, cls=MessageEncoder)
    assert json.loads(encoded, cls=MessageDecoder) == data
    assert json.loads(encoded, cls=MessageDecoder)["a"][0].extra_tags == "t"
    with pytest.raises(TypeError):
        json.dumps(object(), cls=MessageEncoder)


def test_encode_helper_and_empty():
    storage = CookieStorage(make_request())
    assert storage._encode([]) is None
    assert storage._decode(storage._encode([], encode_empty=True)) == []
    assert storage._decode(storage._encode([Message(constants.INFO, "x")])) == [Message(constants.INFO, "x")]


def test_through_the_api_on_a_request():
    request = make_request()
    request._messages = CookieStorage(request)
    messages.info(request, "saved")
    response = HttpResponse()
    assert request._messages.update(response) == []
    loaded, _ = read_back(cookie_value(response))
    assert loaded == [Message(constants.INFO, "saved")]


def test_the_message_serializer_round_trips():
    signer = signing.get_cookie_signer(salt="microdj.contrib.messages")
    value = signer.sign_object([Message(constants.INFO, "x", "t")], serializer=MessageSerializer)
    assert CookieStorage(make_request({"messages": value}))._get() == ([Message(constants.INFO, "x")], True)


def test_bisect_helpers_as_django():
    from django.contrib.messages.storage.cookie import bisect_keep_left as theirs_left
    from django.contrib.messages.storage.cookie import bisect_keep_right as theirs_right

    from microdj.contrib.messages.storage.cookie import bisect_keep_left, bisect_keep_right

    for items in ([], [5], [1, 2, 3, 4, 5, 6], list(range(17))):
        for limit in (0, 1, 4, 10, 100):

            def fn(part, limit=limit):
                return sum(part) > limit

            assert bisect_keep_left(items, fn) == theirs_left(items, fn)
            assert bisect_keep_right(items, fn) == theirs_right(items, fn)
