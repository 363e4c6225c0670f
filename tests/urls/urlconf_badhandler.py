"""An URLconf whose handler404 names a view that does not exist."""

urlpatterns = []

handler404 = "tests.urls.views.missing_view"
