"""Channel layers: ``get_channel_layer()`` and the backends named by ``CHANNEL_LAYERS``.

``CHANNEL_LAYERS`` has Django Channels' shape, ``{"default": {"BACKEND": "dotted.path", "CONFIG": {...}}}``:
``CONFIG`` is passed to the backend's constructor as keyword arguments. One layer object is built per alias
and kept until the setting changes.
"""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.core.exceptions import ImproperlyConfigured
from microdj.utils.module_loading import import_string
from microdj.websocket.layers.base import BaseChannelLayer, ChannelFull
from microdj.websocket.layers.inmemory import InMemoryChannelLayer

__all__ = [
    "DEFAULT_CHANNEL_LAYER",
    "BaseChannelLayer",
    "ChannelFull",
    "InMemoryChannelLayer",
    "get_channel_layer",
]

DEFAULT_CHANNEL_LAYER = "default"

_layers: dict[str, BaseChannelLayer | None] = {}


def _forget_layers(name: str, value: Any) -> None:
    if name == "CHANNEL_LAYERS":
        _layers.clear()


settings.add_listener(_forget_layers)


def get_channel_layer(alias: str = DEFAULT_CHANNEL_LAYER) -> BaseChannelLayer | None:
    """The layer ``CHANNEL_LAYERS[alias]`` names, built on first use; None when there is no such alias."""
    try:
        return _layers[alias]
    except KeyError:
        pass
    layer = _layers[alias] = _build(alias)
    return layer


def _build(alias: str) -> BaseChannelLayer | None:
    layers = settings.CHANNEL_LAYERS
    if not isinstance(layers, dict):
        raise ImproperlyConfigured(
            f"The CHANNEL_LAYERS setting must be a dict of aliases, not {type(layers).__name__}."
        )
    config = layers.get(alias)
    if config is None:
        return None
    if not isinstance(config, dict) or not isinstance(config.get("BACKEND"), str):
        raise ImproperlyConfigured(
            f"CHANNEL_LAYERS[{alias!r}] must be a dict with a 'BACKEND' dotted path, e.g. "
            "{'BACKEND': 'microdj.websocket.layers.InMemoryChannelLayer'}."
        )
    options = config.get("CONFIG") or {}
    if not isinstance(options, dict):
        raise ImproperlyConfigured(
            f"CHANNEL_LAYERS[{alias!r}]['CONFIG'] must be a dict of keyword arguments."
        )
    try:
        backend = import_string(config["BACKEND"])
    except ImportError as error:
        raise ImproperlyConfigured(
            f"CHANNEL_LAYERS[{alias!r}]['BACKEND'] {config['BACKEND']!r} cannot be imported: {error}"
        ) from error
    try:
        layer = backend(**options)
    except TypeError as error:
        raise ImproperlyConfigured(
            f"CHANNEL_LAYERS[{alias!r}]['CONFIG'] does not fit {config['BACKEND']}: {error}"
        ) from error
    if not isinstance(layer, BaseChannelLayer):
        raise ImproperlyConfigured(
            f"CHANNEL_LAYERS[{alias!r}]['BACKEND'] {config['BACKEND']!r} is not a BaseChannelLayer subclass."
        )
    return layer
