"""Views served to the load and fault tests."""

import asyncio

from microdj.http import HttpResponse, JsonResponse, StreamingHttpResponse
from microdj.urls import path


def index(request):
    return HttpResponse(b"ok", content_type="text/plain")


def form(request):
    """Echoes a posted urlencoded form."""
    return JsonResponse({k: request.POST.getlist(k) for k in request.POST})


def upload(request):
    """Names and sizes of uploaded files (over 1 KB they are spooled to temporary files)."""
    return JsonResponse({k: [f.name, f.size, f.read(4).decode()] for k, f in request.FILES.items()})


async def aupload(request):
    return upload(request)


def body(request):
    return HttpResponse(str(len(request.body)), content_type="text/plain")


async def stream(request):
    """About one second of streaming, in 1 KB chunks."""

    async def chunks():
        for _ in range(100):
            yield b"s" * 1024
            await asyncio.sleep(0.01)

    return StreamingHttpResponse(chunks(), content_type="text/plain")


def boom(request):
    raise RuntimeError("a view that raises")


async def hang(request):
    await asyncio.sleep(3600)
    return HttpResponse(b"too late")


urlpatterns = [
    path("", index),
    path("form/", form),
    path("upload/", upload),
    path("aupload/", aupload),
    path("body/", body),
    path("stream/", stream),
    path("boom/", boom),
    path("hang/", hang),
]
