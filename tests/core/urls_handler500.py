"""An URLconf with its own handler500 (to check it is not used once another ROOT_URLCONF is in force)."""

from microdj.http import HttpResponse, HttpResponseServerError
from microdj.urls import path


def ok(request):
    return HttpResponse("ok")


def custom_500(request):
    return HttpResponseServerError("custom 500 of urls_handler500")


urlpatterns = [path("ok/", ok)]
handler500 = custom_500
