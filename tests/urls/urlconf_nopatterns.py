"""An URLconf module that forgot its urlpatterns."""

from tests.urls import views

index = views.index
