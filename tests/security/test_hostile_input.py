"""Hostile input, sent as raw ASGI messages: the exact status, Django's status for the same bytes, no
temp file left behind, and the application still answers the next normal request.

Every case of tests/security/hostile_cases.py runs twice: through microdj and through Django's own
``ASGIHandler`` (serving the twin views of tests/django_urls.py).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
from typing import Any

import pytest
from django.core.handlers.asgi import ASGIHandler as DjangoASGIHandler
from django.test import override_settings as django_override_settings

from microdj.asgi import get_asgi_application
from microdj.test import override_settings
from tests.security.hostile_cases import CASES, DISCONNECTING
from tests.support.hostile import URLCONF, Case, drive, make_scope


# ------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def apps() -> Any:
    """microdj's application on the security URLconf, and Django's on its twin views."""
    with override_settings(ROOT_URLCONF=URLCONF):
        yield get_asgi_application(), DjangoASGIHandler()


@pytest.fixture
def upload_dir(tmp_path: Any) -> Any:
    """A private FILE_UPLOAD_TEMP_DIR for both frameworks; small uploads already go to disk."""
    common = {"FILE_UPLOAD_TEMP_DIR": str(tmp_path), "FILE_UPLOAD_MAX_MEMORY_SIZE": 64}
    with override_settings(**common), django_override_settings(**common):
        yield tmp_path


def run_case(app: Any, case: Case) -> dict[str, Any]:
    scope = make_scope(case.method, case.path, case.query, case.headers, case.raw_path, case.host)
    return asyncio.run(drive(app, scope, case.chunks, disconnect=case.id in DISCONNECTING))


def assert_still_serving(app: Any) -> None:
    result = asyncio.run(drive(app, make_scope("GET", "/")))
    assert (result["status"], result["body"]) == (200, b"ok")


def decoded(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("latin-1")


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id, marks=c.marks) for c in CASES])
@pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous iterators")
def test_hostile_request(apps: Any, upload_dir: Any, case: Case, caplog: Any) -> None:
    app, django_app = apps
    caplog.set_level(logging.CRITICAL)
    with override_settings(**case.settings), django_override_settings(**case.settings):
        result = run_case(app, case)
        assert result["status"] == case.status, result["body"][:300]
        assert os.listdir(upload_dir) == []
        if case.expect is not None:
            assert decoded(result["body"]) == case.expect
        for name, value in result["headers"]:
            assert b"\r" not in value and b"\n" not in value, (name, value)
        if case.status == 500:
            assert b"never sent" not in result["body"]
        reference = run_case(django_app, case) if case.reference else result
        assert os.listdir(upload_dir) == []
    # The differential: Django's answer for the very same bytes.
    if case.reference:
        assert reference["status"] == (case.status if case.django is None else case.django)
    if case.same_body and result["status"] == reference["status"] and result["status"] in (200, 202):
        assert decoded(result["body"]) == decoded(reference["body"])
    assert_still_serving(app)


def test_at_least_fifty_cases() -> None:
    assert len(CASES) >= 50
    assert len({case.id for case in CASES}) == len(CASES)


# ----------------------------------------------------------------------------- streams and disconnects
def test_bad_header_is_never_sent(apps: Any, upload_dir: Any, caplog: Any) -> None:
    """A CR/LF header value raises BadHeaderError in the view: a 500, without the injected header."""
    caplog.set_level(logging.CRITICAL)
    result = run_case(apps[0], Case("crlf", path="/bad-header/"))
    assert result["status"] == 500
    assert all(name not in (b"x-echo", b"set-cookie") for name, _ in result["headers"])


def app_of(apps: Any, which: str) -> Any:
    return apps[0] if which == "microdj" else apps[1]


@pytest.mark.parametrize("which", ["microdj", "django"])
def test_client_gone_mid_stream_stops_the_stream(apps: Any, upload_dir: Any, which: str) -> None:
    """The client leaves after two chunks of a 10 s stream and ``send`` drops messages (as uvicorn's
    does): the stream stops at once, and the application answers the next request."""
    scope = make_scope("GET", "/slow-stream/")
    result = asyncio.run(drive(app_of(apps, which), scope, gone_after=2, timeout=3))
    assert (result["status"], len(result["body"])) == (200, 2 * 1024)
    assert_still_serving(apps[0])


def test_client_gone_mid_stream_when_send_raises(apps: Any, upload_dir: Any) -> None:
    """When ``send`` raises OSError after the client left (as the ASGI spec allows), the 10 s stream stops
    at once (the server's error may propagate to it, as Django's does) and the application keeps serving."""
    scope = make_scope("GET", "/slow-stream/")
    try:
        result = asyncio.run(drive(apps[0], scope, gone_after=2, send_raises=True, timeout=3))
    except OSError as error:
        assert str(error) == "client went away"
    else:
        assert len(result["body"]) == 2 * 1024
    assert_still_serving(apps[0])


@pytest.mark.parametrize("which", ["microdj", "django"])
def test_hung_view_ends_when_the_client_leaves(apps: Any, upload_dir: Any, which: str) -> None:
    """A view awaiting forever is cancelled when the client disconnects; nothing is sent."""
    scope = make_scope("GET", "/hang/")
    result = asyncio.run(drive(app_of(apps, which), scope, disconnect=True, timeout=3))
    assert result["status"] is None
    assert_still_serving(apps[0])
