"""The benchmark scenarios as Django (ASGI) views, async or sync, behind 48 (or 1,000) other routes.

``build()`` configures Django's settings in this process only: DEBUG off, any host, no middleware but the 5
no-ops of the "mw" variant.
"""

from __future__ import annotations

import logging

from django import http, urls

from benchmarks.apps.djangoish_views import make_urlpatterns
from benchmarks.apps.noop_middleware import MIDDLEWARE
from benchmarks.scenarios import FILLERS, MIDDLEWARE_LAYERS

urlpatterns: list = []  # filled by build(); this module is the ROOT_URLCONF


def build(variant: str = "", sync: bool = False):
    """Configure Django for ``variant`` with async (or sync) views and return its ASGI application."""
    from django.conf import settings
    from django.core.asgi import get_asgi_application

    urlpatterns[:] = make_urlpatterns(http, urls, FILLERS[variant], sync)
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        SECRET_KEY="benchmark",
        MIDDLEWARE=MIDDLEWARE[: MIDDLEWARE_LAYERS.get(variant, 0)],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
    )
    application = get_asgi_application()
    # As for microdj: the 404 scenario measures the framework, not the "Not Found" warning's logging.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    return application
