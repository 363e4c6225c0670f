"""``CookieStorage``: messages in a signed, compressed cookie of at most ``max_cookie_size`` bytes.

Each message is JSON ``["__json_message", safe, level, text]`` (plus its extra tags when set). When they do
not all fit, the newest that fit are kept (the oldest, when told to keep the oldest) and the
``__messagesnotfinished__`` sentinel ends the list, so the next request knows the rest is elsewhere.
A cookie that fails its signature or is not valid JSON is dropped.
"""

from __future__ import annotations

import binascii
import json
from collections.abc import Callable, Sequence
from http.cookies import SimpleCookie
from typing import Any

from microdj.conf import settings
from microdj.contrib.messages.storage.base import BaseStorage, Message
from microdj.core import signing


class SafeText(str):
    """Text already safe to show in HTML (``__html__``, as Jinja2 and markupsafe read it)."""

    __slots__ = ()

    def __html__(self) -> str:
        return self


def _is_safe(text: Any) -> bool:
    return callable(getattr(text, "__html__", None))


class MessageEncoder(json.JSONEncoder):
    """JSON encoder writing ``Message`` objects in their compact list form."""

    message_key = "__json_message"

    def default(self, o: Any) -> Any:
        if isinstance(o, Message):
            encoded = [self.message_key, 1 if _is_safe(o.message) else 0, o.level, o.message]
            if o.extra_tags is not None:
                encoded.append(o.extra_tags)
            return encoded
        return super().default(o)


class MessageDecoder(json.JSONDecoder):
    """JSON decoder turning the compact list form back into ``Message`` objects (nested too)."""

    def _revive(self, obj: Any) -> Any:
        if isinstance(obj, list) and obj:
            if obj[0] == MessageEncoder.message_key:
                _key, safe, level, text, *tags = obj
                return Message(level, SafeText(text) if safe else text, *tags)
            return [self._revive(item) for item in obj]
        if isinstance(obj, dict):
            return {key: self._revive(value) for key, value in obj.items()}
        return obj

    def decode(self, s: str, *args: Any, **kwargs: Any) -> Any:
        return self._revive(super().decode(s, *args, **kwargs))


def _serialize(message: Any) -> str:
    return json.dumps(message, separators=(",", ":"), cls=MessageEncoder)


class _JoinedParts:
    """Signing serializer: a list of already serialized messages, joined into one JSON array."""

    def dumps(self, parts: Sequence[str]) -> bytes:
        return ("[" + ",".join(parts) + "]").encode("latin-1")


class MessageSerializer:
    """Signing serializer reading the cookie's JSON array back into messages."""

    def dumps(self, messages: Any) -> bytes:
        return _serialize(messages).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        return json.loads(data.decode("latin-1"), cls=MessageDecoder)


def _first_true(count: int, test: Callable[[int], bool]) -> int:
    """The smallest ``i`` in ``0..count`` for which ``test(i)`` holds (``test`` is monotonic; ``count``
    if it never does)."""
    low, high = 0, count
    while low < high:
        middle = (low + high) // 2
        if test(middle):
            high = middle
        else:
            low = middle + 1
    return low


def bisect_keep_left(items: Sequence[Any], fn: Callable[[Sequence[Any]], bool]) -> int:
    """The length of the longest prefix ``items[:i]`` for which ``fn(items[:i + 1])`` is still false.

    ``fn`` must be monotonic (once true for a prefix, true for the longer ones).
    """
    return _first_true(len(items), lambda i: fn(items[: i + 1]))


def bisect_keep_right(items: Sequence[Any], fn: Callable[[Sequence[Any]], bool]) -> int:
    """The smallest ``i`` for which ``fn(items[i:])`` is false: ``items[i:]`` is the longest such suffix.

    ``fn`` must be monotonic (once false for a suffix, false for the shorter ones).
    """
    return _first_true(len(items), lambda i: not fn(items[i:]))


