"""Responses rendered from a template, as ``django.template.response``, and rendering for async views.

``SimpleTemplateResponse``/``TemplateResponse`` keep the template name and context until the handler renders
them, after the view and the ``process_template_response`` middleware hooks ran. One made in an async view
(on the event loop's thread) is rendered by the handler with the engine's async mode, its template loaded
off the loop; one made in a sync view is rendered in a worker thread, as in Django.

``AsyncRenderResponse`` is what ``render()`` returns in an async view: an ``HttpResponse`` whose content the
handler renders the same way before the response leaves the view step (reading ``content`` earlier renders
it on the spot).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import anyio.to_thread
from asgiref.sync import iscoroutinefunction

from microdj.http.response import HttpResponse
from microdj.template.loader import (
    aget_template,
    arender_template,
    aselect_template,
    get_template,
    select_template,
)

__all__ = ["AsyncRenderResponse", "ContentNotRenderedError", "SimpleTemplateResponse", "TemplateResponse"]


class ContentNotRenderedError(Exception):
    """The content of a template response was read before the response was rendered."""


def on_event_loop() -> bool:
    """Whether the caller runs on a thread whose asyncio event loop is running (async code)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


class SimpleTemplateResponse(HttpResponse):
    """A response holding a template (name, list of names, or template) and its context until rendered."""

    rendering_attrs = ["template_name", "context_data", "_post_render_callbacks"]

    def __init__(
        self,
        template: Any,
        context: dict[str, Any] | None = None,
        content_type: str | None = None,
        status: int | None = None,
        charset: str | None = None,
        using: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> None:
        # Not "template"/"context": the test client sets those names on responses.
        self.template_name = template
        self.context_data = context
        self.using = using
        self._post_render_callbacks: list[Callable[[Any], Any]] = []
        self._request: Any = None
        #: Rendered by the handler with render_async() on the loop (made in async code), not in a thread.
        self.render_on_loop = on_event_loop()
        super().__init__("", content_type, status, charset=charset, headers=headers)
        self._is_rendered = False

    def __getstate__(self) -> dict[str, Any]:
        """Pickle only a rendered response, without what it was rendered from."""
        if not self._is_rendered:
            raise ContentNotRenderedError("The response content must be rendered before it can be pickled.")
        state = self.__dict__.copy()
        for attr in self.rendering_attrs:
            state.pop(attr, None)
        return state

    def resolve_template(self, template: Any) -> Any:
        """The template object for a template, a name, or a list of names (the first found)."""
        if isinstance(template, list | tuple):
            return select_template(template, using=self.using)
        if isinstance(template, str):
            return get_template(template, using=self.using)
        return template

    async def aresolve_template(self, template: Any) -> Any:
        """As ``resolve_template()``, loading off the event loop."""
        if isinstance(template, list | tuple):
            return await aselect_template(template, using=self.using)
        if isinstance(template, str):
            return await aget_template(template, using=self.using)
        return template

    def resolve_context(self, context: dict[str, Any] | None) -> dict[str, Any] | None:
        """The context the template is rendered with (override to change it)."""
        return context

    @property
    def rendered_content(self) -> str:
        """The template rendered now with the context (the response's content is not changed)."""
        template = self.resolve_template(self.template_name)
        context = self.resolve_context(self.context_data)
        result: str = template.render(context, self._request)
        return result

    async def arendered_content(self) -> str:
        """As ``rendered_content``, in the engine's async mode."""
        template = await self.aresolve_template(self.template_name)
        context = self.resolve_context(self.context_data)
        return await arender_template(template, context, self._request)

    def add_post_render_callback(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(response)`` once rendered (now, if it is); a non-None result replaces it."""
        if self._is_rendered:
            callback(self)
        else:
            self._post_render_callbacks.append(callback)

    def render(self) -> Any:
        """Render the content (once; later calls do nothing) and run the post-render callbacks.

        Returns the response, or what the last callback returning non-None returned.
        """
        result = self
        if not self._is_rendered:
            self.content = self.rendered_content
            for callback in self._post_render_callbacks:
                replaced = callback(result)
                if replaced is not None:
                    result = replaced
        return result

    async def arender(self) -> Any:
        """As ``render()``, in the engine's async mode; sync post-render callbacks run in a worker thread."""
        result: Any = self
        if not self._is_rendered:
            self.content = await self.arendered_content()
            for callback in self._post_render_callbacks:
                if iscoroutinefunction(callback):
                    replaced = await callback(result)
                else:
                    replaced = await anyio.to_thread.run_sync(callback, result)
                if replaced is not None:
                    result = replaced
        return result

    @property
    def is_rendered(self) -> bool:
        """Whether the content was rendered (or set)."""
        return self._is_rendered

    def __iter__(self) -> Iterator[bytes]:
        if not self._is_rendered:
            raise ContentNotRenderedError(
                "The response content must be rendered before it can be iterated over."
            )
        return super().__iter__()

    @property
    def content(self) -> bytes:
        """The rendered content; ContentNotRenderedError before ``render()``."""
        if not self._is_rendered:
            raise ContentNotRenderedError("The response content must be rendered before it can be accessed.")
        return HttpResponse.content.fget(self)  # type: ignore[attr-defined,no-any-return]

    @content.setter
    def content(self, value: Any) -> None:
        HttpResponse.content.fset(self, value)  # type: ignore[attr-defined]
        self._is_rendered = True


class TemplateResponse(SimpleTemplateResponse):
    """A ``SimpleTemplateResponse`` rendered with a request (request variables and context processors)."""

    rendering_attrs = [*SimpleTemplateResponse.rendering_attrs, "_request"]

    def __init__(
        self,
        request: Any,
        template: Any,
        context: dict[str, Any] | None = None,
        content_type: str | None = None,
        status: int | None = None,
        charset: str | None = None,
        using: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(template, context, content_type, status, charset, using, headers=headers)
        self._request = request


class AsyncRenderResponse(HttpResponse):
    """``render()``'s answer in an async view: an ``HttpResponse`` whose content is rendered later.

    The handler awaits ``finish_render()`` (template loaded off the loop, rendered with ``render_async()``);
    it is not a template response (``process_template_response`` hooks do not see it). Reading ``content``
    first renders at once, in the calling thread. Like a template response it has ``is_rendered`` and
    ``add_post_render_callback()``, so that caching middleware stores it once rendered.
    """

    def __init__(
        self,
        request: Any,
        template_name: str | Sequence[str],
        context: dict[str, Any] | None = None,
        content_type: str | None = None,
        status: int | None = None,
        using: str | None = None,
    ) -> None:
        super().__init__("", content_type, status)
        self._pending: tuple[Any, Any, dict[str, Any] | None, str | None] | None = (
            request,
            template_name,
            context,
            using,
        )
        self._post_render_callbacks: list[Callable[[Any], Any]] = []

    @property
    def is_rendered(self) -> bool:
        """Whether the content was rendered (or set)."""
        return self._pending is None

    def add_post_render_callback(self, callback: Callable[[Any], Any]) -> None:
        """Call ``callback(response)`` once rendered (now, if it is); its result is ignored."""
        if self._pending is None:
            callback(self)
        else:
            self._post_render_callbacks.append(callback)

    def _take(self) -> tuple[Any, Any, dict[str, Any] | None, str | None] | None:
        pending, self._pending = self._pending, None
        return pending

    def _callbacks(self) -> list[Callable[[Any], Any]]:
        callbacks, self._post_render_callbacks = self._post_render_callbacks, []
        return callbacks

    def render(self) -> AsyncRenderResponse:
        """Render now, in this thread, if not done yet; return the response."""
        pending = self._take()
        if pending is not None:
            from microdj.template.loader import render_to_string

            request, name, context, using = pending
            text = render_to_string(name, context, request, using=using)
            HttpResponse.content.fset(self, text)  # type: ignore[attr-defined]
            for callback in self._callbacks():
                callback(self)
        return self

    async def finish_render(self) -> AsyncRenderResponse:
        """Render in the engine's async mode, if not done yet (sync callbacks in a worker thread)."""
        pending = self._take()
        if pending is not None:
            from microdj.template.loader import arender_to_string

            request, name, context, using = pending
            text = await arender_to_string(name, context, request, using=using)
            HttpResponse.content.fset(self, text)  # type: ignore[attr-defined]
            for callback in self._callbacks():
                if iscoroutinefunction(callback):
                    await callback(self)
                else:
                    await anyio.to_thread.run_sync(callback, self)
        return self

    def __getstate__(self) -> dict[str, Any]:
        """Pickle the rendered response (rendered now if needed), without what it was rendered from."""
        self.render()
        state = self.__dict__.copy()
        state.pop("_post_render_callbacks", None)
        return state

    @property
    def content(self) -> bytes:
        """The rendered content (rendered now if it was not yet)."""
        self.render()
        return HttpResponse.content.fget(self)  # type: ignore[attr-defined,no-any-return]

    @content.setter
    def content(self, value: Any) -> None:
        self._pending = None
        HttpResponse.content.fset(self, value)  # type: ignore[attr-defined]

    def __iter__(self) -> Iterator[bytes]:
        self.render()
        return super().__iter__()

    def write(self, content: Any) -> None:
        """Append ``content`` to the (rendered) body."""
        self.render()
        super().write(content)
