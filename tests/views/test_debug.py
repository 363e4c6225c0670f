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
    assert '<pre class="message">ZeroDivisionError: division by zero</pre>' in page
    assert "<h2>Traceback</h2>" in page
    assert "Traceback (most recent call last)" in page
    assert "raise error" in page
    assert "<tr><th>Request Method</th><td>GET</td></tr>" in page
    assert "<tr><th>Request URL</th><td>http://testserver/boom/</td></tr>" in page
    assert "<th>View</th>" not in page


def test_500_page_takes_the_exception_being_handled():
    request = RequestFactory().post("/handled/")
    try:
        raise KeyError("missing")
    except KeyError:
        response = technical_500_response(request)
    page = response.content.decode()
    assert '<pre class="message">KeyError: &#x27;missing&#x27;</pre>' in page
    assert "<tr><th>Request Method</th><td>POST</td></tr>" in page


def test_500_page_outside_any_exception():
    response = technical_500_response(RequestFactory().get("/"))
    page = response.content.decode()
    assert "<title>Error at /</title>" in page
    assert '<pre class="message">Error: None</pre>' in page
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
    assert '<p>URL patterns tried, in this order:</p><ol class="patterns">' in page
    assert "<li><code>sync/</code></li>" in page
    assert page.index("<code>sync/</code>") < page.index("<code>async/ [name=&#x27;async&#x27;]</code>")
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


# -- frames, chains, secrets, templates, plain text ----------------------------------------------------------


def _failing_with_secrets() -> tuple:
    api_key = "local-api-key-value"  # noqa: F841 - a local shown (masked) on the page
    harmless = "visible-local"
    try:
        try:
            {}["missing-key"]
        except KeyError as inner:
            raise ValueError(f"wrapped {harmless}") from inner
    except ValueError as error:
        return error.__class__, error, error.__traceback__


def test_frames_chain_and_locals():
    request = RequestFactory().get("/f/")
    page = technical_500_response(request, *_failing_with_secrets()).content.decode()
    assert "your code" in page
    assert "Caused by KeyError: &#x27;missing-key&#x27;" in page
    assert "raise ValueError(f&quot;wrapped {harmless}&quot;) from inner" in page
    assert "harmless</th><td><code>&#x27;visible-local&#x27;" in page
    assert "api_key</th><td><code>********************" in page
    assert "local-api-key-value" not in page
    assert "Exception Location" in page and "_failing_with_secrets" in page


def test_context_chain_wording():
    try:
        try:
            raise OSError("first")
        except OSError:
            raise LookupError("second")
    except LookupError as error:
        info = (LookupError, error, error.__traceback__)
    page = technical_500_response(RequestFactory().get("/"), *info).content.decode()
    assert "Raised while handling OSError: first" in page
    text = technical_500_response(RequestFactory().get("/", HTTP_ACCEPT="text/plain"), *info).content.decode()
    assert "During handling of the above exception, another exception occurred:" in text
    assert text.index("OSError: first") < text.rindex("LookupError: second\n")


def test_settings_request_data_and_cookies_are_masked(override):
    override(
        DEBUG=True, MY_SERVICE_PASSWORD="pw-setting-value", DATABASES={"default": {"PASSWORD": "db-pw-value"}}
    )
    factory = RequestFactory()
    request = factory.post(
        "/submit/?visible=1&auth_token=query-token-value",
        {"name": "Ann", "password": "form-password-value"},
        HTTP_AUTHORIZATION="Bearer header-auth-value",
    )
    request.COOKIES.update(
        {"sessionid": "session-cookie-value", "theme": "dark", "csrftoken": "csrf-cookie-value"}
    )
    page = technical_500_response(request, *_raise(ValueError("x"))).content.decode()
    for secret in (
        "test-secret-key",
        "pw-setting-value",
        "db-pw-value",
        "query-token-value",
        "form-password-value",
        "header-auth-value",
        "session-cookie-value",
        "csrf-cookie-value",
    ):
        assert secret not in page, secret
    assert "theme</th><td><code>dark" in page
    assert "name</th><td><code>[&#x27;Ann&#x27;]" in page
    assert "visible</th><td><code>[&#x27;1&#x27;]" in page
    assert "SECRET_KEY</th><td><code>********************" in page
    assert "&#x27;PASSWORD&#x27;: &#x27;********************&#x27;" in page


