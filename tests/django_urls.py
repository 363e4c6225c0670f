"""Django twins of tests/security/urls_security.py: the reference answers of the differential tests."""

from tests.security.security_views import make_urlpatterns

urlpatterns = make_urlpatterns("django")
