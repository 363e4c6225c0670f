"""log_response: levels by status, once per response, disabled loggers, escaping of client-controlled text."""

from __future__ import annotations

import logging

import pytest

from microdj.http import HttpResponse
from microdj.test import RequestFactory
from microdj.utils.log import log_response, request_logger, security_logger_prefix


def records(caplog, name: str = "microdj.request") -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_names():
    assert request_logger.name == "microdj.request"
    assert security_logger_prefix == "microdj.security."


@pytest.mark.parametrize(
    ("status", "level"),
    [(500, logging.ERROR), (503, logging.ERROR), (404, logging.WARNING), (499, logging.WARNING)],
)
def test_level_follows_the_status(caplog, status, level):
    response = HttpResponse(status=status)
    request = RequestFactory().get("/p/")
    with caplog.at_level(logging.DEBUG):
        log_response("Problem: %s", "/p/", response=response, request=request)
    (record,) = records(caplog)
    assert (record.levelno, record.getMessage()) == (level, "Problem: /p/")
    assert record.status_code == status
    assert record.request is request
    assert record.exc_info is None
    assert response._has_been_logged is True


def test_each_response_is_logged_once(caplog):
    response = HttpResponse(status=500)
    with caplog.at_level(logging.DEBUG):
        log_response("First: %s", "/a/", response=response)
        log_response("Second: %s", "/a/", response=response)
    assert [r.getMessage() for r in records(caplog)] == ["First: /a/"]


def test_without_a_response_the_level_is_warning_unless_given(caplog):
    with caplog.at_level(logging.DEBUG):
        log_response("No response: %s", "/a/")
        log_response("Explicit: %s", "/a/", level="error")
        log_response("Again: %s", "/a/")
    assert [(r.levelno, r.getMessage(), r.status_code) for r in records(caplog)] == [
        (logging.WARNING, "No response: /a/", None),
        (logging.ERROR, "Explicit: /a/", None),
        (logging.WARNING, "Again: /a/", None),
    ]


def test_exception_is_attached_as_exc_info(caplog):
    try:
        raise ValueError("broken")
    except ValueError as caught:
        error = caught
    with caplog.at_level(logging.DEBUG):
        log_response("Failed: %s", "/a/", response=HttpResponse(status=500), exception=error)
    (record,) = records(caplog)
    assert record.exc_info == (ValueError, error, error.__traceback__)


def test_disabled_level_skips_the_record_but_marks_the_response(caplog):
    logger = logging.getLogger("tests.utils.test_log.quiet")
    logger.setLevel(logging.CRITICAL)
    response = HttpResponse(status=500)
    with caplog.at_level(logging.DEBUG, logger="microdj.request"):
        log_response("Hidden: %s", "/a/", response=response, logger=logger)
        log_response("Hidden: %s", "/a/", logger=logger)
        # Marked as logged: the request logger, which would emit it, stays silent for this response.
        log_response("Shown?: %s", "/a/", response=response)
    assert caplog.records == []
    assert response._has_been_logged is True


def test_line_breaks_in_arguments_are_escaped(caplog):
    with caplog.at_level(logging.DEBUG):
        log_response("Not Found: %s (%d)", "/a\nFAKE 200 /b\r\x1b[31m", 7, response=HttpResponse(status=404))
    (record,) = records(caplog)
    message = record.getMessage()
    assert message == "Not Found: /a\\nFAKE 200 /b\\r\\x1b[31m (7)"
    assert "\n" not in message and "\r" not in message


def test_non_ascii_arguments_are_escaped_too(caplog):
    with caplog.at_level(logging.DEBUG):
        log_response("Not Found: %s", "/caf\u00e9/", response=HttpResponse(status=404))
    (record,) = records(caplog)
    assert record.getMessage() == "Not Found: /caf\\xe9/"
