"""microdj's views for benchmarks.bench_cache: a small page, cached or not, and a session read+write."""

from __future__ import annotations

from typing import Any

from microdj.contrib.sessions.middleware import SessionMiddleware
from microdj.http import HttpResponse
from microdj.urls import path
from microdj.views.decorators.cache import cache_page

BODY = b"<html><body>" + b"<p>cached page</p>" * 50 + b"</body></html>"


async def plain(request: Any) -> HttpResponse:
    return HttpResponse(BODY)


@cache_page(3600)
async def cached(request: Any) -> HttpResponse:
    return HttpResponse(BODY)


@cache_page(3600)
def cached_sync(request: Any) -> HttpResponse:
    return HttpResponse(BODY)


async def session(request: Any) -> HttpResponse:
    await request.session.aset("n", (await request.session.aget("n", 0)) + 1)
    return HttpResponse(b"ok")


def sessions_on_session_paths(get_response: Any) -> Any:
    """SessionMiddleware for /session only, so the other rows carry no session cost."""
    with_sessions = SessionMiddleware(get_response)

    async def middleware(request: Any) -> Any:
        if request.path == "/session":
            return await with_sessions(request)
        return await get_response(request)

    return middleware


sessions_on_session_paths.async_capable = True  # type: ignore[attr-defined]
sessions_on_session_paths.sync_capable = False  # type: ignore[attr-defined]

urlpatterns = [
    path("plain", plain),
    path("cached", cached),
    path("cached-sync", cached_sync),
    path("session", session),
]
