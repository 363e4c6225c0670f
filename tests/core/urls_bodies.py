"""Views for the body, streaming, file-response and disconnect tests of the ASGI handler."""

import asyncio
import json
import threading
import time

from asgiref.sync import markcoroutinefunction

from microdj.http import FileResponse, HttpResponse, JsonResponse, RawPostDataException, StreamingHttpResponse
from microdj.urls import path

#: What the views saw, for the tests to inspect; reset by the tests.
EVENTS: list = []
#: The file FileResponse views serve (set by the tests).
FILE = {"path": None}
#: Set by the slow sync view when it finishes (its result is then dropped).
SYNC_DONE = threading.Event()


def sync_stream(request):
    count = int(request.GET.get("n", "3"))

    def chunks():
        try:
            for index in range(count):
                EVENTS.append(("thread", threading.get_ident()))
                yield f"chunk{index};"
        finally:
            EVENTS.append("sync-closed")

    return StreamingHttpResponse(chunks(), content_type="text/plain")


async def async_stream(request):
    count = int(request.GET.get("n", "3"))

    async def chunks():
        try:
            for index in range(count):
                await asyncio.sleep(0)
                yield f"chunk{index};".encode()
        finally:
            EVENTS.append("async-closed")

    return StreamingHttpResponse(chunks(), content_type="text/plain")


def sync_endless(request):
    def chunks():
        try:
            while True:
                time.sleep(0.001)
                yield b"x"
        finally:
            EVENTS.append("sync-endless-closed")

    return StreamingHttpResponse(chunks())


async def async_endless(request):
    pause = request.GET.get("pause")

    async def chunks():
        try:
            for _ in range(3):
                yield b"x"
            while True:
                if pause:
                    # Stays inside the iterator until the disconnect cancels it.
                    await asyncio.Event().wait()
                await asyncio.sleep(0.001)
                yield b"y"
        except asyncio.CancelledError:
            EVENTS.append("async-endless-cancelled")
            raise
        finally:
            EVENTS.append("async-endless-closed")

    return StreamingHttpResponse(chunks())


async def async_stubborn(request):
    async def chunks():
        try:
            while True:
                try:
                    await asyncio.sleep(0.001)
                except asyncio.CancelledError:
                    EVENTS.append("stubborn-swallowed")
                yield b"z"
        finally:
            EVENTS.append("stubborn-closed")

    return StreamingHttpResponse(chunks())


def file_view(request):
    handle = open(FILE["path"], "rb")  # noqa: SIM115 - FileResponse closes it
    kwargs = {}
    if "attachment" in request.GET:
        kwargs["as_attachment"] = True
    if "filename" in request.GET:
        kwargs["filename"] = request.GET["filename"]
    response = FileResponse(handle, **kwargs)
    if "etag" in request.GET:
        response["ETag"] = request.GET["etag"]
    EVENTS.append(handle)
    return response


async def slow_async(request):
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        EVENTS.append("view-cancelled")
        raise
    finally:
        EVENTS.append("view-finally")
    return HttpResponse("late")  # pragma: no cover - cancelled before


async def slow_async_swallow(request):
    try:
        await asyncio.sleep(30)
    except asyncio.CancelledError:
        EVENTS.append("view-swallowed")
    return HttpResponse("swallowed")


def slow_sync(request):
    SYNC_DONE.clear()
    try:
        time.sleep(0.3)
        return HttpResponse("late")
    finally:
        SYNC_DONE.set()


def slow_then_body(request):
    time.sleep(0.15)
    return HttpResponse(request.body)


def body_then_slow(request):
    EVENTS.append(request.body)
    time.sleep(0.3)
    return HttpResponse("late")


def upload_then_slow(request):
    EVENTS.append(sorted(upload.temporary_file_path() for upload in request.FILES.getlist("file")))
    time.sleep(0.3)
    return HttpResponse("late")


def upload(request):
    files = request.FILES.getlist("file")
    EVENTS.append([f.temporary_file_path() for f in files if hasattr(f, "temporary_file_path")])
    if "fail" in request.POST:
        raise ValueError("upload failed on purpose")
    report = {}
    for f in files:
        size = 0
        for chunk in f.chunks():
            size += len(chunk)
        report[f.name] = {"size": size, "first": f.read(0).decode(), "type": f.content_type}
    return JsonResponse({"fields": {k: request.POST.getlist(k) for k in request.POST}, "files": report})


def upload_digest(request):
    import hashlib

    upload_file = request.FILES["file"]
    digest = hashlib.sha256()
    for chunk in upload_file.chunks():
        digest.update(chunk)
    return JsonResponse({"size": upload_file.size, "sha256": digest.hexdigest(), "f": request.POST.get("f")})


def form(request):
    return JsonResponse({k: request.POST.getlist(k) for k in request.POST})


def raw_body(request):
    return HttpResponse(request.body, content_type="application/octet-stream")


def json_sync(request):
    return JsonResponse({"got": json.loads(request.body)})


async def json_async(request):
    return JsonResponse({"got": json.loads(request.body)})


async def aread_view(request):
    body = await request.aread()
    again = await request.aread()
    return JsonResponse({"same": body is again, "body": body.decode(), "attr": request.body.decode()})


async def apost_view(request):
    post = await request.apost()
    return JsonResponse({"same": post is request.POST, "a": post.getlist("a"), "files": list(request.FILES)})


async def astream_view(request):
    parts = [chunk async for chunk in request.astream()]
    try:
        raw = len(request.body)
    except RawPostDataException:
        raw = "refused"
    return JsonResponse({"parts": len(parts), "size": sum(map(len, parts)), "raw": raw})


def read_then_body(request):
    head = request.read(2)
    line = request.readline()
    try:
        request.body  # noqa: B018
    except RawPostDataException as error:
        return JsonResponse({"head": head.decode(), "line": line.decode(), "error": str(error)})
    return JsonResponse({"error": None})  # pragma: no cover


async def async_upload_sizes(request):
    # Django's sync API in an async view: the body was received before the view ran.
    sizes = {name: len(upload.read()) for name, upload in request.FILES.items()}
    return JsonResponse({"fields": request.POST.dict(), "files": sizes})


class ReadsContentType:
    """Async middleware that looks at ``request.content_type`` before the view runs."""

    sync_capable = False
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        markcoroutinefunction(self)

    async def __call__(self, request):
        EVENTS.append(request.content_type)
        return await self.get_response(request)


urlpatterns = [
    path("upload/async/", async_upload_sizes),
    path("stream/sync/", sync_stream),
    path("stream/async/", async_stream),
    path("stream/endless/sync/", sync_endless),
    path("stream/endless/async/", async_endless),
    path("stream/stubborn/", async_stubborn),
    path("file/", file_view),
    path("slow/async/", slow_async),
    path("slow/async-swallow/", slow_async_swallow),
    path("slow/sync/", slow_sync),
    path("slow/then-body/", slow_then_body),
    path("slow/body-then/", body_then_slow),
    path("slow/upload/", upload_then_slow),
    path("upload/", upload),
    path("upload/digest/", upload_digest),
    path("form/", form),
    path("raw/", raw_body),
    path("json/sync/", json_sync),
    path("json/async/", json_async),
    path("aread/", aread_view),
    path("apost/", apost_view),
    path("astream/", astream_view),
    path("read-then-body/", read_then_body),
]
