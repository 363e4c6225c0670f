"""Session backend storing sessions in a cache (Django's ``cache`` backend): ``SESSION_CACHE_ALIAS``.

With ``RedisCache`` behind it, every worker and machine sees the same sessions; the cache's timeout is the
session's expiry age, so Redis expires them itself. The async methods use the cache's async twins (no
thread hop, the loop never blocks).

A store that cannot be reached raises ``SessionUnavailable`` (answered with 503): on save, and on load
when the key is missing and the cache does not answer a PING (a miss then means an outage, not an expired
session, so the user is not silently logged out).
"""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.contrib.sessions.backends.base import CreateError, SessionBase
from microdj.contrib.sessions.exceptions import SessionUnavailable
from microdj.core.cache import CacheUnavailable, caches

KEY_PREFIX = "microdj.contrib.sessions.cache"
# Attempts at a fresh random key before giving up (a collision of 32 random characters is not expected).
MAX_CREATE_ATTEMPTS = 100


def _unavailable(error: CacheUnavailable) -> SessionUnavailable:
    return SessionUnavailable(f"The session store is unavailable: {error}")


class SessionStore(SessionBase):
    """A session in the cache named by SESSION_CACHE_ALIAS, under ``KEY_PREFIX + session key``."""

    cache_key_prefix = KEY_PREFIX

    def __init__(self, session_key: str | None = None) -> None:
        self._cache = caches[settings.SESSION_CACHE_ALIAS]
        super().__init__(session_key)

    @property
    def cache_key(self) -> str:
        """The cache key of the current session (a new session key is made if there is none)."""
        return self.cache_key_prefix + self._get_or_create_session_key()

    async def acache_key(self) -> str:
        """Async cache_key."""
        return self.cache_key_prefix + await self._aget_or_create_session_key()

    # ------------------------------------------------------------------------------------ loading
    def _missing(self) -> dict[str, Any]:
        self._session_key = None
        return {}

    def load(self) -> dict[str, Any]:
        """The stored data; a missing or expired session gives an empty one without a key."""
        data = self._cache.get(self.cache_key)
        if data is not None:
            return data  # type: ignore[no-any-return]
        try:
            self._cache.ping()
        except CacheUnavailable as error:
            raise _unavailable(error) from error
        return self._missing()

    async def aload(self) -> dict[str, Any]:
        """Async load()."""
        data = await self._cache.aget(await self.acache_key())
        if data is not None:
            return data  # type: ignore[no-any-return]
        try:
            await self._cache.aping()
        except CacheUnavailable as error:
            raise _unavailable(error) from error
        return self._missing()

    # ------------------------------------------------------------------------------------- saving
    def create(self) -> None:
        """Store an empty session under a new random key."""
        for _ in range(MAX_CREATE_ATTEMPTS):
            self._session_key = self._get_new_session_key()
            try:
                self.save(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return
        raise RuntimeError("Unable to create a new session key.")

    async def acreate(self) -> None:
        """Async create()."""
        for _ in range(MAX_CREATE_ATTEMPTS):
            self._session_key = await self._aget_new_session_key()
            try:
                await self.asave(must_create=True)
            except CreateError:
                continue
            self.modified = True
            return
        raise RuntimeError("Unable to create a new session key.")

    def save(self, must_create: bool = False) -> None:
        """Store the data for the expiry age; with ``must_create`` only under a new key (else CreateError)."""
        if self.session_key is None:
            self.create()
            return
        data = self._get_session(no_load=must_create)
        try:
            if must_create:
                if not self._cache.add(self.cache_key, data, self.get_expiry_age()):
                    raise CreateError
                return
            self._cache.set(self.cache_key, data, self.get_expiry_age())
        except CacheUnavailable as error:
            raise _unavailable(error) from error

    async def asave(self, must_create: bool = False) -> None:
        """Async save()."""
        if self.session_key is None:
            await self.acreate()
            return
        data = await self._aget_session(no_load=must_create)
        key = await self.acache_key()
        try:
            if must_create:
                if not await self._cache.aadd(key, data, await self.aget_expiry_age()):
                    raise CreateError
                return
            await self._cache.aset(key, data, await self.aget_expiry_age())
        except CacheUnavailable as error:
            raise _unavailable(error) from error

    # ------------------------------------------------------------------------------ the rest
    def exists(self, session_key: str) -> bool:
        """Whether ``session_key`` is in the cache."""
        return bool(session_key) and self._cache.has_key(self.cache_key_prefix + session_key)

    async def aexists(self, session_key: str) -> bool:
        """Async exists()."""
        return bool(session_key) and await self._cache.ahas_key(self.cache_key_prefix + session_key)

    def delete(self, session_key: str | None = None) -> None:
        """Remove the session (default: the current one) from the cache."""
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            self._cache.delete(self.cache_key_prefix + session_key)
        except CacheUnavailable as error:
            raise _unavailable(error) from error

    async def adelete(self, session_key: str | None = None) -> None:
        """Async delete()."""
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        try:
            await self._cache.adelete(self.cache_key_prefix + session_key)
        except CacheUnavailable as error:
            raise _unavailable(error) from error

    @classmethod
    def clear_expired(cls) -> None:
        """Nothing to do: the cache expires sessions itself."""

    @classmethod
    async def aclear_expired(cls) -> None:
        """Nothing to do: the cache expires sessions itself."""
