"""View decorators for the X-Frame-Options header (see XFrameOptionsMiddleware); for sync and async views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction


def _patch_response(func: Callable[..., Any], patch: Callable[[Any], None]) -> Callable[..., Any]:
    """Wrap the view ``func`` so ``patch(response)`` runs on each response it returns."""
    if iscoroutinefunction(func):

        @wraps(func)
        async def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            response = await func(request, *args, **kwargs)
            patch(response)
            return response

    else:

        @wraps(func)
        def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            response = func(request, *args, **kwargs)
            patch(response)
            return response

    return _view_wrapper


def _frame_options(value: str) -> Callable[[Any], None]:
    def patch(response: Any) -> None:
        if response.get("X-Frame-Options") is None:
            response["X-Frame-Options"] = value

    return patch


def xframe_options_deny(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Send ``X-Frame-Options: DENY`` unless the response already sets the header."""
    return _patch_response(view_func, _frame_options("DENY"))


def xframe_options_sameorigin(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Send ``X-Frame-Options: SAMEORIGIN`` unless the response already sets the header."""
    return _patch_response(view_func, _frame_options("SAMEORIGIN"))


def _exempt(response: Any) -> None:
    response.xframe_options_exempt = True


def xframe_options_exempt(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Keep XFrameOptionsMiddleware from adding the header to this view's responses."""
    return _patch_response(view_func, _exempt)
