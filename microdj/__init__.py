"""microdj: Django's request/response model on pure ASGI."""

__version__ = "0.1.0"
