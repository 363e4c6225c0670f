"""CSRF checks: the middleware and its cookie in deployment, and the failure view always."""

from __future__ import annotations

import inspect
from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Error, Warning
from microdj.core.checks.registry import Tags, register
from microdj.core.checks.security.base import in_middleware
from microdj.utils.module_loading import import_string

CSRF_MIDDLEWARE = "microdj.middleware.csrf.CsrfViewMiddleware"

W003 = Warning(
    f"'{CSRF_MIDDLEWARE}' is not in your MIDDLEWARE, so forms and unsafe requests get no protection "
    "against cross-site request forgery. The middleware is the safest way to leave no holes.",
    id="security.W003",
)
W016 = Warning(
    f"'{CSRF_MIDDLEWARE}' is in your MIDDLEWARE but CSRF_COOKIE_SECURE is not True. A CSRF cookie sent "
    "over HTTPS only is harder for someone on the network to steal.",
    id="security.W016",
)


@register(Tags.security, deploy=True)
def check_csrf_middleware(**kwargs: Any) -> list[CheckMessage]:
    """security.W003."""
    return [] if in_middleware(CSRF_MIDDLEWARE) else [W003]


@register(Tags.security, deploy=True)
def check_csrf_cookie_secure(**kwargs: Any) -> list[CheckMessage]:
    """security.W016 (not when the token lives in the session)."""
    ok = (
        settings.CSRF_USE_SESSIONS
        or not in_middleware(CSRF_MIDDLEWARE)
        or settings.CSRF_COOKIE_SECURE is True
    )
    return [] if ok else [W016]


@register(Tags.security)
def check_csrf_failure_view(**kwargs: Any) -> list[CheckMessage]:
    """security.E102 (CSRF_FAILURE_VIEW cannot be imported) and E101 (it cannot take ``request, reason``)."""
    view = settings.CSRF_FAILURE_VIEW
    if isinstance(view, str):
        try:
            view = import_string(view)
        except ImportError:
            return [
                Error(
                    f"The CSRF failure view '{settings.CSRF_FAILURE_VIEW}' cannot be imported.",
                    id="security.E102",
                )
            ]
    try:
        inspect.signature(view).bind(None, reason=None)
    except (TypeError, ValueError):
        return [
            Error(
                f"The CSRF failure view '{settings.CSRF_FAILURE_VIEW}' does not take the arguments "
                "(request, reason).",
                id="security.E101",
            )
        ]
    return []
