"""Loading what settings name (``MIDDLEWARE`` entries, ``ROOT_URLCONF``), with errors naming the setting.

An entry that cannot be imported raises ``SettingImportError`` (an ``ImproperlyConfigured`` and an
``ImportError``; a ``ModuleNotFoundError`` too when that was the cause) saying which setting and which
entry, with the import error chained. Entries for Django apps that microdj does not have (``contrib.auth``
and the like) say what to use instead; a ``django.`` entry whose ``microdj.`` twin exists says so.
"""

from __future__ import annotations

from typing import Any

from microdj.core.exceptions import ImproperlyConfigured
from microdj.utils.module_loading import import_string

__all__ = [
    "SettingImportError",
    "SettingModuleNotFoundError",
    "import_middleware",
    "missing_feature_hint",
    "root_resolver",
]


class SettingImportError(ImproperlyConfigured, ImportError):
    """Something a setting names cannot be imported; still an ImportError, for code that catches those."""


class SettingModuleNotFoundError(SettingImportError, ModuleNotFoundError):
    """A module a setting names (or one it imports) does not exist."""


def _setting_error(message: str, cause: ImportError) -> SettingImportError:
    kind = SettingModuleNotFoundError if isinstance(cause, ModuleNotFoundError) else SettingImportError
    error = kind(message)
    error.name, error.path = cause.name, cause.path
    return error


_NO_ORM = "microdj has no ORM, so it has no"
# Dotted-path prefixes of Django features microdj leaves out, and what to do instead.
_MISSING: tuple[tuple[str, str], ...] = (
    (
        "microdj.contrib.auth",
        f"{_NO_ORM} users or authentication (microdj.contrib.auth). Remove the entry; keep the signed-in "
        "user's id in request.session (microdj.contrib.sessions.middleware.SessionMiddleware) and check it "
        "in a middleware or view decorator of your own.",
    ),
    (
        "microdj.contrib.admin",
        f"{_NO_ORM} admin site (microdj.contrib.admin). Remove the entry.",
    ),
    (
        "microdj.contrib.admindocs",
        f"{_NO_ORM} admin site or its documentation (microdj.contrib.admindocs). Remove the entry.",
    ),
    (
        "microdj.contrib.flatpages",
        f"{_NO_ORM} flat pages (microdj.contrib.flatpages). Remove the entry; serve such pages from views.",
    ),
    (
        "microdj.contrib.redirects",
        f"{_NO_ORM} redirects app (microdj.contrib.redirects). Remove the entry; use "
        "microdj.views.generic.RedirectView or microdj.shortcuts.redirect in your URLconf.",
    ),
    (
        "microdj.contrib.sites",
        f"{_NO_ORM} sites framework (microdj.contrib.sites). Remove the entry; use request.get_host().",
    ),
    (
        "microdj.middleware.locale",
        "microdj has no translations, so it has no LocaleMiddleware. Remove the entry.",
    ),
)


def missing_feature_hint(path: str) -> str | None:
    """What microdj has instead of the Django feature ``path`` names, or None if it is not a known gap."""
    for prefix, hint in _MISSING:
        if path == prefix or path.startswith(prefix + "."):
            return hint
    return None


def _twin_hint(path: str) -> str | None:
    """For a ``django.`` path: the ``microdj.`` path to use, or what microdj has instead of it."""
    if not path.startswith("django."):
        return None
    twin = "microdj." + path.removeprefix("django.")
    hint = missing_feature_hint(twin)
    if hint is not None:
        return hint
    try:
        import_string(twin)
    except ImportError:
        return "microdj has no equivalent of it."
    return f"Change the prefix: use {twin!r}."


def import_middleware(path: str) -> Any:
    """The factory a ``MIDDLEWARE`` entry names; ImproperlyConfigured naming the entry if it fails."""
    try:
        return import_string(path)
    except ImportError as error:
        hint = missing_feature_hint(path) or _twin_hint(path)
        message = f"The MIDDLEWARE setting lists {path!r}, which cannot be imported: {error}"
        raise _setting_error(f"{message}. {hint}" if hint else f"{message}.", error) from error


def root_resolver(urlconf: str | None) -> Any:
    """``get_resolver(urlconf)`` for ``ROOT_URLCONF``; ImproperlyConfigured naming it if the import fails."""
    from microdj.urls.resolvers import get_resolver

    try:
        return get_resolver(urlconf)
    except ImportError as error:
        message = (
            f"The URLconf named by the ROOT_URLCONF setting ({urlconf!r}) cannot be imported: {error}. "
            "Check that ROOT_URLCONF is the dotted path of a module on the Python path, and that the "
            "modules it imports (views, included URLconfs) can be imported."
        )
        raise _setting_error(message, error) from error
