"""Message and BaseStorage: levels, tags, queueing, what update() stores."""

import asyncio

import pytest

from microdj.contrib.messages import constants
from microdj.contrib.messages.storage.base import BaseStorage, Message
from microdj.contrib.messages.utils import get_level_tags
from tests.contrib.messages.conftest import make_request


class ListStorage(BaseStorage):
    """Keeps what it is given in ``saved``; starts from ``preloaded``."""

    def __init__(self, request, preloaded=None):
        super().__init__(request)
        self.preloaded = preloaded
        self.saved = None

    def _get(self):
        return (None if self.preloaded is None else list(self.preloaded)), True

    def _store(self, messages, response, **kwargs):
        self.saved = list(messages)
        return []


def test_message_equality_str_repr_and_tags():
    message = Message(constants.WARNING, "careful", extra_tags="big")
    assert message == Message(30, "careful") and message != Message(40, "careful")
    assert message.__eq__("careful") is NotImplemented
    assert str(message) == "careful"
    assert repr(message) == "Message(level=30, message='careful', extra_tags='big')"
    assert repr(Message(20, "x")) == "Message(level=20, message='x')"
    assert message.tags == "big warning" and message.level_tag == "warning"
    assert Message(99, "x").tags == "" and Message(99, "x", "only").tags == "only"
    with pytest.raises(TypeError):
        hash(message)


def test_prepare_evaluates_lazy_text():
    class Lazy:
        def __str__(self):
            return "evaluated"

    message = Message(20, Lazy(), extra_tags=Lazy())
    message._prepare()
    assert (message.message, message.extra_tags) == ("evaluated", "evaluated")
    untagged = Message(20, "x", None)
    untagged._prepare()
    assert untagged.extra_tags is None


def test_message_tags_setting_changes_tags(override):
    assert Message(constants.ERROR, "x").level_tag == "error"
    override(MESSAGE_TAGS={constants.ERROR: "danger", 5: "trace"})
    assert Message(constants.ERROR, "x").level_tag == "danger"
    assert get_level_tags()[5] == "trace" and get_level_tags()[constants.INFO] == "info"


def test_add_skips_empty_and_low_levels():
    storage = ListStorage(make_request())
    storage.add(constants.DEBUG, "hidden")
    storage.add(constants.INFO, "")
    assert len(storage) == 0 and not storage.added_new
    storage.add("25", "shown", extra_tags="t")
    assert len(storage) == 1 and Message(25, "shown") in storage and storage.added_new


def test_level_from_setting_and_override(override):
    override(MESSAGE_LEVEL=constants.DEBUG)
    storage = ListStorage(make_request())
    assert storage.level == constants.DEBUG
    storage.level = "30"
    assert storage.level == 30
    storage.level = None
    assert storage.level == constants.DEBUG
    storage.level = 40
    del storage.level
    assert storage.level == constants.DEBUG


def test_update_stores_nothing_when_untouched():
    storage = ListStorage(make_request(), preloaded=[Message(20, "old")])
    assert storage.update(None) is None and storage.saved is None


def test_update_keeps_loaded_messages_when_not_iterated():
    storage = ListStorage(make_request(), preloaded=[Message(20, "old")])
    storage.add(20, "new")
    storage.update(None)
    assert storage.saved == [Message(20, "old"), Message(20, "new")]


def test_iterating_consumes_loaded_and_queued():
    storage = ListStorage(make_request(), preloaded=[Message(20, "old")])
    storage.add(20, "new")
    assert [m.message for m in storage] == ["old", "new"]
    assert Message(20, "new") in storage
    storage.add(20, "later")
    storage.update(None)
    assert storage.saved == [Message(20, "later")]


def test_repr_and_abstract_methods():
    request = make_request()
    assert repr(BaseStorage(request)).startswith("<BaseStorage: request=")
    with pytest.raises(NotImplementedError):
        BaseStorage(request)._get()
    with pytest.raises(NotImplementedError):
        BaseStorage(request)._store([], None)


def test_aupdate_loads_through_the_async_api():
    asyncio.run(_aupdate_loads())


async def _aupdate_loads():
    storage = ListStorage(make_request(), preloaded=[Message(20, "old")])
    storage.add(20, "new")
    assert await storage.aupdate(None) == []
    assert storage.saved == [Message(20, "old"), Message(20, "new")]
    untouched = ListStorage(make_request())
    assert await untouched.aupdate(None) is None
