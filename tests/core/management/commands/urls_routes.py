"""A URLconf for the routes command: sync, async, class-based, method-limited and namespaced views."""

import functools

from microdj.http import HttpResponse
from microdj.urls import include, path, re_path
from microdj.views import View
from microdj.views.decorators.cache import never_cache
from microdj.views.decorators.http import require_GET, require_http_methods


def index(request):
    return HttpResponse("i")


async def feed(request):
    return HttpResponse("f")


@never_cache
@require_http_methods(["GET", "POST"])
def form(request):
    return HttpResponse("form")


@require_GET
async def ping(request):
    return HttpResponse("p")


class Items(View):
    def get(self, request):
        return HttpResponse("g")

    def post(self, request):
        return HttpResponse("p")


class AsyncItem(View):
    async def get(self, request, pk):
        return HttpResponse("a")


def partial_view(request, greeting):
    return HttpResponse(greeting)


shop = [path("items/", Items.as_view(), name="items"), path("items/<int:pk>/", AsyncItem.as_view())]

urlpatterns = [
    path("", index, name="index"),
    path("feed/", feed, name="feed"),
    path("form/", form, name="form"),
    path("ping/", ping),
    re_path(r"^old/(?P<year>[0-9]{4})/$", index, name="old"),
    path("shop/", include((shop, "shop"), namespace="store")),
    path("hello/", functools.partial(partial_view, greeting="hi"), name="hello"),
]
