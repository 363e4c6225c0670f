"""Template views written once and built against ``django.*`` or ``microdj.*`` (the differential tests)."""

from __future__ import annotations

import os
from importlib import import_module
from typing import Any

TEMPLATE_DIRS = [
    os.path.join(os.path.dirname(__file__), "jinja2"),
    os.path.join(os.path.dirname(os.path.dirname(__file__)), "template", "jinja2"),
]


def django_environment(**options: Any) -> Any:
    """Django's documented Jinja2 environment: ``static()`` and ``url()`` as globals."""
    import jinja2
    from django.templatetags.static import static
    from django.urls import reverse

    env = jinja2.Environment(**options)
    env.globals.update({"static": static, "url": reverse})
    return env


def microdj_environment(**options: Any) -> Any:
    """A plain environment: microdj's backend adds ``static()`` and ``url()`` itself."""
    import jinja2

    return jinja2.Environment(**options)


def templates_setting(context_processors: list[str] | None = None) -> list[dict[str, Any]]:
    """TEMPLATES for both frameworks ("{fw}" is replaced by the driver)."""
    options: dict[str, Any] = {
        "context_processors": context_processors
        if context_processors is not None
        else ["{fw}.template.context_processors.static", "{fw}.template.context_processors.csrf"],
        "environment": "tests.parity.template_views.{fw}_environment",
    }
    return [{"BACKEND": "{fw}.template.backends.jinja2.Jinja2", "DIRS": TEMPLATE_DIRS, "OPTIONS": options}]


class ContextMiddleware:
    """process_template_response: changes the context (template responses only) and adds a header."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        return self.get_response(request)

    def process_template_response(self, request: Any, response: Any) -> Any:
        response.context_data["name"] = response.context_data.get("name", "") + "+middleware"
        response["X-Template"] = str(response.template_name)
        return response


def page_context() -> dict[str, Any]:
    rows = [{"name": f"item <{i}>", "price": i * 3} for i in range(20)]
    return {
        "title": "Prices & more",
        "intro": "It's",
        "author": "<A>",
        "day": "Mon",
        "rows": rows,
        **{k: k * 2 for k in "abcdef"},
    }


def make_urlpatterns(prefix: str) -> list[Any]:
    """The URL patterns of ``prefix`` ("django" or "microdj")."""
    shortcuts = import_module(f"{prefix}.shortcuts")
    response_module = import_module(f"{prefix}.template.response")
    generic = import_module(f"{prefix}.views.generic")
    exceptions = import_module(f"{prefix}.core.exceptions")
    http = import_module(f"{prefix}.http")
    path = import_module(f"{prefix}.urls").path
    render, TemplateResponse = shortcuts.render, response_module.TemplateResponse  # noqa: N806

    def page(request: Any) -> Any:
        return render(request, "page.html", page_context())

    async def apage(request: Any) -> Any:
        return render(request, "page.html", page_context())

    def status(request: Any) -> Any:
        return render(
            request, "plain.html", {"name": "s"}, content_type="text/plain; charset=utf-8", status=203
        )

    def links(request: Any, pk: int | None = None) -> Any:
        return render(request, "links.html")

    def csrf(request: Any) -> Any:
        return render(request, "csrf.html")

    async def acsrf(request: Any) -> Any:
        return render(request, "csrf.html")

    def plain(request: Any) -> Any:
        return render(
            request, "plain.html", {"name": request.GET.get("name", "<anon>"), "markup": "<b>x</b>"}
        )

    def tr(request: Any) -> Any:
        return TemplateResponse(request, "plain.html", {"name": "tr"}, status=202, headers={"X-A": "b"})

    async def atr(request: Any) -> Any:
        return TemplateResponse(request, ["missing.html", "plain.html"], {"name": "atr"})

    def tr_callback(request: Any) -> Any:
        response = TemplateResponse(request, "plain.html", {"name": "cb"})
        response.add_post_render_callback(lambda r: r.headers.__setitem__("X-Len", str(len(r.content))))
        return response

    class Greeting(generic.TemplateView):
        template_name = "plain.html"
        extra_context = {"markup": "<i>extra</i>"}

    def not_found(request: Any) -> Any:
        raise http.Http404("no such <thing>")

    def denied(request: Any) -> Any:
        raise exceptions.PermissionDenied("keep <out>")

    def broken(request: Any) -> Any:
        raise ZeroDivisionError("boom")

    def bad(request: Any) -> Any:
        raise exceptions.SuspiciousOperation("odd")

    return [
        path("t/render/", page, name="t-render"),
        path("t/arender/", apage),
        path("t/status/", status),
        path("t/links/", links),
        path("t/links/<int:pk>/", links, name="t-kw"),
        path("t/csrf/", csrf),
        path("t/acsrf/", acsrf),
        path("t/plain/", plain),
        path("t/tr/", tr),
        path("t/atr/", atr),
        path("t/callback/", tr_callback),
        path("t/view/<str:name>/", Greeting.as_view()),
        path("t/404/", not_found),
        path("t/403/", denied),
        path("t/500/", broken),
        path("t/400/", bad),
    ]
