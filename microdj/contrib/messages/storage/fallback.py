"""``FallbackStorage``: the cookie first, the session for what does not fit (the default storage)."""

from __future__ import annotations

from typing import Any

from microdj.contrib.messages.storage.base import BaseStorage, Message
from microdj.contrib.messages.storage.cookie import CookieStorage
from microdj.contrib.messages.storage.session import SessionStorage


class FallbackStorage(BaseStorage):
    """Tries each storage of ``storage_classes`` in turn; each stores what the ones before could not."""

    storage_classes: tuple[type[BaseStorage], ...] = (CookieStorage, SessionStorage)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.storages = [storage_class(*args, **kwargs) for storage_class in self.storage_classes]
        self._used_storages: set[BaseStorage] = set()

    def _get(self, *args: Any, **kwargs: Any) -> tuple[list[Message] | None, bool]:
        """All messages, read storage by storage until one says it held the rest."""
        found: list[Message] = []
        all_retrieved = True
        for storage in self.storages:
            messages, all_retrieved = storage._get()
            if messages is None:
                # Never used for this client: the ones after it were not either.
                break
            if messages:
                self._used_storages.add(storage)
            found.extend(messages)
            if all_retrieved:
                break
        return found, all_retrieved

    def _store(self, messages: list[Message], response: Any, *args: Any, **kwargs: Any) -> list[Message]:
        """Store in each storage what the previous ones could not; empty the ones that held messages."""
        for storage in self.storages:
            if messages:
                messages = storage._store(messages, response, remove_oldest=False)
            elif storage in self._used_storages:
                storage._store([], response)
                self._used_storages.discard(storage)
        return messages
