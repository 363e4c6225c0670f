"""``STATICFILES_DIRS`` checks, with Django's ids: ``staticfiles.E001``/``E002``/``W004``."""

from __future__ import annotations

import os
from typing import Any

from microdj.conf import settings
from microdj.core.checks.messages import CheckMessage, Error, Warning
from microdj.core.checks.registry import Tags, register


@register(Tags.staticfiles)
def check_staticfiles_dirs(**kwargs: Any) -> list[CheckMessage]:
    """E001 (not a list), E002 (holds STATIC_ROOT), W004 (a folder that does not exist)."""
    dirs = settings.STATICFILES_DIRS
    if not isinstance(dirs, list | tuple):
        return [
            Error(
                "The STATICFILES_DIRS setting is not a tuple or list.",
                hint="Perhaps you forgot a trailing comma?",
                id="staticfiles.E001",
            )
        ]
    found: list[CheckMessage] = []
    static_root = settings.STATIC_ROOT
    for entry in dirs:
        root = entry[1] if isinstance(entry, list | tuple) else entry
        if static_root and os.path.abspath(os.fspath(root)) == os.path.abspath(os.fspath(static_root)):
            found.append(
                Error(
                    "The STATICFILES_DIRS setting should not contain the STATIC_ROOT setting.",
                    id="staticfiles.E002",
                )
            )
        elif not os.path.isdir(root):
            found.append(
                Warning(
                    f"The directory '{root}' in the STATICFILES_DIRS setting does not exist.",
                    id="staticfiles.W004",
                )
            )
    return found
