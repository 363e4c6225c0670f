"""Test-wide settings: microdj's settings for the suite, and Django's for the differential tests."""

import django
import django.conf
import pytest

import microdj
from microdj.conf import settings
from microdj.test import override_settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver", "localhost", "127.0.0.1"],
        ROOT_URLCONF="tests.urls_root",
        SECRET_KEY="test-secret-key",
    )
# Logging as an application's start-up configures it, once, before any test sets a logger's level.
microdj.setup()

# Django is the behavioural reference: the same values, configured once, before any test module imports it.
if not django.conf.settings.configured:
    django.conf.settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver", "localhost", "127.0.0.1"],
        SECRET_KEY="test-secret-key",
        DEFAULT_CHARSET="utf-8",
        ROOT_URLCONF="tests.django_urls",
    )
    django.setup()


@pytest.fixture
def override():
    """Apply override_settings(**kwargs) until the end of the test."""
    active = []

    def apply(**kwargs):
        active.append(override_settings(**kwargs))
        active[-1].enable()

    yield apply
    for item in reversed(active):
        item.disable()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """A real redis-server for the session (skips when the binary is missing); see tests/support."""
    from tests.support.redis_server import redis_server_fixture

    yield from redis_server_fixture(tmp_path_factory)


@pytest.fixture
def redis_url(redis_server):
    """The session's redis-server URL, emptied before the test."""
    if redis_server.process is None:
        redis_server.start()
    redis_server.flush()
    return redis_server.url
