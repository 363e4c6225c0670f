"""Views for the test-client internals tests."""

from microdj.http import HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from microdj.urls import path


def stream(request):
    return StreamingHttpResponse(iter([b"streaming ", b"content"]))


async def astream(request):
    async def chunks():
        yield b"async "
        yield b"stream"

    return StreamingHttpResponse(chunks())


def empty_stream(request):
    return StreamingHttpResponse(iter([]))


def plain(request):
    return HttpResponse("plain")


def body(request):
    return JsonResponse(
        {"method": request.method, "length": len(request.body), "head": request.body[:10].decode()}
    )


async def abody(request):
    data = await request.aread()
    return JsonResponse({"method": request.method, "length": len(data), "head": data[:10].decode()})


def form(request):
    return JsonResponse({"method": request.method, "POST": dict(request.POST.items())})


def redirect(request):
    response = HttpResponseRedirect("/form/")
    response.status_code = int(request.GET.get("status", 302))
    return response


def rendered(request):
    from microdj.test.signals import template_rendered

    template_rendered.send(sender=None, template="base.html", context={"a": 1})
    template_rendered.send(sender=None, template="page.html", context={"b": 2})
    return HttpResponse("rendered")


async def arendered(request):
    from microdj.test.signals import template_rendered

    template_rendered.send(sender=None, template="async.html", context={"c": 3})
    return HttpResponse("rendered")


urlpatterns = [
    path("rendered/", rendered),
    path("arendered/", arendered),
    path("stream/", stream),
    path("astream/", astream),
    path("plain/", plain),
    path("empty-stream/", empty_stream),
    path("body/", body),
    path("abody/", abody),
    path("form/", form),
    path("redirect/", redirect),
]
