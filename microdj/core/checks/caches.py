"""Cache checks: Django's ``caches.E001`` (no default cache), and microdj's ``caches.E101`` (an alias the
cache middleware or the cache session engine is told to use that CACHES does not define)."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Error
from microdj.core.checks.registry import Tags, register

DEFAULT_CACHE_ALIAS = "default"
CACHE_SESSION_ENGINE = "microdj.contrib.sessions.backends.cache"
CACHE_MIDDLEWARE = (
    "microdj.middleware.cache.UpdateCacheMiddleware",
    "microdj.middleware.cache.FetchFromCacheMiddleware",
    "microdj.middleware.cache.CacheMiddleware",
)

E001 = Error(f"You must define a '{DEFAULT_CACHE_ALIAS}' cache in your CACHES setting.", id="caches.E001")


def _missing(setting: str, alias: Any, user: str) -> Error:
    return Error(
        f"{setting} is {alias!r}, but CACHES defines no such cache, so {user} would fail on every request.",
        hint=f"Add {alias!r} to CACHES, or set {setting} to one of: {', '.join(map(repr, settings.CACHES))}.",
        id="caches.E101",
    )


@register(Tags.caches)
def check_default_cache_is_configured(**kwargs: Any) -> list[CheckMessage]:
    """caches.E001."""
    return [] if DEFAULT_CACHE_ALIAS in settings.CACHES else [E001]


@register(Tags.caches)
def check_cache_aliases(**kwargs: Any) -> list[CheckMessage]:
    """caches.E101 for CACHE_MIDDLEWARE_ALIAS and SESSION_CACHE_ALIAS, where they are used."""
    found: list[CheckMessage] = []
    caches = settings.CACHES
    if any(path in settings.MIDDLEWARE for path in CACHE_MIDDLEWARE):
        alias = settings.CACHE_MIDDLEWARE_ALIAS
        if alias not in caches:
            found.append(_missing("CACHE_MIDDLEWARE_ALIAS", alias, "the cache middleware"))
    if settings.SESSION_ENGINE == CACHE_SESSION_ENGINE:
        alias = settings.SESSION_CACHE_ALIAS
        if alias not in caches:
            found.append(_missing("SESSION_CACHE_ALIAS", alias, "the cache session engine"))
    return found
