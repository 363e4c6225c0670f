"""An URLconf with an entry that is not a pattern."""

from tests.urls import views

urlpatterns = [views.index]
