"""Django's views for benchmarks.bench_cache: the same cached page and session read+write as cache_apps."""

from __future__ import annotations

from typing import Any

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.contrib.sessions.middleware import SessionMiddleware
from django.http import HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_page

from benchmarks.apps.cache_apps import BODY


@cache_page(3600)
def cached(request: Any) -> HttpResponse:
    return HttpResponse(BODY)


def session(request: Any) -> HttpResponse:
    request.session["n"] = request.session.get("n", 0) + 1
    return HttpResponse(b"ok")


class sessions_on_session_paths:  # noqa: N801 - named as the microdj twin
    """Django's SessionMiddleware for /session only."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response
        self.with_sessions = SessionMiddleware(get_response)
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request: Any) -> Any:
        if request.path == "/session":
            return self.with_sessions(request)
        return self.get_response(request)


urlpatterns = [path("cached", cached), path("session", session)]
