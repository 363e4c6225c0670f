"""Incremental ``multipart/form-data`` parsing, with Django's limits and answers.

:class:`MultiPartParser` is fed the body chunk by chunk as it arrives (``await parser.feed(chunk)``) and
returns ``(POST, FILES)`` from ``await parser.close()``. The byte-level work is done by
``multipart.PushMultipartParser`` in strict mode, with every one of its limits set explicitly:

- ``MAX_PART_HEADER_SIZE``: longest header line of a part, in bytes.
- ``MAX_PART_HEADER_COUNT``: most header lines in a part (RFC 7578 needs at most three).
- ``MAX_PART_SIZE``: largest part body. Django has no per-file limit, so this is only a finite backstop;
  fields are held to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` here, as their bytes arrive.
- the part count: ``DATA_UPLOAD_MAX_NUMBER_FIELDS + DATA_UPLOAD_MAX_NUMBER_FILES + 1``, so that the
  precise TooManyFieldsSent / TooManyFilesSent errors raised here fire first; a None setting counts as
  ``UNLIMITED_PART_COUNT`` there.

Uploaded files stay in memory while the request's in-memory file bytes stay within
``FILE_UPLOAD_MAX_MEMORY_SIZE``; the file that would exceed it moves to a TemporaryUploadedFile. Creating
that file, and every disk write after it, runs in a worker thread
(``microdj.utils.concurrency.run_in_thread``), never on the loop.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import email.message
import email.utils
import re
from typing import Any

import multipart
from multipart import MultipartError, MultipartSegment, PushMultipartParser, parse_options_header

from microdj.conf import settings
from microdj.core.exceptions import (
    RequestDataTooBig,
    SuspiciousMultipartForm,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from microdj.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile, UploadedFile
from microdj.core.files.utils import sanitize_upload_name
from microdj.http.body import DATA_TOO_BIG
from microdj.http.querydict import QueryDict
from microdj.utils.concurrency import run_in_thread
from microdj.utils.datastructures import MultiValueDict
from microdj.utils.http import parse_header_parameters

__all__ = [
    "MAX_PART_HEADER_COUNT",
    "MAX_PART_HEADER_SIZE",
    "MAX_PART_SIZE",
    "UNLIMITED_PART_COUNT",
    "MalformedMultipartError",
    "MultiPartParser",
    "MultiPartParserError",
    "parse_urlencoded",
]

MAX_PART_HEADER_SIZE = 8 * 1024
MAX_PART_HEADER_COUNT = 8
MAX_PART_SIZE = 2**40
UNLIMITED_PART_COUNT = 10**6

# Printable ASCII, at most 201 characters, not ending in a space: the boundaries Django accepts.
_BOUNDARY_RE = re.compile(r"[ -~]{0,200}[!-~]")
# The multipart parser's "end of the stream was seen" state: data after it is an epilogue to ignore.
_MP_COMPLETE = multipart._COMPLETE

_KNOWN_CHARSETS = frozenset(("utf-8", "utf8", "UTF-8", "iso-8859-1", "latin-1", "ascii"))
# What the part being parsed is.
_NONE, _FIELD, _MEMORY, _DISK, _SKIP = range(5)
# Parser life cycle.
_OPEN, _DONE, _CLOSED = range(3)

_TOO_MANY_FIELDS = "The number of GET/POST parameters exceeded settings.DATA_UPLOAD_MAX_NUMBER_FIELDS."
_TOO_MANY_FILES = "The number of files exceeded settings.DATA_UPLOAD_MAX_NUMBER_FILES."
_ABORTED = "The multipart upload was aborted."


class MultiPartParserError(Exception):
    """The multipart body cannot be parsed (or the parser was used after it finished): answered with 400."""


class MalformedMultipartError(MultiPartParserError, SuspiciousMultipartForm):
    """The client sent a malformed multipart body (boundary, framing, part headers, length)."""


def parse_urlencoded(body: bytes, encoding: str | None = None) -> QueryDict:
    """Parse an ``application/x-www-form-urlencoded`` body into an immutable QueryDict."""
    return QueryDict(body, encoding=encoding)


def _malformed(exc: MultipartError) -> MalformedMultipartError:
    # The library's first argument is a fixed message; nothing the client sent is echoed.
    reason = exc.args[0] if exc.args and isinstance(exc.args[0], str) else type(exc).__name__
    return MalformedMultipartError(f"Malformed multipart body: {reason}")


def _extended_disposition(value: str) -> tuple[str | None, str | None]:
    """Return (name, filename) from a Content-Disposition using RFC 2231/5987 ``name*``/``filename*``
    parameters (which win over the plain ones, as in Django); None for a parameter that is absent."""
    message = email.message.Message()
    message["content-disposition"] = value
    found: dict[str, str] = {}
    for key, param in (message.get_params(header="content-disposition") or [])[1:]:
        if isinstance(param, tuple):
            charset = param[0]
            if charset:
                try:
                    codecs.lookup(charset)
                except LookupError:
                    raise MalformedMultipartError("Unknown charset in a Content-Disposition parameter.")
            param = email.utils.collapse_rfc2231_value(param, errors="replace")
        found[key.lower()] = param
    return found.get("name"), found.get("filename")


class MultiPartParser:
    """Incremental parser of one multipart/form-data body: ``await feed(chunk)`` for each body chunk,
    then ``await close()`` for ``(POST, FILES)``; ``cleanup()`` closes every file (temporary files are
    deleted). A parser that raised has already cleaned up and cannot be used again."""

    def __init__(self, content_type: str, content_length: int | None, *, encoding: str | None = None) -> None:
        if content_type[:10].lower() != "multipart/":
            raise MalformedMultipartError("Invalid Content-Type: a multipart type is required.")
        if not content_type.isascii():
            raise MalformedMultipartError("Invalid non-ASCII Content-Type in multipart.")
        # Parsed as Django does, so a CR/LF inside the parameter stays in the boundary (and is refused).
        boundary = parse_header_parameters(content_type)[1].get("boundary")
        if not boundary or not _BOUNDARY_RE.fullmatch(boundary):
            raise MalformedMultipartError("Invalid boundary in multipart.")
        if content_length is not None and content_length < 0:
            raise MalformedMultipartError("Invalid Content-Length in multipart.")
        encoding = encoding or settings.DEFAULT_CHARSET
        # PERF: the usual charsets skip the codec registry.
        if encoding not in _KNOWN_CHARSETS:
            try:
                codecs.lookup(encoding)
            except LookupError:
                raise MalformedMultipartError(f"Unknown encoding {encoding!r} for a multipart body.")
        # PERF: settings are read once per parser, not per part or chunk.
        self._max_data: int | None = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self._max_fields: int | None = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        self._max_files: int | None = settings.DATA_UPLOAD_MAX_NUMBER_FILES
        self._max_memory_files: int = settings.FILE_UPLOAD_MAX_MEMORY_SIZE
        max_parts = (
            (UNLIMITED_PART_COUNT if self._max_fields is None else self._max_fields)
            + (UNLIMITED_PART_COUNT if self._max_files is None else self._max_files)
            + 1
        )
        self._mp = PushMultipartParser(
            boundary,
            content_length=-1 if content_length is None else content_length,
            max_header_size=MAX_PART_HEADER_SIZE,
            max_header_count=MAX_PART_HEADER_COUNT,
            max_segment_size=MAX_PART_SIZE,
            max_segment_count=max_parts,
            header_charset=encoding,
            strict=True,
        )
        self._encoding = encoding
        self._content_length = content_length
        self._received = 0
        self._state = _OPEN
        self._complete = False
        self._post = QueryDict(mutable=True, encoding=encoding)
        self._files = MultiValueDict()
        # Every file made so far, for cleanup(); worker threads append to it too.
        self._uploads: list[UploadedFile] = []
        self._data_size = 0
        self._num_fields = 0
        self._num_files = 0
        self._memory_files_size = 0
        # The part being parsed.
        self._kind = _NONE
        self._name = ""
        self._chunks: list[bytes] = []
        self._size = 0
        self._b64: bytes | None = None
        self._file_info: tuple[str, str, str | None, dict[str, str]] = ("", "", None, {})
        self._disk: TemporaryUploadedFile | None = None
        self._pending: list[bytes] = []

    async def feed(self, chunk: bytes) -> None:
        """Parse the next chunk of the body (an empty chunk is ignored: call close() at the end)."""
        if self._state != _OPEN:
            raise MultiPartParserError("The multipart parser is closed.")
        try:
            self._received += len(chunk)
            if self._content_length is not None and self._received > self._content_length:
                raise MalformedMultipartError("The body is longer than its Content-Length.")
            if self._complete or not chunk:
                return
            for event in self._mp.parse(chunk):
                if event.__class__ is bytes:
                    if self._on_data(event):
                        await self._spill()
                elif event is None:
                    # PERF: only a part that went to disk has anything to await (its last writes).
                    if self._kind == _DISK:
                        await self._end_disk_part()
                    else:
                        self._end_part()
                else:
                    self._start_part(event)
            if self._pending:
                pending, self._pending = self._pending, []
                await run_in_thread(self._write, self._disk, pending)
            self._complete = self._mp._state is _MP_COMPLETE
        except BaseException as exc:
            self.cleanup()
            if isinstance(exc, MultipartError):
                raise _malformed(exc) from None
            raise

    async def close(self) -> tuple[QueryDict, MultiValueDict]:
        """Finish the body and return ``(POST, FILES)``; raise if it was truncated."""
        if self._state != _OPEN:
            raise MultiPartParserError("The multipart parser is closed.")
        try:
            if self._content_length is not None and self._received < self._content_length:
                raise MalformedMultipartError("The body is shorter than its Content-Length.")
            # An empty body is an empty form, as in Django.
            if self._received:
                self._mp.close()
        except BaseException as exc:
            self.cleanup()
            if isinstance(exc, MultipartError):
                raise _malformed(exc) from None
            raise
        self._state = _DONE
        self._post._mutable = False
        return self._post, self._files

    def cleanup(self) -> None:
        """Close every uploaded file (deleting temporary ones) and retire the parser; idempotent."""
        self._state = _CLOSED
        self._chunks = []
        self._pending = []
        uploads = self._uploads
        while uploads:
            uploads.pop().close()

    abort = cleanup

    # Part events.

    def _start_part(self, segment: MultipartSegment) -> None:
        name, filename = segment.name, segment.filename
        content_type = None
        self._b64 = None
        # PERF: one pass over the (few) header lines instead of a lookup per header.
        for header, value in segment.headerlist:
            if "\n" in value or "\r" in value:
                raise MalformedMultipartError("Invalid line break in a part header.")
            if header == "Content-Disposition":
                if "*" in value:
                    ext_name, ext_filename = _extended_disposition(value)
                    name = name if ext_name is None else ext_name
                    filename = filename if ext_filename is None else ext_filename
            elif header == "Content-Type":
                content_type = value
            elif header == "Content-Transfer-Encoding" and value.strip().lower() == "base64":
                self._b64 = b""
        # The parser runs in strict mode: a part without a name never gets here.
        self._name = name = name.strip()
        self._chunks = []
        self._size = 0
        if filename:
            self._num_files += 1
            if self._max_files is not None and self._num_files > self._max_files:
                raise TooManyFilesSent(_TOO_MANY_FILES)
            filename = sanitize_upload_name(filename)
            if filename is None:
                self._kind = _SKIP
                return
            # PERF: the library parsed the Content-Type already; its parameters are read again only if any.
            params = parse_options_header(content_type)[1] if content_type and ";" in content_type else {}
            self._file_info = (filename, segment.content_type or "", params.get("charset"), params)
            self._kind = _MEMORY
        else:
            self._num_fields += 1
            if self._max_fields is not None and self._num_fields > self._max_fields:
                raise TooManyFieldsSent(_TOO_MANY_FIELDS)
            # Like Django, each field also counts its name and two separator bytes ('&=' in a query string).
            self._data_size += len(name) + 2
            if self._max_data is not None and self._data_size > self._max_data:
                raise RequestDataTooBig(DATA_TOO_BIG)
            self._kind = _FIELD

    def _on_data(self, data: bytes) -> bool:
        """Take one piece of the part body; return True when the in-memory file must move to disk."""
        kind = self._kind
        if kind == _FIELD:
            self._chunks.append(data)
            self._data_size += len(data)
            if self._max_data is not None and self._data_size > self._max_data:
                raise RequestDataTooBig(DATA_TOO_BIG)
            return False
        if kind == _SKIP:
            return False
        if self._b64 is not None:
            data = self._decode_b64(data)
        self._size += len(data)
        if kind == _DISK:
            self._pending.append(data)
            return False
        self._chunks.append(data)
        return self._size + self._memory_files_size > self._max_memory_files

    def _decode_b64(self, data: bytes) -> bytes:
        # Decode whole 4-byte groups only; the rest waits for the next piece.
        data = self._b64 + b"".join(data.split())  # type: ignore[operator]
        aligned = len(data) // 4 * 4
        self._b64 = data[aligned:]
        try:
            return base64.b64decode(data[:aligned])
        except binascii.Error:
            raise MalformedMultipartError("Could not decode base64 data.") from None

    def _end_part(self) -> None:
        """Finish a field or an in-memory file (a file on disk: ``_end_disk_part()``)."""
        kind, self._kind = self._kind, _NONE
        chunks, self._chunks = self._chunks, []
        if kind == _FIELD:
            data = b"".join(chunks)
            if self._b64 is not None:
                try:
                    data = base64.b64decode(data)
                except binascii.Error:
                    pass  # Not base64 after all: keep the raw bytes, as Django does.
            value = data.decode(self._encoding, "replace")
            # PERF: QueryDict stores lists in the dict itself; append without its per-call checks.
            values = dict.get(self._post, self._name)
            if values is None:
                dict.__setitem__(self._post, self._name, [value])
            else:
                values.append(value)
            return
        if kind == _SKIP:
            return
        if self._b64:
            raise MalformedMultipartError("Could not decode base64 data: it is truncated.")
        filename, content_type, charset, params = self._file_info
        data = b"".join(chunks)
        file = InMemoryUploadedFile.holding(data, self._name, filename, content_type, charset, params)
        self._uploads.append(file)
        self._memory_files_size += len(data)
        self._add_file(file)

    async def _end_disk_part(self) -> None:
        self._kind = _NONE
        if self._b64:
            raise MalformedMultipartError("Could not decode base64 data: it is truncated.")
        file, self._disk = self._disk, None
        assert file is not None, "a disk part has its temporary file"
        pending, self._pending = self._pending, []
        await run_in_thread(self._finish, file, pending)
        file.size = self._size
        self._add_file(file)

    def _add_file(self, file: UploadedFile) -> None:
        # PERF: as for fields, the list is appended to directly (appendlist() is four calls deep).
        files = dict.get(self._files, self._name)
        if files is None:
            dict.__setitem__(self._files, self._name, [file])
        else:
            files.append(file)

    # Disk work: these run in a worker thread.

    async def _spill(self) -> None:
        chunks, self._chunks = self._chunks, []
        self._disk = await run_in_thread(self._open_temporary, chunks)
        self._kind = _DISK

    def _open_temporary(self, chunks: list[bytes]) -> TemporaryUploadedFile:
        filename, content_type, charset, params = self._file_info
        file = TemporaryUploadedFile(filename, content_type, None, charset, params)
        # Registered before anything else can fail, so that cleanup() always finds it.
        self._uploads.append(file)
        if self._state == _CLOSED:
            file.close()
            raise MultiPartParserError(_ABORTED)
        self._write(file, chunks)
        return file

    def _write(self, file: Any, data: list[bytes]) -> None:
        try:
            file.file.writelines(data)
        except ValueError:
            # cleanup() closed the file under us (the client went away): report that, not the I/O error.
            if self._state == _CLOSED:
                raise MultiPartParserError(_ABORTED) from None
            raise

    def _finish(self, file: TemporaryUploadedFile, data: list[bytes]) -> None:
        self._write(file, data)
        file.file.flush()
        file.file.seek(0)
