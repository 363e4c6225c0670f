"""One-time messages for the next page a user sees: ``messages.info(request, "Saved.")``.

Add ``microdj.contrib.messages.middleware.MessageMiddleware`` to ``MIDDLEWARE`` (after the session
middleware when ``MESSAGE_STORAGE`` uses the session, as the default does).
"""

from microdj.contrib.messages.api import (
    MessageFailure,
    add_message,
    debug,
    error,
    get_level,
    get_messages,
    info,
    set_level,
    success,
    warning,
)
from microdj.contrib.messages.constants import (
    DEBUG,
    DEFAULT_LEVELS,
    DEFAULT_TAGS,
    ERROR,
    INFO,
    SUCCESS,
    WARNING,
)
from microdj.contrib.messages.storage.base import Message

__all__ = [
    "DEBUG",
    "DEFAULT_LEVELS",
    "DEFAULT_TAGS",
    "ERROR",
    "INFO",
    "SUCCESS",
    "WARNING",
    "Message",
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
