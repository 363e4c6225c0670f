"""``no_append_slash``: keep CommonMiddleware's APPEND_SLASH redirect away from a view."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from asgiref.sync import iscoroutinefunction


def no_append_slash(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view so CommonMiddleware never redirects a slash-less URL to it."""
    if iscoroutinefunction(view_func):

        @wraps(view_func)
        async def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            return await view_func(request, *args, **kwargs)

    else:

        @wraps(view_func)
        def _view_wrapper(request: Any, *args: Any, **kwargs: Any) -> Any:
            return view_func(request, *args, **kwargs)

    _view_wrapper.__dict__["should_append_slash"] = False
    return _view_wrapper
