"""The benchmark scenarios as Django (ASGI) views, async or sync, behind 48 (or 1,000) other routes.

``build()`` configures Django's settings in this process only: DEBUG off, any host, no middleware but the 5
no-ops of the "mw" variant.
"""

from __future__ import annotations

import logging

from django import http, urls

from benchmarks.apps.djangoish_views import make_urlpatterns
from benchmarks.apps.noop_middleware import MIDDLEWARE
from benchmarks.apps.pages import TEMPLATE, TEMPLATE_DIR, page_context, static_root
from benchmarks.scenarios import FILLERS, MIDDLEWARE_LAYERS

urlpatterns: list = []  # filled by build(); this module is the ROOT_URLCONF


def build(variant: str = "", sync: bool = False):
    """Configure Django for ``variant`` with async (or sync) views and return its ASGI application."""
    from django.conf import settings
    from django.core.asgi import get_asgi_application

    urlpatterns[:] = make_urlpatterns(http, urls, FILLERS[variant], sync)
    pages = variant == "pages"
    if pages:
        urlpatterns.append(urls.path("page", page))
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        SECRET_KEY="benchmark",
        MIDDLEWARE=MIDDLEWARE[: MIDDLEWARE_LAYERS.get(variant, 0)],
        INSTALLED_APPS=[],
        DATABASES={},
        USE_TZ=True,
        TEMPLATES=[
            {"BACKEND": "django.template.backends.jinja2.Jinja2", "DIRS": [TEMPLATE_DIR], "OPTIONS": {}}
        ],
    )
    application = get_asgi_application()
    if pages:
        # Django serves no static files in production: ServeStatic (WhiteNoise's ASGI successor) in front.
        from servestatic import ServeStaticASGI

        application = ServeStaticASGI(application, root=static_root(), prefix="static/")
    # As for microdj: the 404 scenario measures the framework, not the "Not Found" warning's logging.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    return application


async def page(request):
    """The template page, in an async view."""
    from django.shortcuts import render

    return render(request, TEMPLATE, page_context())
