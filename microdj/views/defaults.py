"""Default error views (400, 403, 404, 500): short HTML bodies with no internals, as Django's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from microdj.http.response import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)

if TYPE_CHECKING:
    from microdj.http import HttpRequest

_PAGE = (
    '\n<!doctype html>\n<html lang="en">\n<head>\n  <title>{title}</title>\n</head>\n<body>\n'
    "  <h1>{title}</h1><p>{details}</p>\n</body>\n</html>\n"
)


def error_page(title: str, details: str = "") -> str:
    """The HTML of a default error page."""
    return _PAGE.format(title=title, details=details)


# PERF: the bodies never change; build them once.
NOT_FOUND_BODY = error_page("Not Found", "The requested resource was not found on this server.")
SERVER_ERROR_BODY = error_page("Server Error (500)")
BAD_REQUEST_BODY = error_page("Bad Request (400)")
FORBIDDEN_BODY = error_page("403 Forbidden")


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponseNotFound:
    """404: the resource does not exist."""
    return HttpResponseNotFound(NOT_FOUND_BODY)


def server_error(request: HttpRequest) -> HttpResponseServerError:
    """500: an unhandled error; no internals are shown."""
    return HttpResponseServerError(SERVER_ERROR_BODY)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponseBadRequest:
    """400: the request is malformed."""
    return HttpResponseBadRequest(BAD_REQUEST_BODY)


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponseForbidden:
    """403: the user may not do this."""
    return HttpResponseForbidden(FORBIDDEN_BODY)
