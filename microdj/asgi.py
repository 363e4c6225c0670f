"""The entry point for ASGI servers: ``application = get_asgi_application()``."""

from __future__ import annotations

from collections.abc import Iterable

import microdj
from microdj.core.handlers.asgi import ASGIHandler, Hook


def get_asgi_application(
    *,
    on_startup: Iterable[Hook] | None = None,
    on_shutdown: Iterable[Hook] | None = None,
    async_safety: str | None = None,
) -> ASGIHandler:
    """Set up logging (``microdj.setup()``), load URLconf and middleware now and return the application.

    Loading errors surface here, at start-up.

    ``on_startup``/``on_shutdown`` add callables (sync or async, or dotted paths) to the ``ON_STARTUP`` and
    ``ON_SHUTDOWN`` settings, run at ASGI lifespan start-up and shut-down. ``async_safety`` ("raise",
    "warn" or "off") overrides the ``ASYNC_SAFETY`` setting for this application.
    """
    microdj.setup()
    return ASGIHandler(on_startup=on_startup, on_shutdown=on_shutdown, async_safety=async_safety)
