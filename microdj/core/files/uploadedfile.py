"""Uploaded files: what ``request.FILES`` holds, in memory or in a temporary file on disk."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from io import BytesIO
from typing import IO, Any, Self

from microdj.conf import settings
from microdj.core.files import File
from microdj.core.files.utils import get_base_name, truncate_name, validate_file_name

__all__ = ["InMemoryUploadedFile", "SimpleUploadedFile", "TemporaryUploadedFile", "UploadedFile"]

# Longest extension of the upload name copied into a temporary file's name.
_MAX_TEMP_SUFFIX_EXT = 16


class UploadedFile(File):
    """A file a client submitted with a form; ``name`` is always reduced to a safe base name."""

    def __init__(
        self,
        file: IO[bytes] | None = None,
        name: str | None = None,
        content_type: str | None = None,
        size: int | None = None,
        charset: str | None = None,
        content_type_extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(file, name)
        self.size = size
        self.content_type = content_type
        self.charset = charset
        self.content_type_extra = content_type_extra

    def __repr__(self) -> str:
        return f"<{type(self).__name__}: {self.name} ({self.content_type})>"

    @property
    def name(self) -> str | None:
        """The file's base name: no directory part (either separator), no control characters, at most
        255 characters with the extension kept; setting '', '.' or '..' raises SuspiciousFileOperation."""
        return self._name

    @name.setter
    def name(self, value: str | None) -> None:
        if value is not None:
            value = validate_file_name(truncate_name(get_base_name(value)))
        self._name = value

    def open(self, mode: str | None = None, *args: Any, **kwargs: Any) -> Self:
        """Rewind the file; an uploaded file that was closed cannot be reopened (its name is no path)."""
        if self.closed:
            raise ValueError("The file cannot be reopened.")
        self.seek(0)
        return self


class TemporaryUploadedFile(UploadedFile):
    """An upload streamed to a temporary file in FILE_UPLOAD_TEMP_DIR, deleted when closed."""

    def __init__(
        self,
        name: str,
        content_type: str | None,
        size: int | None,
        charset: str | None,
        content_type_extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(None, name, content_type, size, charset, content_type_extra)
        ext = os.path.splitext(self.name or "")[1]
        # Keep a short alphanumeric extension only: the temporary name must stay short and plain.
        if len(ext) > _MAX_TEMP_SUFFIX_EXT or not ext[1:].isascii() or not ext[1:].isalnum():
            ext = ""
        # Open for the object's lifetime; close() deletes it.
        self.file = tempfile.NamedTemporaryFile(  # noqa: SIM115
            suffix=".upload" + ext, dir=settings.FILE_UPLOAD_TEMP_DIR
        )
        self.mode = self.file.mode

    def temporary_file_path(self) -> str:
        """Full path of the temporary file."""
        name: str = self.file.name
        return name

    def close(self) -> None:
        """Close and delete the temporary file (a file already moved away is no error)."""
        try:
            self.file.close()
        except FileNotFoundError:
            pass


class InMemoryUploadedFile(UploadedFile):
    """An upload held in memory."""

    def __init__(
        self,
        file: IO[bytes],
        field_name: str | None,
        name: str,
        content_type: str | None,
        size: int | None,
        charset: str | None,
        content_type_extra: dict[str, str] | None = None,
    ) -> None:
        super().__init__(file, name, content_type, size, charset, content_type_extra)
        self.field_name = field_name

    @classmethod
    def holding(
        cls,
        data: bytes,
        field_name: str,
        name: str,
        content_type: str | None,
        charset: str | None,
        content_type_extra: dict[str, str] | None,
    ) -> InMemoryUploadedFile:
        """The upload of ``data`` under ``name``, a name already reduced by ``sanitize_upload_name()``.

        What ``__init__`` would make of these arguments, without checking the name again.
        """
        # PERF: the multipart parser makes one per uploaded file; __init__ goes through three classes and
        # the name checks, which a sanitized name passes unchanged.
        self = cls.__new__(cls)
        self.file = BytesIO(data)
        self._name = name
        self.__dict__["_size"] = len(data)
        self.content_type = content_type
        self.charset = charset
        self.content_type_extra = content_type_extra
        self.field_name = field_name
        return self

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """Yield the whole content as one piece: it is in memory already."""
        self.file.seek(0)
        yield self.read()

    def multiple_chunks(self, chunk_size: int | None = None) -> bool:
        """Always False: an in-memory file is never read in several pieces."""
        return False


class SimpleUploadedFile(InMemoryUploadedFile):
    """An in-memory upload built from a name and bytes, for tests."""

    def __init__(self, name: str, content: bytes | None, content_type: str = "text/plain") -> None:
        content = content or b""
        super().__init__(BytesIO(content), None, name, content_type, len(content), None, None)

    @classmethod
    def from_dict(cls, file_dict: dict[str, Any]) -> SimpleUploadedFile:
        """Build from a dict with 'filename', 'content' and optional 'content-type' keys."""
        return cls(file_dict["filename"], file_dict["content"], file_dict.get("content-type", "text/plain"))
