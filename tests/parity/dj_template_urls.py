"""Django's URLconf of the template differential tests."""

from tests.parity.template_views import make_urlpatterns

urlpatterns = make_urlpatterns("django")
