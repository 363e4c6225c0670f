"""microdj.core.asgi: the application, with the system checks run at start-up; microdj.asgi is its alias."""

import pytest

import microdj.asgi
from microdj.core.asgi import get_asgi_application
from microdj.core.handlers.asgi import ASGIHandler
from microdj.core.management.base import SystemCheckError
from microdj.test import Client


def test_alias_is_the_same_function():
    assert microdj.asgi.get_asgi_application is get_asgi_application


def test_returns_the_handler():
    app = get_asgi_application(on_startup=[], on_shutdown=[], async_safety="off")
    assert isinstance(app, ASGIHandler)
    with Client(app) as client:
        assert client.get("/").status_code in (200, 404)


def test_check_errors_stop_start_up_with_the_list(override):
    override(SYNC_WORKER_THREADS=0, CSRF_TRUSTED_ORIGINS=["example.com"])
    with pytest.raises(SystemCheckError) as error_info:
        get_asgi_application()
    text = str(error_info.value)
    assert text.startswith("System check identified some issues:\n\nERRORS:\n")
    assert "(settings.E001)" in text and "(4_0.E001)" in text
    assert text.endswith("System check identified 2 issues (0 silenced).")


def test_warnings_and_silenced_errors_do_not_stop_it(override):
    # That URLconf has one error (urls.E007) and many warnings.
    override(ROOT_URLCONF="tests.core.checks.urlconf_warnings", SILENCED_SYSTEM_CHECKS=["urls.E007"])
    get_asgi_application()
    override(SILENCED_SYSTEM_CHECKS=[])
    with pytest.raises(SystemCheckError, match=r"(?s)urls.E007.*\(0 silenced\)") as error_info:
        get_asgi_application()
    assert "W0" not in str(error_info.value)


def test_deployment_checks_are_not_run_at_start_up(monkeypatch):
    monkeypatch.setenv("MICRODJ_ALLOW_ASYNC_UNSAFE", "1")
    get_asgi_application()
