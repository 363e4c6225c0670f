"""What ``runserver`` and ``serve`` share: binding the listening socket with a clear error, the project's
application, and uvicorn's logging in Django's style.
"""

from __future__ import annotations

import errno
import os
import socket
import traceback
from typing import Any

from microdj.core.management.base import CommandError

_BIND_ERRORS = {
    errno.EADDRINUSE: "That port is already in use.",
    errno.EACCES: "You don't have permission to access that port.",
    errno.EADDRNOTAVAIL: "That IP address can't be assigned to.",
}


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port``, inheritable by worker processes.

    A port in use (or any other bind failure) raises CommandError with one line saying so.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        reason = _BIND_ERRORS.get(error.errno or 0, error.strerror or str(error))
        raise CommandError(f"{reason} ({host}:{port})") from None
    sock.set_inheritable(True)
    return sock


def display_url(host: str, port: int) -> str:
    """The URL a person opens for a server on ``host:port``."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def load_application(path: str | None = None) -> Any:
    """The application named by ``path`` or the ASGI_APPLICATION setting, else get_asgi_application()."""
    from microdj.conf import settings
    from microdj.utils.module_loading import import_string

    path = path or settings.ASGI_APPLICATION
    if path:
        try:
            return import_string(path.replace(":", "."))
        except ImportError as error:
            if path == settings.ASGI_APPLICATION:
                raise CommandError(
                    f"The ASGI_APPLICATION setting names {path!r}, which cannot be imported: {error}"
                )
            raise
    from microdj.core.asgi import get_asgi_application

    return get_asgi_application()


def where(error: BaseException) -> str:
    """``file:line`` of the innermost frame of ``error``'s traceback."""
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return ""
    last = frames[-1]
    return f"{os.path.relpath(last.filename)}:{last.lineno}"


def log_config(access_log: bool = True) -> dict[str, Any]:
    """uvicorn's logging: its own start-up chatter hidden, errors kept, requests logged as Django's."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "default": {"()": "uvicorn.logging.DefaultFormatter", "fmt": "%(message)s", "use_colors": False},
            "access": {
                "()": "uvicorn.logging.AccessFormatter",
                "fmt": '[%(asctime)s] "%(request_line)s" %(status_code)s',
                "datefmt": "%d/%b/%Y %H:%M:%S",
                "use_colors": False,
            },
        },
        "handlers": {
            "default": {
                "formatter": "default",
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
            },
            "access": {"formatter": "access", "class": "logging.StreamHandler", "stream": "ext://sys.stderr"},
        },
        "loggers": {
            "uvicorn": {"handlers": ["default"], "level": "INFO", "propagate": False},
            "uvicorn.error": {"level": "WARNING"},
            "uvicorn.access": {
                "handlers": ["access"],
                "level": "INFO" if access_log else "WARNING",
                "propagate": False,
            },
        },
    }
