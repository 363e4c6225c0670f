"""Lazy settings: loading from MICRODJ_SETTINGS_MODULE, configure(), type checks, listeners."""

import sys
import types

import pytest

from microdj.conf import ENVIRONMENT_VARIABLE, LazySettings, check_setting, global_settings, settings
from microdj.core.exceptions import ImproperlyConfigured


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.delenv(ENVIRONMENT_VARIABLE, raising=False)
    return LazySettings()


def install_module(monkeypatch, name, **values):
    module = types.ModuleType(name)
    for key, value in values.items():
        setattr(module, key, value)
    monkeypatch.setitem(sys.modules, name, module)
    return module


def test_nothing_is_loaded_until_first_use(fresh, monkeypatch):
    install_module(monkeypatch, "lazy_settings_mod", DEBUG=True)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "lazy_settings_mod")
    assert not fresh.configured
    assert fresh.DEBUG is True
    assert fresh.configured
    assert fresh.DEFAULT_CHARSET == "utf-8"  # from global_settings
    assert repr(fresh._wrapped) == "<Settings lazy_settings_mod>"


def test_only_upper_case_names_are_settings(fresh, monkeypatch):
    install_module(monkeypatch, "case_settings_mod", lower_name=1, UPPER_NAME=2)
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "case_settings_mod")
    assert fresh.UPPER_NAME == 2
    with pytest.raises(AttributeError):
        fresh.lower_name  # noqa: B018


def test_missing_variable_says_what_to_do(fresh):
    with pytest.raises(ImproperlyConfigured, match=ENVIRONMENT_VARIABLE) as info:
        fresh.DEBUG  # noqa: B018
    assert "settings.configure()" in str(info.value)


def test_unimportable_module(fresh, monkeypatch):
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "no.such.settings_module")
    with pytest.raises(
        ImproperlyConfigured, match="Cannot import the settings module 'no.such.settings_module'"
    ):
        fresh.DEBUG  # noqa: B018


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DEBUG", "yes"),
        ("ALLOWED_HOSTS", "example.com"),
        ("MIDDLEWARE", None),
        ("DATA_UPLOAD_MAX_MEMORY_SIZE", "10"),
        ("DATA_UPLOAD_MAX_NUMBER_FIELDS", True),
        ("SECURE_PROXY_SSL_HEADER", ("only-one",)),
        ("ASYNC_SAFETY", "sometimes"),
        ("REQUEST_BODY_TIMEOUT", "30"),
    ],
)
def test_wrong_types_are_refused(fresh, monkeypatch, name, value):
    install_module(monkeypatch, "typed_settings_mod", **{name: value})
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "typed_settings_mod")
    with pytest.raises(ImproperlyConfigured, match=name):
        fresh.DEBUG  # noqa: B018


def test_right_types_are_accepted():
    check_setting("DATA_UPLOAD_MAX_MEMORY_SIZE", None)
    check_setting("REQUEST_BODY_TIMEOUT", 2.5)
    check_setting("SECURE_PROXY_SSL_HEADER", ("HTTP_X_FORWARDED_PROTO", "https"))
    check_setting("UNKNOWN_SETTING", object())


def test_configure_once_and_before_use(fresh):
    fresh.configure(DEBUG=True, CUSTOM=1)
    assert fresh.DEBUG is True and fresh.CUSTOM == 1
    with pytest.raises(RuntimeError, match="already configured"):
        fresh.configure(DEBUG=False)


def test_configure_after_use_raises(fresh, monkeypatch):
    install_module(monkeypatch, "used_settings_mod")
    monkeypatch.setenv(ENVIRONMENT_VARIABLE, "used_settings_mod")
    fresh.DEBUG  # noqa: B018
    with pytest.raises(RuntimeError):
        fresh.configure()


def test_configure_checks_names_and_types(fresh):
    with pytest.raises(TypeError, match="upper-case"):
        fresh.configure(debug=True)
    with pytest.raises(ImproperlyConfigured):
        LazySettings().configure(DEBUG="no")


def test_configure_with_default_settings_module(fresh):
    defaults = types.SimpleNamespace(DEBUG=True, APPEND_SLASH=False, ignored=1)
    fresh.configure(types.ModuleType("defaults_mod"))
    other = LazySettings()
    module = types.ModuleType("defaults_mod2")
    module.__dict__.update(vars(defaults))
    other.configure(module, APPEND_SLASH=True)
    assert other.DEBUG is True and other.APPEND_SLASH is True


def test_set_and_delete_notify_listeners(fresh):
    fresh.configure()
    seen = []

    def listener(name, value):
        seen.append((name, value))

    fresh.add_listener(listener)
    fresh.EXTRA = 1
    assert fresh.EXTRA == 1
    del fresh.EXTRA
    with pytest.raises(AttributeError):
        fresh.EXTRA  # noqa: B018
    fresh.remove_listener(listener)
    fresh.EXTRA = 2
    assert seen == [("EXTRA", 1), ("EXTRA", None)]
    with pytest.raises(ImproperlyConfigured):
        fresh.DEBUG = "x"


def test_bound_method_listeners_are_weak(fresh):
    fresh.configure()
    calls = []

    class Owner:
        def changed(self, name, value):
            calls.append(name)

    owner = Owner()
    fresh.add_listener(owner.changed)
    fresh.A = 1
    del owner
    import gc

    gc.collect()
    fresh.B = 2
    assert calls == ["A"]
    assert fresh._listeners == []


def test_cached_reads_see_updates(fresh):
    fresh.configure(DEBUG=False)
    assert fresh.DEBUG is False
    fresh.DEBUG = True
    assert fresh.DEBUG is True
    fresh._reset()
    assert not fresh.configured


def test_global_defaults_match_django():
    from django.conf import global_settings as django_defaults

    for name in (
        "DATA_UPLOAD_MAX_MEMORY_SIZE",
        "DATA_UPLOAD_MAX_NUMBER_FIELDS",
        "DATA_UPLOAD_MAX_NUMBER_FILES",
        "FILE_UPLOAD_MAX_MEMORY_SIZE",
        "FILE_UPLOAD_TEMP_DIR",
        "FILE_UPLOAD_PERMISSIONS",
        "APPEND_SLASH",
        "DEFAULT_CHARSET",
        "USE_X_FORWARDED_HOST",
        "SECURE_PROXY_SSL_HEADER",
        "SESSION_COOKIE_NAME",
        "SESSION_COOKIE_AGE",
        "CSRF_COOKIE_NAME",
        "CSRF_HEADER_NAME",
        "SECURE_REFERRER_POLICY",
        "SECURE_CROSS_ORIGIN_OPENER_POLICY",
    ):
        assert getattr(global_settings, name) == getattr(django_defaults, name), name


def test_the_suite_settings_are_configured():
    assert settings.configured
    assert settings.ROOT_URLCONF == "tests.urls_root"


def test_lower_case_attributes_are_not_cached(fresh):
    fresh.configure()
    assert fresh.SETTINGS_MODULE is None
    fresh.note = "x"
    assert fresh.note == "x"
    assert "note" not in fresh.__dict__
