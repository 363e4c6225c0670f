"""The hostile-input views written once, built against ``django.*`` or ``microdj.*`` (the import-prefix swap).

``make_urlpatterns("microdj")`` is tests/security/urls_security.py and ``make_urlpatterns("django")`` is
tests/django_urls.py: the same view code, each run with the modules of its own framework.
"""

from __future__ import annotations

import asyncio
import json
from importlib import import_module
from typing import Any


def make_urlpatterns(prefix: str) -> list[Any]:
    """The URLconf's ``urlpatterns`` for ``prefix`` ("django" or "microdj")."""
    http = import_module(f"{prefix}.http")
    urls = import_module(f"{prefix}.urls")
    DisallowedRedirect = import_module(f"{prefix}.core.exceptions").DisallowedRedirect  # noqa: N806
    url_has_allowed_host_and_scheme = import_module(f"{prefix}.utils.http").url_has_allowed_host_and_scheme
    HttpResponse, JsonResponse, StreamingHttpResponse = (  # noqa: N806
        http.HttpResponse,
        http.JsonResponse,
        http.StreamingHttpResponse,
    )

    def ok(request):
        return HttpResponse(b"ok", content_type="text/plain")

    def form(request):
        """POST fields and uploads (name, sanitised file name, size)."""
        files = {key: [(f.name, f.size) for f in request.FILES.getlist(key)] for key in request.FILES}
        return JsonResponse({"POST": {k: request.POST.getlist(k) for k in request.POST}, "FILES": files})

    async def aform(request):
        """As ``form``, in an async view (the handler receives the body before it runs)."""
        return form(request)

    def body(request):
        return HttpResponse(str(len(request.body)), content_type="text/plain")

    async def abody(request):
        """As ``body``, in an async view (a body over the limit is left unread until the view reads it)."""
        return body(request)

    def inspect(request, **kwargs):
        """What the request parsed from its path, query string, cookies and headers."""
        return JsonResponse(
            {
                "path": request.path,
                "kwargs": kwargs,
                "GET": {k: request.GET.getlist(k) for k in request.GET},
                "COOKIES": request.COOKIES,
                "ua": request.headers.get("User-Agent"),
            }
        )

    def host(request):
        return HttpResponse(request.get_host(), content_type="text/plain")

    def parse_json(request):
        return JsonResponse({"type": type(json.loads(request.body)).__name__})

    def redirect(request):
        """Redirects to the client-given ``next`` unchecked: an unsafe scheme raises DisallowedRedirect."""
        return http.HttpResponseRedirect(request.GET.get("next", "/"))

    def safe_redirect(request):
        """Redirects to ``next`` only when it is on this host."""
        target = request.GET.get("next", "/")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            raise DisallowedRedirect(f"Unsafe redirect to {target!r}")
        return http.HttpResponseRedirect(target)

    def bad_header(request):
        response = HttpResponse(b"never sent")
        response["X-Echo"] = request.GET.get("v", "a\r\nSet-Cookie: evil=1")
        return response

    def any_method(request):
        return HttpResponse(request.method, content_type="text/plain", status=202)

    def stream(request):
        return StreamingHttpResponse((b"chunk%d\n" % i for i in range(5)), content_type="text/plain")

    async def slow_stream(request):
        async def chunks():
            for i in range(1000):
                yield b"x" * 1024
                await asyncio.sleep(0.01 if i else 0)

        return StreamingHttpResponse(chunks(), content_type="text/plain")

    async def hang(request):
        """Never answers: only a client disconnect can end it."""
        await asyncio.sleep(3600)
        return HttpResponse(b"too late")

    path, re_path = urls.path, urls.re_path
    return [
        path("", ok),
        path("form/", form),
        path("aform/", aform),
        path("body/", body),
        path("abody/", abody),
        path("inspect/", inspect),
        path("host/", host),
        path("json/", parse_json),
        path("redirect/", redirect),
        path("safe-redirect/", safe_redirect),
        path("bad-header/", bad_header),
        path("any/", any_method),
        path("stream/", stream),
        path("slow-stream/", slow_stream),
        path("hang/", hang),
        re_path(r"^p/(?P<rest>.*)$", inspect),
    ]
