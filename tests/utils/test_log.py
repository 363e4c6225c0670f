"""log_response: levels by status, once per response, disabled loggers, escaping of client-controlled text."""

from __future__ import annotations

import logging
import re

import pytest

import microdj
from microdj.http import HttpResponse
from microdj.test import RequestFactory
from microdj.utils.log import (
    ServerFormatter,
    configure_logging,
    log_response,
    request_logger,
    security_logger_prefix,
)
from tests.utils.logging_support import seen


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


# ------------------------------------------------------------------------------------ configure_logging
@pytest.fixture
def pristine_logging():
    """Put the microdj loggers back as they were after a test configures logging."""
    names = ["microdj", "microdj.server", "microdj.request", "custom"]
    saved = {
        n: (logging.getLogger(n).handlers[:], logging.getLogger(n).level, logging.getLogger(n).propagate)
        for n in names
    }
    yield
    microdj.setup()  # the settings' configuration is the one applied last again
    for name, (handlers, level, propagate) in saved.items():
        logger = logging.getLogger(name)
        logger.handlers[:] = handlers
        logger.setLevel(level)
        logger.propagate = propagate


def test_default_configuration(pristine_logging, capsys, override):
    configure_logging("logging.config.dictConfig", {})
    microdj_logger = logging.getLogger("microdj")
    assert [h.name for h in microdj_logger.handlers] == ["console", "errors"]
    assert microdj_logger.level == logging.NOTSET
    server = logging.getLogger("microdj.server")
    assert server.level == logging.INFO and not server.propagate
    # DEBUG off: only errors reach stderr.
    logging.getLogger("microdj.request").warning("a warning")
    logging.getLogger("microdj.security.DisallowedHost").error("an error")
    err = capsys.readouterr().err
    assert "an error" in err and "a warning" not in err
    # DEBUG on: warnings too, and errors once.
    override(DEBUG=True)
    logging.getLogger("microdj.request").warning("a warning")
    logging.getLogger("microdj.request").error("boom")
    err = capsys.readouterr().err
    assert "a warning" in err and err.count("boom") == 1


def test_server_formatter(pristine_logging, capsys):
    configure_logging("logging.config.dictConfig", {})
    logging.getLogger("microdj.server").info('"GET / HTTP/1.1" 200 2')
    err = capsys.readouterr().err
    assert re.fullmatch(r'\[\d\d/[A-Z][a-z]{2}/\d{4} \d\d:\d\d:\d\d,\d{3}\] "GET / HTTP/1.1" 200 2\n', err)
    record = logging.makeLogRecord({"msg": "x", "server_time": "then"})
    assert ServerFormatter("[{server_time}] {message}", style="{").format(record) == "[then] x"
    assert ServerFormatter("{message}", style="{").format(logging.makeLogRecord({"msg": "y"})) == "y"


def test_logging_setting_applied_over_the_default(pristine_logging, capsys):
    configure_logging(
        "logging.config.dictConfig",
        {
            "version": 1,
            "disable_existing_loggers": False,
            "handlers": {"plain": {"class": "logging.StreamHandler", "formatter": "f"}},
            "formatters": {"f": {"format": "CUSTOM %(name)s %(message)s"}},
            "loggers": {"custom": {"handlers": ["plain"], "level": "INFO", "propagate": False}},
        },
    )
    logging.getLogger("custom").info("hello")
    assert capsys.readouterr().err == "CUSTOM custom hello\n"
    # The default configuration is in place too.
    assert [h.name for h in logging.getLogger("microdj").handlers] == ["console", "errors"]


def test_a_custom_config_callable_gets_the_setting(pristine_logging):
    seen.clear()
    configure_logging("tests.utils.logging_support.remember", {"x": 1})
    assert seen == [{"x": 1}]
    seen.clear()
    configure_logging("tests.utils.logging_support.remember", {})
    assert seen == []


def test_logging_config_none_leaves_logging_alone(pristine_logging):
    before = logging.getLogger("microdj").handlers[:]
    configure_logging(None, {"version": 1, "loggers": {"microdj": {"level": "DEBUG"}}})
    assert logging.getLogger("microdj").handlers == before


def test_get_asgi_application_sets_up_logging(pristine_logging, override):
    from microdj.asgi import get_asgi_application

    seen.clear()
    override(LOGGING_CONFIG="tests.utils.logging_support.remember", LOGGING={"version": 1})
    get_asgi_application(async_safety="off")
    get_asgi_application(async_safety="off")
    assert seen == [{"version": 1}]  # once: the same settings are not applied twice
    override(LOGGING={"version": 1, "root": {"level": "WARNING"}})
    microdj.setup()
    assert seen == [{"version": 1}, {"version": 1, "root": {"level": "WARNING"}}]
