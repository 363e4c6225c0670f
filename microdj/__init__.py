"""microdj: Django's request/response model on pure ASGI."""

__version__ = "0.1.0"


def setup() -> None:
    """Apply the project's settings to the process: logging (``LOGGING_CONFIG``/``LOGGING``).

    ``get_asgi_application()`` calls it; call it yourself in scripts that use microdj without an application.
    Logging is configured again only when ``LOGGING_CONFIG`` or ``LOGGING`` changed since.
    """
    from microdj.utils.log import apply_logging_settings

    apply_logging_settings()
