"""The blocking-call guard around the middleware chain: middleware and views under the view runner."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from microdj import guard as guard_module
from microdj.asgi import get_asgi_application
from microdj.core.handlers.base import BaseHandler
from microdj.guard import BlockingCallError, policy
from microdj.guard import runner as guard_runner
from microdj.test import Client, override_settings
from tests.core.chain_support import MW, URLCONF, clear_events, client_for, get  # noqa: F401

# -- the blocking-call guard around middleware and views -----------------------------------------------------


@pytest.fixture
def guard() -> Iterator[None]:
    """Let a test install the guard; put the prior state back afterwards."""
    state = policy.state
    was_installed, mode = guard_module.is_installed(), state.mode
    guard_module.uninstall()
    yield
    guard_module.uninstall()
    if was_installed:
        guard_module.install("raise")
        state.mode = mode


@pytest.mark.parametrize(
    ("stack", "path", "label"),
    [
        (("AsyncBlocking",), "/sync/", "middleware tests.core.middleware_samples.AsyncBlocking"),
        ((), "/async/", "tests.core.urls_middleware.async_view (url name 'async')"),
        (("SyncA",), "/async/", "tests.core.urls_middleware.async_view (url name 'async')"),
    ],
)
def test_guard_names_the_async_code_that_blocked(guard, stack, path, label):
    with override_settings(MIDDLEWARE=[MW + name for name in stack], ROOT_URLCONF=URLCONF):
        with Client(get_asgi_application(async_safety="raise")) as client:
            assert client.get(path).status_code == 200
            with pytest.raises(BlockingCallError) as info:
                client.get(path + "?block=1")
    assert info.value.label == label


@pytest.mark.parametrize("stack", [(), ("SyncA",), ("AsyncA",)], ids=["bare", "sync-path", "async-path"])
def test_views_run_alike_with_the_guard_off(stack):
    with override_settings(MIDDLEWARE=[MW + name for name in stack], ROOT_URLCONF=URLCONF):
        app = get_asgi_application(async_safety="off")
        assert not app.runner.guarded
        with Client(app) as client:
            assert client.get("/async/?block=1").content == b"async view"
            assert client.get("/sync/").content == b"sync view"


def test_guard_that_declines_to_install_stays_off(guard, monkeypatch):
    monkeypatch.setattr(guard_runner, "install", lambda mode=None: False)
    with override_settings(ROOT_URLCONF=URLCONF):
        handler = BaseHandler(async_safety="raise")
    assert not handler.runner.guarded
