"""Logging: the default configuration, ``LOGGING``/``LOGGING_CONFIG``, and error responses logged once.

Logger names, as Django's with the ``microdj`` prefix: ``microdj`` (parent of all), ``microdj.request``
(4xx/5xx responses), ``microdj.server`` (the development server), ``microdj.security.<Name>`` (suspicious
requests), ``microdj.dispatch`` (failing signal receivers).
"""

from __future__ import annotations

import copy
import logging
import logging.config
from typing import Any

from microdj.utils.module_loading import import_string

# What configure_logging() applies before LOGGING. As Django's default, except that where Django mails
# errors to ADMINS when DEBUG is off, errors go to stderr (else a 500's traceback would go nowhere).
DEFAULT_LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "microdj.utils.log.RequireDebugFalse"},
        "require_debug_true": {"()": "microdj.utils.log.RequireDebugTrue"},
    },
    "formatters": {
        "microdj.server": {
            "()": "microdj.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"level": "INFO", "filters": ["require_debug_true"], "class": "logging.StreamHandler"},
        "errors": {"level": "ERROR", "filters": ["require_debug_false"], "class": "logging.StreamHandler"},
        "microdj.server": {"level": "INFO", "class": "logging.StreamHandler", "formatter": "microdj.server"},
    },
    "loggers": {
        # No level: records pass by the root logger's level (WARNING unless lowered), the handlers filter.
        "microdj": {"handlers": ["console", "errors"]},
        "microdj.server": {"handlers": ["microdj.server"], "level": "INFO", "propagate": False},
    },
}


def configure_logging(logging_config: str | None, logging_settings: dict[str, Any] | None) -> None:
    """Apply ``DEFAULT_LOGGING``, then ``logging_settings`` through the callable ``logging_config`` names.

    Nothing is done when ``logging_config`` is empty (``LOGGING_CONFIG = None``: configure logging
    yourself). As Django's ``configure_logging``.
    """
    if not logging_config:
        return
    configure = import_string(logging_config)
    logging.config.dictConfig(DEFAULT_LOGGING)
    if logging_settings:
        configure(logging_settings)


# The (LOGGING_CONFIG, LOGGING) pair applied last by apply_logging_settings().
_applied: tuple[str | None, dict[str, Any] | None] | None = None


def apply_logging_settings() -> None:
    """``configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)``, unless those were applied last.

    Start-up calls this for every application made; applying the same configuration again would reset
    the levels and handlers of every ``microdj.*`` logger that code (or a test) had set since.
    """
    global _applied
    from microdj.conf import settings

    wanted = (settings.LOGGING_CONFIG, settings.LOGGING)
    if _applied == wanted:
        return
    configure_logging(*wanted)
    _applied = (wanted[0], copy.deepcopy(wanted[1]))


class RequireDebugFalse(logging.Filter):
    """Passes records only while ``DEBUG`` is off."""

    def filter(self, record: logging.LogRecord) -> bool:
        from microdj.conf import settings

        return not settings.DEBUG


class RequireDebugTrue(logging.Filter):
    """Passes records only while ``DEBUG`` is on."""

    def filter(self, record: logging.LogRecord) -> bool:
        from microdj.conf import settings

        return bool(settings.DEBUG)


class ServerFormatter(logging.Formatter):
    """The development server's format: ``{server_time}`` is the record's time as ``04/Dec/2026 10:00:00``."""

    default_time_format = "%d/%b/%Y %H:%M:%S"

    def format(self, record: logging.LogRecord) -> str:
        if "{server_time}" in (self._fmt or "") and not hasattr(record, "server_time"):
            record.server_time = self.formatTime(record, self.datefmt)
        return super().format(record)


request_logger = logging.getLogger("microdj.request")
security_logger_prefix = "microdj.security."


def log_response(
    message: str,
    *args: Any,
    response: Any = None,
    request: Any = None,
    logger: logging.Logger = request_logger,
    level: str | None = None,
    exception: BaseException | None = None,
) -> None:
    """Log a 4xx (warning) or 5xx (error) response once; later calls for the same response do nothing."""
    if getattr(response, "_has_been_logged", False):
        return
    if level is None:
        level = "error" if response is not None and response.status_code >= 500 else "warning"
    if not logger.isEnabledFor(logging.getLevelName(level.upper())):
        # PERF: nothing would be emitted; skip building the record.
        if response is not None:
            response._has_been_logged = True
        return
    exc_info = (type(exception), exception, exception.__traceback__) if exception is not None else None
    # Client-controlled text (the path) is escaped so that it cannot forge log lines.
    escaped = tuple(a.encode("unicode_escape").decode("ascii") if isinstance(a, str) else a for a in args)
    getattr(logger, level)(
        message,
        *escaped,
        extra={"status_code": getattr(response, "status_code", None), "request": request},
        exc_info=exc_info,
    )
    if response is not None:
        response._has_been_logged = True
