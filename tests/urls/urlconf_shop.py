"""An included URLconf with an application namespace."""

from microdj.urls import path
from tests.urls import views

app_name = "shop"

urlpatterns = [
    path("", views.index, name="index"),
    path("item/<int:pk>/", views.detail, name="item"),
]
