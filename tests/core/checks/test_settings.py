"""Setting value checks."""

import pytest

from microdj.core.checks.settings import check_setting_values


def test_defaults_are_fine():
    assert check_setting_values() == []


@pytest.mark.parametrize(
    ("setting", "value", "ident"),
    [
        ("SYNC_WORKER_THREADS", 0, "settings.E001"),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", -1, "settings.E002"),
        ("SECURE_HSTS_SECONDS", -5, "settings.E002"),
        ("REQUEST_BODY_TIMEOUT", 0, "settings.E003"),
        ("ALLOWED_HOSTS", ["ok", 3], "settings.E004"),
        ("SESSION_COOKIE_SAMESITE", "lacks", "settings.E005"),
        ("CSRF_COOKIE_SAMESITE", 1, "settings.E005"),
        ("CSRF_TRUSTED_ORIGINS", ["example.com"], "4_0.E001"),
    ],
)
def test_values_that_cannot_work(override, setting, value, ident):
    override(**{setting: value})
    assert [m.id for m in check_setting_values()] == [ident]


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("REQUEST_BODY_TIMEOUT", None),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", None),
        ("SESSION_COOKIE_SAMESITE", "Strict"),
        ("CSRF_COOKIE_SAMESITE", None),
        ("SESSION_COOKIE_SAMESITE", False),
        ("CSRF_TRUSTED_ORIGINS", ["https://example.com"]),
    ],
)
def test_values_that_work(override, setting, value):
    override(**{setting: value})
    assert check_setting_values() == []
