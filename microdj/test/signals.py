"""Signals for tests: ``template_rendered``, which the test clients collect into ``response.templates``.

``instrument_templates()`` (run by the test clients and ``setup_test_environment()``, as Django's test
environment does) makes microdj's template backend send ``template_rendered(template=..., context=...)``
on each render; another template layer may send it itself. A test client's response then lists the
templates (``response.templates``) and contexts (``response.context``) rendered while it was made, which
``assertTemplateUsed`` reads. Renders outside a test client's request (or an ``assertTemplateUsed``
block) are not collected, and production code never sends the signal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from microdj.dispatch import Signal

__all__ = ["collected_renders", "instrument_templates", "template_rendered"]

template_rendered = Signal()

#: The (template, context) pairs rendered for the test client's current request (None outside one).
collected_renders: ContextVar[list[tuple[Any, Any]] | None] = ContextVar("collected_renders", default=None)


def _collect(sender: Any, template: Any = None, context: Any = None, **kwargs: Any) -> None:
    renders = collected_renders.get()
    if renders is not None:
        renders.append((template, context))


template_rendered.connect(_collect, dispatch_uid="microdj.test.collect_renders")


# Set while an instrumented render runs, so a render it delegates to (its sync twin, or a worker-thread
# render) is not reported twice.
_reporting: ContextVar[bool] = ContextVar("reporting_render", default=False)
_instrumented: list[type] = []


def _report(template: Any, context: Any) -> bool:
    """Send ``template_rendered`` unless a render is already being reported; True if this one reports."""
    if _reporting.get() or collected_renders.get() is None:
        return False
    template_rendered.send(sender=type(template), template=template, context=context)
    return True


def _sync_wrapper(render: Callable[..., str]) -> Callable[..., str]:
    @functools.wraps(render)
    def render_reported(self: Any, context: Any = None, request: Any = None) -> str:
        if not _report(self, context):
            return render(self, context, request)
        token = _reporting.set(True)
        try:
            return render(self, context, request)
        finally:
            _reporting.reset(token)

    return render_reported


def _async_wrapper(render: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(render)
    async def render_reported(self: Any, context: Any = None, request: Any = None) -> str:
        if not _report(self, context):
            result: str = await render(self, context, request)
            return result
        token = _reporting.set(True)
        try:
            result = await render(self, context, request)
            return result
        finally:
            _reporting.reset(token)

    return render_reported


def instrument_templates() -> None:
    """Make microdj's template backend report its renders (once per process; no-op without Jinja2)."""
    try:
        from microdj.template.backends.jinja2 import Template
    except ImportError:  # pragma: no cover - Jinja2 is an optional extra
        return
    if Template in _instrumented:
        return
    _instrumented.append(Template)
    Template.render = _sync_wrapper(Template.render)  # type: ignore[method-assign]
    Template.render_async = _async_wrapper(Template.render_async)  # type: ignore[method-assign]
