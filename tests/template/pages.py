"""Views rendering templates, sync and async (the URLconf of the template tests)."""

from __future__ import annotations

from typing import Any

from microdj.http import HttpResponse
from microdj.shortcuts import render
from microdj.template.response import TemplateResponse
from microdj.urls import path
from microdj.views.generic import TemplateView

TEMPLATES_DIR = __file__.rsplit("/", 1)[0] + "/jinja2"
ENGINE: dict[str, Any] = {"BACKEND": "microdj.template.backends.jinja2.Jinja2", "DIRS": [TEMPLATES_DIR]}


def page_context() -> dict[str, Any]:
    """Ten variables and twenty rows (the benchmark's page too)."""
    rows = [{"name": f"item <{i}>", "price": i * 3} for i in range(20)]
    letters = {k: f"{k}-value" for k in "abcdef"}
    return {
        "title": "Price list",
        "intro": "Today's prices",
        "author": "A & B",
        "day": "Monday",
        "rows": rows,
        **letters,
    }


def greeting(request: Any) -> dict[str, Any]:
    """A context processor."""
    return {"processed": "by-processor"}


def sync_page(request: Any) -> HttpResponse:
    return render(request, "page.html", page_context())


async def async_page(request: Any) -> HttpResponse:
    return render(request, "page.html", page_context())


def sync_request(request: Any) -> HttpResponse:
    return render(request, "request.html", {"greeting": "hi"})


async def async_request(request: Any) -> HttpResponse:
    return render(request, "request.html", {"greeting": "hi"})


async def async_iterable(request: Any) -> HttpResponse:
    async def items() -> Any:
        for word in ("one", "two"):
            yield word

    async def fetched() -> str:
        return "awaited"

    return render(request, "async_data.html", {"items": items(), "fetched": fetched})


def sync_template_response(request: Any) -> TemplateResponse:
    return TemplateResponse(request, "plain.html", {"name": "sync", "markup": "<b>"})


async def async_template_response(request: Any) -> TemplateResponse:
    return TemplateResponse(request, "plain.html", {"name": "async", "markup": "<b>"})


def missing(request: Any) -> HttpResponse:
    return render(request, "no-such-template.html")


async def async_missing(request: Any) -> HttpResponse:
    return render(request, "no-such-template.html")


def broken(request: Any) -> HttpResponse:
    return render(request, "broken.html", {"items": [1]})


def raises(request: Any) -> HttpResponse:
    def explode() -> str:
        raise ValueError("exploded in a template")

    return render(request, "raises.html", {"explode": explode})


class Greeting(TemplateView):
    template_name = "plain.html"
    extra_context = {"markup": "<i>"}


urlpatterns = [
    path("sync/", sync_page, name="tmpl-sync"),
    path("async/", async_page, name="tmpl-async"),
    path("request/", sync_request),
    path("async/request/", async_request),
    path("async/iterable/", async_iterable),
    path("tr/", sync_template_response),
    path("async/tr/", async_template_response),
    path("missing/", missing),
    path("async/missing/", async_missing),
    path("broken/", broken),
    path("raises/", raises),
    path("greet/<str:name>/", Greeting.as_view()),
]


async def async_blocking_render(request: Any) -> HttpResponse:
    """What not to do: the sync loader in an async view (the guard names it)."""
    from microdj.template.loader import render_to_string

    return HttpResponse(render_to_string("plain.html", {"name": "blocked"}))


urlpatterns.append(path("async/blocking/", async_blocking_render))


async def async_includes(request: Any) -> HttpResponse:
    return render(request, "includes.html", {"name": "inc"})


async def async_bad_reference(request: Any) -> HttpResponse:
    return render(request, "bad_reference.html", {"flag": False})


urlpatterns += [path("async/includes/", async_includes), path("async/bad-reference/", async_bad_reference)]
