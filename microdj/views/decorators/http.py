"""View decorators based on the request's method and conditional headers; for sync and async views."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from functools import wraps
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction

from microdj.http import HttpResponseNotAllowed
from microdj.middleware.http import ConditionalGetMiddleware, get_conditional_response
from microdj.utils.decorators import decorator_from_middleware
from microdj.utils.http import http_date, quote_etag
from microdj.utils.log import log_response

if TYPE_CHECKING:
    from microdj.http import HttpRequest, HttpResponseBase

conditional_page = decorator_from_middleware(ConditionalGetMiddleware)


def require_http_methods(
    request_method_list: Sequence[str],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Allow only the given (upper-case) methods; others get 405 with ``Allow``."""

    def refuse(request: HttpRequest) -> Any:
        if request.method in request_method_list:
            return None
        response = HttpResponseNotAllowed(request_method_list)
        log_response(
            "Method Not Allowed (%s): %s", request.method, request.path, response=response, request=request
        )
        return response

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        if iscoroutinefunction(func):

            @wraps(func)
            async def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                refused = refuse(request)
                if refused is not None:
                    return refused
                return await func(request, *args, **kwargs)

        else:

            @wraps(func)
            def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                refused = refuse(request)
                if refused is not None:
                    return refused
                return func(request, *args, **kwargs)

        return inner

    return decorator


require_GET = require_http_methods(["GET"])  # noqa: N816 - Django's name
require_GET.__doc__ = "Allow only GET requests."

require_POST = require_http_methods(["POST"])  # noqa: N816 - Django's name
require_POST.__doc__ = "Allow only POST requests."

require_safe = require_http_methods(["GET", "HEAD"])
require_safe.__doc__ = "Allow only the safe methods GET and HEAD."


def condition(
    etag_func: Callable[..., str | None] | None = None,
    last_modified_func: Callable[..., datetime.datetime | None] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Answer 304/412 from the ETag and last-modified time computed for the request, else call the view.

    Both callables get the view's arguments. ``etag_func`` returns an ETag (quoted or not) or None;
    ``last_modified_func`` a datetime (naive means UTC) or None. For GET/HEAD the ETag and
    Last-Modified headers are added to the response unless present.
    """

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        def before(
            request: HttpRequest, args: tuple[Any, ...], kwargs: dict[str, Any]
        ) -> tuple[Any, str | None, int | None]:
            last_modified = None
            if last_modified_func and (dt := last_modified_func(request, *args, **kwargs)):
                if dt.utcoffset() is None:
                    dt = dt.replace(tzinfo=datetime.UTC)
                last_modified = int(dt.timestamp())
            etag = etag_func(request, *args, **kwargs) if etag_func else None
            etag = quote_etag(etag) if etag is not None else None
            response = get_conditional_response(request, etag=etag, last_modified=last_modified)
            return response, etag, last_modified

        def after(
            request: HttpRequest, response: HttpResponseBase, etag: str | None, last_modified: int | None
        ) -> Any:
            if request.method in ("GET", "HEAD"):
                if last_modified and not response.has_header("Last-Modified"):
                    response.headers["Last-Modified"] = http_date(last_modified)
                if etag:
                    response.headers.setdefault("ETag", etag)
            return response

        if iscoroutinefunction(func):

            @wraps(func)
            async def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                response, etag, last_modified = before(request, args, kwargs)
                if response is None:
                    response = await func(request, *args, **kwargs)
                return after(request, response, etag, last_modified)

        else:

            @wraps(func)
            def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                response, etag, last_modified = before(request, args, kwargs)
                if response is None:
                    response = func(request, *args, **kwargs)
                return after(request, response, etag, last_modified)

        return inner

    return decorator


def etag(etag_func: Callable[..., str | None]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``condition()`` with an ETag function only."""
    return condition(etag_func=etag_func)


def last_modified(
    last_modified_func: Callable[..., datetime.datetime | None],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``condition()`` with a last-modified function only."""
    return condition(last_modified_func=last_modified_func)
