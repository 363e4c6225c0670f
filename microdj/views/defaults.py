"""Default error views (400, 403, 404, 500), as Django's: the ``400.html``, ``403.html``, ``404.html`` or
``500.html`` template when one of the ``TEMPLATES`` engines has it, else a short built-in page with no
internals.

``404.html`` gets ``request_path`` and ``exception``, ``403.html`` gets ``exception``; ``400.html`` and
``500.html`` get no context (the 500 page is rendered without the request, so nothing that failed is used
again).
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from microdj.conf import settings
from microdj.http.response import (
    HttpResponseBadRequest,
    HttpResponseForbidden,
    HttpResponseNotFound,
    HttpResponseServerError,
)

logger = logging.getLogger("microdj.request")

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

# Template names found missing, per TEMPLATES value: an error page costs no file lookups after the first.
_missing: set[str] = set()


def _setting_changed(name: str, value: Any) -> None:
    if name in ("TEMPLATES", "DEBUG", "INSTALLED_APPS"):
        _missing.clear()


settings.add_listener(_setting_changed)


def _template(name: str) -> Any:
    """The template ``name`` from the configured engines, or None (remembered) when none has it."""
    if name in _missing or not settings.TEMPLATES:
        return None
    from microdj.template import TemplateDoesNotExist
    from microdj.template.loader import get_template

    try:
        return get_template(name)
    except TemplateDoesNotExist:
        _missing.add(name)
        return None


def _exception_message(exception: BaseException | None) -> str:
    message = exception.args[0] if exception is not None and exception.args else None
    return message if isinstance(message, str) else (exception.__class__.__name__ if exception else "")


def page_not_found(
    request: Any, exception: BaseException | None = None, template_name: str = "404.html"
) -> HttpResponseNotFound:
    """404: the resource does not exist."""
    template = _template(template_name)
    if template is None:
        return HttpResponseNotFound(NOT_FOUND_BODY)
    context = {"request_path": quote(request.path), "exception": _exception_message(exception)}
    return HttpResponseNotFound(template.render(context, request))


def server_error(request: Any, template_name: str = "500.html") -> HttpResponseServerError:
    """500: an unhandled error; no internals are shown."""
    try:
        template = _template(template_name)
        if template is not None:
            return HttpResponseServerError(template.render())
    except Exception:
        # The last resort of the 500 path cannot fail: a broken 500.html gets the built-in page.
        logger.exception("The %s template failed to render; the built-in 500 page was sent", template_name)
    return HttpResponseServerError(SERVER_ERROR_BODY)


def bad_request(
    request: Any, exception: BaseException | None = None, template_name: str = "400.html"
) -> HttpResponseBadRequest:
    """400: the request is malformed."""
    template = _template(template_name)
    if template is None:
        return HttpResponseBadRequest(BAD_REQUEST_BODY)
    return HttpResponseBadRequest(template.render())


def permission_denied(
    request: Any, exception: BaseException | None = None, template_name: str = "403.html"
) -> HttpResponseForbidden:
    """403: the user may not do this."""
    template = _template(template_name)
    if template is None:
        return HttpResponseForbidden(FORBIDDEN_BODY)
    return HttpResponseForbidden(template.render({"exception": str(exception or "")}, request))
