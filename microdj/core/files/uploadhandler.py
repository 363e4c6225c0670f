"""Upload handlers: where the files of a multipart body go, chunk by chunk, as in Django.

``request.upload_handlers`` (from FILE_UPLOAD_HANDLERS) is the list each uploaded file is passed through:
``new_file()`` when a file part starts, ``receive_data_chunk()`` per chunk (return the chunk to pass it to
the next handler, None to keep it), ``file_complete()`` for the UploadedFile (the first handler that
returns one wins), then ``upload_complete()`` once, or ``upload_interrupted()`` when parsing failed.
"""

from __future__ import annotations

import os
from io import BytesIO, UnsupportedOperation
from typing import Any

from microdj.conf import settings
from microdj.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile, UploadedFile
from microdj.utils.module_loading import import_string

__all__ = [
    "FileUploadHandler",
    "MemoryFileUploadHandler",
    "SkipFile",
    "StopFutureHandlers",
    "StopUpload",
    "TemporaryFileUploadHandler",
    "UploadFileException",
    "load_handler",
]


class UploadFileException(Exception):
    """Base class of the exceptions an upload handler raises to steer the parser."""


class StopUpload(UploadFileException):
    """Stop the whole upload; with ``connection_reset`` the rest of the body is not even read."""

    def __init__(self, connection_reset: bool = False) -> None:
        self.connection_reset = connection_reset

    def __str__(self) -> str:
        if self.connection_reset:
            return "StopUpload: Halt current upload."
        return "StopUpload: Consume request data, then halt."


class SkipFile(UploadFileException):
    """Skip the rest of the current file; parsing goes on with the next part."""


class StopFutureHandlers(UploadFileException):
    """Raised by ``new_file()``: this handler takes the file, the handlers after it are not called."""


class FileUploadHandler:
    """Base class of upload handlers; ``chunk_size`` bytes (64 KiB) are passed per call at most."""

    chunk_size = 64 * 2**10

    def __init__(self, request: Any = None) -> None:
        self.file_name: str | None = None
        self.content_type: str | None = None
        self.content_length: int | None = None
        self.charset: str | None = None
        self.content_type_extra: dict[str, str] | None = None
        self.request = request

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's name
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[Any, Any] | None:
        """Take over the raw body: return ``(POST, FILES)`` to skip parsing, or None to parse."""
        return None

    def new_file(
        self,
        field_name: str,
        file_name: str,
        content_type: str,
        content_length: int | None,
        charset: str | None = None,
        content_type_extra: dict[str, str] | None = None,
    ) -> None:
        """A file part starts (its data follows through ``receive_data_chunk``)."""
        self.field_name = field_name
        self.file_name = file_name
        self.content_type = content_type
        self.content_length = content_length
        self.charset = charset
        self.content_type_extra = content_type_extra

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        """Take ``raw_data`` (starting at byte ``start`` of the file); return what later handlers get."""
        raise NotImplementedError(
            "subclasses of FileUploadHandler must provide a receive_data_chunk() method"
        )

    def file_complete(self, file_size: int) -> UploadedFile | None:
        """The file's data ended: return its UploadedFile, or None to let a later handler answer."""
        raise NotImplementedError("subclasses of FileUploadHandler must provide a file_complete() method")

    def upload_complete(self) -> Any:
        """The whole body was parsed."""

    def upload_interrupted(self) -> None:
        """Parsing stopped with an error: release what the handler holds."""


class TemporaryFileUploadHandler(FileUploadHandler):
    """Stream each file into a TemporaryUploadedFile (deleted when closed)."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.file = TemporaryUploadedFile(
            self.file_name or "", self.content_type, 0, self.charset, self.content_type_extra
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile | None:
        self.file.seek(0)
        self.file.size = file_size
        return self.file

    def upload_interrupted(self) -> None:
        file = getattr(self, "file", None)
        if file is not None:
            temp_path = file.temporary_file_path()
            file.close()
            if os.path.exists(temp_path):  # pragma: no cover - close() deletes it
                os.remove(temp_path)


class MemoryFileUploadHandler(FileUploadHandler):
    """Keep files in memory while the body is at most FILE_UPLOAD_MAX_MEMORY_SIZE; else pass them on."""

    def handle_raw_input(
        self,
        input_data: Any,
        META: dict[str, Any],  # noqa: N803 - Django's name
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> tuple[Any, Any] | None:
        # A body past the memory limit leaves its files to the next handler (to disk). A seekable body is
        # measured, as its declared length may be understated (or absent).
        stream = getattr(input_data, "_stream", input_data)
        try:
            content_length = stream.seek(0, os.SEEK_END)
        except (UnsupportedOperation, AttributeError):
            pass
        else:
            stream.seek(0)
        self.activated = content_length is not None and content_length <= settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if self.activated:
            self.file = BytesIO()
            raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.activated:
            self.file.write(raw_data)
            return None
        return raw_data

    def file_complete(self, file_size: int) -> UploadedFile | None:
        if not self.activated:
            return None
        self.file.seek(0)
        return InMemoryUploadedFile(
            file=self.file,
            field_name=self.field_name,
            name=self.file_name or "",
            content_type=self.content_type,
            size=file_size,
            charset=self.charset,
            content_type_extra=self.content_type_extra,
        )


def load_handler(path: str, *args: Any, **kwargs: Any) -> FileUploadHandler:
    """An instance of the upload handler class at dotted ``path``, made with ``args`` and ``kwargs``."""
    return import_string(path)(*args, **kwargs)  # type: ignore[no-any-return]
