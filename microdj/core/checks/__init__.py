"""The system checks framework: ``register`` checks, ``run_checks()`` to get their messages.

As Django's: a check is a function taking ``**kwargs`` and returning a list of :class:`CheckMessage`
(``Debug``, ``Info``, ``Warning``, ``Error``, ``Critical``). ``manage.py check`` (``--deploy`` adds the
deployment checks) and ``runserver`` show them; ``get_asgi_application()`` refuses to start on errors.
"""

# The built-in checks register themselves on import.
import microdj.core.checks.async_checks
import microdj.core.checks.caches
import microdj.core.checks.middleware
import microdj.core.checks.security.base
import microdj.core.checks.security.csrf
import microdj.core.checks.security.sessions
import microdj.core.checks.settings
import microdj.core.checks.staticfiles
import microdj.core.checks.urls  # noqa: F401
from microdj.core.checks.messages import (
    CRITICAL,
    DEBUG,
    ERROR,
    INFO,
    WARNING,
    CheckMessage,
    Critical,
    Debug,
    Error,
    Info,
    Warning,
)
from microdj.core.checks.registry import CheckRegistry, Tags, register, registry, run_checks, tag_exists

__all__ = [
    "CRITICAL",
    "DEBUG",
    "ERROR",
    "INFO",
    "WARNING",
    "CheckMessage",
    "CheckRegistry",
    "Critical",
    "Debug",
    "Error",
    "Info",
    "Tags",
    "Warning",
    "register",
    "registry",
    "run_checks",
    "tag_exists",
]
