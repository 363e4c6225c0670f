"""View decorators adding header names to the response's Vary header; for sync and async views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction

from microdj.utils.cache import patch_vary_headers

if TYPE_CHECKING:
    from microdj.http import HttpRequest


def vary_on_headers(*headers: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add ``headers`` (case-insensitive names) to the response's Vary header."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        if iscoroutinefunction(func):

            @wraps(func)
            async def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                response = await func(request, *args, **kwargs)
                patch_vary_headers(response, headers)
                return response

        else:

            @wraps(func)
            def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                response = func(request, *args, **kwargs)
                patch_vary_headers(response, headers)
                return response

        return _view_wrapper

    return decorator


vary_on_cookie = vary_on_headers("Cookie")
vary_on_cookie.__doc__ = "Add Cookie to the response's Vary header: the page depends on cookies."
