"""A URLconf with nothing to warn about."""

from microdj.urls import include, path, re_path


def view(request, **kwargs):
    return None


def handler404(request, exception):
    return None


urlpatterns = [
    path("", view, name="index"),
    path("posts/<int:pk>/", view, name="post"),
    path("blog/", include(([path("", view, name="index")], "blog"), namespace="blog")),
    re_path(r"^old/(?P<year>[0-9]{4})/$", view, name="old"),
    re_path(r"^\$price/", include([path("x/", view, name="x")])),
]
