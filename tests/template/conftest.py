"""Template tests: the engine over tests/template/jinja2 and the URLconf of tests/template/pages.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from microdj.test import Client, override_settings
from tests.template.pages import ENGINE


def engine_settings(**options: Any) -> list[dict[str, Any]]:
    """TEMPLATES with the test engine and these OPTIONS."""
    return [{**ENGINE, "OPTIONS": options}]


@pytest.fixture
def pages() -> Iterator[None]:
    """The test engine (with a context processor) and the pages URLconf."""
    with override_settings(
        ROOT_URLCONF="tests.template.pages",
        TEMPLATES=engine_settings(context_processors=["tests.template.pages.greeting"]),
        STATIC_URL="/static/",
    ):
        yield


@pytest.fixture
def client(pages: None) -> Iterator[Client]:
    """A test client on the pages URLconf."""
    client = Client()
    try:
        yield client
    finally:
        client.close()
