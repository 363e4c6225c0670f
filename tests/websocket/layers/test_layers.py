"""get_channel_layer() and the CHANNEL_LAYERS setting."""

from __future__ import annotations

from typing import Any

import pytest

from microdj.core.exceptions import ImproperlyConfigured
from microdj.test import override_settings
from microdj.websocket.layers import InMemoryChannelLayer, get_channel_layer

INMEMORY = "microdj.websocket.layers.InMemoryChannelLayer"


def test_default_layer_is_in_memory_and_kept() -> None:
    with override_settings(CHANNEL_LAYERS={"default": {"BACKEND": INMEMORY, "CONFIG": {"capacity": 7}}}):
        layer = get_channel_layer()
        assert isinstance(layer, InMemoryChannelLayer) and layer.capacity == 7
        assert get_channel_layer() is layer
        assert get_channel_layer("other") is None
    assert get_channel_layer() is not layer  # the setting changed: built again


class NotALayer:
    def __init__(self, **config: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (["default"], "must be a dict of aliases"),
        ({"default": "x"}, "must be a dict with a 'BACKEND'"),
        ({"default": {"BACKEND": INMEMORY, "CONFIG": [1]}}, "must be a dict of keyword arguments"),
        ({"default": {"BACKEND": "no.such.Layer"}}, "cannot be imported"),
        ({"default": {"BACKEND": INMEMORY, "CONFIG": {"colour": 1, "expiry": 1, "bogus": 2}}}, None),
        ({"default": {"BACKEND": "tests.websocket.layers.test_layers.NotALayer"}}, "not a BaseChannelLayer"),
        ({"default": {"BACKEND": "builtins.len", "CONFIG": {"x": 1}}}, "does not fit"),
    ],
)
def test_bad_configurations_are_reported(value: Any, message: str | None) -> None:
    with override_settings(CHANNEL_LAYERS=value):
        if message is None:
            assert get_channel_layer() is not None  # extra CONFIG keys are accepted, as Channels does
            return
        with pytest.raises(ImproperlyConfigured, match=message):
            get_channel_layer()
