"""Helpers of the middleware-chain tests: a client on the test URLconf with sample middleware."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from microdj.test import Client, override_settings
from tests.core.middleware_samples import EVENTS

URLCONF = "tests.core.urls_middleware"
MW = "tests.core.middleware_samples."
# Hook middleware stacks that keep the chain on the async path, or put a sync layer in it.
ASYNC_PATH_HOOKS = ("AsyncHooks", "ThreadHooks", "InlineHooks")
SYNC_PATH_HOOKS = ("AsyncHooks", "SyncHooks")


@pytest.fixture(autouse=True)
def clear_events() -> Iterator[None]:
    """No recorded middleware events before or after a test."""
    EVENTS.clear()
    yield
    EVENTS.clear()


@contextmanager
def client_for(*middleware: str, raise_request_exception: bool = False, **overrides) -> Iterator[Client]:
    """A test client on the test URLconf with ``middleware`` (middleware_samples names), outermost first."""
    with override_settings(MIDDLEWARE=[MW + name for name in middleware], ROOT_URLCONF=URLCONF, **overrides):
        client = Client(raise_request_exception=raise_request_exception)
        try:
            yield client
        finally:
            client.close()


def get(path: str, *middleware: str, **kwargs):
    """One GET through a fresh client with ``middleware``."""
    with client_for(*middleware, **kwargs) as client:
        return client.get(path)
