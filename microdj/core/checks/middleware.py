"""``MIDDLEWARE`` checks (microdj's own ids): repeats, and orders that break or weaken a middleware (the
session before CSRF with ``CSRF_USE_SESSIONS``, the security middleware first, the cache middleware
around the others).

An entry that cannot be imported raises ImportError when the application starts, naming it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Error, Warning
from microdj.core.checks.registry import Tags, register
from microdj.core.checks.security.base import SECURITY_MIDDLEWARE
from microdj.core.checks.security.csrf import CSRF_MIDDLEWARE
from microdj.core.checks.security.sessions import SESSION_MIDDLEWARE

UPDATE_CACHE_MIDDLEWARE = "microdj.middleware.cache.UpdateCacheMiddleware"
FETCH_CACHE_MIDDLEWARE = "microdj.middleware.cache.FetchFromCacheMiddleware"


@register(Tags.middleware)
def check_middleware_order(**kwargs: Any) -> list[CheckMessage]:
    """middleware.E002, W001-W003: repeats and orders that break or weaken a middleware."""
    paths = [p for p in settings.MIDDLEWARE if isinstance(p, str)]
    found: list[CheckMessage] = []
    for path, count in Counter(paths).items():
        if count > 1:
            found.append(
                Warning(
                    f"'{path}' is listed {count} times in MIDDLEWARE; it runs that many times per request.",
                    id="middleware.W001",
                )
            )
    position = {path: index for index, path in reversed(list(enumerate(paths)))}
    session, csrf = position.get(SESSION_MIDDLEWARE), position.get(CSRF_MIDDLEWARE)
    if settings.CSRF_USE_SESSIONS and csrf is not None and (session is None or session > csrf):
        found.append(
            Error(
                f"CSRF_USE_SESSIONS is on, so '{CSRF_MIDDLEWARE}' keeps its token in request.session, but "
                f"'{SESSION_MIDDLEWARE}' does not come before it in MIDDLEWARE: every request would fail.",
                hint=f"List '{SESSION_MIDDLEWARE}' above '{CSRF_MIDDLEWARE}'.",
                id="middleware.E002",
            )
        )
    security = position.get(SECURITY_MIDDLEWARE)
    if security is not None and security > 0:
        found.append(
            Warning(
                f"'{SECURITY_MIDDLEWARE}' is not first in MIDDLEWARE, so the middleware above it answer "
                "before the HTTPS redirect and without the security headers.",
                hint="Move it to the top of MIDDLEWARE.",
                id="middleware.W002",
            )
        )
    update, fetch = position.get(UPDATE_CACHE_MIDDLEWARE), position.get(FETCH_CACHE_MIDDLEWARE)
    if update is not None and fetch is not None and update > fetch:
        found.append(
            Warning(
                f"'{UPDATE_CACHE_MIDDLEWARE}' comes after '{FETCH_CACHE_MIDDLEWARE}' in MIDDLEWARE, so "
                "responses are stored after the middleware between them changed them, and cached pages "
                "skip those middleware on the way out.",
                hint="List UpdateCacheMiddleware first and FetchFromCacheMiddleware last, as in Django.",
                id="middleware.W003",
            )
        )
    return found
