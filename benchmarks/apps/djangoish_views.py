"""The benchmark views and routes of the Django-API frameworks, written once for microdj and Django.

``make_urlpatterns(http, urls, fillers, sync)`` takes the framework's ``http`` and ``urls`` modules
(``microdj.http``/``microdj.urls`` or ``django.http``/``django.urls``), so both run the very same view code.
"""

from __future__ import annotations

from types import ModuleType

ROUTES = ("plaintext", "json", "items/<slug:group>/<int:item>/", "query", "form", "upload")


def make_urlpatterns(http: ModuleType, urls: ModuleType, fillers: int, sync: bool) -> list:
    """``fillers`` filler routes, then the scenario routes, with async (or sync) views of ``http``."""
    HttpResponse, JsonResponse = http.HttpResponse, http.JsonResponse  # noqa: N806 - the classes' names

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

    views = (
        (sync_filler, sync_plaintext, sync_json_view, sync_params, sync_query, sync_form, sync_upload)
        if sync
        else (filler, plaintext, json_view, params, query, form, upload)
    )
    fill, *scenario_views = views
    path = urls.path
    return [
        *(path(f"filler{i}/<int:pk>/", fill, name=f"filler-{i}") for i in range(fillers)),
        *(path(route, view) for route, view in zip(ROUTES, scenario_views, strict=True)),
    ]
