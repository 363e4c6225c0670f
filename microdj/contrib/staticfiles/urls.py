"""``staticfiles_urlpatterns()``: serve ``STATIC_URL`` from ``STATICFILES_DIRS`` in the URLconf, with DEBUG.

``urlpatterns += staticfiles_urlpatterns()`` in a project's URLconf makes the application itself serve the
source folders while ``DEBUG`` is on (an empty list otherwise), as Django's.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from microdj.conf import settings
from microdj.contrib.staticfiles.views import serve
from microdj.core.exceptions import ImproperlyConfigured

__all__ = ["staticfiles_urlpatterns"]


def staticfiles_urlpatterns(prefix: str | None = None) -> list[Any]:
    """The pattern serving ``prefix`` (default ``STATIC_URL``) with ``serve``; none without ``DEBUG``."""
    from microdj.urls import re_path

    prefix = settings.STATIC_URL if prefix is None else prefix
    if not prefix:
        raise ImproperlyConfigured("staticfiles_urlpatterns() needs a prefix or the STATIC_URL setting.")
    if not settings.DEBUG or urlsplit(prefix).netloc:
        return []
    return [re_path(rf"^{re.escape(urlsplit(prefix).path.lstrip('/'))}(?P<path>.*)$", serve)]
