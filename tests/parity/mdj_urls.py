"""microdj's URLconf for the parity tests: the shared views on microdj.urls."""

from tests.parity.views_source import make_urlpatterns

urlpatterns = make_urlpatterns("microdj")
