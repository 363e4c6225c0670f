"""Message storages; ``default_storage(request)`` makes the one ``MESSAGE_STORAGE`` names."""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.utils.module_loading import import_string


def default_storage(request: Any) -> Any:
    """A storage of the class named by ``MESSAGE_STORAGE`` for ``request`` (the setting is read each time)."""
    return import_string(settings.MESSAGE_STORAGE)(request)
