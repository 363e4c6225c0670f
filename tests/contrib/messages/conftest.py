"""Requests and responses for the message storages, in microdj and (for the differential tests) Django."""

import pytest

from microdj.contrib.sessions.backends.signed_cookies import SessionStore
from microdj.http import HttpResponse
from microdj.test import RequestFactory


def make_request(cookies=None, session=True):
    """A microdj request with ``cookies`` and (unless ``session`` is False) an empty signed-cookie session."""
    factory = RequestFactory()
    for name, value in (cookies or {}).items():
        factory.cookies[name] = value
    request = factory.get("/")
    if session:
        request.session = SessionStore()
    return request


def cookie_value(response, name="messages"):
    morsel = response.cookies.get(name)
    return None if morsel is None else morsel.value


@pytest.fixture
def response():
    return HttpResponse()
