"""The other half of the include cycle of urlconf_cycle_a."""

from microdj.urls import include, path
from tests.urls import views

urlpatterns = [
    path("b/<int:pk>/", views.detail, name="b-detail"),
    path("to-a/", include("tests.urls.urlconf_cycle_a")),
]
