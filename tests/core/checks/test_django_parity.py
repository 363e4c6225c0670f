"""The deployment checks give the ids Django's give for the same settings (Django is the reference)."""

import django.core.checks
import pytest
from django.test import override_settings as django_override

from microdj.core.checks import run_checks
from microdj.test import override_settings

STRONG_KEY = "x7#k2!p9@m4$q8%w1^e6&r3*t5(y0)u-i_o=p+a" + "s9d8f7g6h5j4"
WEAK_KEY = "short"
# Django's checks that microdj has no counterpart for here: clickjacking (until microdj has that
# middleware) and INSTALLED_APPS-based session warnings (microdj has no INSTALLED_APPS).
NOT_COMPARED = {
    "security.W002",
    "security.W019",
    "security.W010",
    "security.W012",
    "security.W013",
    "security.W015",
}

DJANGO_MIDDLEWARE = {
    "security": "django.middleware.security.SecurityMiddleware",
    "session": "django.contrib.sessions.middleware.SessionMiddleware",
    "csrf": "django.middleware.csrf.CsrfViewMiddleware",
}
MICRODJ_MIDDLEWARE = {
    "security": "microdj.middleware.security.SecurityMiddleware",
    "session": "microdj.contrib.sessions.middleware.SessionMiddleware",
    "csrf": "microdj.middleware.csrf.CsrfViewMiddleware",
}

SCENARIOS = {
    "bare": {"MIDDLEWARE": [], "DEBUG": True, "SECRET_KEY": WEAK_KEY, "ALLOWED_HOSTS": []},
    "security defaults": {"MIDDLEWARE": ["security"]},
    "hsts only": {"MIDDLEWARE": ["security"], "SECURE_HSTS_SECONDS": 3600, "SECURE_SSL_REDIRECT": True},
    "hardened": {
        "MIDDLEWARE": ["security", "session", "csrf"],
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
    },
    "insecure cookies": {
        "MIDDLEWARE": ["session", "csrf"],
        "SESSION_COOKIE_HTTPONLY": False,
        "SECRET_KEY_FALLBACKS": [WEAK_KEY, STRONG_KEY],
    },
    "csrf in session": {"MIDDLEWARE": ["session", "csrf"], "CSRF_USE_SESSIONS": True},
    "no headers": {
        "MIDDLEWARE": ["security"],
        "SECURE_CONTENT_TYPE_NOSNIFF": False,
        "SECURE_REFERRER_POLICY": None,
    },
    "bad policies": {
        "MIDDLEWARE": ["security"],
        "SECURE_REFERRER_POLICY": "no-referrer,nonsense",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY": "nonsense",
    },
    "list policy": {"MIDDLEWARE": ["security"], "SECURE_REFERRER_POLICY": ["origin", "same-origin"]},
}


def _settings(scenario, middleware):
    values = {"DEBUG": False, "SECRET_KEY": STRONG_KEY, "ALLOWED_HOSTS": ["example.com"], **scenario}
    values["MIDDLEWARE"] = [middleware[name] for name in values["MIDDLEWARE"]]
    return values


def _django_ids():
    messages = django.core.checks.run_checks(tags=["security"], include_deployment_checks=True)
    return sorted({m.id for m in messages} - NOT_COMPARED)


def _microdj_ids():
    return sorted({m.id for m in run_checks(tags=["security"], include_deployment_checks=True)})


@pytest.mark.parametrize("name", SCENARIOS)
def test_same_ids_as_django(name):
    scenario = SCENARIOS[name]
    with django_override(**_settings(scenario, DJANGO_MIDDLEWARE)):
        expected = _django_ids()
    with override_settings(**_settings(scenario, MICRODJ_MIDDLEWARE)):
        assert _microdj_ids() == expected


def test_async_unsafe_variable_as_django(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
    monkeypatch.setenv("MICRODJ_ALLOW_ASYNC_UNSAFE", "1")
    django_ids = {
        m.id for m in django.core.checks.run_checks(include_deployment_checks=True, tags=["async_support"])
    }
    microdj_ids = {m.id for m in run_checks(include_deployment_checks=True, tags=["async_support"])}
    assert django_ids == microdj_ids == {"async.E001"}


def test_url_checks_as_django(override):
    from django.core.checks.urls import check_custom_error_handlers as dj_handlers
    from django.core.checks.urls import check_url_config as dj_config
    from django.core.checks.urls import check_url_namespaces_unique as dj_namespaces

    from microdj.core.checks import urls

    with django_override(ROOT_URLCONF="tests.core.checks.dj_urlconf_warnings", APPEND_SLASH=True):
        expected = sorted(m.id for m in [*dj_config(None), *dj_namespaces(None), *dj_handlers(None)])
    override(ROOT_URLCONF="tests.core.checks.urlconf_warnings", APPEND_SLASH=True)
    found = [
        *urls.check_url_config(),
        *urls.check_url_namespaces_unique(),
        *urls.check_custom_error_handlers(),
    ]
    own = {"urls.W101", "urls.W102"}  # microdj's own, no Django counterpart
    assert sorted(m.id for m in found if m.id not in own) == expected
    assert len(expected) >= 8