def test_plain_text_for_clients_not_asking_for_html():
    request = RequestFactory().get("/t/?q=1", HTTP_ACCEPT="text/plain")
    response = technical_500_response(request, *_failing_with_secrets())
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert text.startswith("ValueError at /t/\n\nValueError: wrapped visible-local\n")
    assert "Request URL: http://testserver/t/?q=1" in text
    assert "Traceback (most recent call last):" in text
    assert "The above exception was the direct cause of the following exception:" in text
    assert "api_key = ********************" in text and "local-api-key-value" not in text
    assert "<" not in text.split("Settings:")[0].replace("<HttpRequest", "").replace("<module>", "")
    html_request = RequestFactory().get("/", HTTP_ACCEPT="text/html,*/*")
    assert technical_500_response(html_request, *_raise(ValueError("x")))["Content-Type"].startswith(
        "text/html"
    )


def test_template_syntax_error_shows_file_line_and_source(override):
    from microdj.template import TemplateSyntaxError
    from microdj.template.loader import get_template
    from tests.template.conftest import engine_settings

    override(TEMPLATES=engine_settings())
    try:
        get_template("broken.html")
    except TemplateSyntaxError as error:
        info = (TemplateSyntaxError, error, error.__traceback__)
    page = technical_500_response(RequestFactory().get("/"), *info).content.decode()
    assert "<h2>Template error</h2>" in page and "broken.html</code>, error at line 5" in page
    assert "<li class=current>{% endfo %}</li>" in page
    text = technical_500_response(RequestFactory().get("/", HTTP_ACCEPT="text/plain"), *info).content.decode()
    assert "Template error in " in text and ">    5  {% endfo %}" in text


def test_missing_template_lists_the_files_tried(override):
    from microdj.template import TemplateDoesNotExist
    from microdj.template.loader import get_template
    from tests.template.conftest import engine_settings

    override(TEMPLATES=engine_settings())
    try:
        get_template("nope.html")
    except TemplateDoesNotExist as error:
        info = (TemplateDoesNotExist, error, error.__traceback__)
    page = technical_500_response(RequestFactory().get("/"), *info).content.decode()
    assert "Template-loader postmortem" in page and "nope.html</code> (Source does not exist)" in page
    text = technical_500_response(RequestFactory().get("/", HTTP_ACCEPT="text/plain"), *info).content.decode()
    assert "Template tried: " in text


def test_broken_repr_long_values_and_hidden_frames():
    class Broken:
        def __repr__(self) -> str:
            raise RuntimeError("no repr")

    def failing() -> None:
        broken = Broken()  # noqa: F841 - shown on the page
        long_text = "x" * 10000  # noqa: F841 - shown on the page
        raise ValueError("inside")

    def hidden() -> None:
        __traceback_hide__ = True
        failing()

    page = technical_500_response(RequestFactory().get("/"), *_raise_from(hidden)).content.decode()
    assert "&lt;Broken instance at 0x" in page
    assert "x" * 5000 not in page
    assert 'in</span> <span class="fn">hidden</span>' not in page
    assert "test_broken_repr_long_values_and_hidden_frames.&lt;locals&gt;.failing" in page


def _raise_from(func) -> tuple:
    try:
        func()
    except BaseException:  # noqa: BLE001
        return sys.exc_info()
    raise AssertionError("did not raise")


def test_post_data_not_received_is_said():
    class Request:
        method = "POST"
        path = "/p/"
        META: dict = {}
        GET: dict = {}
        COOKIES: dict = {}

        @property
        def POST(self):  # noqa: N802
            raise RuntimeError("body not received")

        FILES = POST

        def build_absolute_uri(self):
            raise ValueError("bad host")

        def get_full_path(self):
            return "/p/"

    page = technical_500_response(Request(), *_raise(ValueError("x"))).content.decode()
    assert "(not available: RuntimeError)" in page
    assert "<td>/p/</td>" in page


def test_404_plain_text_and_view_row():
    request = RequestFactory().get("/nowhere/", HTTP_ACCEPT="text/plain")
    try:
        get_resolver("tests.core.urls_middleware").resolve("/nowhere/")
    except Resolver404 as error:
        response = technical_404_response(request, error)
    text = response.content.decode()
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "URL patterns tried, in this order:\n  1. sync/\n" in text
    assert "The current path, nowhere/, didn't match any of these." in text
    matched = RequestFactory().get("/sync/")
    matched.resolver_match = get_resolver("tests.core.urls_middleware").resolve("/sync/")
    page = technical_404_response(matched, Http404("gone")).content.decode()
    assert "<tr><th>View</th><td>tests.core.urls_middleware.sync_view</td></tr>" in page
