"""Where collected static files live (``STATIC_ROOT``) and their URLs (``STATIC_URL``).

``StaticFilesStorage`` gives ``STATIC_URL + name``. ``ManifestStaticFilesStorage`` gives the content-hashed
name that ``collectstatic()`` recorded in ``STATIC_ROOT/staticfiles.json`` (``css/app.css`` ->
``css/app.3f2a1c9b04e1.css``), so a changed file gets a new URL and every URL can be cached for a year;
with ``DEBUG`` on it gives the plain name, as Django's.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import threading
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from microdj.conf import settings
from microdj.contrib.staticfiles.utils import clean_name
from microdj.core.exceptions import ImproperlyConfigured
from microdj.utils.module_loading import import_string

__all__ = ["ManifestStaticFilesStorage", "StaticFilesStorage", "hashed_name", "staticfiles_storage"]

MANIFEST_NAME = "staticfiles.json"
MANIFEST_VERSION = "1.1"
HASH_LENGTH = 12


def hashed_name(name: str, content: bytes) -> str:
    """``name`` with the first 12 hex digits of ``content``'s MD5 before its extension."""
    digest = hashlib.md5(content, usedforsecurity=False).hexdigest()[:HASH_LENGTH]
    root, ext = posixpath.splitext(name)
    return f"{root}.{digest}{ext}"


class StaticFilesStorage:
    """Files under ``location`` (``STATIC_ROOT``) served at ``base_url`` (``STATIC_URL``)."""

    def __init__(self, location: str | None = None, base_url: str | None = None) -> None:
        self._location = location
        self._base_url = base_url

    @property
    def location(self) -> str:
        """The folder files are collected into; ImproperlyConfigured without ``STATIC_ROOT``."""
        location = self._location or settings.STATIC_ROOT
        if not location:
            raise ImproperlyConfigured(
                "You're using the staticfiles app without having set the STATIC_ROOT setting to a "
                "filesystem path."
            )
        return os.path.abspath(os.fspath(location))

    @property
    def base_url(self) -> str:
        """The URL prefix (``STATIC_URL``), ending with a slash."""
        base = self._base_url if self._base_url is not None else settings.STATIC_URL
        if base is None:
            raise ImproperlyConfigured(
                "You're using the staticfiles app without having set the required STATIC_URL setting."
            )
        return base if base.endswith("/") else base + "/"

    def path(self, name: str) -> str:
        """The file's path under ``location``."""
        safe = clean_name(name)
        if safe is None:
            raise ValueError(f"The static file name {name!r} is not allowed.")
        return os.path.join(self.location, *safe.split("/"))

    def stored_name(self, name: str) -> str:
        """The name the file is served under (the name itself here)."""
        return name

    def url(self, name: str) -> str:
        """The URL of static file ``name`` (its query string and fragment kept)."""
        parts = urlsplit(name)
        clean = parts.path.lstrip("/")
        stored = self.stored_name(clean) if clean else clean
        return self.base_url + quote(stored) + (urlunsplit(("", "", "", parts.query, parts.fragment)))

    def manifest_paths(self) -> dict[str, str]:
        """Original name -> served name for every collected file (empty: names are not hashed)."""
        return {}


class ManifestStaticFilesStorage(StaticFilesStorage):
    """Content-hashed names from the manifest ``collectstatic()`` writes (plain names with ``DEBUG``)."""

    manifest_name = MANIFEST_NAME
    #: Unknown names raise ValueError (True) or are served unhashed (False).
    manifest_strict = True

    def __init__(self, location: str | None = None, base_url: str | None = None) -> None:
        super().__init__(location, base_url)
        self._paths: dict[str, str] | None = None
        self._lock = threading.Lock()

    def manifest_paths(self) -> dict[str, str]:
        """The manifest's ``paths`` (read once; empty before the first ``collectstatic()``)."""
        paths = self._paths
        if paths is None:
            with self._lock:
                paths = self._paths
                if paths is None:
                    paths = self._paths = self.read_manifest()
        return paths

    def read_manifest(self) -> dict[str, str]:
        """Read ``staticfiles.json`` from ``location`` (empty when absent)."""
        try:
            with open(os.path.join(self.location, self.manifest_name), encoding="utf-8") as file:
                data = json.load(file)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as error:
            raise ValueError(
                f"Couldn't load manifest '{self.manifest_name}' (version {MANIFEST_VERSION}): {error}"
            )
        paths: dict[str, str] = data.get("paths", {})
        return paths

    def save_manifest(self, paths: dict[str, str]) -> str:
        """Write ``paths`` as the manifest; return its path."""
        target = os.path.join(self.location, self.manifest_name)
        digest = hashlib.md5(json.dumps(paths, sort_keys=True).encode(), usedforsecurity=False).hexdigest()
        payload = {"paths": paths, "version": MANIFEST_VERSION, "hash": digest[:HASH_LENGTH]}
        with open(target, "w", encoding="utf-8") as file:
            json.dump(payload, file, indent=1, sort_keys=True)
        self._paths = dict(paths)
        return target

    def stored_name(self, name: str) -> str:
        """The hashed name of ``name`` (``name`` itself with ``DEBUG`` on)."""
        if settings.DEBUG:
            return name
        stored = self.manifest_paths().get(name)
        if stored is None:
            if self.manifest_strict:
                raise ValueError(f"Missing staticfiles manifest entry for '{name}'")
            return name
        return stored


class _ConfiguredStorage:
    """The storage named by ``STORAGES["staticfiles"]``, built on first use (and after a change)."""

    def __init__(self) -> None:
        self._wrapped: StaticFilesStorage | None = None

    def _setup(self) -> StaticFilesStorage:
        wrapped = self._wrapped
        if wrapped is None:
            config = settings.STORAGES.get("staticfiles") or {}
            backend = config.get("BACKEND", "microdj.contrib.staticfiles.storage.StaticFilesStorage")
            try:
                cls = import_string(backend)
            except ImportError as error:
                raise ImproperlyConfigured(
                    f"Could not find the STORAGES['staticfiles'] backend {backend!r}: {error}"
                )
            wrapped = self._wrapped = cls(**config.get("OPTIONS", {}))
        return wrapped

    def __getattr__(self, name: str) -> Any:
        return getattr(self._setup(), name)

    def reset(self) -> None:
        """Forget the storage (rebuilt on next use)."""
        self._wrapped = None


#: The configured static files storage (``STORAGES["staticfiles"]``).
staticfiles_storage: Any = _ConfiguredStorage()


def _setting_changed(name: str, value: Any) -> None:
    if name in ("STORAGES", "STATIC_ROOT", "STATIC_URL"):
        staticfiles_storage.reset()


settings.add_listener(_setting_changed)
