"""An URLconf whose urlpatterns is not a list."""

urlpatterns = 42
