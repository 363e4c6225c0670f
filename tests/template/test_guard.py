"""render() and TemplateResponse in async views under the blocking-call guard ("raise", not allow-listed):
the template is loaded off the loop, so the guard stays quiet; the sync loader on the loop is caught."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from microdj.asgi import get_asgi_application
from microdj.test import Client, override_settings
from microdj.utils.asyncio import BlockingCallError, install, is_installed, uninstall
from tests.template.conftest import engine_settings


@pytest.fixture
def guarded() -> Iterator[Client]:
    was_installed = is_installed()
    with override_settings(
        ROOT_URLCONF="tests.template.pages",
        TEMPLATES=engine_settings(),
        ASYNC_SAFETY_ALLOW=[],
        DEBUG=False,
        # An async middleware: the handler renders inside it, so rendering runs under the guard's mark.
        MIDDLEWARE=["microdj.middleware.csrf.CsrfViewMiddleware"],
    ):
        client = Client(get_asgi_application(async_safety="raise"))
        try:
            yield client
        finally:
            client.close()
            uninstall()
            if was_installed:
                install("raise")


@pytest.mark.parametrize(
    "path",
    [
        "/async/",
        "/async/tr/",
        "/async/iterable/",
        "/async/request/",
        "/async/includes/",
        "/async/bad-reference/",
    ],
)
def test_async_views_render_without_blocking_the_loop(guarded, path):
    for _ in range(2):  # the first request loads the template, the second takes it from memory
        response = guarded.get(path)
        assert response.status_code == 200, response.content[:500]
    assert is_installed()


def test_the_guard_is_really_on_the_sync_loader_in_an_async_view_is_named(guarded):
    with pytest.raises(BlockingCallError) as caught:
        guarded.get("/async/blocking/")
    assert "jinja2" in caught.value.call_site or "open" in caught.value.call


def test_with_auto_reload_each_render_checks_the_file_off_the_loop():
    was_installed = is_installed()
    with override_settings(
        ROOT_URLCONF="tests.template.pages",
        TEMPLATES=engine_settings(auto_reload=True),
        MIDDLEWARE=["microdj.middleware.csrf.CsrfViewMiddleware"],
    ):
        client = Client(get_asgi_application(async_safety="raise"))
        try:
            for path in ("/async/", "/async/", "/async/includes/", "/async/includes/"):
                assert client.get(path).status_code == 200
        finally:
            client.close()
            uninstall()
            if was_installed:
                install("raise")
