"""The benchmark scenarios written as microdj views, async or sync, behind 48 (or 1,000) other routes.

``build(variant, sync=...)`` configures microdj's settings (once per process) and returns the application;
``benchmarks.apps.microdj_app:application`` is the async base variant, for profiling by hand.
"""

from __future__ import annotations

import logging

from benchmarks.apps.djangoish_views import make_urlpatterns
from benchmarks.apps.noop_middleware import MIDDLEWARE
from benchmarks.scenarios import FILLERS, MIDDLEWARE_LAYERS
from microdj import http, urls
from microdj.conf import settings

urlpatterns: list = []  # filled by build(); this module is the ROOT_URLCONF


def build(variant: str = "", sync: bool = False):
    """Configure settings for ``variant`` with async (or sync) views and return the ASGI application."""
    from microdj.asgi import get_asgi_application

    urlpatterns[:] = make_urlpatterns(http, urls, FILLERS[variant], sync)
    settings.configure(
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        SECRET_KEY="benchmark",
        MIDDLEWARE=MIDDLEWARE[: MIDDLEWARE_LAYERS.get(variant, 0)],
    )
    # As in production, where a logging configuration decides what is kept: the 404 scenario measures the
    # framework, not Python's last-resort stderr handler (the raw application logs nothing either).
    logging.getLogger("microdj.request").setLevel(logging.ERROR)
    return get_asgi_application()


def __getattr__(name: str):
    if name == "application":
        app = globals()["application"] = build()
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
