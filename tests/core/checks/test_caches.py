"""Cache checks."""

from microdj.core.checks.caches import (
    CACHE_SESSION_ENGINE,
    E001,
    check_cache_aliases,
    check_default_cache_is_configured,
)

LOCMEM = {"BACKEND": "microdj.core.cache.backends.locmem.LocMemCache"}


def test_default_cache_required(override):
    assert check_default_cache_is_configured() == []
    override(CACHES={"other": LOCMEM})
    assert check_default_cache_is_configured() == [E001]


def test_aliases_in_use_must_exist(override):
    override(CACHES={"default": LOCMEM}, CACHE_MIDDLEWARE_ALIAS="pages", SESSION_CACHE_ALIAS="sessions")
    assert check_cache_aliases() == []  # neither the middleware nor the cache session engine is used
    override(MIDDLEWARE=["microdj.middleware.cache.CacheMiddleware"], SESSION_ENGINE=CACHE_SESSION_ENGINE)
    found = check_cache_aliases()
    assert [m.id for m in found] == ["caches.E101", "caches.E101"]
    assert found[0].msg.startswith("CACHE_MIDDLEWARE_ALIAS is 'pages', but CACHES defines no such cache")
    assert found[1].msg.startswith("SESSION_CACHE_ALIAS is 'sessions'")
    assert found[1].hint == "Add 'sessions' to CACHES, or set SESSION_CACHE_ALIAS to one of: 'default'."
    override(CACHES={"default": LOCMEM, "pages": LOCMEM, "sessions": LOCMEM})
    assert check_cache_aliases() == []
