"""Errors that name the setting: MIDDLEWARE entries and ROOT_URLCONF that cannot be imported."""

import sys

import pytest

from microdj.asgi import get_asgi_application
from microdj.core.exceptions import ImproperlyConfigured
from microdj.core.loading import import_middleware, missing_feature_hint, root_resolver
from microdj.middleware.common import CommonMiddleware
from microdj.test import Client, override_settings

DJANGO_DEFAULTS_WITHOUT_AUTH = [
    "microdj.middleware.security.SecurityMiddleware",
    "microdj.contrib.sessions.middleware.SessionMiddleware",
    "microdj.middleware.common.CommonMiddleware",
    "microdj.middleware.csrf.CsrfViewMiddleware",
    "microdj.contrib.messages.middleware.MessageMiddleware",
]


def test_an_importable_entry_is_returned():
    assert import_middleware("microdj.middleware.common.CommonMiddleware") is CommonMiddleware


def test_a_missing_entry_is_named():
    with pytest.raises(ImproperlyConfigured) as info:
        import_middleware("myproject.middleware.Timing")
    assert str(info.value) == (
        "The MIDDLEWARE setting lists 'myproject.middleware.Timing', which cannot be imported: "
        "No module named 'myproject'."
    )
    assert isinstance(info.value.__cause__, ImportError)
    # Still what import_string() raised, for code that catches it.
    assert isinstance(info.value, ModuleNotFoundError) and info.value.name == "myproject"


def test_a_missing_attribute_is_named():
    with pytest.raises(
        ImproperlyConfigured, match="'microdj.middleware.common.Nope', which cannot be imported: "
    ):
        import_middleware("microdj.middleware.common.Nope")


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("microdj.contrib.auth.middleware.AuthenticationMiddleware", "no users or authentication"),
        ("microdj.contrib.auth.middleware.LoginRequiredMiddleware", "request.session"),
        ("microdj.contrib.admindocs.middleware.XViewMiddleware", "no admin site"),
        ("microdj.contrib.flatpages.middleware.FlatpageFallbackMiddleware", "no flat pages"),
        ("microdj.contrib.redirects.middleware.RedirectFallbackMiddleware", "RedirectView"),
        ("microdj.contrib.sites.middleware.CurrentSiteMiddleware", "request.get_host()"),
        ("microdj.middleware.locale.LocaleMiddleware", "no translations"),
        ("django.contrib.auth.middleware.AuthenticationMiddleware", "no users or authentication"),
    ],
)
def test_django_features_microdj_lacks_say_what_to_do(path, says, monkeypatch):
    # A Django path fails to import where Django is not installed (it is, here, for the parity tests).
    monkeypatch.setitem(sys.modules, path.rsplit(".", 1)[0], None)
    with pytest.raises(ImproperlyConfigured) as info:
        import_middleware(path)
    message = str(info.value)
    assert message.startswith(f"The MIDDLEWARE setting lists {path!r}, which cannot be imported: ")
    assert says in message


def test_a_django_prefix_points_to_the_microdj_twin(monkeypatch):
    monkeypatch.setitem(sys.modules, "django.middleware.common", None)
    with pytest.raises(ImproperlyConfigured) as info:
        import_middleware("django.middleware.common.CommonMiddleware")
    assert str(info.value).endswith("Change the prefix: use 'microdj.middleware.common.CommonMiddleware'.")
    with pytest.raises(ImproperlyConfigured, match="microdj has no equivalent of it."):
        import_middleware("django.middleware.nothing.Like")


def test_the_hint_table():
    assert missing_feature_hint("microdj.contrib.auth") is not None
    assert missing_feature_hint("microdj.contrib.authx.Thing") is None
    assert missing_feature_hint("microdj.contrib.messages.middleware.MessageMiddleware") is None


def test_the_application_refuses_a_bad_entry_at_start_up():
    with override_settings(MIDDLEWARE=["microdj.contrib.auth.middleware.AuthenticationMiddleware"]):
        with pytest.raises(ImproperlyConfigured, match="no users or authentication"):
            get_asgi_application()


def test_djangos_default_middleware_minus_auth_loads():
    urls = "tests.contrib.messages.urls_messages"
    with override_settings(MIDDLEWARE=DJANGO_DEFAULTS_WITHOUT_AUTH, ROOT_URLCONF=urls), Client() as client:
        added = client.get("/aadd/")
        shown = client.get("/show/")
    assert (added.status_code, added["X-Content-Type-Options"]) == (200, "nosniff")
    assert shown.json() == [[20, "from async", "info"]]


def test_a_root_urlconf_that_cannot_be_imported_is_named():
    with pytest.raises(ImproperlyConfigured) as info:
        root_resolver("myproject.nourls")
    assert str(info.value).startswith(
        "The URLconf named by the ROOT_URLCONF setting ('myproject.nourls') cannot be imported: "
        "No module named 'myproject'. "
    )
    with override_settings(ROOT_URLCONF="tests.urls.broken_import"):
        with pytest.raises(ImproperlyConfigured, match="No module named 'no_such_dependency'"):
            get_asgi_application()


def test_handler500_of_the_previous_urlconf_is_not_used_once_root_urlconf_is_broken():
    with override_settings(ROOT_URLCONF="tests.core.urls_handler500"):
        with Client(raise_request_exception=False) as client:
            assert client.get("/ok/").content == b"ok"
            with override_settings(ROOT_URLCONF="tests.urls.broken_import"):
                response = client.get("/ok/")
            assert client.get("/ok/").content == b"ok"
    assert response.status_code == 500
    assert b"custom 500" not in response.content
    assert b"Server Error (500)" in response.content


def test_a_broken_root_urlconf_at_request_time_raises_naming_the_setting():
    with Client() as client, override_settings(ROOT_URLCONF="tests.urls.broken_import"):
        with pytest.raises(ImproperlyConfigured, match="ROOT_URLCONF"):
            client.get("/plaintext/")
