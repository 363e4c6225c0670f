"""Signals for tests: ``template_rendered``, which the test clients collect into ``response.templates``.

A template layer sends ``template_rendered.send(sender=..., template=template, context=context)`` when it
renders; a test client's response then lists the templates (``response.templates``) and contexts
(``response.context``) rendered while it was made, which ``assertTemplateUsed``-style checks read.
Renders outside a test client's request are not collected.
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

from microdj.dispatch import Signal

__all__ = ["collected_renders", "template_rendered"]

template_rendered = Signal()

#: The (template, context) pairs rendered for the test client's current request (None outside one).
collected_renders: ContextVar[list[tuple[Any, Any]] | None] = ContextVar("collected_renders", default=None)


def _collect(sender: Any, template: Any = None, context: Any = None, **kwargs: Any) -> None:
    renders = collected_renders.get()
    if renders is not None:
        renders.append((template, context))


template_rendered.connect(_collect, dispatch_uid="microdj.test.collect_renders")
