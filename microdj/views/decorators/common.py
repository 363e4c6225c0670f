"""``no_append_slash``: keep CommonMiddleware's APPEND_SLASH redirect away from a view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction


def no_append_slash(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view so CommonMiddleware never redirects a slash-less URL to it."""
    if iscoroutinefunction(view_func):

        async def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            return await view_func(request, *args, **kwargs)

    else:

        def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            return view_func(request, *args, **kwargs)

    wrapper = wraps(view_func)(_view_wrapper)
    wrapper.should_append_slash = False  # type: ignore[attr-defined]
    return wrapper
