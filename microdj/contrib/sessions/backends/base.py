"""The session store interface (Django's ``SessionBase``) that every backend implements.

A backend subclasses :class:`SessionBase` and implements the storage methods ``exists``, ``create``,
``save``, ``delete``, ``load`` and the classmethod ``clear_expired``. Their async variants (``aexists``, ...)
default to running the sync method through ``sync_to_async``; backends without blocking I/O override them to
call directly.

Expiry datetimes are timezone-aware UTC; a naive datetime passed to ``set_expiry()`` is taken as UTC.
"""

from __future__ import annotations

import abc
import functools
import logging
import string
from collections.abc import ItemsView, KeysView, ValuesView
from datetime import UTC, datetime, timedelta
from typing import Any

from microdj.conf import settings
from microdj.core import signing
from microdj.utils.concurrency import sync_to_async
from microdj.utils.crypto import get_random_string
from microdj.utils.module_loading import import_string as _import_string

# Session keys are lower-case so that case-insensitive stores cannot confuse two of them.
VALID_KEY_CHARS = string.ascii_lowercase + string.digits

_NOT_GIVEN: Any = object()


class CreateError(Exception):
    """``save(must_create=True)`` found the session key already taken."""


class UpdateError(Exception):
    """``save()`` found the session deleted (e.g. by a concurrent logout)."""


# The serializer named by SESSION_SERIALIZER, imported once per dotted path.
import_string = functools.cache(_import_string)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _expiry_age(expiry: Any, modification: datetime, default_age: int) -> int:
    if not expiry:  # None or 0: the default policy.
        return default_age
    if not isinstance(expiry, (datetime, str)):
        result: int = expiry
        return result
    if isinstance(expiry, str):
        expiry = datetime.fromisoformat(expiry)
    delta = _aware(expiry) - _aware(modification)
    return delta.days * 86400 + delta.seconds


def _expiry_date(expiry: Any, modification: datetime, default_age: int) -> datetime:
    if isinstance(expiry, datetime):
        return expiry
    if isinstance(expiry, str):
        return datetime.fromisoformat(expiry)
    return modification + timedelta(seconds=expiry or default_age)


def _stored_expiry(value: Any) -> Any:
    if isinstance(value, timedelta):
        value = datetime.now(UTC) + value
    if isinstance(value, datetime):
        value = _aware(value).isoformat()
    return value


