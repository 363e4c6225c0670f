"""Path converters and register_converter()."""

import uuid

import pytest

from microdj.urls import path, register_converter
from microdj.urls.converters import (
    REGISTERED_CONVERTERS,
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
    get_converters,
)
from tests.urls import views


def test_default_converters():
    assert IntConverter().to_python("42") == 42 and IntConverter().to_url(42) == "42"
    assert StringConverter().to_python("a") == "a" and StringConverter().to_url("a") == "a"
    value = uuid.UUID(int=1)
    assert UUIDConverter().to_python(str(value)) == value and UUIDConverter().to_url(value) == str(value)
    assert SlugConverter.regex == "[-a-zA-Z0-9_]+"
    assert PathConverter.regex == ".+"
    assert set(get_converters()) >= {"int", "path", "slug", "str", "uuid"}


class Year:
    regex = "[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{value:04d}"


def test_register_converter_and_override_warning():
    try:
        register_converter(Year, "yyyy")
        assert isinstance(get_converters()["yyyy"], Year)
        pattern = path("y/<yyyy:year>/", views.detail)
        assert pattern.pattern.match("y/2024/") == ("", (), {"year": 2024})
        with pytest.warns(DeprecationWarning, match="'yyyy' is already registered"):
            register_converter(Year, "yyyy")
    finally:
        REGISTERED_CONVERTERS.pop("yyyy", None)
        get_converters.cache_clear()
    assert "yyyy" not in get_converters()
