"""The test client's observer of the handler: request, response and exception shared through the scope."""

from __future__ import annotations

import asyncio

import pytest

from microdj.asgi import get_asgi_application
from microdj.core.handlers.asgi import ASGIHandler
from microdj.test import hooks
from tests.support.asgi import acall, make_scope


@pytest.fixture(scope="module")
def app():
    hooks.install()
    return get_asgi_application()


def test_install_is_idempotent():
    hooks.install()
    observer = ASGIHandler.observer
    hooks.install()
    assert isinstance(observer, hooks.ClientObserver) and ASGIHandler.observer is observer


def test_the_observer_receives_request_and_response(app):
    state = {}
    asyncio.run(acall(app, make_scope("GET", "/json/", **{hooks.STATE_KEY: state})))
    assert state["request"].resolver_match.url_name == "json"
    assert state["response"].status_code == 200


def test_csrf_checks_are_turned_off_only_when_asked(app):
    off, on = hooks.new_state(False), hooks.new_state(True)
    asyncio.run(acall(app, make_scope("GET", "/json/", **{hooks.STATE_KEY: off})))
    asyncio.run(acall(app, make_scope("GET", "/json/", **{hooks.STATE_KEY: on})))
    assert off["request"]._dont_enforce_csrf_checks is True
    assert not hasattr(on["request"], "_dont_enforce_csrf_checks")


def test_the_exception_of_a_500_is_kept(app):
    state = hooks.new_state(True)
    asyncio.run(acall(app, make_scope("GET", "/500/", **{hooks.STATE_KEY: state})))
    assert state["response"].status_code == 500
    assert isinstance(state["exc_info"][1], Exception) and state["exc_info"][2] is not None


def test_requests_without_state_are_left_alone(app):
    result = asyncio.run(acall(app, make_scope("GET", "/json/")))
    assert result["status"] == 200
