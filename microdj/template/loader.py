"""Finding and rendering templates by name across the ``TEMPLATES`` engines, as ``django.template.loader``.

The ``a``-prefixed twins are for async code: they load templates without blocking the event loop and
render with the engine's async mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import anyio.to_thread

from microdj.template.exceptions import TemplateDoesNotExist
from microdj.template.utils import engines

__all__ = [
    "aget_template",
    "arender_to_string",
    "aselect_template",
    "get_template",
    "render_to_string",
    "select_template",
]


def _engine_list(using: str | None) -> list[Any]:
    return engines.all() if using is None else [engines[using]]


def get_template(template_name: str, using: str | None = None) -> Any:
    """The template ``template_name`` from the first engine that has it (TemplateDoesNotExist if none)."""
    chain = []
    for engine in _engine_list(using):
        try:
            return engine.get_template(template_name)
        except TemplateDoesNotExist as error:
            chain.append(error)
    raise TemplateDoesNotExist(template_name, chain=chain)


def _check_names(template_name_list: Sequence[str]) -> None:
    if isinstance(template_name_list, str):
        raise TypeError(
            "select_template() takes an iterable of template names but got a string: "
            f"{template_name_list!r}. Use get_template() if you want to load a single template by name."
        )


def _none_found(template_name_list: Sequence[str], chain: list[TemplateDoesNotExist]) -> TemplateDoesNotExist:
    if template_name_list:
        return TemplateDoesNotExist(", ".join(template_name_list), chain=chain)
    return TemplateDoesNotExist("No template names provided")


def select_template(template_name_list: Sequence[str], using: str | None = None) -> Any:
    """The first of ``template_name_list`` that some engine has (names tried in order, then engines)."""
    _check_names(template_name_list)
    chain = []
    for template_name in template_name_list:
        for engine in _engine_list(using):
            try:
                return engine.get_template(template_name)
            except TemplateDoesNotExist as error:
                chain.append(error)
    raise _none_found(template_name_list, chain)


def render_to_string(
    template_name: str | Sequence[str],
    context: dict[str, Any] | None = None,
    request: Any = None,
    using: str | None = None,
) -> str:
    """Load ``template_name`` (or the first found of a list of names) and render it with ``context``."""
    if isinstance(template_name, list | tuple):
        template = select_template(template_name, using=using)
    else:
        template = get_template(template_name, using=using)  # type: ignore[arg-type]
    result: str = template.render(context, request)
    return result


async def _aget(engine: Any, template_name: str) -> Any:
    aget = getattr(engine, "aget_template", None)
    if aget is not None:
        return await aget(template_name)
    return await anyio.to_thread.run_sync(engine.get_template, template_name)


async def aget_template(template_name: str, using: str | None = None) -> Any:
    """As ``get_template()``, loading off the event loop; the template renders with ``render_async()``."""
    chain = []
    for engine in _engine_list(using):
        try:
            return await _aget(engine, template_name)
        except TemplateDoesNotExist as error:
            chain.append(error)
    raise TemplateDoesNotExist(template_name, chain=chain)


async def aselect_template(template_name_list: Sequence[str], using: str | None = None) -> Any:
    """As ``select_template()``, loading off the event loop."""
    _check_names(template_name_list)
    chain = []
    for template_name in template_name_list:
        for engine in _engine_list(using):
            try:
                return await _aget(engine, template_name)
            except TemplateDoesNotExist as error:
                chain.append(error)
    raise _none_found(template_name_list, chain)


async def arender_template(template: Any, context: dict[str, Any] | None, request: Any) -> str:
    """Render ``template`` with its async mode when it has one, else in a worker thread."""
    render_async = getattr(template, "render_async", None)
    if render_async is not None:
        result: str = await render_async(context, request)
        return result
    rendered: str = await anyio.to_thread.run_sync(template.render, context, request)
    return rendered


async def arender_to_string(
    template_name: str | Sequence[str],
    context: dict[str, Any] | None = None,
    request: Any = None,
    using: str | None = None,
) -> str:
    """As ``render_to_string()``, for async code: loaded off the event loop, rendered in async mode."""
    if isinstance(template_name, list | tuple):
        template = await aselect_template(template_name, using=using)
    else:
        template = await aget_template(template_name, using=using)  # type: ignore[arg-type]
    return await arender_template(template, context, request)
