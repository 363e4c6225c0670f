"""The response family (``HttpResponse`` and friends), with the API and semantics of ``django.http.response``.

Status, headers and cookies live in :mod:`microdj.http.response_base`; its names are re-exported here.
"""

from __future__ import annotations

import io
import json
import mimetypes
import os
import secrets
import warnings
from collections.abc import AsyncIterator, Iterable, Iterator
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from microdj.conf import settings
from microdj.core.exceptions import DisallowedRedirect
from microdj.core.serializers.json import DjangoJSONEncoder
from microdj.http import conditional, ranges
from microdj.http.response_base import BadHeaderError, HttpResponseBase, ResponseHeaders
from microdj.utils.concurrency import async_to_sync, sync_to_async
from microdj.utils.encoding import iri_to_uri
from microdj.utils.functional import cached_property
from microdj.utils.http import (
    MAX_URL_REDIRECT_LENGTH,
    content_disposition_header,
    http_date,
    parse_http_date_safe,
)

if TYPE_CHECKING:
    from microdj.http import HttpRequest

__all__ = [
    "BadHeaderError",
    "FileResponse",
    "Http404",
    "HttpResponse",
    "HttpResponseBadRequest",
    "HttpResponseBase",
    "HttpResponseForbidden",
    "HttpResponseGone",
    "HttpResponseNotAllowed",
    "HttpResponseNotFound",
    "HttpResponseNotModified",
    "HttpResponsePermanentRedirect",
    "HttpResponseRedirect",
    "HttpResponseServerError",
    "JsonResponse",
    "ResponseHeaders",
    "StreamingHttpResponse",
]


class Http404(Exception):
    """Raised by a view for 'not found'; answered with 404."""


class HttpResponse(HttpResponseBase):
    """A response whose body is held in memory; it can be read, appended to or replaced."""

    streaming = False

    def __init__(
        self,
        content: Any = b"",
        content_type: str | None = None,
        status: int | None = None,
        reason: str | None = None,
        charset: str | None = None,
        headers: Any = None,
    ) -> None:
        HttpResponseBase.__init__(self, content_type, status, reason, charset, headers)
        # PERF: a bytes or str body goes straight in, unless a subclass changed how content is set.
        if self.__class__.content is _HTTP_RESPONSE_CONTENT:
            if content.__class__ is bytes:
                self._container = [content]
                return
            if content.__class__ is str:
                self._container = [content.encode(self.charset)]
                return
        self.content = content

    def __repr__(self) -> str:
        return f"<{self.__class__.__name__} status_code={self.status_code:d}{self._content_type_for_repr}>"

    def serialize(self) -> bytes:
        """The whole HTTP message (headers, blank line, body) as bytes."""
        return self.serialize_headers() + b"\r\n\r\n" + self.content

    __bytes__ = serialize

    @property
    def content(self) -> bytes:
        """The body, as bytes."""
        return b"".join(self._container)

    @content.setter
    def content(self, value: Any) -> None:
        # Iterables are consumed (and closed) now, so the body can be read many times.
        if hasattr(value, "__iter__") and not isinstance(value, (bytes, memoryview, str)):
            content = b"".join(self.make_bytes(chunk) for chunk in value)
            if hasattr(value, "close"):
                try:
                    value.close()
                except Exception:  # noqa: BLE001, S110 - as Django: the content is read, whatever close() does
                    pass
        else:
            content = self.make_bytes(value)
        self._container = [content]
        self.__dict__.pop("text", None)

    @cached_property
    def text(self) -> str:
        """The body decoded with the response charset."""
        return self.content.decode(self.charset or "utf-8")

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._container)

    def write(self, content: Any) -> None:
        """Append ``content`` to the body."""
        self._container.append(self.make_bytes(content))

    def tell(self) -> int:
        """The body's length so far."""
        return len(self.content)

    def getvalue(self) -> bytes:
        """The body, as bytes."""
        return self.content

    def writable(self) -> bool:
        """True: write() appends to the body."""
        return True

    def writelines(self, lines: Iterable[Any]) -> None:
        """Append each of ``lines`` to the body."""
        for line in lines:
            self.write(line)


_HTTP_RESPONSE_CONTENT = HttpResponse.content


