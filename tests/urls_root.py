"""The root URLconf of the test suite, with the views the handler tests call."""

import asyncio

from microdj.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from microdj.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from microdj.urls import path, re_path


def plaintext(request):
    return HttpResponse(b"Hello, world!", content_type="text/plain")


async def async_plaintext(request):
    return HttpResponse(b"Hello, async world!", content_type="text/plain")


def json_view(request):
    return JsonResponse({"message": "Hello, world!"})


async def params(request, group, item):
    return JsonResponse({"group": group, "item": item})


def echo(request):
    return JsonResponse(
        {
            "method": request.method,
            "path": request.path,
            "path_info": request.path_info,
            "GET": {k: request.GET.getlist(k) for k in request.GET},
            "POST": {k: request.POST.getlist(k) for k in request.POST},
            "body": request.body.decode("utf-8", "replace"),
            "cookies": request.COOKIES,
            "host": request.get_host(),
            "scheme": request.scheme,
        }
    )


async def async_echo(request):
    return JsonResponse(
        {
            "method": request.method,
            "body": request.body.decode("utf-8", "replace"),
            "POST": {k: request.POST.getlist(k) for k in request.POST},
            "files": {k: f.read().decode() for k, f in request.FILES.items()},
        }
    )


def raises_404(request):
    raise Http404("No such thing")


def raises_403(request):
    raise PermissionDenied


def raises_400(request):
    raise BadRequest("bad")


def raises_suspicious(request):
    raise SuspiciousOperation("weird")


def raises_500(request):
    raise ZeroDivisionError("boom")


async def async_raises_500(request):
    raise ZeroDivisionError("async boom")


def returns_none(request):
    return None


async def returns_coroutine(request):
    return asyncio.sleep(0)


def stream(request):
    return StreamingHttpResponse(iter([b"one ", b"two ", b"three"]), content_type="text/plain")


async def _agen():
    for part in (b"a", b"b", b"c"):
        yield part


async def async_stream(request):
    return StreamingHttpResponse(_agen(), content_type="text/plain")


def no_content(request):
    return HttpResponse(status=204)


def set_cookie(request):
    response = HttpResponse("cookie set")
    response.set_cookie("flavour", "oatmeal", max_age=3600, httponly=True, samesite="Lax")
    return response


urlpatterns = [
    path("", plaintext, name="plaintext"),
    path("async/", async_plaintext, name="async-plaintext"),
    path("json/", json_view, name="json"),
    path("items/<slug:group>/<int:item>/", params, name="params"),
    path("echo/", echo, name="echo"),
    path("async-echo/", async_echo, name="async-echo"),
    path("404/", raises_404),
    path("403/", raises_403),
    path("400/", raises_400),
    path("suspicious/", raises_suspicious),
    path("500/", raises_500),
    path("async-500/", async_raises_500),
    path("none/", returns_none),
    path("coroutine/", returns_coroutine),
    path("stream/", stream),
    path("async-stream/", async_stream),
    path("204/", no_content),
    path("cookie/", set_cookie),
    re_path(r"^re/(?P<group>[a-z]+)/(?P<item>[0-9]+)/$", params, name="re-params"),
]
