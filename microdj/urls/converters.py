"""Path converters: the ``<int:pk>``-style parameter types of ``path()`` routes."""

from __future__ import annotations

import functools
import uuid
import warnings
from typing import Any

from microdj.utils.deprecation import RemovedInDjango60Warning


class IntConverter:
    """Digits, passed to the view as an ``int``."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        """Return the matched digits as an int."""
        return int(value)

    def to_url(self, value: Any) -> str:
        """Return the URL text for ``value``."""
        return str(value)


class StringConverter:
    """Any non-empty text without a slash (the default when no converter is named)."""

    regex = "[^/]+"

    def to_python(self, value: str) -> str:
        """Return the matched text unchanged."""
        return value

    def to_url(self, value: Any) -> Any:
        """Return ``value`` unchanged."""
        return value


class UUIDConverter:
    """A lower-case, dashed UUID, passed to the view as a ``uuid.UUID``."""

    regex = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

    def to_python(self, value: str) -> uuid.UUID:
        """Return the matched text as a UUID."""
        return uuid.UUID(value)

    def to_url(self, value: Any) -> str:
        """Return the URL text for ``value``."""
        return str(value)


class SlugConverter(StringConverter):
    """ASCII letters, digits, hyphens and underscores."""

    regex = "[-a-zA-Z0-9_]+"


class PathConverter(StringConverter):
    """Any non-empty text, slashes included."""

    regex = ".+"


DEFAULT_CONVERTERS: dict[str, Any] = {
    "int": IntConverter(),
    "path": PathConverter(),
    "slug": SlugConverter(),
    "str": StringConverter(),
    "uuid": UUIDConverter(),
}

REGISTERED_CONVERTERS: dict[str, Any] = {}


def register_converter(converter: type, type_name: str) -> None:
    """Make ``<type_name:param>`` usable in routes declared after this call.

    Re-registering a name replaces the converter with a RemovedInDjango60Warning, as Django 5.2 does.
    """
    if type_name in REGISTERED_CONVERTERS or type_name in DEFAULT_CONVERTERS:
        warnings.warn(
            f"Converter {type_name!r} is already registered. Support for overriding registered converters "
            "is deprecated and will be removed in Django 6.0. Register it under a new name instead.",
            RemovedInDjango60Warning,
            stacklevel=2,
        )
    REGISTERED_CONVERTERS[type_name] = converter()
    get_converters.cache_clear()


@functools.cache
def get_converters() -> dict[str, Any]:
    """Return every known converter instance by type name (defaults, then registered ones)."""
    return {**DEFAULT_CONVERTERS, **REGISTERED_CONVERTERS}
