"""Context processors for ``OPTIONS["context_processors"]``: each takes the request and returns variables."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.template.backends.utils import csrf_token_lazy


def csrf(request: Any) -> dict[str, Any]:
    """``csrf_token``: the request's masked CSRF token, made only when the template uses it."""
    return {"csrf_token": csrf_token_lazy(request)}


def request(request: Any) -> dict[str, Any]:
    """``request``: the request itself."""
    return {"request": request}


def static(request: Any) -> dict[str, Any]:
    """``STATIC_URL``."""
    return {"STATIC_URL": settings.STATIC_URL}


def debug(request: Any) -> dict[str, Any]:
    """``debug`` (True) when ``DEBUG`` is on and the client's address is in ``INTERNAL_IPS``."""
    if settings.DEBUG and request.META.get("REMOTE_ADDR") in getattr(settings, "INTERNAL_IPS", ()):
        return {"debug": True}
    return {}
