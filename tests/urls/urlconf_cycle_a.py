"""Half of a two-module include cycle (with urlconf_cycle_b), as Django accepts it."""

from microdj.urls import include, path
from tests.urls import views

urlpatterns = [
    path("a/", views.index, name="a-index"),
    path("to-b/", include("tests.urls.urlconf_cycle_b")),
    path("ns-b/", include(("tests.urls.urlconf_cycle_b", "cycle"), namespace="nsb")),
]
