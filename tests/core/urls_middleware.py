"""Views and URLconf for the handler, middleware and error tests, with custom error handlers.

The custom handlers answer with their own text; ``?broken=1`` makes the 400/403/404 ones raise, and
``?broken500=1`` makes ``handler500`` raise too.
"""

from __future__ import annotations

import asyncio
import io
import time
from typing import Any

from microdj.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestAborted,
    RequestDataTooBig,
    RequestTimeout,
    SuspiciousFileOperation,
)
from microdj.http import FileResponse, Http404, HttpResponse, JsonResponse
from microdj.http.multipartparser import MultiPartParserError
from microdj.urls import path
from microdj.views import View
from tests.core.middleware_samples import record

handler400 = "tests.core.urls_middleware.custom_400"
handler403 = "tests.core.urls_middleware.custom_403"
handler404 = "tests.core.urls_middleware.custom_404"
handler500 = "tests.core.urls_middleware.custom_500"

#: Coroutines returned (unawaited) by ``returns_coroutine``, to check that the handler closed them.
COROUTINES: list[Any] = []
#: Lifespan hooks append here.
HOOK_CALLS: list[str] = []


class DeferredResponse(HttpResponse):
    """A response rendered late, as Django's TemplateResponse: ``render()`` fills in the content."""

    def __init__(self, text: str, mode: str = "self") -> None:
        super().__init__()
        self.text = text
        self.mode = mode
        self.hooked = False

    def render(self) -> Any:
        record("render")
        if self.mode == "raise":
            raise RuntimeError("render failed")
        if self.mode == "new":
            return HttpResponse(f"new response from render: {self.text}")
        self.content = f"rendered: {self.text} (hooked={self.hooked})".encode()
        return None if self.mode == "none" else self


class AsyncRenderResponse(HttpResponse):
    """A deferred response whose ``render()`` is a coroutine function (Django awaits it)."""

    async def render(self) -> HttpResponse:
        return HttpResponse("rendered asynchronously")


# -- views ---------------------------------------------------------------------------------------------------


def sync_view(request: Any) -> HttpResponse:
    record("view sync")
    return HttpResponse("sync view")


async def async_view(request: Any) -> HttpResponse:
    record("view async")
    if request.GET.get("block"):
        time.sleep(0.001)  # a blocking call on the loop: the guard names this view
    return HttpResponse("async view")


def failing_view(request: Any) -> HttpResponse:
    record("view sync")
    raise ValueError("view failure")


async def async_failing_view(request: Any) -> HttpResponse:
    record("view async")
    raise ValueError("view failure")


_EXCEPTIONS = {
    "404": lambda: Http404("No <b>such</b> thing"),
    "403": lambda: PermissionDenied("forbidden thing"),
    "413": lambda: RequestDataTooBig("body too big"),
    "408": lambda: RequestTimeout("too slow"),
    "multipart": lambda: MultiPartParserError("broken multipart"),
    "400": lambda: BadRequest("bad input"),
    "suspicious": lambda: SuspiciousFileOperation("path escapes the root"),
    "aborted": lambda: RequestAborted(),
    "500": lambda: ZeroDivisionError("division by zero <script>alert(1)</script>"),
}


def raising_view(request: Any, kind: str) -> HttpResponse:
    raise _EXCEPTIONS[kind]()


async def async_raising_view(request: Any, kind: str) -> HttpResponse:
    raise _EXCEPTIONS[kind]()


def returns_none(request: Any) -> None:
    return None


async def async_returns_none(request: Any) -> None:
    return None


async def _later() -> HttpResponse:
    return HttpResponse("never")


def returns_coroutine(request: Any) -> Any:
    coroutine = _later()
    COROUTINES.append(coroutine)
    return coroutine


class _Awaitable:
    def __await__(self) -> Any:
        yield


def returns_awaitable(request: Any) -> Any:
    return _Awaitable()


def returns_string(request: Any) -> str:
    return "not a response"


class NoneView(View):
    def get(self, request: Any) -> None:
        return None


class CallableView:
    """A view that is an instance (no ``__qualname__`` of its own)."""

    def __call__(self, request: Any) -> Any:
        return 42


def deferred_view(request: Any) -> DeferredResponse:
    record("view sync")
    return DeferredResponse("from the view", request.GET.get("render", "self"))


async def async_deferred_view(request: Any) -> DeferredResponse:
    record("view async")
    return DeferredResponse("from the async view", request.GET.get("render", "self"))


def async_render_view(request: Any) -> AsyncRenderResponse:
    return AsyncRenderResponse()


async def async_post_view(request: Any) -> JsonResponse:
    # Django's sync API in an async view: the handler received the body first.
    # (Reading body after a multipart POST was parsed is an error, as in Django.)
    body = None if request.content_type == "multipart/form-data" else request.body.decode()
    return JsonResponse({"POST": dict(request.POST.items()), "body": body})


def explicit_length(request: Any) -> HttpResponse:
    response = HttpResponse("abc")
    response["Content-Length"] = "3"
    return response


def file_view(request: Any) -> FileResponse:
    return FileResponse(io.BytesIO(b"0123456789"), content_type="text/plain")


async def stubborn_view(request: Any) -> HttpResponse:
    """Swallows the cancellation a client disconnect causes, and answers anyway."""
    try:
        await asyncio.sleep(5)
    except asyncio.CancelledError:
        HOOK_CALLS.append("view cancelled")
    return HttpResponse("nobody hears this")


# -- custom error handlers -----------------------------------------------------------------------------------


def _custom(status: int, request: Any, exception: BaseException | None) -> HttpResponse:
    if request.GET.get("broken"):
        raise RuntimeError(f"handler{status} is broken")
    return HttpResponse(f"custom {status}: {exception}", status=status)


def custom_400(request: Any, exception: BaseException) -> HttpResponse:
    return _custom(400, request, exception)


def custom_403(request: Any, exception: BaseException) -> HttpResponse:
    return _custom(403, request, exception)


def custom_404(request: Any, exception: BaseException) -> HttpResponse:
    return _custom(404, request, exception)


def custom_500(request: Any) -> HttpResponse:
    if request.GET.get("broken500"):
        raise RuntimeError("handler500 is broken")
    return HttpResponse("custom 500", status=500)


# -- lifespan hooks ------------------------------------------------------------------------------------------


def startup_hook() -> None:
    HOOK_CALLS.append("startup")


def shutdown_hook() -> None:
    HOOK_CALLS.append("shutdown")


def coroutine_hook() -> Any:
    """A sync hook that returns a coroutine: the handler awaits it."""

    async def later() -> None:
        HOOK_CALLS.append("awaited")

    return later()


urlpatterns = [
    path("sync/", sync_view),
    path("async/", async_view, name="async"),
    path("fail/", failing_view),
    path("async-fail/", async_failing_view),
    path("raise/<str:kind>/", raising_view),
    path("async-raise/<str:kind>/", async_raising_view),
    path("none/", returns_none),
    path("async-none/", async_returns_none),
    path("coroutine/", returns_coroutine),
    path("string/", returns_string),
    path("awaitable/", returns_awaitable),
    path("cbv-none/", NoneView.as_view()),
    path("callable/", CallableView()),
    path("deferred/", deferred_view),
    path("async-deferred/", async_deferred_view),
    path("async-render/", async_render_view),
    path("async-post/", async_post_view, name="async-post"),
    path("explicit-length/", explicit_length),
    path("file/", file_view),
    path("stubborn/", stubborn_view),
]
