"""Adding and reading messages: ``add_message()``, ``info()``, ``get_messages()``, ..."""

from __future__ import annotations

from typing import Any

from microdj.contrib.messages import constants
from microdj.contrib.messages.storage import default_storage

__all__ = [
    "MessageFailure",
    "add_message",
    "debug",
    "error",
    "get_level",
    "get_messages",
    "info",
    "set_level",
    "success",
    "warning",
]


class MessageFailure(Exception):
    """A message was added to a request that has no message storage."""


def add_message(
    request: Any, level: int, message: Any, extra_tags: str = "", fail_silently: bool = False
) -> None:
    """Add a message to the request's storage (set up by ``MessageMiddleware``)."""
    storage = getattr(request, "_messages", None)
    if storage is not None:
        storage.add(level, message, extra_tags)
        return
    if not hasattr(request, "META"):
        raise TypeError(
            f"add_message() argument must be an HttpRequest object, not '{type(request).__name__}'."
        )
    if not fail_silently:
        raise MessageFailure(
            "You cannot add messages without installing microdj.contrib.messages.middleware.MessageMiddleware"
        )


def get_messages(request: Any) -> Any:
    """The request's message storage (iterate it to read and consume them), or [] without the middleware."""
    return getattr(request, "_messages", [])


def get_level(request: Any) -> int:
    """The lowest level recorded for this request (``MESSAGE_LEVEL`` unless changed)."""
    storage = getattr(request, "_messages", None)
    if storage is None:
        storage = default_storage(request)
    level: int = storage.level
    return level


def set_level(request: Any, level: int | None) -> bool:
    """Set the lowest level recorded for this request (None: the default); False without the middleware."""
    storage = getattr(request, "_messages", None)
    if storage is None:
        return False
    storage.level = level
    return True


def debug(request: Any, message: Any, extra_tags: str = "", fail_silently: bool = False) -> None:
    """Add a message at level DEBUG."""
    add_message(request, constants.DEBUG, message, extra_tags=extra_tags, fail_silently=fail_silently)


def info(request: Any, message: Any, extra_tags: str = "", fail_silently: bool = False) -> None:
    """Add a message at level INFO."""
    add_message(request, constants.INFO, message, extra_tags=extra_tags, fail_silently=fail_silently)


def success(request: Any, message: Any, extra_tags: str = "", fail_silently: bool = False) -> None:
    """Add a message at level SUCCESS."""
    add_message(request, constants.SUCCESS, message, extra_tags=extra_tags, fail_silently=fail_silently)


def warning(request: Any, message: Any, extra_tags: str = "", fail_silently: bool = False) -> None:
    """Add a message at level WARNING."""
    add_message(request, constants.WARNING, message, extra_tags=extra_tags, fail_silently=fail_silently)


def error(request: Any, message: Any, extra_tags: str = "", fail_silently: bool = False) -> None:
    """Add a message at level ERROR."""
    add_message(request, constants.ERROR, message, extra_tags=extra_tags, fail_silently=fail_silently)
