"""The benchmark scenarios as Django (ASGI) views, async or sync, behind 48 (or 1,000) other routes.

``build()`` configures Django's settings in this process only: DEBUG off, any host, no middleware but the 5
no-ops of the "mw" variant.
"""

from __future__ import annotations

import logging

from django.http import HttpResponse, JsonResponse
from django.urls import path

from benchmarks.apps.noop_middleware import MIDDLEWARE
from benchmarks.scenarios import FILLERS, MIDDLEWARE_LAYERS

urlpatterns: list = []  # filled by build(); this module is the ROOT_URLCONF


async def plaintext(request):
    return HttpResponse(b"Hello, world!", content_type="text/plain")


async def json_view(request):
    return JsonResponse({"message": "Hello, world!"})


async def params(request, group, item):
    return JsonResponse({"group": group, "item": item})


async def query(request):
    return JsonResponse(request.GET.dict())


async def form(request):
    return JsonResponse({"fields": len(request.POST), "field9": request.POST["field9"]})


async def upload(request):
    sizes = {name: len(value) for name, value in request.POST.items()}
    sizes.update({name: len(upload.read()) for name, upload in request.FILES.items()})
    return JsonResponse(sizes)


async def filler(request, pk):
    return HttpResponse(b"filler")


def sync_plaintext(request):
    return HttpResponse(b"Hello, world!", content_type="text/plain")


def sync_json_view(request):
    return JsonResponse({"message": "Hello, world!"})


def sync_params(request, group, item):
    return JsonResponse({"group": group, "item": item})


def sync_query(request):
    return JsonResponse(request.GET.dict())


def sync_form(request):
    return JsonResponse({"fields": len(request.POST), "field9": request.POST["field9"]})


def sync_upload(request):
    sizes = {name: len(value) for name, value in request.POST.items()}
    sizes.update({name: len(upload.read()) for name, upload in request.FILES.items()})
    return JsonResponse(sizes)


def sync_filler(request, pk):
    return HttpResponse(b"filler")


def _patterns(fillers: int, sync: bool) -> list:
    views = (
        (sync_filler, sync_plaintext, sync_json_view, sync_params, sync_query, sync_form, sync_upload)
        if sync
        else (filler, plaintext, json_view, params, query, form, upload)
    )
    fill, *scenario_views = views
    return [
        *(path(f"filler{i}/<int:pk>/", fill, name=f"filler-{i}") for i in range(fillers)),
        *(
            path(route, view)
            for route, view in zip(
                ("plaintext", "json", "items/<slug:group>/<int:item>/", "query", "form", "upload"),
                scenario_views,
                strict=True,
            )
        ),
    ]


def build(variant: str = "", sync: bool = False):
    """Configure Django for ``variant`` with async (or sync) views and return its ASGI application."""
    from django.conf import settings
    from django.core.asgi import get_asgi_application

    urlpatterns[:] = _patterns(FILLERS[variant], sync)
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        SECRET_KEY="benchmark",
        MIDDLEWARE=MIDDLEWARE[: MIDDLEWARE_LAYERS.get(variant, 0)],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )
    application = get_asgi_application()
    # As for microdj: the 404 scenario measures the framework, not the "Not Found" warning's logging.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    return application
