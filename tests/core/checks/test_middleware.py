"""Middleware order checks."""

from microdj.core.checks.middleware import check_middleware_order
from microdj.core.checks.security.base import SECURITY_MIDDLEWARE
from microdj.core.checks.security.csrf import CSRF_MIDDLEWARE
from microdj.core.checks.security.sessions import SESSION_MIDDLEWARE

COMMON = "microdj.middleware.common.CommonMiddleware"


def ids(override, **settings):
    override(**settings)
    return [m.id for m in check_middleware_order()]


def test_djangos_order_is_fine(override):
    assert ids(override, MIDDLEWARE=[SECURITY_MIDDLEWARE, SESSION_MIDDLEWARE, COMMON, CSRF_MIDDLEWARE]) == []
    assert ids(override, MIDDLEWARE=[]) == []


def test_session_after_csrf_breaks_csrf_use_sessions(override):
    assert ids(override, MIDDLEWARE=[CSRF_MIDDLEWARE, SESSION_MIDDLEWARE], CSRF_USE_SESSIONS=False) == []
    assert ids(override, CSRF_USE_SESSIONS=True) == ["middleware.E002"]
    assert ids(override, MIDDLEWARE=[CSRF_MIDDLEWARE]) == ["middleware.E002"]
    assert ids(override, MIDDLEWARE=[SESSION_MIDDLEWARE, CSRF_MIDDLEWARE]) == []


def test_cache_middleware_wraps_the_others(override):
    from microdj.core.checks.middleware import FETCH_CACHE_MIDDLEWARE, UPDATE_CACHE_MIDDLEWARE

    assert ids(override, MIDDLEWARE=[UPDATE_CACHE_MIDDLEWARE, COMMON, FETCH_CACHE_MIDDLEWARE]) == []
    assert ids(override, MIDDLEWARE=[FETCH_CACHE_MIDDLEWARE, COMMON, UPDATE_CACHE_MIDDLEWARE]) == [
        "middleware.W003"
    ]
    assert ids(override, MIDDLEWARE=[FETCH_CACHE_MIDDLEWARE]) == []


def test_security_middleware_first_and_repeats(override):
    assert ids(override, MIDDLEWARE=[COMMON, SECURITY_MIDDLEWARE]) == ["middleware.W002"]
    assert ids(override, MIDDLEWARE=[COMMON, COMMON]) == ["middleware.W001"]
