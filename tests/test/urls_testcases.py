"""Views for the SimpleTestCase tests."""

from microdj.conf import settings
from microdj.http import HttpResponse, HttpResponseRedirect, JsonResponse, StreamingHttpResponse
from microdj.urls import path


def page(request):
    return HttpResponse('<html><body><p class="b a">Hello <b>world</b></p><p>again</p></body></html>')


def latin(request):
    return HttpResponse("café".encode("latin-1"), content_type="text/plain; charset=latin-1")


def stream(request):
    return StreamingHttpResponse(iter([b"chunk one, ", b"chunk two"]))


def redirect(request):
    return HttpResponseRedirect(request.GET.get("to", "/page/"))


def json_view(request):
    return JsonResponse({"debug": settings.DEBUG, "middleware": list(settings.MIDDLEWARE)})


async def async_page(request):
    return HttpResponse("async hello")


def missing(request):
    return HttpResponse("gone", status=404)


def broken(request):
    return HttpResponse("<p>x</p></div>")


urlpatterns = [
    path("broken/", broken),
    path("page/", page),
    path("latin/", latin),
    path("stream/", stream),
    path("redirect/", redirect),
    path("json/", json_view),
    path("async/", async_page),
    path("missing/", missing),
]
