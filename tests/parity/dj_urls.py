"""Django's URLconf for the parity tests: the shared views on django.urls."""

from tests.parity.views_source import make_urlpatterns

urlpatterns = make_urlpatterns("django")
