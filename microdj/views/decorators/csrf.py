"""Per-view CSRF decorators: csrf_protect, requires_csrf_token, ensure_csrf_cookie, csrf_exempt."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from asgiref.sync import iscoroutinefunction

from microdj.middleware.csrf import CsrfViewMiddleware, get_token
from microdj.utils.decorators import decorator_from_middleware

if TYPE_CHECKING:
    from microdj.http import HttpRequest


def _body_first(decorator: Callable[..., Any], name: str, doc: str) -> Callable[..., Any]:
    """Wrap a CSRF middleware decorator so that, on async views, a POST body is received before the checks.

    The checks read ``request.POST``, which sync code on the event loop cannot wait for.
    """

    def apply(view_func: Callable[..., Any]) -> Callable[..., Any]:
        decorated = decorator(view_func)
        if not iscoroutinefunction(view_func):
            result: Callable[..., Any] = decorated
            return result

        async def _view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            apost = getattr(request, "apost", None)
            if request.method == "POST" and apost is not None:
                await apost()
            return await decorated(request, *args, **kwargs)

        return wraps(view_func)(_view_wrapper)

    apply.__name__ = apply.__qualname__ = name
    apply.__doc__ = doc
    return apply


csrf_protect = _body_first(
    decorator_from_middleware(CsrfViewMiddleware),
    "csrf_protect",
    "Protect one view as CsrfViewMiddleware does; harmless together with the middleware.",
)


class _EnsureCsrfToken(CsrfViewMiddleware):
    """CsrfViewMiddleware that never rejects: the token machinery only."""

    def _reject(self, request: HttpRequest, reason: str) -> None:
        return None


requires_csrf_token = _body_first(
    decorator_from_middleware(_EnsureCsrfToken),
    "requires_csrf_token",
    "Make get_token() and the CSRF cookie work for a view, without enforcing the checks.",
)


class _EnsureCsrfCookie(CsrfViewMiddleware):
    """CsrfViewMiddleware that never rejects and always sends the CSRF cookie."""

    def _reject(self, request: HttpRequest, reason: str) -> None:
        return None

    def process_view(
        self, request: HttpRequest, callback: Any, callback_args: Any, callback_kwargs: Any
    ) -> Any:
        result = super().process_view(request, callback, callback_args, callback_kwargs)
        # Using the token makes process_response send the cookie.
        get_token(request)
        return result


ensure_csrf_cookie = _body_first(
    decorator_from_middleware(_EnsureCsrfCookie),
    "ensure_csrf_cookie",
    "Send the CSRF cookie with the view's responses, whether or not a token was used.",
)


def csrf_exempt(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view as exempt from CsrfViewMiddleware's checks (returns a new function, sync or async)."""
    _view_wrapper: Callable[..., Any]  # a function, sync or async as view_func is
    if iscoroutinefunction(view_func):

        async def _async_view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return await view_func(request, *args, **kwargs)

        _view_wrapper = _async_view_wrapper
    else:

        def _sync_view_wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            return view_func(request, *args, **kwargs)

        _view_wrapper = _sync_view_wrapper
    _view_wrapper.__dict__["csrf_exempt"] = True
    return wraps(view_func)(_view_wrapper)
