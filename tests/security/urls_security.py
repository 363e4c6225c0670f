"""Views the hostile-input suite drives (the same views run on Django in tests/django_urls.py)."""

from tests.security.security_views import make_urlpatterns

urlpatterns = make_urlpatterns("microdj")
