"""Turning an exception raised while handling a request into a response, as Django does.

``Http404`` → 404, ``PermissionDenied`` → 403, ``BadRequest``/``SuspiciousOperation`` → 400 (logged to
``microdj.security.<Name>``), ``RequestDataTooBig`` → 413, ``RequestTimeout`` → 408,
``ServiceUnavailable`` (an unreachable session store, say) → 503, anything else → 500 logged to
``microdj.request``. ``RequestAborted`` (the client went away) gets no response at all.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Callable
from typing import Any

from microdj.conf import settings
from microdj.core import exceptions as exc
from microdj.core.signals import got_request_exception
from microdj.http.multipartparser import MultiPartParserError
from microdj.http.request import HttpRequest
from microdj.http.response import Http404, HttpResponse, HttpResponseBase
from microdj.utils.log import log_response, security_logger_prefix
from microdj.views import debug, defaults

Resolver = Any

_DEFAULT_HANDLERS: dict[int, Callable[..., HttpResponseBase]] = {
    400: defaults.bad_request,
    403: defaults.permission_denied,
    404: defaults.page_not_found,
    500: defaults.server_error,
}


@functools.lru_cache(maxsize=64)
def error_handler(resolver: Resolver | None, status: int) -> Callable[..., HttpResponseBase]:
    """The view for an error status: ``handlerNNN`` of the root URLconf, or the default (cached)."""
    if resolver is not None:
        custom: Callable[..., HttpResponseBase] | None = resolver.resolve_error_handler(status)
        if custom is not None:
            return custom
    return _DEFAULT_HANDLERS[status]


def _status_response(request: Any, resolver: Resolver | None, status: int, error: BaseException) -> Any:
    try:
        return error_handler(resolver, status)(request, exception=error)
    except Exception:
        # A broken custom error view must not hide the original error behind a crash.
        _signal_exception(request, sys.exc_info()[1])
        return handle_uncaught_exception(request, resolver, sys.exc_info())


def _signal_exception(request: Any, error: BaseException | None) -> None:
    if got_request_exception.receivers:
        # Receivers of this signal must be sync: it is sent from wherever the error was caught. As in Django
        # it names the request; ``exception`` is the error, for receivers that run outside its except block.
        got_request_exception.send_robust(sender=None, request=request, exception=error)


def response_for_exception(
    request: HttpRequest, error: BaseException, resolver: Resolver | None
) -> HttpResponseBase | None:
    """The response for ``error``, logged once; None when no response should be sent."""
    response: HttpResponseBase
    if isinstance(error, exc.RequestAborted):
        return None
    if isinstance(error, Http404):
        if settings.DEBUG:
            response = debug.technical_404_response(request, error)
        else:
            response = _status_response(request, resolver, 404, error)
        log_response("Not Found: %s", request.path, response=response, request=request)
    elif isinstance(error, exc.PermissionDenied):
        response = _status_response(request, resolver, 403, error)
        log_response(
            "Forbidden (Permission denied): %s",
            request.path,
            response=response,
            request=request,
            exception=error,
        )
    elif isinstance(error, exc.RequestDataTooBig):
        response = HttpResponse("413 Payload too large", status=413, content_type="text/plain")
        _log_security(error, request, response)
    elif isinstance(error, exc.ServiceUnavailable):
        response = HttpResponse("503 Service Unavailable", status=503, content_type="text/plain")
        log_response("Service Unavailable: %s (%s)", request.path, error, response=response, request=request)
    elif isinstance(error, exc.RequestTimeout):
        response = HttpResponse("408 Request Timeout", status=408, content_type="text/plain")
        log_response("Request Timeout: %s", request.path, response=response, request=request)
    elif isinstance(error, MultiPartParserError | exc.BadRequest):
        response = _bad_request(request, resolver, error)
        log_response("Bad request: %s", request.path, response=response, request=request, exception=error)
    elif isinstance(error, exc.SuspiciousOperation):
        response = _bad_request(request, resolver, error)
        _log_security(error, request, response)
    else:
        _signal_exception(request, error)
        log_response(
            "Internal Server Error: %s",
            request.path,
            response=None,
            request=request,
            level="error",
            exception=error,
        )
        response = handle_uncaught_exception(request, resolver, (type(error), error, error.__traceback__))
        # Django's marker, read by log_response.
        response._has_been_logged = True  # type: ignore[attr-defined]
    return response


def _bad_request(request: Any, resolver: Resolver | None, error: BaseException) -> Any:
    if settings.DEBUG:
        return debug.technical_500_response(request, type(error), error, error.__traceback__, status_code=400)
    return _status_response(request, resolver, 400, error)


def _log_security(error: BaseException, request: Any, response: Any) -> None:
    logger = logging.getLogger(security_logger_prefix + type(error).__name__)
    logger.error(str(error), extra={"status_code": response.status_code, "request": request})
    response._has_been_logged = True


def handle_uncaught_exception(request: Any, resolver: Resolver | None, exc_info: tuple[Any, ...]) -> Any:
    """A 500: the traceback page with DEBUG on, ``handler500`` (or the short default) otherwise."""
    if settings.DEBUG:
        return debug.technical_500_response(request, *exc_info)
    try:
        return error_handler(resolver, 500)(request)
    except Exception:
        # The custom 500 view failed too: fall back to the built-in one, which cannot fail.
        return defaults.server_error(request)
