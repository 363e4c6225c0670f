"""Deployment checks of the session cookie (``security.W011``, ``security.W014``)."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Warning
from microdj.core.checks.registry import Tags, register
from microdj.core.checks.security.base import in_middleware

SESSION_MIDDLEWARE = "microdj.contrib.sessions.middleware.SessionMiddleware"

W011 = Warning(
    f"'{SESSION_MIDDLEWARE}' is in your MIDDLEWARE but SESSION_COOKIE_SECURE is not True. A session cookie "
    "sent over HTTPS only is much harder for someone on the network to steal.",
    id="security.W011",
)
W014 = Warning(
    f"'{SESSION_MIDDLEWARE}' is in your MIDDLEWARE but SESSION_COOKIE_HTTPONLY is not True. A session "
    "cookie that scripts cannot read is much harder to steal through cross-site scripting.",
    id="security.W014",
)


@register(Tags.security, deploy=True)
def check_session_cookie_secure(**kwargs: Any) -> list[CheckMessage]:
    """security.W011."""
    ok = settings.SESSION_COOKIE_SECURE is True or not in_middleware(SESSION_MIDDLEWARE)
    return [] if ok else [W011]


@register(Tags.security, deploy=True)
def check_session_cookie_httponly(**kwargs: Any) -> list[CheckMessage]:
    """security.W014."""
    ok = settings.SESSION_COOKIE_HTTPONLY is True or not in_middleware(SESSION_MIDDLEWARE)
    return [] if ok else [W014]
