"""The benchmark scenarios written as microdj views, async or sync, behind 48 (or 1,000) other routes.

``build(variant, sync=...)`` configures microdj's settings (once per process) and returns the application;
``benchmarks.apps.microdj_app:application`` is the async base variant, for profiling by hand.
"""

from __future__ import annotations

import logging

from benchmarks.apps.djangoish_views import make_urlpatterns
from benchmarks.apps.noop_middleware import MIDDLEWARE
from benchmarks.apps.pages import TEMPLATE, TEMPLATE_DIR, page_context, static_root
from benchmarks.scenarios import FILLERS, MIDDLEWARE_LAYERS
from microdj import http, urls
from microdj.conf import settings

urlpatterns: list = []  # filled by build(); this module is the ROOT_URLCONF


def build(variant: str = "", sync: bool = False):
    """Configure settings for ``variant`` with async (or sync) views and return the ASGI application."""
    from microdj.asgi import get_asgi_application

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
        TEMPLATES=[{"BACKEND": "microdj.template.backends.jinja2.Jinja2", "DIRS": [TEMPLATE_DIR]}],
        STATIC_URL="/static/",
        STATIC_ROOT=static_root() if pages else None,
    )
    # As in production, where a logging configuration decides what is kept: the 404 scenario measures the
    # framework, not Python's last-resort stderr handler (the raw application logs nothing either).
    logging.getLogger("microdj.request").setLevel(logging.ERROR)
    application = get_asgi_application()
    if pages:
        from microdj.contrib.staticfiles.handlers import ASGIStaticFilesHandler

        return ASGIStaticFilesHandler(application)
    return application


async def page(request):
    """The template page, in an async view."""
    from microdj.shortcuts import render

    return render(request, TEMPLATE, page_context())


def __getattr__(name: str):
    if name == "application":
        app = globals()["application"] = build()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
