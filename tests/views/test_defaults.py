"""The production error views: the 404.html/500.html/403.html/400.html templates when present, else the
built-in pages; a failing 500.html never takes the 500 path down; no traceback with DEBUG off."""

from __future__ import annotations

import logging

import pytest

from microdj.test import Client, RequestFactory, override_settings
from microdj.views import defaults


@pytest.fixture
def error_templates(tmp_path):
    (tmp_path / "404.html").write_text("<h1>Lost: {{ request_path }}</h1><p>{{ exception }}</p>")
    (tmp_path / "403.html").write_text("<h1>No: {{ exception }}</h1>")
    (tmp_path / "400.html").write_text("<h1>Odd request</h1>")
    (tmp_path / "500.html").write_text("<h1>Our fault</h1>")
    engine = {"BACKEND": "microdj.template.backends.jinja2.Jinja2", "DIRS": [str(tmp_path)]}
    with override_settings(TEMPLATES=[engine]):
        yield tmp_path


def test_built_in_pages_without_templates():
    request = RequestFactory().get("/x/")
    assert defaults.page_not_found(request).content == defaults.NOT_FOUND_BODY.encode()
    assert defaults.server_error(request).content == defaults.SERVER_ERROR_BODY.encode()
    assert defaults.bad_request(request).content == defaults.BAD_REQUEST_BODY.encode()
    assert defaults.permission_denied(request).content == defaults.FORBIDDEN_BODY.encode()


def test_templates_are_used(error_templates):
    request = RequestFactory().get("/a b/")
    page = defaults.page_not_found(request, Exception("gone <now>")).content
    assert page == b"<h1>Lost: /a%20b/</h1><p>gone &lt;now&gt;</p>"
    assert defaults.page_not_found(request, Exception({"tried": []})).content.endswith(b"<p>Exception</p>")
    assert defaults.page_not_found(request).content.endswith(b"<p></p>")
    assert defaults.permission_denied(request, Exception("keep out")).content == b"<h1>No: keep out</h1>"
    assert defaults.bad_request(request).content == b"<h1>Odd request</h1>"
    assert defaults.server_error(request).content == b"<h1>Our fault</h1>"


def test_missing_templates_are_remembered(error_templates):
    (error_templates / "404.html").unlink()
    request = RequestFactory().get("/")
    assert defaults.page_not_found(request).content == defaults.NOT_FOUND_BODY.encode()
    (error_templates / "404.html").write_text("back")
    assert defaults.page_not_found(request).content == defaults.NOT_FOUND_BODY.encode()  # not looked up again
    with override_settings(DEBUG=False, TEMPLATES=[]):
        pass
    assert defaults.page_not_found(request).content == b"back"


def test_broken_500_template_falls_back_to_the_built_in_page(error_templates, caplog):
    (error_templates / "500.html").write_text("{{ undefined_function() }}")
    with caplog.at_level(logging.ERROR, "microdj.request"):
        response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and response.content == defaults.SERVER_ERROR_BODY.encode()
    assert "500.html template failed" in caplog.text


def test_no_traceback_with_debug_off_even_when_500_html_fails(error_templates, caplog):
    (error_templates / "500.html").write_text("{% broken")
    with override_settings(ROOT_URLCONF="tests.views.pages_urls", DEBUG=False):
        client = Client(raise_request_exception=False)
        with caplog.at_level(logging.CRITICAL):
            response = client.get("/shop/checkout/?order=9")
        client.close()
    assert response.status_code == 500
    assert b"Traceback" not in response.content and b"RuntimeError" not in response.content
    assert response.content == defaults.SERVER_ERROR_BODY.encode()
