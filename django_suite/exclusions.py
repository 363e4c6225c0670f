"""Tests of the in-scope modules that are out of scope, grouped by reason.

An entry is a test id (``module.Class.test``) or a prefix of one (a class or a module). Besides the named
entries, a test whose own source builds a WSGI request or handler is out (microdj is ASGI only). Both
targets skip these alike, so neither count includes them.
"""

from __future__ import annotations

import inspect
import os
import re
import unittest

TEMPLATE_REASON = "the template language"

EXCLUDED: dict[str, list[str]] = {
    "the ORM (database transactions, models)": [
        "handlers.tests.TransactionsPerRequestTests",
        "generic_views.test_base.UseMultipleObjectMixinTest",
        "file_uploads.tests.FileUploadTests.test_filename_case_preservation",
        "file_uploads.tests.FileUploadTests.test_unicode_file_name",
        "file_uploads.tests.FileUploadTests.test_unicode_file_name_rfc2231",
        "file_uploads.tests.FileUploadTests.test_unicode_file_name_rfc2231_with_double_quotes",
    ],
    "authentication (contrib.auth needs the ORM)": [
        "decorators.tests.DecoratorsTest.test_attributes",
        "decorators.tests.DecoratorsTest.test_user_passes_test_composition",
        "urlpatterns_reverse.tests.ReverseLazyTest.test_user_permission_with_lazy_reverse",
        "generic_views.test_base.TemplateViewTest.test_resolve_login_required_view",
    ],
    "management commands (a settings file run by django-admin)": [
        "urlpatterns_reverse.tests.ReverseLazySettingsTest",
    ],
    TEMPLATE_REASON: [
        "handlers.tests_custom_error_handlers.CustomErrorHandlerTests.test_handler_renders_template_response",
        "generic_views.test_base.TemplateViewTest",
        "generic_views.test_base.GetContextDataTest",
        "generic_views.test_base.SingleObjectTemplateResponseMixinTest",
        "csrf_tests.test_context_processor",
        "csrf_tests.tests.CsrfInErrorHandlingViewsTests",  # its handler404 renders a Template
        "handlers.tests.HandlerRequestTests.test_invalid_urls",  # reads the 404 template's context
        "middleware_exceptions.tests.MiddlewareTests.test_templateresponse_from_process_view_rendered",
        "middleware_exceptions.tests.MiddlewareTests.test_templateresponse_from_process_view_passed_to_process_template_response",
        "middleware_exceptions.tests.MiddlewareTests.test_process_template_response",
        "middleware_exceptions.tests.MiddlewareTests.test_process_template_response_returns_none",
        "middleware_exceptions.tests.MiddlewareSyncAsyncTests.test_async_process_template_response_returns_none_with_sync_client",
        "middleware_exceptions.tests.AsyncMiddlewareTests.test_process_template_response",
        "middleware_exceptions.tests.AsyncMiddlewareTests.test_process_template_response_returns_none",
        # The inner URLconf's view renders {% url %} tags.
        "urlpatterns_reverse.tests.RequestURLconfTests.test_reverse_inner_in_response_middleware",
        "urlpatterns_reverse.tests.RequestURLconfTests.test_reverse_outer_in_response_middleware",
        "urlpatterns_reverse.tests.RequestURLconfTests.test_urlconf",
        "urlpatterns_reverse.tests.RequestURLconfTests.test_urlconf_overridden",
        "urlpatterns_reverse.tests.RequestURLconfTests.test_urlconf_overridden_with_null",
    ],
    "file storage backends (default_storage, FileField)": [
        "file_uploads.tests.DirectoryCreationTests",
    ],
    "translation (i18n)": [
        "urlpatterns.test_resolvers.RegexPatternTests.test_str",
        "urlpatterns.test_resolvers.RoutePatternTests.test_str",
        "urlpatterns_reverse.test_localeregexdescriptor",
        "utils_tests.test_encoding.TestEncodingUtils.test_smart_bytes",
        "utils_tests.test_encoding.TestEncodingUtils.test_smart_str",
        "utils_tests.test_encoding.TestRFC3987IEncodingUtils.test_iri_to_uri",
    ],
    "Django's own multipart parser internals (microdj parses with the multipart library)": [
        "file_uploads.tests.FileUploadTests.test_upload_interrupted_temporary_file_handler",
    ],
    "e-mail (BrokenLinkEmailsMiddleware, mail_admins)": [
        "middleware.tests.BrokenLinkEmailsMiddlewareTest",
    ],
}

ROOT_ONLY: dict[str, list[str]] = {
    "file permissions are not enforced for root": [
        "file_uploads.tests.DirectoryCreationTests.test_readonly_root",
    ],
}

# (Not "wsgi.input": Django's test client takes it as the raw body of a request, which is in scope.)
_WSGI = re.compile(r"\b(WSGIRequest|WSGIHandler|LimitedStream|get_script_name)\b")
# csrf_tests' views that render a Template ("{% csrf_token %}", a request context processor).
_CSRF_TOKEN_TAG = re.compile(r"\b(token_view|non_token_view_using_request_processor)\b")
WSGI_REASON = "WSGI (the test builds a WSGI request or handler; microdj is ASGI only)"


def _matches(test_id: str, groups: dict[str, list[str]]) -> str | None:
    for reason, entries in groups.items():
        for entry in entries:
            if test_id == entry or test_id.startswith(entry + "."):
                return reason
    return None


def excluded_reason(test: unittest.TestCase) -> str | None:
    """The reason ``test`` is out of scope, or None."""
    test_id = test.id()
    reason = _matches(test_id, EXCLUDED)
    if reason is None and os.geteuid() == 0:
        reason = _matches(test_id, ROOT_ONLY)
    if reason is not None:
        return reason
    # The test's own source and its class's set-up (a WSGIRequest built in setUp makes every test WSGI).
    source = ""
    for name in (getattr(test, "_testMethodName", ""), "setUp"):
        method = getattr(test, name, None)
        try:
            source += inspect.getsource(method) if method is not None else ""
        except (OSError, TypeError):
            pass
    if _WSGI.search(source):
        return WSGI_REASON
    if _CSRF_TOKEN_TAG.search(source):
        return TEMPLATE_REASON
    return None
