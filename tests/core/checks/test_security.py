"""Security checks: Django's ids and conditions, for microdj's middleware paths."""

import pytest

from microdj.core.checks import run_checks
from microdj.core.checks.security import base, csrf, sessions
from microdj.core.management.utils import get_random_secret_key

SECURITY = base.SECURITY_MIDDLEWARE
SESSION = sessions.SESSION_MIDDLEWARE
CSRF = csrf.CSRF_MIDDLEWARE
STRONG = get_random_secret_key()


def deploy_ids():
    return sorted(m.id for m in run_checks(tags=["security"], include_deployment_checks=True))


def test_a_hardened_project_passes(override):
    override(
        MIDDLEWARE=[SECURITY, SESSION, CSRF],
        SECRET_KEY=STRONG,
        DEBUG=False,
        ALLOWED_HOSTS=["example.com"],
        SECURE_HSTS_SECONDS=3600,
        SECURE_HSTS_INCLUDE_SUBDOMAINS=True,
        SECURE_HSTS_PRELOAD=True,
        SECURE_SSL_REDIRECT=True,
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_SECURE=True,
    )
    assert deploy_ids() == []


def test_a_bare_project_warns(override):
    override(MIDDLEWARE=[], SECRET_KEY="short", DEBUG=True, ALLOWED_HOSTS=[])
    assert deploy_ids() == [
        "security.W001",
        "security.W003",
        "security.W009",
        "security.W018",
        "security.W020",
    ]


def test_security_middleware_settings(override):
    override(MIDDLEWARE=[SECURITY], SECURE_CONTENT_TYPE_NOSNIFF=False, SECURE_REFERRER_POLICY=None)
    assert base.check_sts() == [base.W004]
    assert base.check_content_type_nosniff() == [base.W006]
    assert base.check_ssl_redirect() == [base.W008]
    assert base.check_referrer_policy() == [base.W022]
    override(SECURE_HSTS_SECONDS=60)
    assert base.check_sts() == [base.W005, base.W021]


def test_security_middleware_settings_ignored_without_it(override):
    override(MIDDLEWARE=[], SECURE_REFERRER_POLICY="bogus", SECURE_CROSS_ORIGIN_OPENER_POLICY="bogus")
    assert base.check_sts() == base.check_content_type_nosniff() == base.check_ssl_redirect() == []
    assert base.check_referrer_policy() == base.check_cross_origin_opener_policy() == []


@pytest.mark.parametrize(
    ("policy", "ok"),
    [
        ("same-origin", True),
        ("no-referrer, strict-origin-when-cross-origin", True),
        (["origin", "unsafe-url"], True),
        ("bogus", False),
        ("origin,bogus", False),
    ],
)
def test_referrer_policy_values(override, policy, ok):
    override(MIDDLEWARE=[SECURITY], SECURE_REFERRER_POLICY=policy)
    assert base.check_referrer_policy() == ([] if ok else [base.E023])


def test_cross_origin_opener_policy(override):
    override(MIDDLEWARE=[SECURITY], SECURE_CROSS_ORIGIN_OPENER_POLICY="unsafe-none")
    assert base.check_cross_origin_opener_policy() == []
    override(SECURE_CROSS_ORIGIN_OPENER_POLICY="bogus")
    assert base.check_cross_origin_opener_policy() == [base.E024]
    override(SECURE_CROSS_ORIGIN_OPENER_POLICY=None)
    assert base.check_cross_origin_opener_policy() == []


@pytest.mark.parametrize(
    ("key", "strong"),
    [
        (STRONG, True),
        (STRONG.encode(), True),
        ("a" * 60, False),
        (STRONG[:49], False),
        (base.SECRET_KEY_INSECURE_PREFIX + STRONG, False),
    ],
)
def test_secret_key_strength(override, key, strong):
    override(SECRET_KEY=key, SECRET_KEY_FALLBACKS=[])
    assert base.check_secret_key() == ([] if strong else [base.W009])


def test_weak_fallback_keys_are_named(override):
    override(SECRET_KEY=STRONG, SECRET_KEY_FALLBACKS=[STRONG, "weak"])
    (message,) = base.check_secret_key()
    assert message.id == "security.W025" and "SECRET_KEY_FALLBACKS[1]" in message.msg


def test_session_cookie_flags(override):
    override(MIDDLEWARE=[SESSION], SESSION_COOKIE_SECURE=False, SESSION_COOKIE_HTTPONLY=False)
    assert sessions.check_session_cookie_secure() == [sessions.W011]
    assert sessions.check_session_cookie_httponly() == [sessions.W014]
    override(MIDDLEWARE=[])
    assert sessions.check_session_cookie_secure() == sessions.check_session_cookie_httponly() == []


def test_csrf_cookie(override):
    override(MIDDLEWARE=[CSRF], CSRF_COOKIE_SECURE=False)
    assert csrf.check_csrf_cookie_secure() == [csrf.W016]
    override(CSRF_USE_SESSIONS=True)
    assert csrf.check_csrf_cookie_secure() == []


def _two_args(request, reason=""):
    return None


def _one_arg(request):
    return None


def test_csrf_failure_view(override):
    assert csrf.check_csrf_failure_view() == []
    override(CSRF_FAILURE_VIEW=_two_args)
    assert csrf.check_csrf_failure_view() == []
    override(CSRF_FAILURE_VIEW=_one_arg)
    assert [m.id for m in csrf.check_csrf_failure_view()] == ["security.E101"]
    override(CSRF_FAILURE_VIEW="tests.nowhere.view")
    (message,) = csrf.check_csrf_failure_view()
    assert message.id == "security.E102" and "'tests.nowhere.view' cannot be imported" in message.msg


def test_clickjacking_checks_follow_the_middleware_when_microdj_has_it(override, monkeypatch):
    monkeypatch.setattr(base, "clickjacking_available", lambda: False)
    assert base.check_xframe_options() == []
    monkeypatch.setattr(base, "clickjacking_available", lambda: True)
    override(MIDDLEWARE=[])
    assert base.check_xframe_options() == [base.W002]
    override(MIDDLEWARE=[base.CLICKJACKING_MIDDLEWARE], X_FRAME_OPTIONS="SAMEORIGIN")
    assert base.check_xframe_options() == [base.W019]
    override(X_FRAME_OPTIONS="DENY")
    assert base.check_xframe_options() == []
