"""serve() and staticfiles_urlpatterns(): the application serving STATICFILES_DIRS itself with DEBUG."""

from __future__ import annotations

import pytest

from microdj.contrib.staticfiles.urls import staticfiles_urlpatterns
from microdj.contrib.staticfiles.views import serve
from microdj.core.exceptions import ImproperlyConfigured
from microdj.http import Http404
from microdj.test import Client, RequestFactory, override_settings
from tests.contrib.staticfiles.conftest import JS

urlpatterns: list = []


def test_serve_only_with_debug_or_insecure(tree):
    request = RequestFactory().get("/static/js/app.js")
    with pytest.raises(Http404):
        serve(request, "js/app.js")
    response = serve(request, "js/app.js", insecure=True)
    assert response.status_code == 200 and b"".join(response.streaming_content) == JS.encode()
    assert response["Cache-Control"] == "max-age=0, public"
    with override_settings(DEBUG=True), pytest.raises(Http404, match="could not be found"):
        serve(request, "../secret.txt")


def test_urlpatterns_serve_through_the_application(tree):
    with override_settings(DEBUG=True):
        urlpatterns[:] = staticfiles_urlpatterns()
    with override_settings(DEBUG=True, ROOT_URLCONF=__name__, STATIC_MAX_AGE=30):
        client = Client()
        try:
            response = client.get("/static/js/app.js")
            assert response.status_code == 200 and response.getvalue() == JS.encode()
            assert response["Cache-Control"] == "max-age=30, public" and response["ETag"]
            assert (
                client.get("/static/js/app.js", headers={"If-None-Match": response["ETag"]}).status_code
                == 304
            )
            assert client.get("/static/link.txt").status_code == 404
        finally:
            client.close()
            urlpatterns.clear()
    assert staticfiles_urlpatterns() == []
    with override_settings(DEBUG=True):
        assert staticfiles_urlpatterns("https://cdn.example/static/") == []
        with override_settings(STATIC_URL=None), pytest.raises(ImproperlyConfigured):
            staticfiles_urlpatterns()
