"""Views rendering templates, for the assertTemplateUsed tests."""

from microdj.http import HttpResponse
from microdj.shortcuts import render
from microdj.template.loader import render_to_string
from microdj.urls import path


def page(request):
    return render(request, "page.html", {"title": "T", "text": "hello"})


async def apage(request):
    return render(request, "page.html", {"title": "A", "text": "async"})


def parts(request):
    return HttpResponse("".join(render_to_string("part.html", {"n": n}) for n in range(3)))


def plain(request):
    return HttpResponse("no template")


urlpatterns = [path("page/", page), path("apage/", apage), path("parts/", parts), path("plain/", plain)]