class StreamingHttpResponse(HttpResponseBase):
    """A response whose body is an iterator (sync or async) of chunks, sent as it is produced, once."""

    streaming = True
    is_async = False

    def __init__(self, streaming_content: Any = (), *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.streaming_content = streaming_content

    def __repr__(self) -> str:
        return (
            f"<{self.__class__.__qualname__} status_code={self.status_code:d}{self._content_type_for_repr}>"
        )

    @property
    def content(self) -> bytes:
        """Not available: raise AttributeError (use streaming_content)."""
        raise AttributeError(
            f"This {self.__class__.__name__} instance has no `content` attribute. "
            "Use `streaming_content` instead."
        )

    @property
    def text(self) -> str:
        """Not available: raise AttributeError."""
        raise AttributeError(f"This {self.__class__.__name__} instance has no `text` attribute.")

    @property
    def streaming_content(self) -> Any:
        """The body as an iterator of bytes: an async one when ``is_async``."""
        if self.is_async:
            # Bound now: a later assignment to streaming_content must not change this iterator.
            chunks = self._iterator

            async def encoded() -> AsyncIterator[bytes]:
                async for chunk in chunks:
                    yield self.make_bytes(chunk)

            return encoded()
        return map(self.make_bytes, self._iterator)

    @streaming_content.setter
    def streaming_content(self, value: Any) -> None:
        self._set_streaming_content(value)

    def _set_streaming_content(self, value: Any) -> None:
        # Taking the iterator now ensures the content is iterated over only once.
        try:
            self._iterator = iter(value)
            self.is_async = False
        except TypeError:
            self._iterator = aiter(value)
            self.is_async = True
        if hasattr(value, "close"):
            self._resource_closers.append(value.close)

    def __iter__(self) -> Iterator[bytes]:
        try:
            return iter(self.streaming_content)
        except TypeError:
            warnings.warn(
                "StreamingHttpResponse must consume asynchronous iterators in order to serve them "
                "synchronously. Use a synchronous iterator instead.",
                Warning,
                stacklevel=2,
            )

            async def collect(chunks: Any) -> list[Any]:
                return [chunk async for chunk in chunks]

            return map(self.make_bytes, iter(async_to_sync(collect)(self._iterator)))

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            async for chunk in self.streaming_content:
                yield chunk
        except TypeError:
            warnings.warn(
                "StreamingHttpResponse must consume synchronous iterators in order to serve them "
                "asynchronously. Use an asynchronous iterator instead.",
                Warning,
                stacklevel=2,
            )
            for chunk in await sync_to_async(_to_list)(self.streaming_content):
                yield chunk

    def getvalue(self) -> bytes:
        """Consume the (sync) body and return it."""
        return b"".join(self.streaming_content)


def _to_list(iterable: Iterable[bytes]) -> list[bytes]:
    return list(iterable)


# The headers a 304 keeps from the 200 it replaces.
_NOT_MODIFIED_HEADERS = frozenset(name.lower() for name in conditional.NOT_MODIFIED_HEADERS)

# Content-Type for files whose guessed encoding browsers would otherwise decompress on the fly.
_COMPRESSED_TYPES = {
    "br": "application/x-brotli",
    "bzip2": "application/x-bzip",
    "compress": "application/x-compress",
    "gzip": "application/gzip",
    "xz": "application/x-xz",
}


class FileResponse(StreamingHttpResponse):
    """A streaming response for a file-like object, read ``block_size`` bytes at a time.

    Served by microdj's handler, it also answers conditional and ``Range`` requests (``apply_request``).
    """

    block_size = 4096
    # The handler calls apply_request() for responses that set this.
    _range_capable = True
    # Where the file's content starts and how long it is, when it can be read at any offset.
    _file_base: int | None = None
    _file_size: int | None = None

    def __init__(self, *args: Any, as_attachment: bool = False, filename: str = "", **kwargs: Any) -> None:
        self.as_attachment = as_attachment
        self.filename = filename
        self._no_explicit_content_type = kwargs.get("content_type") is None
        super().__init__(*args, **kwargs)

    def apply_request(self, request: HttpRequest) -> None:
        """Answer ``request``'s conditional and Range headers (a microdj addition; Django's ignores them).

        For a 200 to GET or HEAD: set Last-Modified from the file's mtime (unless set); 412 or 304 when
        the preconditions (:mod:`microdj.http.conditional`) say so against the ETag header and
        Last-Modified. For a GET of a seekable file of known size: 206 for satisfiable ranges
        (multipart/byteranges for more than one), 416 when none is, the whole file when If-Range no longer
        holds or the set is ignored.
        """
        filelike = self.file_to_stream
        if self.status_code != 200 or filelike is None or request.method not in ("GET", "HEAD"):
            return
        last_modified = self._last_modified(filelike)
        etag = self.headers.get("ETag")
        meta = request.META
        status = conditional.precondition_status(meta, request.method, etag, last_modified)
        if status == conditional.NOT_MODIFIED:
            self._not_modified()
            return
        if status == conditional.PRECONDITION_FAILED:
            self._empty(status)
            return
        size = self._file_size
        if size is None:
            return
        self.headers["Accept-Ranges"] = "bytes"
        header = meta.get("HTTP_RANGE")
        if request.method != "GET" or not header:
            return
        if_range = meta.get("HTTP_IF_RANGE")
        if if_range is not None and not conditional.if_range_holds(if_range, etag, last_modified):
            return
        spans = ranges.parse_byte_ranges(header, size)
        if spans is None:
            return
        base = self._file_base
        assert base is not None
        if not spans:
            self._empty(416)
            self.headers["Content-Range"] = f"bytes */{size}"
            return
        self.status_code = 206
        if len(spans) == 1:
            ((start, stop),) = spans
            self.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
            self.headers["Content-Length"] = str(stop - start)
            self._replace_iterator(ranges.read_span(filelike, base + start, stop - start, self.block_size))
            return
        boundary = secrets.token_hex(16)
        content_type = self.headers.get("Content-Type", "application/octet-stream")
        body, length = ranges.byteranges(filelike, base, spans, size, content_type, boundary, self.block_size)
        self.headers["Content-Type"] = f"multipart/byteranges; boundary={boundary}"
        self.headers["Content-Length"] = str(length)
        self._replace_iterator(body)

    def _last_modified(self, filelike: Any) -> int | None:
        """Last-Modified as a timestamp: the header if set, else the file's mtime (then set as the header)."""
        header = self.headers.get("Last-Modified")
        if header is not None:
            return parse_http_date_safe(header)
        try:
            mtime = os.fstat(filelike.fileno()).st_mtime
        except (AttributeError, OSError, ValueError):
            name = getattr(filelike, "name", None)
            if not isinstance(name, str):
                return None
            try:
                mtime = os.stat(name).st_mtime
            except (OSError, ValueError):
                return None
        self.headers["Last-Modified"] = http_date(mtime)
        return int(mtime)

    def _not_modified(self) -> None:
        """Become a 304 keeping only the headers RFC 9110 15.4.5 asks for (and cookies)."""
        self.status_code = 304
        for name in list(self.headers):
            if name.lower() not in _NOT_MODIFIED_HEADERS:
                del self.headers[name]
        self._replace_iterator(iter(()))

    def _empty(self, status: int) -> None:
        """Become a ``status`` response without a body (or the file's Content-Type and disposition)."""
        self.status_code = status
        self.headers["Content-Length"] = "0"
        for name in ("Content-Type", "Content-Disposition"):
            self.headers.pop(name)
        self._replace_iterator(iter(()))

    def _replace_iterator(self, iterator: Iterator[bytes]) -> None:
        StreamingHttpResponse._set_streaming_content(self, iterator)

    def _set_streaming_content(self, value: Any) -> None:
        if not hasattr(value, "read"):
            self.file_to_stream = None
            super()._set_streaming_content(value)
            return
        self.file_to_stream = filelike = value
        if hasattr(filelike, "close"):
            self._resource_closers.append(filelike.close)
        self.set_headers(filelike)
        super()._set_streaming_content(iter(lambda: filelike.read(self.block_size), b""))

    def set_headers(self, filelike: Any) -> None:
        """Set Content-Length, Content-Type and Content-Disposition from the file, where they can be known."""
        filename = getattr(filelike, "name", "")
        filename = filename if isinstance(filename, str) else ""
        seekable = hasattr(filelike, "seek") and (not hasattr(filelike, "seekable") or filelike.seekable())
        if hasattr(filelike, "tell"):
            if seekable:
                start = filelike.tell()
                filelike.seek(0, io.SEEK_END)
                self._file_base, self._file_size = start, filelike.tell() - start
                self.headers["Content-Length"] = self._file_size
                filelike.seek(start)
            elif hasattr(filelike, "getbuffer"):
                self.headers["Content-Length"] = filelike.getbuffer().nbytes - filelike.tell()
            elif os.path.exists(filename):
                self.headers["Content-Length"] = os.path.getsize(filename) - filelike.tell()
        elif seekable:
            # Seekable without tell(): measure by reading, then seek back by that much from the end.
            length = sum(iter(lambda: len(filelike.read(self.block_size)), 0))
            self.headers["Content-Length"] = length
            filelike.seek(-length, io.SEEK_END)

        filename = os.path.basename(self.filename or filename)
        if self._no_explicit_content_type:
            content_type = None
            if filename:
                content_type, encoding = mimetypes.guess_type(filename)
                content_type = _COMPRESSED_TYPES.get(encoding or "", content_type)
            self.headers["Content-Type"] = content_type or "application/octet-stream"
        disposition = content_disposition_header(self.as_attachment, filename)
        if disposition:
            self.headers["Content-Disposition"] = disposition


class HttpResponseRedirectBase(HttpResponse):
    """A redirect to ``redirect_to`` (the Location header); unsafe schemes raise DisallowedRedirect."""

    allowed_schemes = ["http", "https", "ftp"]

    #: The status used instead of ``status_code`` when the redirect must keep the method and body.
    status_code_preserve_request: int

    def __init__(self, redirect_to: Any, preserve_request: bool = False, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self["Location"] = iri_to_uri(redirect_to)
        target = str(redirect_to)
        if len(target) > MAX_URL_REDIRECT_LENGTH:
            raise DisallowedRedirect(f"Unsafe redirect exceeding {MAX_URL_REDIRECT_LENGTH} characters")
        scheme = urlsplit(target).scheme
        if preserve_request:
            self.status_code = self.status_code_preserve_request
        if scheme and scheme not in self.allowed_schemes:
            raise DisallowedRedirect(f"Unsafe redirect to URL with protocol '{scheme}'")

    @property
    def url(self) -> str:
        """The redirect target (the Location header)."""
        return self["Location"]

    def __repr__(self) -> str:
        return (
            f"<{self.__class__.__name__} status_code={self.status_code:d}{self._content_type_for_repr}, "
            f'url="{self.url}">'
        )


class HttpResponseRedirect(HttpResponseRedirectBase):
    """302 Found (307 with preserve_request)."""

    status_code = 302
    status_code_preserve_request = 307


class HttpResponsePermanentRedirect(HttpResponseRedirectBase):
    """301 Moved Permanently (308 with preserve_request)."""

    status_code = 301
    status_code_preserve_request = 308


class HttpResponseNotModified(HttpResponse):
    """304 Not Modified: no body and no Content-Type."""

    status_code = 304

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self["content-type"]

    @property
    def content(self) -> bytes:
        """The body: always empty."""
        return b"".join(self._container)

    @content.setter
    def content(self, value: Any) -> None:
        if value:
            raise AttributeError("You cannot set content to a 304 (Not Modified) response")
        self._container = []


class HttpResponseBadRequest(HttpResponse):
    """400 Bad Request."""

    status_code = 400


class HttpResponseNotFound(HttpResponse):
    """404 Not Found."""

    status_code = 404


class HttpResponseForbidden(HttpResponse):
    """403 Forbidden."""

    status_code = 403


class HttpResponseNotAllowed(HttpResponse):
    """405 Method Not Allowed, with the Allow header listing ``permitted_methods``."""

    status_code = 405

    def __init__(self, permitted_methods: Iterable[str], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self["Allow"] = ", ".join(permitted_methods)

    def __repr__(self) -> str:
        return (
            f"<{self.__class__.__name__} [{self['Allow']}] status_code={self.status_code:d}"
            f"{self._content_type_for_repr}>"
        )


class HttpResponseGone(HttpResponse):
    """410 Gone."""

    status_code = 410


class HttpResponseServerError(HttpResponse):
    """500 Internal Server Error."""

    status_code = 500


_DEFAULT_JSON_ENCODER = DjangoJSONEncoder()
_json_default = _DEFAULT_JSON_ENCODER.default


def _encode_json(data: Any) -> str:
    """``json.dumps(data, cls=DjangoJSONEncoder)``, faster."""
    # PERF: drive the C encoder directly with the default encoder's settings, skipping the per-call
    # JSONEncoder construction and iterencode() overhead of json.dumps(); a fresh markers dict per call
    # keeps circular-reference detection and thread safety.
    if c_make_encoder is None or data.__class__ is str:
        return _DEFAULT_JSON_ENCODER.encode(data)
    encode = c_make_encoder({}, _json_default, encode_basestring_ascii, None, ": ", ", ", False, False, True)
    return "".join(encode(data, 0))


class JsonResponse(HttpResponse):
    """A response with ``data`` serialized to JSON (only dicts unless ``safe=False``)."""

    def __init__(
        self,
        data: Any,
        encoder: type[json.JSONEncoder] = DjangoJSONEncoder,
        safe: bool = True,
        json_dumps_params: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if safe and not isinstance(data, dict):
            raise TypeError(
                "In order to allow non-dict objects to be serialized set the safe parameter to False."
            )
        if encoder is DjangoJSONEncoder and json_dumps_params is None:
            text = _encode_json(data)
        else:
            text = json.dumps(data, cls=encoder, **(json_dumps_params or {}))
        if not kwargs:
            # PERF: the usual call; "application/json" names no charset, so the body is in DEFAULT_CHARSET.
            super().__init__(content=text.encode(settings.DEFAULT_CHARSET), content_type="application/json")
            return
        kwargs.setdefault("content_type", "application/json")
        super().__init__(content=text, **kwargs)
