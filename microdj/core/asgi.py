"""The entry point for ASGI servers: ``application = get_asgi_application()`` (Django's import path).

``microdj.asgi`` re-exports the same function.
"""

from __future__ import annotations

from collections.abc import Iterable

import microdj
from microdj.core.handlers.asgi import ASGIHandler, Hook

__all__ = ["get_asgi_application"]


def run_startup_checks() -> None:
    """Run the system checks (not the deployment ones); raise SystemCheckError listing any errors.

    Messages named in SILENCED_SYSTEM_CHECKS are ignored; warnings are left to ``manage.py check``.
    """
    from microdj.core import checks
    from microdj.core.checks.report import format_report, visible
    from microdj.core.management.base import SystemCheckError

    found, silenced = visible(checks.run_checks())
    errors = [m for m in found if m.is_serious()]
    if errors:
        raise SystemCheckError(format_report(errors, silenced, display_num_errors=True))


def get_asgi_application(
    *,
    on_startup: Iterable[Hook] | None = None,
    on_shutdown: Iterable[Hook] | None = None,
    async_safety: str | None = None,
) -> ASGIHandler:
    """Set up logging (``microdj.setup()``), load URLconf and middleware, run the system checks, and return
    the application.

    Errors surface here, at start-up: a check error raises ``SystemCheckError`` with the list.
    ``on_startup``/``on_shutdown`` add callables (sync or async, or dotted paths) to the ``ON_STARTUP`` and
    ``ON_SHUTDOWN`` settings, run at ASGI lifespan start-up and shut-down. ``async_safety`` ("raise",
    "warn" or "off") overrides the ``ASYNC_SAFETY`` setting for this application.
    """
    microdj.setup()
    run_startup_checks()
    return ASGIHandler(on_startup=on_startup, on_shutdown=on_shutdown, async_safety=async_safety)
