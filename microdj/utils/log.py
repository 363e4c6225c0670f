"""Logging of error responses, once per response, to the ``microdj.request`` logger."""

from __future__ import annotations

import logging
from typing import Any

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
