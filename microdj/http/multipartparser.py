"""``MultiPartParser``: Django's multipart API, parsing a file-like body through upload handlers.

``MultiPartParser(META, input_data, upload_handlers, encoding).parse()`` returns ``(POST, FILES)``, with
every file passed through ``upload_handlers`` (see :mod:`microdj.core.files.uploadhandler`). Requests use
it when their ``upload_handlers`` are not the default ones; otherwise they use the faster streaming parser
of :mod:`microdj.http.multipartstream` (which also defines the errors and limits re-exported here).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from microdj.conf import settings
from microdj.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from microdj.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers, StopUpload
from microdj.core.files.utils import sanitize_upload_name
from microdj.http.body import DATA_TOO_BIG
from microdj.http.multipartstream import (
    BOUNDARY_RE,
    MAX_PART_HEADER_COUNT,
    MAX_PART_HEADER_SIZE,
    MAX_PART_SIZE,
    MAX_TOTAL_HEADER_SIZE,
    UNLIMITED_PART_COUNT,
    MalformedMultipartError,
    MultiPartParserError,
    StreamingMultiPartParser,
    extended_disposition,
    malformed,
    parse_urlencoded,
)
from microdj.http.querydict import QueryDict
from microdj.utils.datastructures import MultiValueDict
from microdj.utils.http import parse_header_parameters

__all__ = [
    "MAX_PART_HEADER_COUNT",
    "MAX_PART_HEADER_SIZE",
    "MAX_PART_SIZE",
    "MAX_TOTAL_HEADER_SIZE",
    "UNLIMITED_PART_COUNT",
    "MalformedMultipartError",
    "MultiPartParser",
    "MultiPartParserError",
    "StreamingMultiPartParser",
    "parse_urlencoded",
]

_LARGEST_CHUNK = 2**31 - 4


class MultiPartParser:
    """Parse the multipart body read from ``input_data`` (``META`` gives its Content-Type and length)."""

    def __init__(
        self,
        META: dict[str, Any],  # noqa: N803 - Django's name
        input_data: Any,
        upload_handlers: Sequence[FileUploadHandler],
        encoding: str | None = None,
    ) -> None:
        content_type = META.get("CONTENT_TYPE", "")
        if not content_type.startswith("multipart/"):
            raise MultiPartParserError(f"Invalid Content-Type: {content_type}")
        try:
            content_type.encode("ascii")
        except UnicodeEncodeError:
            raise MultiPartParserError(
                f"Invalid non-ASCII Content-Type in multipart: {content_type.encode('ascii', 'replace')!r}"
            ) from None
        boundary = parse_header_parameters(content_type)[1].get("boundary")
        if not boundary or not BOUNDARY_RE.fullmatch(boundary):
            raise MultiPartParserError(f"Invalid boundary in multipart: {boundary!r}")
        try:
            content_length = int(META.get("CONTENT_LENGTH", 0))
        except (ValueError, TypeError):
            content_length = 0
        if content_length < 0:
            raise MultiPartParserError(f"Invalid content length: {content_length!r}")
        self._boundary = boundary
        self._input_data = input_data
        self._meta = META
        self._content_length = content_length
        self._upload_handlers = list(upload_handlers)
        self._encoding = encoding or settings.DEFAULT_CHARSET
        sizes = [h.chunk_size for h in self._upload_handlers if h.chunk_size]
        self._chunk_size = min([_LARGEST_CHUNK, *sizes])
        self._post = QueryDict(mutable=True, encoding=self._encoding)
        self._files = MultiValueDict()

    def parse(self) -> tuple[QueryDict, MultiValueDict]:
        """Return ``(POST, FILES)``; on an error, every file made so far is closed before re-raising."""
        try:
            return self._parse()
        except Exception:
            for _, files in self._files.lists():
                for file in files:
                    file.close()
            raise

    def _parse(self) -> tuple[QueryDict, MultiValueDict]:
        handlers = self._upload_handlers
        for handler in handlers:
            result = handler.handle_raw_input(
                self._input_data, self._meta, self._content_length, self._boundary, self._encoding
            )
            if result is not None:
                return result[0], result[1]
        if self._content_length == 0:
            self._post._mutable = False
            return self._post, self._files
        part = _Part(self)
        try:
            for event in self._events():
                if isinstance(event, MultipartSegment):
                    part.start(event)
                elif event is None:
                    part.end()
                else:
                    part.data(event)
        except StopUpload as exc:
            part.close_files()
            if not exc.connection_reset:
                self._exhaust()
        else:
            if not part.uploaded_file:
                for handler in handlers:
                    handler.upload_interrupted()
        any(handler.upload_complete() for handler in handlers)
        self._post._mutable = False
        return self._post, self._files

    def _events(self) -> Any:
        max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        max_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        parser = PushMultipartParser(
            self._boundary,
            content_length=self._content_length,
            max_header_size=MAX_PART_HEADER_SIZE,
            max_header_count=MAX_PART_HEADER_COUNT,
            max_segment_size=MAX_PART_SIZE,
            max_segment_count=(UNLIMITED_PART_COUNT if max_fields is None else max_fields)
            + (UNLIMITED_PART_COUNT if max_files is None else max_files)
            + 1,
            header_charset=self._encoding,
            strict=True,
        )
        remaining = self._content_length
        try:
            while remaining > 0:
                chunk = self._input_data.read(min(self._chunk_size, remaining))
                if not chunk:
                    break
                remaining -= len(chunk)
                yield from parser.parse(chunk)
            parser.close()
        except MultipartError as exc:
            raise malformed(exc) from None

    def _exhaust(self) -> None:
        remaining = self._content_length
        while remaining > 0:
            chunk = self._input_data.read(min(self._chunk_size, remaining))
            if not chunk:
                return
            remaining -= len(chunk)


class _Part:
    """The part being parsed, and what the handlers were told about it."""

    def __init__(self, parser: MultiPartParser) -> None:
        self.parser = parser
        self.handlers = parser._upload_handlers
        self.max_data = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self.max_fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        self.max_files = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        self.data_size = 0
        self.num_fields = 0
        self.num_files = 0
        self.uploaded_file = True
        self.kind = "none"
        self.name = ""
        self.chunks: list[bytes] = []
        self.b64: bytes | None = None
        self.counters: list[int] = []

    def start(self, segment: MultipartSegment) -> None:
        name, filename, content_type = segment.name, segment.filename, None
        self.b64 = None
        for header, value in segment.headerlist:
            if header == "Content-Disposition" and "*" in value:
                ext_name, ext_filename = extended_disposition(value)
                name = name if ext_name is None else ext_name
                filename = filename if ext_filename is None else ext_filename
            elif header == "Content-Type":
                content_type = value
            elif header == "Content-Transfer-Encoding" and value.strip().lower() == "base64":
                self.b64 = b""
        self.name = name = (name or "").strip()
        self.chunks = []
        if not filename:
            self.num_fields += 1
            if self.max_fields is not None and self.num_fields > self.max_fields:
                raise TooManyFieldsSent(
                    "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
                )
            self.data_size += len(name) + 2
            self._check_data_size()
            self.kind = "field"
            return
        self.num_files += 1
        if self.max_files is not None and self.num_files > self.max_files:
            raise TooManyFilesSent("The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES.")
        filename = sanitize_upload_name(filename)
        if not filename:
            self.kind = "skip"
            return
        params = parse_options_header(content_type)[1] if content_type and ";" in content_type else {}
        length = segment.header("Content-Length", None)  # the library checked it is a number
        content_length = int(length) if length is not None else None
        self.uploaded_file = False
        self.kind = "file"
        self.counters = [0] * len(self.handlers)
        try:
            for handler in self.handlers:
                try:
                    handler.new_file(
                        name,
                        filename,
                        segment.content_type or "",
                        content_length,
                        params.get("charset"),
                        {key: value.encode() for key, value in params.items()},
                    )
                except StopFutureHandlers:
                    break
        except SkipFile:
            self.close_files()
            self.kind = "skip"

    def _check_data_size(self) -> None:
        if self.max_data is not None and self.data_size > self.max_data:
            raise RequestDataTooBig(DATA_TOO_BIG)

    def data(self, data: bytes) -> None:
        if self.kind == "field":
            self.chunks.append(data)
            self.data_size += len(data)
            self._check_data_size()
        elif self.kind == "file":
            if self.b64 is not None:
                data = self._decode_b64(data)
            try:
                for i, handler in enumerate(self.handlers):
                    chunk_length = len(data)
                    received = handler.receive_data_chunk(data, self.counters[i])
                    self.counters[i] += chunk_length
                    if received is None:
                        break
                    data = received
            except SkipFile:
                self.close_files()
                self.kind = "skip"

    def _decode_b64(self, data: bytes) -> bytes:
        data = self.b64 + b"".join(data.split())  # type: ignore[operator]
        aligned = len(data) // 4 * 4
        self.b64 = data[aligned:]
        try:
            return base64.b64decode(data[:aligned])
        except binascii.Error:
            raise MultiPartParserError("Could not decode base64 data.") from None

    def end(self) -> None:
        kind, self.kind = self.kind, "none"
        if kind == "field":
            raw = b"".join(self.chunks)
            if self.b64 is not None:
                try:
                    raw = base64.b64decode(raw)
                except binascii.Error:
                    pass
            self.parser._post.appendlist(self.name, raw.decode(self.parser._encoding, "replace"))
        elif kind == "file":
            for i, handler in enumerate(self.handlers):
                file = handler.file_complete(self.counters[i])
                if file:
                    self.parser._files.appendlist(self.name, file)
                    break
            self.uploaded_file = True

    def close_files(self) -> None:
        """Close the file each handler holds (handlers keep it as ``file``, as Django assumes)."""
        for handler in self.handlers:
            file = getattr(handler, "file", None)
            if file is not None:
                file.close()
