"""``MessageMiddleware``: a message storage on every request, saved into the response."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.contrib.messages.storage import default_storage
from microdj.utils.deprecation import MiddlewareMixin

NOT_ALL_STORED = "Not all temporary messages could be stored."


class MessageMiddleware(MiddlewareMixin):
    """Attach ``request._messages`` (a ``MESSAGE_STORAGE`` storage); store what must survive on the response.

    With ``DEBUG`` on, a ValueError says when some messages could not be stored. Sync or async as the
    handler inside it; in async mode the storage is saved through its async API (no thread hop).
    """

    # PERF: making a storage does no I/O (messages load on first use), so no thread hop is needed.
    sync_hooks_in_thread = False

    async def __acall__(self, request: Any) -> Any:
        self.process_request(request)
        response = await self.get_response(request)
        storage = getattr(request, "_messages", None)
        if storage is not None:
            self._check(await storage.aupdate(response))
        return response

    def process_request(self, request: Any) -> None:
        """Give the request its message storage."""
        request._messages = default_storage(request)

    def process_response(self, request: Any, response: Any) -> Any:
        """Store the request's messages (a layer above may have replaced the request: then nothing)."""
        storage = getattr(request, "_messages", None)
        if storage is not None:
            self._check(storage.update(response))
        return response

    @staticmethod
    def _check(unstored: Any) -> None:
        if unstored and settings.DEBUG:
            raise ValueError(NOT_ALL_STORED)
