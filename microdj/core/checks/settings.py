"""Checks of setting values (``settings.E0xx``, microdj's own ids).

Types are checked when the settings load (a wrong type raises ``ImproperlyConfigured`` there); these
checks catch values of the right type that cannot work.
"""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Error
from microdj.core.checks.registry import Tags, register

_SIZE_SETTINGS = (
    "DATA_UPLOAD_MAX_MEMORY_SIZE",
    "DATA_UPLOAD_MAX_NUMBER_FIELDS",
    "DATA_UPLOAD_MAX_NUMBER_FILES",
    "FILE_UPLOAD_MAX_MEMORY_SIZE",
    "SECURE_HSTS_SECONDS",
)
_STRING_LISTS = ("ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "ASYNC_SAFETY_ALLOW", "SILENCED_SYSTEM_CHECKS")
_SAMESITE = ("lax", "strict", "none")


@register(Tags.settings)
def check_setting_values(**kwargs: Any) -> list[CheckMessage]:
    """settings.E001-E005, and Django's 4_0.E001 for CSRF_TRUSTED_ORIGINS without a scheme."""
    found: list[CheckMessage] = []
    threads = settings.SYNC_WORKER_THREADS
    if threads < 1:
        found.append(Error(f"SYNC_WORKER_THREADS must be 1 or more, not {threads!r}.", id="settings.E001"))
    for name in _SIZE_SETTINGS:
        value = getattr(settings, name)
        if value is not None and value < 0:
            found.append(Error(f"{name} must not be negative, not {value!r}.", id="settings.E002"))
    timeout = settings.REQUEST_BODY_TIMEOUT
    if timeout is not None and not timeout > 0:
        found.append(
            Error(
                f"REQUEST_BODY_TIMEOUT must be a positive number of seconds or None, not {timeout!r}.",
                id="settings.E003",
            )
        )
    for name in _STRING_LISTS:
        wrong = [item for item in getattr(settings, name) if not isinstance(item, str)]
        if wrong:
            found.append(Error(f"{name} must hold only strings, not {wrong[0]!r}.", id="settings.E004"))
    for name in ("SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE"):
        value = getattr(settings, name)
        if value not in (None, False) and (not isinstance(value, str) or value.lower() not in _SAMESITE):
            found.append(
                Error(
                    f"{name} must be 'Lax', 'Strict', 'None' or None, not {value!r}.",
                    id="settings.E005",
                )
            )
    found.extend(
        Error(
            "The values in the CSRF_TRUSTED_ORIGINS setting must start with a scheme (usually "
            f"https://), but found {origin!r}.",
            id="4_0.E001",
        )
        for origin in settings.CSRF_TRUSTED_ORIGINS
        if isinstance(origin, str) and "://" not in origin
    )
    return found
