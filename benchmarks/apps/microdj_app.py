"""The benchmark scenarios written as microdj views (async and sync), behind 48 other routes."""

from microdj.conf import settings

if not settings.configured:
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF="benchmarks.apps.microdj_app",
        SECRET_KEY="benchmark",
        MIDDLEWARE=[],
    )

import logging  # noqa: E402

from microdj.asgi import get_asgi_application  # noqa: E402
from microdj.http import HttpResponse, JsonResponse  # noqa: E402
from microdj.urls import path  # noqa: E402


async def plaintext(request):
    return HttpResponse(b"Hello, world!", content_type="text/plain")


def sync_plaintext(request):
    return HttpResponse(b"Hello, world!", content_type="text/plain")


async def json_view(request):
    return JsonResponse({"message": "Hello, world!"})


async def params(request, group, item):
    return JsonResponse({"group": group, "item": item})


async def query(request):
    return JsonResponse(request.GET.dict())


async def form(request):
    return JsonResponse({"fields": len(request.POST)})


async def upload(request):
    sizes = {name: len(value) for name, value in request.POST.items()}
    sizes.update({name: upload.size for name, upload in request.FILES.items()})
    return JsonResponse(sizes)


def _filler(n: int):
    async def filler(request, pk):
        return HttpResponse(b"filler")

    return [path(f"filler{i}/<int:pk>/", filler, name=f"filler-{i}") for i in range(n)]


urlpatterns = [
    *_filler(48),
    path("plaintext", plaintext),
    path("sync/plaintext", sync_plaintext),
    path("json", json_view),
    path("items/<slug:group>/<int:item>/", params),
    path("query", query),
    path("form", form),
    path("upload", upload),
]

# As in production, where a logging configuration decides what is kept: the 404 scenario measures the
# framework, not Python's last-resort stderr handler (the raw application logs nothing either).
logging.getLogger("microdj.request").setLevel(logging.ERROR)

application = get_asgi_application()
