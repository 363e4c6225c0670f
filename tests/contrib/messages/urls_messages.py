"""Views adding and showing messages, for the middleware tests."""

import hashlib

from microdj.contrib import messages
from microdj.http import HttpResponse, JsonResponse
from microdj.urls import path


def add(request):
    for level in ("debug", "info", "success", "warning", "error"):
        getattr(messages, level)(request, f"{level} message", extra_tags="x" if level == "error" else "")
    return HttpResponse("added")


async def aadd(request):
    messages.add_message(request, messages.INFO, "from async", fail_silently=True)
    return HttpResponse("added")


def show(request):
    return JsonResponse([[m.level, m.message, m.tags] for m in messages.get_messages(request)], safe=False)


async def ashow(request):
    return JsonResponse([[m.level, m.message, m.tags] for m in messages.get_messages(request)], safe=False)


def many(request):
    for number in range(int(request.GET["n"])):
        # Digests do not compress, so the cookie fills up.
        noise = "".join(hashlib.sha256(f"{number}.{i}".encode()).hexdigest() for i in range(3))
        messages.info(request, f"{number:04d} {noise}")
    return HttpResponse("many")


def level(request):
    messages.set_level(request, messages.DEBUG)
    messages.debug(request, "now recorded")
    return HttpResponse(str(messages.get_level(request)))


urlpatterns = [
    path("add/", add),
    path("aadd/", aadd),
    path("show/", show),
    path("ashow/", ashow),
    path("many/", many),
    path("level/", level),
]
