"""``Message`` and ``BaseStorage``: what every message storage shares.

A storage holds the messages loaded from the previous responses (read lazily, on first use) and the
messages added during this request (queued). Iterating marks the storage used; at the end of the request
``update(response)`` stores what must survive: the queued messages only once the storage was iterated,
the loaded and queued ones if new messages were added without iterating, nothing otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from microdj.conf import settings
from microdj.contrib.messages import constants
from microdj.contrib.messages.utils import level_tags


class Message:
    """One message: a level, its text and optional extra tags (space-separated)."""

    def __init__(self, level: int, message: Any, extra_tags: str | None = None) -> None:
        self.level = int(level)
        self.message = message
        self.extra_tags = extra_tags

    def _prepare(self) -> None:
        """Make the text and tags plain strings (lazy objects are evaluated) before storing."""
        if not isinstance(self.message, str):
            self.message = str(self.message)
        if self.extra_tags is not None and not isinstance(self.extra_tags, str):
            self.extra_tags = str(self.extra_tags)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return self.level == other.level and self.message == other.message

    __hash__ = None  # type: ignore[assignment]

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        tags = f", extra_tags={self.extra_tags!r}" if self.extra_tags else ""
        return f"Message(level={self.level}, message={self.message!r}{tags})"

    @property
    def level_tag(self) -> str:
        """The tag of this level (``MESSAGE_TAGS`` over the defaults), or "" for an unknown level."""
        return level_tags().get(self.level, "")

    @property
    def tags(self) -> str:
        """The extra tags and the level tag, space-separated."""
        return " ".join(tag for tag in (self.extra_tags, self.level_tag) if tag)


class BaseStorage:
    """A message storage for one request; subclasses implement ``_get()`` and ``_store()``.

    ``_get()`` returns ``(messages, all_retrieved)``: ``messages`` is None when the storage holds nothing
    at all for this client, ``all_retrieved`` False when it was told more messages are stored elsewhere.
    ``_store(messages, response)`` stores them and returns those it could not. ``_aget()``/``_astore()``
    are their async forms, for storages whose backing store has an async API.
    """

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self._queued_messages: list[Message] = []
        self.used = False
        self.added_new = False
        super().__init__(*args, **kwargs)

    def __len__(self) -> int:
        return len(self._loaded_messages) + len(self._queued_messages)

    def __iter__(self) -> Iterator[Message]:
        self.used = True
        if self._queued_messages:
            self._loaded_messages.extend(self._queued_messages)
            self._queued_messages = []
        return iter(self._loaded_messages)

    def __contains__(self, item: object) -> bool:
        return item in self._loaded_messages or item in self._queued_messages

    def __repr__(self) -> str:
        return f"<{type(self).__qualname__}: request={self.request!r}>"

    @property
    def _loaded_messages(self) -> list[Message]:
        """The messages stored by earlier responses, read on first use."""
        loaded: list[Message] | None = self.__dict__.get("_loaded_data")
        if loaded is None:
            messages, _all_retrieved = self._get()
            loaded = self._loaded_data = messages or []
        return loaded

    def _get(self, *args: Any, **kwargs: Any) -> tuple[list[Message] | None, bool]:
        raise NotImplementedError("subclasses of BaseStorage must provide a _get() method")

    def _store(self, messages: list[Message], response: Any, *args: Any, **kwargs: Any) -> list[Message]:
        raise NotImplementedError("subclasses of BaseStorage must provide a _store() method")

    async def _aget(self) -> tuple[list[Message] | None, bool]:
        return self._get()

    async def _astore(self, messages: list[Message], response: Any, **kwargs: Any) -> list[Message]:
        return self._store(messages, response, **kwargs)

    def _prepare_messages(self, messages: list[Message]) -> None:
        for message in messages:
            message._prepare()

    def _to_store(self) -> list[Message] | None:
        """The messages ``update()`` must store, or None when nothing changed (loaded must be loaded)."""
        self._prepare_messages(self._queued_messages)
        if self.used:
            return self._queued_messages
        if self.added_new:
            return self._loaded_messages + self._queued_messages
        return None

    def update(self, response: Any) -> list[Message] | None:
        """Store the messages that must survive this request; return those that could not be stored."""
        messages = self._to_store()
        return None if messages is None else self._store(messages, response)

    async def aupdate(self, response: Any) -> list[Message] | None:
        """``update()`` through the storage's async API."""
        if not self.used and self.added_new and "_loaded_data" not in self.__dict__:
            messages, _all_retrieved = await self._aget()
            self._loaded_data = messages or []
        messages = self._to_store()
        return None if messages is None else await self._astore(messages, response)

    def add(self, level: int, message: Any, extra_tags: str = "") -> None:
        """Queue a message, unless it is empty or its level is below ``self.level``."""
        if not message:
            return
        level = int(level)
        if level < self.level:
            return
        self.added_new = True
        self._queued_messages.append(Message(level, message, extra_tags=extra_tags))

    @property
    def level(self) -> int:
        """The lowest level recorded: set on the storage, else ``MESSAGE_LEVEL`` (default INFO)."""
        level: int | None = self.__dict__.get("_level")
        if level is None:
            level = self._level = getattr(settings, "MESSAGE_LEVEL", constants.INFO)
        return level

    @level.setter
    def level(self, value: int | None) -> None:
        if value is None:
            self.__dict__.pop("_level", None)
        else:
            self._level = int(value)

    @level.deleter
    def level(self) -> None:
        self.__dict__.pop("_level", None)
