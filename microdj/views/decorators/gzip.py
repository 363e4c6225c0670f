"""``gzip_page``: GZipMiddleware for one view."""

from __future__ import annotations

from microdj.middleware.gzip import GZipMiddleware
from microdj.utils.decorators import decorator_from_middleware

gzip_page = decorator_from_middleware(GZipMiddleware)
gzip_page.__doc__ = "Compress the view's response with gzip when the client accepts it (GZipMiddleware)."
