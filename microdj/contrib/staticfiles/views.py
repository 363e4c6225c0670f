"""``serve(request, path)``: a view answering with a file of ``STATICFILES_DIRS``, for development.

As Django's ``django.contrib.staticfiles.views.serve``: it answers 404 unless ``DEBUG`` is on (or
``insecure=True``). The answer has the headers of :mod:`microdj.contrib.staticfiles.serve` (ETag, 304,
Range, compressed twins). For production, collect the files and use ``ASGIStaticFilesHandler``.
"""

from __future__ import annotations

from typing import Any

from microdj.conf import settings
from microdj.contrib.staticfiles.finders import FileSystemFinder
from microdj.contrib.staticfiles.serve import StaticFileServer
from microdj.http.response import Http404, HttpResponseBase

__all__ = ["serve"]


def serve(request: Any, path: str, insecure: bool = False, **kwargs: Any) -> HttpResponseBase:
    """The static file ``path`` found in ``STATICFILES_DIRS`` (404 without ``DEBUG`` or ``insecure``)."""
    if not settings.DEBUG and not insecure:
        raise Http404("Static files are served by this view only with DEBUG on (or insecure=True).")
    max_age = settings.STATIC_MAX_AGE
    server = StaticFileServer(
        FileSystemFinder().locations, autorefresh=True, max_age=0 if max_age is None else max_age
    )
    response = server.respond(request, path)
    if response.status_code == 404:
        raise Http404(f"'{path}' could not be found")
    return response
