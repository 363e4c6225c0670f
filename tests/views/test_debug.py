"""The DEBUG error pages: the traceback page, the 404 page, and escaping of everything the client controls."""

from __future__ import annotations

import sys

from microdj.http import Http404
from microdj.test import RequestFactory
from microdj.urls import Resolver404, path
from microdj.urls.resolvers import get_resolver
from microdj.views.debug import technical_404_response, technical_500_response

HOSTILE = "/a<script>alert(1)</script>/"


def _raise(error: BaseException) -> tuple:
    try:
        raise error
    except BaseException:  # noqa: BLE001 - any exception, as the handler sees it
        return sys.exc_info()


def test_500_page_with_explicit_exc_info():
    request = RequestFactory().get("/boom/")
    exc_info = _raise(ZeroDivisionError("division by zero"))
    response = technical_500_response(request, *exc_info)
    assert response.status_code == 500
    assert response["Content-Type"] == "text/html; charset=utf-8"
    page = response.content.decode()
    assert "<title>ZeroDivisionError at /boom/</title>" in page
    assert "<pre>ZeroDivisionError: division by zero</pre>" in page
    assert "<h2>Traceback</h2>" in page
    assert "Traceback (most recent call last)" in page
    assert "raise error" in page
    assert "<tr><th>Request Method</th><td>GET</td></tr>" in page
    assert "<tr><th>Request URL</th><td>/boom/</td></tr>" in page
    assert "<th>View</th>" not in page


def test_500_page_takes_the_exception_being_handled():
    request = RequestFactory().post("/handled/")
    try:
        raise KeyError("missing")
    except KeyError:
        response = technical_500_response(request)
    page = response.content.decode()
    assert "<pre>KeyError: &#x27;missing&#x27;</pre>" in page
    assert "<tr><th>Request Method</th><td>POST</td></tr>" in page


def test_500_page_outside_any_exception():
    response = technical_500_response(RequestFactory().get("/"))
    page = response.content.decode()
    assert "<title>Error at /</title>" in page
    assert "<pre>Error: None</pre>" in page
    assert "Traceback (most recent call last)" not in page


def test_500_page_with_another_status():
    exc_info = _raise(ValueError("bad"))
    response = technical_500_response(RequestFactory().get("/"), *exc_info, status_code=400)
    assert response.status_code == 400


def test_500_page_escapes_the_path_and_the_message():
    request = RequestFactory().get(HOSTILE)
    assert request.path == HOSTILE
    exc_info = _raise(ValueError("<script>alert('x')</script>"))
    page = technical_500_response(request, *exc_info).content.decode()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "ValueError: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_500_page_names_the_resolved_view():
    request = RequestFactory().get("/sync/")
    request.resolver_match = get_resolver("tests.core.urls_middleware").resolve("/sync/")
    page = technical_500_response(request, *_raise(ValueError("x"))).content.decode()
    assert "<tr><th>View</th><td>tests.core.urls_middleware.sync_view</td></tr>" in page


def test_404_page_lists_the_patterns_tried():
    request = RequestFactory().get("/nowhere/")
    try:
        get_resolver("tests.core.urls_middleware").resolve("/nowhere/")
    except Resolver404 as error:
        response = technical_404_response(request, error)
    assert response.status_code == 404
    page = response.content.decode()
    assert "<title>Page not found (404)</title>" in page
    assert "<p>URL patterns tried, in this order:</p><ol>" in page
    assert "<li><code>sync/</code></li>" in page
    assert page.index("<code>sync/</code>") < page.index("<code>async/</code>")
    assert "The current path, nowhere/, didn&#x27;t match any of these." in page


def test_404_page_with_nested_and_single_entries_escaped():
    request = RequestFactory().get(HOSTILE)
    tried = [[path("shop/", lambda r: None), path("<b>/", lambda r: None)], path("single/", lambda r: None)]
    page = technical_404_response(request, Resolver404({"tried": tried, "path": HOSTILE})).content.decode()
    assert "<li><code>shop/ &lt;b&gt;/</code></li>" in page
    assert "<li><code>single/</code></li>" in page
    assert "<script>" not in page
    assert "The current path, /a&lt;script&gt;alert(1)&lt;/script&gt;/, didn&#x27;t match" in page


def test_404_page_without_tried_patterns():
    request = RequestFactory().get("/x/")
    page = technical_404_response(request, Resolver404({"tried": None})).content.decode()
    assert "URL patterns tried" not in page
    assert "The current path, /x/, didn&#x27;t match any of these." in page


def test_404_page_for_a_plain_http404():
    request = RequestFactory().get("/x/")
    page = technical_404_response(request, Http404("No <em>Book</em> here")).content.decode()
    assert "<p>No &lt;em&gt;Book&lt;/em&gt; here</p>" in page
    assert "URL patterns tried" not in page
    empty = technical_404_response(request, Http404()).content.decode()
    assert "<p>Not Found</p>" in empty
