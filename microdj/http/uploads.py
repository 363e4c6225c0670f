"""Multipart bodies parsed through a request's own upload handlers (``request.upload_handlers``).

Django's :class:`~microdj.http.multipartparser.MultiPartParser` reads a file-like body and calls the
handlers synchronously, so it runs in a worker thread: handlers may write to disk, which must not happen
on the event loop. The body is received on the loop, chunk by chunk, as the parser asks for it.
"""

from __future__ import annotations

from io import BytesIO
from typing import TYPE_CHECKING, Any

from microdj.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler
from microdj.http.multipartparser import MultiPartParser
from microdj.http.querydict import QueryDict
from microdj.utils.concurrency import run_in_thread, run_on_loop
from microdj.utils.datastructures import MultiValueDict

if TYPE_CHECKING:
    from microdj.http.body import BodyReader

_DEFAULT_HANDLER_TYPES = [MemoryFileUploadHandler, TemporaryFileUploadHandler]


def are_default_handlers(handlers: list[Any]) -> bool:
    """True for the default pair of handlers, which the streaming parser stands in for (faster)."""
    return [type(handler) for handler in handlers] == _DEFAULT_HANDLER_TYPES


class _ReceivedBody:
    """A file-like view of the body for the worker thread: each read fetches chunks on the loop."""

    def __init__(self, reader: BodyReader) -> None:
        self._reader = reader
        self._buffer = b""
        self._ended = False

    async def _next_chunk(self) -> bytes:
        reader = self._reader
        if reader.done:
            reader.check_complete()
            return b""
        chunk = await reader.chunk()
        if not chunk:
            reader.check_complete()
        return chunk

    def read(self, size: int = -1) -> bytes:
        while not self._ended and (size < 0 or len(self._buffer) < size):
            chunk = run_on_loop(self._next_chunk())
            if not chunk:
                self._ended = True
            self._buffer += chunk
        if size < 0:
            data, self._buffer = self._buffer, b""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data


async def parse_with_handlers(
    meta: dict[str, Any],
    body: bytes | None,
    reader: BodyReader,
    handlers: list[Any],
    encoding: str | None,
) -> tuple[QueryDict, MultiValueDict]:
    """``(POST, FILES)`` of a multipart body, its files made by ``handlers`` (in a worker thread)."""
    stream: Any = BytesIO(body) if body is not None else _ReceivedBody(reader)
    parser = MultiPartParser(meta, stream, handlers, encoding)
    return await run_in_thread(parser.parse)


def close_files(files: MultiValueDict) -> None:
    """Close every uploaded file (a temporary one is deleted)."""
    for _, uploads in files.lists():
        for upload in uploads:
            upload.close()
