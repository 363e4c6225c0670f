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
            if self._gather(storage, messages, found) or all_retrieved:
                break
        return found, all_retrieved

    async def _aget(self) -> tuple[list[Message] | None, bool]:
        """``_get()`` through each storage's async API."""
        found: list[Message] = []
        all_retrieved = True
        for storage in self.storages:
            messages, all_retrieved = await storage._aget()
            if self._gather(storage, messages, found) or all_retrieved:
                break
        return found, all_retrieved

    def _gather(self, storage: BaseStorage, messages: list[Message] | None, found: list[Message]) -> bool:
        """Add a storage's messages to ``found``; True when it was never used (nor, then, the ones after)."""
        if messages is None:
            return True
        if messages:
            self._used_storages.add(storage)
        found.extend(messages)
        return False

    def _store(self, messages: list[Message], response: Any, *args: Any, **kwargs: Any) -> list[Message]:
        """Store in each storage what the previous ones could not; empty the ones that held messages."""
        for storage in self.storages:
            if messages:
                messages = storage._store(messages, response, remove_oldest=False)
            elif storage in self._used_storages:
                storage._store([], response)
                self._used_storages.discard(storage)
        return messages

    async def _astore(self, messages: list[Message], response: Any, **kwargs: Any) -> list[Message]:
        """``_store()`` through each storage's async API."""
        for storage in self.storages:
            if messages:
                messages = await storage._astore(messages, response, remove_oldest=False)
            elif storage in self._used_storages:
                await storage._astore([], response)
                self._used_storages.discard(storage)
        return messages
