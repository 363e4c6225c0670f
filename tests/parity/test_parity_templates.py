"""Differential tests, templates: render(), TemplateResponse, TemplateView, context processors,
process_template_response and the production error pages from 404.html/403.html/500.html/400.html, the same
raw request through Django (Jinja2 backend) and microdj."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from tests.parity import parity_driver
from tests.parity.parity_driver import Parity, assert_same, normalise
from tests.parity.template_views import templates_setting

TOKEN = re.compile(rb'(value="|<i>)[A-Za-z0-9]{64}')


@contextmanager
def template_parity(**settings: Any) -> Iterator[Parity]:
    """Both applications on the template URLconfs (Django builds its middleware once: one pair per list)."""
    urlconfs = dict(parity_driver.URLCONFS)
    parity_driver.URLCONFS.update(
        django="tests.parity.dj_template_urls", microdj="tests.parity.mdj_template_urls"
    )
    try:
        with Parity(**{"TEMPLATES": templates_setting(), "STATIC_URL": "/static/", **settings}) as pair:
            yield pair
    finally:
        parity_driver.URLCONFS.update(urlconfs)


@pytest.fixture(scope="module")
def parity() -> Iterator[Parity]:
    with template_parity() as pair:
        yield pair


@pytest.fixture(autouse=True)
def quiet(caplog: Any) -> None:
    caplog.set_level(logging.CRITICAL)


CASES = [
    "/t/render/",
    "/t/arender/",
    "/t/status/",
    "/t/links/",
    "/t/links/3/",
    "/t/plain/",
    "/t/tr/",
    "/t/atr/",
    "/t/callback/",
    "/t/view/<bob>/",
    "/t/404/",
    "/t/403/",
    "/t/500/",
    "/t/400/",
    "/t/nowhere/",
]


@pytest.mark.parametrize("path", CASES)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_same_answer(parity: Parity, path: str, method: str) -> None:
    parity.compare(method, path)


def test_query_string_reaches_the_template(parity: Parity) -> None:
    mine, _ = parity.compare("GET", "/t/plain/", query=b"name=%3Cscript%3E")
    assert b"&lt;script&gt;" in mine.body


@pytest.mark.parametrize("path", ["/t/csrf/", "/t/acsrf/"])
def test_csrf_input_and_token_sets_the_cookie(path: str) -> None:
    with template_parity(MIDDLEWARE=["{fw}.middleware.csrf.CsrfViewMiddleware"]) as pair:
        mine_raw, theirs_raw = pair.run("GET", path)
    mine, theirs = normalise(mine_raw, ["csrftoken"]), normalise(theirs_raw, ["csrftoken"])
    assert_same(mine, theirs, method="GET", same_body=False)
    assert TOKEN.sub(rb"\1<token>", mine.body) == TOKEN.sub(rb"\1<token>", theirs.body)
    assert "csrftoken" in mine.cookies


def test_process_template_response_middleware() -> None:
    with template_parity(MIDDLEWARE=["tests.parity.template_views.ContextMiddleware"]) as pair:
        for path in ("/t/tr/", "/t/atr/", "/t/view/x/", "/t/render/", "/t/arender/", "/t/callback/"):
            mine, _ = pair.compare("GET", path)
            assert (b"+middleware" in mine.body) == ("render" not in path)


def test_request_context_processor(parity: Parity) -> None:
    with parity.override(TEMPLATES=templates_setting(["{fw}.template.context_processors.request"])):
        parity.compare("GET", "/t/links/")