class CookieStorage(BaseStorage):
    """Messages in the ``messages`` cookie, signed with the cookie signer and compressed."""

    cookie_name = "messages"
    # Half of the 4 kB many servers allow for all headers, leaving room for other cookies (0: no limit).
    max_cookie_size = 2048
    not_finished = "__messagesnotfinished__"
    not_finished_json = json.dumps(not_finished)
    key_salt = "microdj.contrib.messages"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.signer = signing.get_cookie_signer(salt=self.key_salt)

    def _get(self, *args: Any, **kwargs: Any) -> tuple[list[Message] | None, bool]:
        messages = self._decode(self.request.COOKIES.get(self.cookie_name))
        all_retrieved = not (messages and messages[-1] == self.not_finished)
        if messages and not all_retrieved:
            messages.pop()
        return messages, all_retrieved

    def _update_cookie(self, encoded_data: str | None, response: Any) -> None:
        """Set the cookie to ``encoded_data``, or delete it when there is nothing to keep."""
        if encoded_data:
            response.set_cookie(
                self.cookie_name,
                encoded_data,
                domain=settings.SESSION_COOKIE_DOMAIN,
                secure=settings.SESSION_COOKIE_SECURE or None,
                httponly=settings.SESSION_COOKIE_HTTPONLY or None,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )
        else:
            response.delete_cookie(
                self.cookie_name,
                domain=settings.SESSION_COOKIE_DOMAIN,
                samesite=settings.SESSION_COOKIE_SAMESITE,
            )

    def _store(
        self, messages: list[Message], response: Any, remove_oldest: bool = True, *args: Any, **kwargs: Any
    ) -> list[Message]:
        """Store what fits in the cookie and return the rest (see the module docstring)."""
        parts = [_serialize(message) for message in messages]
        encoded = self._encode_parts(parts)
        unstored: list[Message] = []
        if self.max_cookie_size and self._too_large(encoded):

            def too_large(kept: Sequence[str]) -> bool:
                return self._too_large(self._with_sentinel(list(kept)))

            if remove_oldest:
                # Keep parts[start:]: the newest messages that fit beside the sentinel.
                start = bisect_keep_right(parts, too_large)
                unstored = messages[:start]
                encoded = self._with_sentinel(parts[start:])
            else:
                # Keep parts[:end]: the oldest messages that fit beside the sentinel.
                end = bisect_keep_left(parts, too_large)
                unstored = messages[end:]
                encoded = self._with_sentinel(parts[:end])
        self._update_cookie(encoded, response)
        return unstored

    def _too_large(self, data: str | None) -> bool:
        # The cookie value is measured as it goes on the wire (quoted and escaped where needed).
        return bool(data) and len(SimpleCookie().value_encode(data)[1]) > self.max_cookie_size  # type: ignore[arg-type]

    def _with_sentinel(self, parts: list[str]) -> str:
        return self._encode_parts([*parts, self.not_finished_json], encode_empty=True)  # type: ignore[return-value]

    def _encode_parts(self, parts: list[str], encode_empty: bool = False) -> str | None:
        """The signed cookie value of already serialized messages (None for none, unless ``encode_empty``)."""
        if parts or encode_empty:
            return self.signer.sign_object(parts, serializer=_JoinedParts, compress=True)
        return None

    def _encode(self, messages: list[Any], encode_empty: bool = False) -> str | None:
        """The signed cookie value of ``messages``."""
        return self._encode_parts([_serialize(message) for message in messages], encode_empty)

    def _decode(self, data: str | None) -> list[Any] | None:
        """The messages of a cookie value; None (and the storage marked used) for a bad one."""
        if not data:
            return None
        try:
            decoded: list[Any] = self.signer.unsign_object(data, serializer=MessageSerializer)
            return decoded
        except (signing.BadSignature, binascii.Error, ValueError):
            pass
        # A bad cookie is dropped: marking the storage used makes update() replace it.
        self.used = True
        return None
