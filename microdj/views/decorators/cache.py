"""View decorators: Cache-Control (and Expires) headers, and the page cache; for sync and async views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction

from microdj.utils.cache import add_never_cache_headers, patch_cache_control

if TYPE_CHECKING:
    from microdj.http import HttpRequest


def _check_request(request: HttpRequest, decorator_name: str) -> None:
    if not hasattr(request, "META"):
        raise TypeError(
            f"{decorator_name} didn't receive an HttpRequest. If you are decorating a classmethod, be sure "
            "to use @method_decorator."
        )


def _patching(name: str, patch: Callable[[Any], None]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Build a decorator calling ``patch(response)`` on what the view returns."""

    def decorator(view_func: Callable[..., Any]) -> Callable[..., Any]:
        if iscoroutinefunction(view_func):

            @wraps(view_func)
            async def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                _check_request(request, name)
                response = await view_func(request, *args, **kwargs)
                patch(response)
                return response

        else:

            @wraps(view_func)
            def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                _check_request(request, name)
                response = view_func(request, *args, **kwargs)
                patch(response)
                return response

        return _view_wrapper

    return decorator


def cache_control(**kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add Cache-Control directives (as ``patch_cache_control``) to the view's responses."""
    return _patching("cache_control", lambda response: patch_cache_control(response, **kwargs))


def never_cache(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark the view's responses as never to be cached."""
    return _patching("never_cache", add_never_cache_headers)(view_func)


def cache_page(
    timeout: int | None, *, cache: str | None = None, key_prefix: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Cache the view's responses for ``timeout`` seconds (in the ``cache`` alias), as CacheMiddleware does.

    An async view uses the cache's async methods, a sync view its sync ones.
    """
    from microdj.middleware.cache import CacheMiddleware

    def decorator(view_func: Callable[..., Any]) -> Callable[..., Any]:
        middleware = CacheMiddleware(
            view_func, page_timeout=timeout, cache_alias=cache, key_prefix=key_prefix
        )
        if iscoroutinefunction(view_func):

            @wraps(view_func)
            async def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                response = await middleware.aprocess_request(request)
                if response is None:
                    response = await view_func(request, *args, **kwargs)
                    response = await middleware.aprocess_response(request, response)
                return response

        else:

            @wraps(view_func)
            def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
                response = middleware.process_request(request)
                if response is None:
                    response = view_func(request, *args, **kwargs)
                    response = middleware.process_response(request, response)
                return response

        return _view_wrapper

    return decorator
