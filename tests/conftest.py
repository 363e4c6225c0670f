"""Test-wide settings: the whole suite runs against one configured settings object."""

from microdj.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver", "localhost", "127.0.0.1"],
        ROOT_URLCONF="tests.urls_root",
        SECRET_KEY="test-secret-key",
    )
