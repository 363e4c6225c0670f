"""The Jinja2 template engine, configured as Django's ``django.template.backends.jinja2.Jinja2``.

``OPTIONS`` are Jinja2 ``Environment`` arguments plus ``context_processors`` (dotted paths of functions
``request -> dict``, run when a template is rendered with a request) and ``environment`` (dotted path of the
``Environment`` class, or of a function taking the options and returning one). Defaults: autoescape on,
``auto_reload`` and ``DebugUndefined`` when ``DEBUG`` is on, a ``FileSystemLoader`` over ``DIRS`` (and the
``jinja2`` folder of each installed package with ``APP_DIRS``). Templates see ``request``, ``csrf_input`` and
``csrf_token`` when rendered with a request, and the globals ``static()`` and ``url()`` (``reverse``) unless
the environment already defines them.

Each engine keeps two environments over the same loader: a sync one for ``render()`` and an async one
(``enable_async``) for ``render_async()``, so a template used from an async view may await async
functions and iterate async iterables. Loading and compiling a template reads files, so the async side does
it in a worker thread once and then serves it from memory (every time in a thread with ``auto_reload``, which
checks the file's age).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from functools import cached_property
from typing import Any

import anyio.to_thread
import jinja2
import jinja2.meta

from microdj.conf import settings
from microdj.template.backends.base import BaseEngine
from microdj.template.backends.utils import csrf_input_lazy, csrf_token_lazy
from microdj.template.exceptions import TemplateDoesNotExist, TemplateSyntaxError
from microdj.utils.module_loading import import_string

__all__ = ["Jinja2", "Origin", "Template", "get_exception_info"]

CONTEXT_LINES = 10


class Origin:
    """Where a template came from: ``name`` (its file) and ``template_name`` (the name asked for)."""

    def __init__(self, name: str | None, template_name: str | None) -> None:
        self.name = name
        self.template_name = template_name

    def __repr__(self) -> str:
        return f"<Origin name={self.name!r}>"


def get_exception_info(error: jinja2.TemplateSyntaxError) -> dict[str, Any]:
    """Where a syntax error is, for the DEBUG page: file, message, line and the source lines around it."""
    lineno = error.lineno
    source = error.source
    if source is None and error.filename and os.path.isfile(error.filename):
        with open(error.filename, encoding="utf-8", errors="replace") as file:
            source = file.read()
    lines = list(enumerate(source.strip("\n").split("\n"), start=1)) if source is not None else []
    total = len(lines)
    top = max(0, lineno - CONTEXT_LINES - 1)
    bottom = min(total, lineno + CONTEXT_LINES)
    return {
        "name": error.filename or error.name,
        "message": error.message,
        "source_lines": lines[top:bottom],
        "line": lineno,
        "before": "",
        "during": lines[lineno - 1][1] if 0 < lineno <= total else "",
        "after": "",
        "total": total,
        "top": top,
        "bottom": bottom,
    }


def _syntax_error(error: jinja2.TemplateSyntaxError) -> TemplateSyntaxError:
    converted = TemplateSyntaxError(*error.args)
    converted.template_debug = get_exception_info(error)
    return converted


class Template:
    """A compiled template of a :class:`Jinja2` engine."""

    def __init__(self, template: jinja2.Template, backend: Jinja2) -> None:
        self.template = template
        self.backend = backend
        self.origin = Origin(template.filename, template.name)

    def render(self, context: dict[str, Any] | None = None, request: Any = None) -> str:
        """Render with ``context`` (a dict); with ``request``, also the request variables and processors."""
        if self.template.environment.is_async:
            # Jinja2 would start an event loop of its own: use the sync twin of this template instead.
            if self.template.name is None:
                raise RuntimeError(
                    "A template from an async environment can only be rendered with render_async()."
                )
            return self.backend.get_template(self.template.name).render(context, request)
        try:
            return self.template.render(self.backend.make_context(context, request))
        except jinja2.TemplateSyntaxError as error:
            raise _syntax_error(error) from error

    async def render_async(self, context: dict[str, Any] | None = None, request: Any = None) -> str:
        """As ``render()``, with Jinja2's async mode: the context may hold coroutines and async iterables.

        A template of the sync environment is rendered in a worker thread instead.
        """
        if not self.template.environment.is_async:
            return await anyio.to_thread.run_sync(self.render, context, request)
        try:
            return await self.template.render_async(self.backend.make_context(context, request))
        except jinja2.TemplateSyntaxError as error:
            raise _syntax_error(error) from error


def _default_globals() -> dict[str, Callable[..., Any]]:
    from microdj.templatetags.static import static
    from microdj.urls import reverse

    return {"static": static, "url": reverse}


class Jinja2(BaseEngine):
    """A Jinja2 engine (``"BACKEND": "microdj.template.backends.jinja2.Jinja2"``)."""

    app_dirname = "jinja2"

    def __init__(self, params: dict[str, Any]) -> None:
        params = dict(params)
        options = dict(params.pop("OPTIONS"))
        super().__init__(params)
        self.context_processors: list[Any] = list(options.pop("context_processors", []))
        environment = options.pop("environment", "jinja2.Environment")
        factory = import_string(environment) if isinstance(environment, str) else environment
        self.default_loader = "loader" not in options
        if self.default_loader:
            options["loader"] = jinja2.FileSystemLoader(self.template_dirs)
        options.setdefault("autoescape", True)
        options.setdefault("auto_reload", settings.DEBUG)
        options.setdefault("undefined", jinja2.DebugUndefined if settings.DEBUG else jinja2.Undefined)
        options.pop("enable_async", None)
        self.env: jinja2.Environment = factory(**options)
        self.async_env: jinja2.Environment = factory(**options, enable_async=True)
        for env in (self.env, self.async_env):
            for name, function in _default_globals().items():
                env.globals.setdefault(name, function)
        # name -> compiled template of the async environment, when templates are not reloaded.
        self._async_templates: dict[str, Template] = {}

    @cached_property
    def template_context_processors(self) -> list[Callable[[Any], dict[str, Any]]]:
        """The context processors, imported."""
        return [import_string(p) if isinstance(p, str) else p for p in self.context_processors]

    def make_context(self, context: dict[str, Any] | None, request: Any) -> dict[str, Any]:
        """The variables a template is rendered with: ``context``, and with a request the request ones."""
        values = dict(context) if context else {}
        if request is not None:
            values["request"] = request
            values["csrf_input"] = csrf_input_lazy(request)
            values["csrf_token"] = csrf_token_lazy(request)
            for processor in self.template_context_processors:
                values.update(processor(request))
        return values

    def from_string(self, template_code: str) -> Template:
        """A template compiled from source code (rendered with ``render()``)."""
        try:
            return Template(self.env.from_string(template_code), self)
        except jinja2.TemplateSyntaxError as error:
            raise _syntax_error(error) from error

    def _load(self, env: jinja2.Environment, template_name: str) -> Template:
        try:
            return Template(env.get_template(template_name), self)
        except jinja2.TemplateNotFound as error:
            tried = []
            if self.default_loader:
                tried = [
                    (Origin(path, template_name), "Source does not exist")
                    for path in self.iter_template_filenames(template_name)
                ]
            raise TemplateDoesNotExist(str(error.name or template_name), tried=tried, backend=self) from error
        except jinja2.TemplateSyntaxError as error:
            raise _syntax_error(error) from error

    def get_template(self, template_name: str) -> Template:
        """Load (or take from the cache) the template ``template_name``, for ``render()``."""
        return self._load(self.env, template_name)

    def _load_with_references(self, template_name: str) -> Template:
        """Load an async-environment template and, recursively, the templates it extends, includes or
        imports by a constant name, so that rendering it reads no file (names computed at render time
        are loaded when rendered)."""
        template = self._load(self.async_env, template_name)
        env, seen, pending = self.async_env, {template_name}, [template_name]
        while pending and env.loader is not None:
            name = pending.pop()
            try:
                source = env.loader.get_source(env, name)[0]
            except jinja2.TemplateNotFound:
                continue
            for reference in jinja2.meta.find_referenced_templates(env.parse(source)):
                if reference is not None and reference not in seen:
                    seen.add(reference)
                    try:
                        env.get_template(reference)
                    except (jinja2.TemplateNotFound, jinja2.TemplateSyntaxError):
                        continue  # raised when rendered, where Django raises it
                    pending.append(reference)
        return template

    async def aget_template(self, template_name: str) -> Template:
        """The template ``template_name`` for ``render_async()``, loaded in a worker thread if not in memory
        (with the templates it extends, includes or imports by name)."""
        reload = self.async_env.auto_reload
        if not reload:
            known = self._async_templates.get(template_name)
            if known is not None:
                return known
        template = await anyio.to_thread.run_sync(self._load_with_references, template_name)
        if not reload:
            self._async_templates[template_name] = template
        return template
