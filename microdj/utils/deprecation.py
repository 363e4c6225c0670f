"""``MiddlewareMixin``: middleware as ``process_request``/``process_response`` hooks, sync or async."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction

from microdj.utils.concurrency import sync_to_async


class MiddlewareMixin:
    """Base for Django-style middleware classes with optional ``process_request``/``process_response`` hooks.

    The instance is async (a coroutine function) when ``get_response`` is, so an async stack needs no thread.
    In async mode sync hooks run through ``sync_to_async`` as in Django, unless the class sets
    ``sync_hooks_in_thread = False`` (its hooks never block); async hooks are awaited.
    """

    sync_capable = True
    async_capable = True
    sync_hooks_in_thread = True

    def __init__(self, get_response: Callable[..., Any]) -> None:
        if get_response is None:
            raise ValueError("get_response must be provided.")
        self.get_response = get_response
        self.async_mode = iscoroutinefunction(get_response)
        if self.async_mode:
            # The instance itself reports as a coroutine function; __call__ returns __acall__'s coroutine.
            markcoroutinefunction(self)
        # PERF: look the hooks up once, not on every request.
        self._request_hook = self._adapt(getattr(self, "process_request", None))
        self._response_hook = self._adapt(getattr(self, "process_response", None))
        super().__init__()

    def _adapt(self, hook: Callable[..., Any] | None) -> Callable[..., Any] | None:
        """Return ``hook`` as it must be called in this instance's mode (awaitable in async mode)."""
        if hook is None or not self.async_mode or iscoroutinefunction(hook):
            return hook
        if self.sync_hooks_in_thread:
            return sync_to_async(hook, thread_sensitive=True)
        sync_hook = hook

        async def on_loop(*args: Any) -> Any:
            return sync_hook(*args)

        return on_loop

    def __repr__(self) -> str:
        target = getattr(self.get_response, "__qualname__", type(self.get_response).__name__)
        return f"<{type(self).__qualname__} get_response={target}>"

    def __call__(self, request: Any) -> Any:
        if self.async_mode:
            return self.__acall__(request)
        response = None
        if self._request_hook is not None:
            response = self._request_hook(request)
        response = response or self.get_response(request)
        if self._response_hook is not None:
            response = self._response_hook(request, response)
        return response

    async def __acall__(self, request: Any) -> Any:
        """Async counterpart of ``__call__``, used when ``get_response`` is async."""
        response = None
        if self._request_hook is not None:
            response = await self._request_hook(request)
        response = response or await self.get_response(request)
        if self._response_hook is not None:
            response = await self._response_hook(request, response)
        return response


class RemovedInDjango60Warning(DeprecationWarning):
    """Django's category for behaviour it drops in 6.0; microdj warns with it where it mirrors that."""