class SessionBase(abc.ABC):
    """A dict-like session, loaded lazily from its backend on first access.

    ``accessed`` tells whether the data was read or written; ``modified`` whether it must be saved.
    """

    TEST_COOKIE_NAME = "testcookie"
    TEST_COOKIE_VALUE = "worked"

    # The loaded data; unset until first use (see _get_session).
    _session_cache: dict[str, Any]

    def __init__(self, session_key: str | None = None) -> None:
        self._session_key = session_key
        self.accessed = False
        self.modified = False
        self.serializer = import_string(settings.SESSION_SERIALIZER)

    # Mapping interface.

    def __contains__(self, key: str) -> bool:
        return key in self._session

    def __getitem__(self, key: str) -> Any:
        return self._session[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self._session[key] = value
        self.modified = True

    def __delitem__(self, key: str) -> None:
        del self._session[key]
        self.modified = True

    def get(self, key: str, default: Any = None) -> Any:
        """``session[key]``, or ``default``."""
        return self._session.get(key, default)

    def pop(self, key: str, default: Any = _NOT_GIVEN) -> Any:
        """Remove and return ``session[key]`` (KeyError when missing and no default)."""
        self.modified = self.modified or key in self._session
        args = () if default is _NOT_GIVEN else (default,)
        return self._session.pop(key, *args)

    def setdefault(self, key: str, value: Any) -> Any:
        """``session[key]``, first setting it to ``value`` when missing."""
        if key in self._session:
            return self._session[key]
        self[key] = value
        return value

    def update(self, dict_: Any) -> None:
        """Update the session from a mapping."""
        self._session.update(dict_)
        self.modified = True

    def has_key(self, key: str) -> bool:
        """``key in session``."""
        return key in self._session

    def keys(self) -> KeysView[str]:
        """The session's keys."""
        result: KeysView[str] = self._session.keys()
        return result

    def values(self) -> ValuesView[Any]:
        """The session's values."""
        result: ValuesView[Any] = self._session.values()
        return result

    def items(self) -> ItemsView[str, Any]:
        """The session's items."""
        result: ItemsView[str, Any] = self._session.items()
        return result

    def clear(self) -> None:
        """Empty the session without loading it from the store."""
        self._session_cache = {}
        self.accessed = True
        self.modified = True

    def is_empty(self) -> bool:
        """True when the session has no key and no loaded data."""
        try:
            return not self._session_key and not self._session_cache
        except AttributeError:
            return True

    async def aget(self, key: str, default: Any = None) -> Any:
        """Async get()."""
        return (await self._aget_session()).get(key, default)

    async def aset(self, key: str, value: Any) -> None:
        """Async ``session[key] = value``."""
        (await self._aget_session())[key] = value
        self.modified = True

    async def apop(self, key: str, default: Any = _NOT_GIVEN) -> Any:
        """Async pop()."""
        session = await self._aget_session()
        self.modified = self.modified or key in session
        args = () if default is _NOT_GIVEN else (default,)
        return session.pop(key, *args)

    async def asetdefault(self, key: str, value: Any) -> Any:
        """Async setdefault()."""
        session = await self._aget_session()
        if key in session:
            return session[key]
        await self.aset(key, value)
        return value

    async def aupdate(self, dict_: Any) -> None:
        """Async update()."""
        (await self._aget_session()).update(dict_)
        self.modified = True

    async def ahas_key(self, key: str) -> bool:
        """Async has_key()."""
        return key in (await self._aget_session())

    async def akeys(self) -> KeysView[str]:
        """Async keys()."""
        return (await self._aget_session()).keys()

    async def avalues(self) -> ValuesView[Any]:
        """Async values()."""
        return (await self._aget_session()).values()

    async def aitems(self) -> ItemsView[str, Any]:
        """Async items()."""
        return (await self._aget_session()).items()

    # Test cookie (checks that the browser accepts cookies).

    def set_test_cookie(self) -> None:
        """Store the test value."""
        self[self.TEST_COOKIE_NAME] = self.TEST_COOKIE_VALUE

    def test_cookie_worked(self) -> bool:
        """Whether the test value came back."""
        result: bool = self.get(self.TEST_COOKIE_NAME) == self.TEST_COOKIE_VALUE
        return result

    def delete_test_cookie(self) -> None:
        """Remove the test value."""
        del self[self.TEST_COOKIE_NAME]

    async def aset_test_cookie(self) -> None:
        """Async set_test_cookie()."""
        await self.aset(self.TEST_COOKIE_NAME, self.TEST_COOKIE_VALUE)

    async def atest_cookie_worked(self) -> bool:
        """Async test_cookie_worked()."""
        result: bool = (await self.aget(self.TEST_COOKIE_NAME)) == self.TEST_COOKIE_VALUE
        return result

    async def adelete_test_cookie(self) -> None:
        """Async delete_test_cookie()."""
        del (await self._aget_session())[self.TEST_COOKIE_NAME]
        self.modified = True

    # Encoding, for backends that store the data as text.

    @property
    def key_salt(self) -> str:
        """Salt for encode()/decode(), specific to the backend class."""
        return "microdj.contrib.sessions." + type(self).__qualname__

    def encode(self, session_dict: dict[str, Any]) -> str:
        """Serialize, compress and sign a session dict as a string."""
        return signing.dumps(session_dict, salt=self.key_salt, serializer=self.serializer, compress=True)

    def decode(self, session_data: str) -> dict[str, Any]:
        """Inverse of encode(); corrupt or tampered data gives an empty session."""
        try:
            result: dict[str, Any] = signing.loads(
                session_data, salt=self.key_salt, serializer=self.serializer
            )
            return result
        except signing.BadSignature:
            logging.getLogger("microdj.security.SuspiciousSession").warning("Session data corrupted")
        except Exception:  # noqa: BLE001, S110 - undecodable data (ValueError, serializer errors)
            pass  # starts an empty session
        return {}

    # Session key.

    def _validate_session_key(self, key: str | None) -> bool:
        """A key is valid when it has at least 8 characters (a minimal bound on its strength)."""
        return key is not None and len(key) >= 8

    @property
    def session_key(self) -> str | None:
        """The current session key (None when there is none yet)."""
        return self._key

    @property
    def _session_key(self) -> str | None:
        return self._key

    @_session_key.setter
    def _session_key(self, value: str | None) -> None:
        # Invalid keys become None, so a forged short key never reaches the store.
        self._key = value if self._validate_session_key(value) else None

    def _get_new_session_key(self) -> str:
        """A random key not used in the store."""
        while True:
            session_key = get_random_string(32, VALID_KEY_CHARS)
            if not self.exists(session_key):
                return session_key

    async def _aget_new_session_key(self) -> str:
        while True:
            session_key = get_random_string(32, VALID_KEY_CHARS)
            if not await self.aexists(session_key):
                return session_key

    def _get_or_create_session_key(self) -> str:
        if self._session_key is None:
            self._session_key = self._get_new_session_key()
        return self._session_key

    async def _aget_or_create_session_key(self) -> str:
        if self._session_key is None:
            self._session_key = await self._aget_new_session_key()
        return self._session_key

    # Lazy loading.

    def _get_session(self, no_load: bool = False) -> dict[str, Any]:
        """The session dict, loaded from the store on first use (an empty dict if no key or ``no_load``)."""
        self.accessed = True
        try:
            return self._session_cache
        except AttributeError:
            if self.session_key is None or no_load:
                self._session_cache = {}
            else:
                self._session_cache = self.load()
        return self._session_cache

    async def _aget_session(self, no_load: bool = False) -> dict[str, Any]:
        self.accessed = True
        try:
            return self._session_cache
        except AttributeError:
            if self.session_key is None or no_load:
                self._session_cache = {}
            else:
                self._session_cache = await self.aload()
        return self._session_cache

    _session = property(_get_session)

    # Expiry.

    def get_session_cookie_age(self) -> int:
        """The default session age in seconds (SESSION_COOKIE_AGE)."""
        result: int = settings.SESSION_COOKIE_AGE
        return result

    def get_expiry_age(self, **kwargs: Any) -> int:
        """Seconds until the session expires; ``modification`` and ``expiry`` may be given to skip loading."""
        modification = kwargs["modification"] if "modification" in kwargs else datetime.now(UTC)
        expiry = kwargs["expiry"] if "expiry" in kwargs else self.get("_session_expiry")
        return _expiry_age(expiry, modification, self.get_session_cookie_age())

    async def aget_expiry_age(self, **kwargs: Any) -> int:
        """Async get_expiry_age()."""
        modification = kwargs["modification"] if "modification" in kwargs else datetime.now(UTC)
        expiry = kwargs["expiry"] if "expiry" in kwargs else await self.aget("_session_expiry")
        return _expiry_age(expiry, modification, self.get_session_cookie_age())

    def get_expiry_date(self, **kwargs: Any) -> datetime:
        """The datetime the session expires at; ``modification`` and ``expiry`` as for get_expiry_age()."""
        modification = kwargs["modification"] if "modification" in kwargs else datetime.now(UTC)
        expiry = kwargs["expiry"] if "expiry" in kwargs else self.get("_session_expiry")
        return _expiry_date(expiry, modification, self.get_session_cookie_age())

    async def aget_expiry_date(self, **kwargs: Any) -> datetime:
        """Async get_expiry_date()."""
        modification = kwargs["modification"] if "modification" in kwargs else datetime.now(UTC)
        expiry = kwargs["expiry"] if "expiry" in kwargs else await self.aget("_session_expiry")
        return _expiry_date(expiry, modification, self.get_session_cookie_age())

    def set_expiry(self, value: int | datetime | timedelta | None) -> None:
        """Set when the session expires.

        An int is seconds of inactivity (0: when the browser closes); a datetime or timedelta is a fixed
        time; None goes back to the global policy (SESSION_COOKIE_AGE, SESSION_EXPIRE_AT_BROWSER_CLOSE).
        """
        if value is None:
            self.pop("_session_expiry", None)
            return
        self["_session_expiry"] = _stored_expiry(value)

    async def aset_expiry(self, value: int | datetime | timedelta | None) -> None:
        """Async set_expiry()."""
        if value is None:
            await self.apop("_session_expiry", None)
            return
        await self.aset("_session_expiry", _stored_expiry(value))

    def get_expire_at_browser_close(self) -> bool:
        """Whether the session cookie should end with the browser session (no max-age)."""
        if (expiry := self.get("_session_expiry")) is None:
            result: bool = settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
            return result
        return bool(expiry == 0)

    async def aget_expire_at_browser_close(self) -> bool:
        """Async get_expire_at_browser_close()."""
        if (expiry := await self.aget("_session_expiry")) is None:
            result: bool = settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
            return result
        return bool(expiry == 0)

    # Whole-session operations.

    def flush(self) -> None:
        """Delete the session data from the store and forget the key (e.g. at logout)."""
        self.clear()
        self.delete()
        self._session_key = None

    async def aflush(self) -> None:
        """Async flush()."""
        self.clear()
        await self.adelete()
        self._session_key = None

    def cycle_key(self) -> None:
        """Keep the data under a new key (e.g. at login, against session fixation)."""
        data = self._session
        key = self.session_key
        self.create()
        self._session_cache = data
        if key:
            self.delete(key)

    async def acycle_key(self) -> None:
        """Async cycle_key()."""
        data = await self._aget_session()
        key = self.session_key
        await self.acreate()
        self._session_cache = data
        if key:
            await self.adelete(key)

    # Storage: what a backend implements.

    @abc.abstractmethod
    def exists(self, session_key: str) -> bool:
        """Whether ``session_key`` is in use in the store."""

    @abc.abstractmethod
    def create(self) -> None:
        """Give the session a new unique key and save it once (empty) before returning."""

    @abc.abstractmethod
    def save(self, must_create: bool = False) -> None:
        """Store the data: as a new key with ``must_create`` (else CreateError), else update (UpdateError)."""

    @abc.abstractmethod
    def delete(self, session_key: str | None = None) -> None:
        """Delete the data stored under ``session_key`` (default: the current key)."""

    @abc.abstractmethod
    def load(self) -> dict[str, Any]:
        """Return the stored data of the current key (an empty dict, after create(), when missing/expired)."""

    @classmethod
    @abc.abstractmethod
    def clear_expired(cls) -> None:
        """Remove expired sessions from the store (a no-op when the store expires them itself)."""

    async def aexists(self, session_key: str) -> bool:
        """Async exists()."""
        return await sync_to_async(self.exists)(session_key)

    async def acreate(self) -> None:
        """Async create()."""
        await sync_to_async(self.create)()

    async def asave(self, must_create: bool = False) -> None:
        """Async save()."""
        await sync_to_async(self.save)(must_create)

    async def adelete(self, session_key: str | None = None) -> None:
        """Async delete()."""
        await sync_to_async(self.delete)(session_key)

    async def aload(self) -> dict[str, Any]:
        """Async load()."""
        return await sync_to_async(self.load)()

    @classmethod
    async def aclear_expired(cls) -> None:
        """Async clear_expired()."""
        await sync_to_async(cls.clear_expired)()
