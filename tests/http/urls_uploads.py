"""Views for the upload-handler tests."""

from microdj.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from microdj.http import JsonResponse
from microdj.urls import path


class RecordingHandler(FileUploadHandler):
    """Keeps each file's bytes, upper-cased, and records the calls it got."""

    calls: list[str] = []

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        RecordingHandler.calls.append(f"new:{self.file_name}")
        self.data = b""

    def receive_data_chunk(self, raw_data, start):
        if self.file_name == "skip.txt":
            raise SkipFile()
        if self.file_name == "stop.txt":
            raise StopUpload(connection_reset=False)
        self.data += raw_data.upper()
        return None

    def file_complete(self, file_size):
        from microdj.core.files.uploadedfile import SimpleUploadedFile

        RecordingHandler.calls.append(f"complete:{file_size}")
        return SimpleUploadedFile(self.file_name, self.data)

    def upload_complete(self):
        RecordingHandler.calls.append("upload_complete")


def summary(request):
    files = {name: [f.read().decode() for f in request.FILES.getlist(name)] for name in request.FILES}
    kinds = sorted({type(f).__name__ for name in request.FILES for f in request.FILES.getlist(name)})
    return JsonResponse({"post": dict(request.POST.items()), "files": files, "kinds": kinds})


def custom(request):
    request.upload_handlers = [RecordingHandler(request)]
    return summary(request)


def too_late(request):
    assert request.FILES is not None
    errors = []
    try:
        request.upload_handlers = []
    except AttributeError as exc:
        errors.append(str(exc))
    try:
        request.upload_handlers.insert(0, RecordingHandler(request))
    except AttributeError as exc:
        errors.append(str(exc))
    return JsonResponse({"errors": errors, "count": len(request.upload_handlers)})


urlpatterns = [
    path("summary/", summary),
    path("custom/", custom),
    path("too-late/", too_late),
]
