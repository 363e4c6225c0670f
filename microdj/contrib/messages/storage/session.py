"""``SessionStorage``: messages in ``request.session`` (the session middleware must come first)."""

from __future__ import annotations

import json
from typing import Any

from microdj.contrib.messages.storage.base import BaseStorage, Message
from microdj.contrib.messages.storage.cookie import MessageDecoder, MessageEncoder
from microdj.core.exceptions import ImproperlyConfigured


class SessionStorage(BaseStorage):
    """Messages kept as JSON under the ``_messages`` session key; everything given is stored."""

    session_key = "_messages"

    def __init__(self, request: Any, *args: Any, **kwargs: Any) -> None:
        if not hasattr(request, "session"):
            raise ImproperlyConfigured(
                "The session-based temporary message storage requires session middleware to be installed, "
                "and come before the message middleware in the MIDDLEWARE list. Add "
                "'microdj.contrib.sessions.middleware.SessionMiddleware' above "
                "'microdj.contrib.messages.middleware.MessageMiddleware'."
            )
        super().__init__(request, *args, **kwargs)

    def _get(self, *args: Any, **kwargs: Any) -> tuple[list[Message] | None, bool]:
        return self.deserialize_messages(self.request.session.get(self.session_key)), True

    async def _aget(self) -> tuple[list[Message] | None, bool]:
        return self.deserialize_messages(await self.request.session.aget(self.session_key)), True

    def _store(self, messages: list[Message], response: Any, *args: Any, **kwargs: Any) -> list[Message]:
        if messages:
            self.request.session[self.session_key] = self.serialize_messages(messages)
        else:
            self.request.session.pop(self.session_key, None)
        return []

    async def _astore(self, messages: list[Message], response: Any, **kwargs: Any) -> list[Message]:
        if messages:
            await self.request.session.aset(self.session_key, self.serialize_messages(messages))
        else:
            await self.request.session.apop(self.session_key, None)
        return []

    def serialize_messages(self, messages: list[Message]) -> str:
        """The JSON kept in the session."""
        return MessageEncoder().encode(messages)

    def deserialize_messages(self, data: Any) -> Any:
        """The messages of the session's JSON (anything but a non-empty string is returned as is)."""
        if data and isinstance(data, str):
            return json.loads(data, cls=MessageDecoder)
        return data
