"""Django's copy of urlconf_warnings (the reference for the URL checks)."""

from django.urls import include, path, re_path


def view(request, **kwargs):
    return None


def bad_handler404(request):
    return None


def handler500(request):
    return None


inner = [path("leaf/", view, name="leaf")]

urlpatterns = [
    path("/lead/", view, name="lead"),
    path("^caret/", view, name="caret"),
    path("tail>/", view, name="closing"),
    path("open<here/", view, name="opening"),
    re_path(r"^inc/$", include(inner)),
    path("colon/", view, name="has:colon"),
    path("about", view, name="about"),
    path("robots.txt", view, name="robots"),
    path("files/<path:rest>", view, name="files"),
    path("one/", view, name="twice"),
    path("two/", view, name="twice"),
    path("three/<int:pk>/", view, name="twice"),
    path("ns1/", include((inner, "app"), namespace="same")),
    path("ns2/", include((inner, "app"), namespace="same")),
]

handler404 = bad_handler404
