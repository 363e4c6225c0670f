"""Session backend keeping the whole session in the cookie, signed (Django's ``signed_cookies`` backend).

The session key *is* the data: ``signing.dumps(data, compress=True)`` under a backend-specific salt, checked
against ``SESSION_COOKIE_AGE`` when loaded. Nothing is stored server-side, so no method blocks.
"""

from __future__ import annotations

from typing import Any

from microdj.contrib.sessions.backends.base import SessionBase
from microdj.core import signing

SALT = "microdj.contrib.sessions.backends.signed_cookies"


class SessionStore(SessionBase):
    """A session whose key is its own signed, compressed data."""

    def load(self) -> dict[str, Any]:
        """Verify and decode the key; a bad, expired or undecodable key resets the session to empty."""
        try:
            data: dict[str, Any] = signing.loads(
                self.session_key or "",
                serializer=self.serializer,
                max_age=self.get_session_cookie_age(),
                salt=SALT,
            )
            return data
        except Exception:  # noqa: BLE001 - BadSignature, SignatureExpired, or data the serializer rejects
            self.create()
        return {}

    def create(self) -> None:
        """Mark the session modified, so a cookie is set on this response."""
        self.modified = True

    def save(self, must_create: bool = False) -> None:
        """Sign the current data as the new key and mark the session modified."""
        self._session_key = self._signed_data()
        self.modified = True

    def exists(self, session_key: str | None = None) -> bool:
        """Always False: there is no shared store whose keys could collide."""
        return False

    def delete(self, session_key: str | None = None) -> None:
        """Drop the key and the data, and mark the session modified."""
        self._session_key = ""
        self._session_cache = {}
        self.modified = True

    def cycle_key(self) -> None:
        """Re-sign the same data (a fresh timestamp makes a new key)."""
        self.save()

    @classmethod
    def clear_expired(cls) -> None:
        """Nothing to do: expired cookies fail their max_age check."""

    def _signed_data(self) -> str:
        return signing.dumps(self._session, compress=True, salt=SALT, serializer=self.serializer)

    # PERF: no I/O anywhere, so the async variants call straight through instead of hopping threads.

    async def aload(self) -> dict[str, Any]:
        """Async load()."""
        return self.load()

    async def acreate(self) -> None:
        """Async create()."""
        self.create()

    async def asave(self, must_create: bool = False) -> None:
        """Async save()."""
        self.save(must_create=must_create)

    async def aexists(self, session_key: str | None = None) -> bool:
        """Async exists()."""
        return self.exists(session_key)

    async def adelete(self, session_key: str | None = None) -> None:
        """Async delete()."""
        self.delete(session_key)

    async def acycle_key(self) -> None:
        """Async cycle_key()."""
        self.cycle_key()

    @classmethod
    async def aclear_expired(cls) -> None:
        """Async clear_expired()."""
