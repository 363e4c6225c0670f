"""The entry point for ASGI servers: an alias of :mod:`microdj.core.asgi` (Django's import path)."""

from microdj.core.asgi import get_asgi_application

__all__ = ["get_asgi_application"]
