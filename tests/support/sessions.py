"""A server-side session backend kept in memory (sync interface only), for the session tests."""

import asyncio
from datetime import UTC, datetime

from microdj.contrib.sessions.backends.base import CreateError, SessionBase, UpdateError

NOW = datetime(2030, 1, 1, tzinfo=UTC)


class MemoryStore(SessionBase):
    """A server-side backend implementing only the sync interface (async defaults hop threads)."""

    data: dict[str, str] = {}

    def exists(self, session_key):
        return session_key in self.data

    def create(self):
        while True:
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return

    def save(self, must_create=False):
        if self.session_key is None:
            return self.create()
        if must_create and self.session_key in self.data:
            raise CreateError
        if not must_create and self.session_key not in self.data:
            raise UpdateError
        self.data[self.session_key] = self.encode(self._get_session(no_load=must_create))

    def delete(self, session_key=None):
        self.data.pop(session_key or self.session_key, None)

    def load(self):
        try:
            return self.decode(self.data[self.session_key])
        except KeyError:
            self._session_key = None
            return {}

    @classmethod
    def clear_expired(cls):
        cls.data.clear()


def run(coro):
    return asyncio.run(coro)
