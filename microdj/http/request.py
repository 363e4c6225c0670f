"""``HttpRequest``: Django's request API, built lazily from an ASGI scope.

Nothing is parsed until asked for: ``META``, ``headers``, ``GET``, ``COOKIES``, ``content_type`` and the
body are computed on first access and cached on the instance.
"""

from __future__ import annotations

import asyncio
import codecs
from collections.abc import AsyncIterator, Iterator
from io import BytesIO
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from microdj.conf import settings
from microdj.core.exceptions import BadRequest, ImproperlyConfigured
from microdj.http.body import DATA_TOO_BIG, BodyReader, EmptyReader, Receive, run_sync
from microdj.http.cookie import parse_cookie
from microdj.http.headers import HttpHeaders
from microdj.http.hosts import check_host
from microdj.http.mediatype import MediaType
from microdj.http.querydict import QueryDict
from microdj.utils.datastructures import MultiValueDict
from microdj.utils.encoding import escape_uri_path, iri_to_uri
from microdj.utils.functional import cached_property
from microdj.utils.http import parse_header_parameters

if TYPE_CHECKING:
    from microdj.http.multipartparser import MultiPartParser
    from microdj.urls.resolvers import ResolverMatch

__all__ = ["HttpHeaders", "HttpRequest", "RawPostDataException", "UnreadablePostError"]

RAISE_ERROR = object()
# The multipart parser class, imported on first use (see HttpRequest._multipart_parser).
_multipart_parser_class: type[MultiPartParser] | None = None


class UnreadablePostError(OSError):
    """The body could not be read."""


class RawPostDataException(Exception):
    """``body`` was asked for after the body stream was read (by ``read()`` or a multipart parse)."""


class HttpRequest:
    """An HTTP request, as Django's: built empty by ``HttpRequest()`` or from ASGI by ``from_scope()``."""

    _encoding: str | None = None
    _read_started = False
    _post_files_cleanup: Any = None
    _loop: asyncio.AbstractEventLoop | None = None
    #: Set by a middleware to resolve this request against another URLconf.
    urlconf: Any = None
    resolver_match: ResolverMatch | None = None
    scope: dict[str, Any]
    _receive: Receive
    # Set by middleware when it is installed (annotations only: absent until set): ``session`` by
    # SessionMiddleware, ``csrf_processing_done`` by CsrfViewMiddleware.
    session: Any
    csrf_processing_done: bool

    def __init__(self) -> None:
        # An empty request, as Django's HttpRequest(): everything is set up front.
        self.scope = {}
        self.GET = QueryDict(mutable=True)
        self._post = QueryDict(mutable=True)
        self._files = MultiValueDict()
        self.COOKIES: dict[str, str] = {}
        self.META: dict[str, Any] = {}
        self.path = ""
        self.path_info = ""
        self.method: str | None = None
        self.content_type: str | None = None
        self.content_params: dict[str, str] | None = None
        self._reader: BodyReader = EmptyReader()

    @classmethod
    def from_scope(
        cls, scope: dict[str, Any], receive: Receive, loop: asyncio.AbstractEventLoop | None = None
    ) -> HttpRequest:
        """Build a lazy request from an ASGI HTTP scope; the body is read from ``receive`` on demand."""
        # PERF: only what every request needs is computed here; the rest waits for first access.
        self = cls.__new__(cls)
        self.scope = scope
        self._receive = receive
        self._loop = loop
        # Upper-cased as Django does (servers send "GET", so this is a no-op copy for them).
        self.method = scope["method"].upper()
        path = scope["path"]
        root = scope.get("root_path")
        if root:
            # The mount point is removed only on a segment boundary ("/app" from "/app/x", not "/apple").
            if path == root or path.startswith(root + "/"):
                self.path = path
                self.path_info = path[len(root) :] or "/"
            else:
                self.path = root + path
                self.path_info = path
        else:
            self.path = self.path_info = path
        return self

    def __repr__(self) -> str:
        if self.method is None or not self.get_full_path():
            return f"<{type(self).__name__}>"
        return f"<{type(self).__name__}: {self.method} {self.get_full_path()!r}>"

    # ----------------------------------------------------------------------------------------- headers
    @cached_property
    def _scope_headers(self) -> dict[bytes, bytes]:
        """The scope's headers by lower-case name; a repeated header's values joined with ","."""
        headers = self.scope.get("headers", ())
        if headers.__class__ is not list:
            headers = list(headers)
        found = dict(headers)
        # PERF: servers send lower-case names and rarely repeat one: then dict() does the whole job in C.
        if len(found) == len(headers) and b"".join(found).islower():
            return found
        merged: dict[bytes, bytes] = {}
        for key, value in headers:
            key = key.lower()
            merged[key] = merged[key] + b"," + value if key in merged else value
        return merged

    def _scope_header(self, name: bytes) -> str | None:
        """One header from the scope (repeated values joined with ","), without building META."""
        value = self._scope_headers.get(name)
        return None if value is None else value.decode("latin-1")

    def _header(self, meta_key: str, name: bytes) -> str | None:
        """One header, from META when it is built, else straight from the scope (as META would have it)."""
        # PERF: body handling needs only Content-Type/Length; building all of META costs far more. The
        # scope's header dict is read here directly (every request with a body comes through twice).
        meta = self.__dict__.get("META")
        if meta is not None or not self.scope:
            return (meta or {}).get(meta_key)
        value = self._scope_headers.get(name)
        return None if value is None else value.decode("latin-1")

    @cached_property
    def META(self) -> dict[str, Any]:  # noqa: N802 - Django's name
        scope = self.scope
        script_name = scope.get("root_path", "")
        query = scope.get("query_string", b"")
        meta: dict[str, Any] = {
            "REQUEST_METHOD": self.method,
            # UTF-8 as Django's ASGI handler (which fails on other bytes; README: replaced here).
            "QUERY_STRING": query.decode("utf-8", "replace") if isinstance(query, bytes) else query,
            "SCRIPT_NAME": script_name,
            "PATH_INFO": self.path_info,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
        }
        client = scope.get("client")
        if client:
            meta["REMOTE_ADDR"] = meta["REMOTE_HOST"] = client[0]
            meta["REMOTE_PORT"] = client[1]
        server = scope.get("server")
        if server:
            meta["SERVER_NAME"] = server[0]
            meta["SERVER_PORT"] = str(server[1]) if server[1] is not None else "0"
        else:
            meta["SERVER_NAME"] = "unknown"
            meta["SERVER_PORT"] = "0"
        collected: dict[str, list[str]] = {}
        for raw_name, raw_value in scope.get("headers", ()):
            name = raw_name.decode("latin-1").lower()
            if "_" in name:
                # Dropped to prevent spoofing through the "_"/"-" ambiguity, as Django does.
                continue
            if name == "content-length":
                key = "CONTENT_LENGTH"
            elif name == "content-type":
                key = "CONTENT_TYPE"
            else:
                key = "HTTP_" + name.upper().replace("-", "_")
            collected.setdefault(key, []).append(raw_value.decode("latin-1"))
        for key, values in collected.items():
            meta[key] = ("; " if key == "HTTP_COOKIE" else ",").join(values)
        return meta

    @cached_property
    def headers(self) -> HttpHeaders:
        return HttpHeaders(self.META)

    @cached_property
    def GET(self) -> QueryDict:  # noqa: N802 - Django's name
        query = self.scope.get("query_string", b"")
        # PERF: most requests have no query string.
        if not query:
            return QueryDict(encoding=self._encoding)
        return QueryDict(query, encoding=self._encoding)

    @cached_property
    def COOKIES(self) -> dict[str, str]:  # noqa: N802 - Django's name
        cookie = self.META.get("HTTP_COOKIE")
        return parse_cookie(cookie) if cookie else {}

    def _content_type_params(self) -> tuple[str, dict[str, str]]:
        content_type, params = parse_header_parameters(self._header("CONTENT_TYPE", b"content-type") or "")
        self.__dict__["content_type"] = content_type
        self.__dict__["content_params"] = params
        charset = params.get("charset")
        if charset and self._encoding is None:
            try:
                codecs.lookup(charset)
            except LookupError:
                pass
            else:
                self._encoding = charset
        return content_type, params

    @cached_property
    def content_type(self) -> str | None:
        return self._content_type_params()[0]

    @cached_property
    def content_params(self) -> dict[str, str] | None:
        return self._content_type_params()[1]

    @property
    def encoding(self) -> str | None:
        """The charset used to decode GET and POST (None: DEFAULT_CHARSET)."""
        if "content_type" not in self.__dict__ and self.scope:
            self._content_type_params()
        return self._encoding

    @encoding.setter
    def encoding(self, value: str | None) -> None:
        # Changing the encoding re-decodes GET and POST on next access, as in Django.
        self._encoding = value
        self.__dict__.pop("GET", None)
        self.__dict__.pop("_post", None)

    # ------------------------------------------------------------------------------ content negotiation
    @cached_property
    def accepted_types(self) -> list[MediaType]:
        """The Accept header's media types, most preferred first (quality 0 left out)."""
        header = self.headers.get("Accept", "*/*")
        types = [MediaType(token) for token in header.split(",") if token.strip()]
        types = [media for media in types if media.quality != 0]
        return sorted(types, key=lambda m: (m.quality, m.specificity), reverse=True)

    @cached_property
    def accepted_types_by_precedence(self) -> list[MediaType]:
        """The accepted types, most specific first."""
        return sorted(self.accepted_types, key=lambda m: (m.specificity, m.quality), reverse=True)

    def accepted_type(self, media_type: str) -> MediaType | None:
        """The accepted type that best matches ``media_type``, or None."""
        wanted = MediaType(media_type)
        return next((a for a in self.accepted_types_by_precedence if wanted.match(a)), None)

    def get_preferred_type(self, media_types: list[str]) -> str | None:
        """Of ``media_types``, the one the client prefers, or None."""
        if not media_types or not self.accepted_types:
            return None
        candidates = [(a, m) for m in media_types if (a := self.accepted_type(m)) is not None]
        if not candidates:
            return None
        return min(candidates, key=lambda pair: self.accepted_types.index(pair[0]))[1]

    def accepts(self, media_type: str) -> bool:
        """Does the client accept ``media_type``?"""
        return self.accepted_type(media_type) is not None

    # ------------------------------------------------------------------------------------- host, scheme, port
    def _get_raw_host(self) -> str:
        meta = self.__dict__.get("META")
        if settings.USE_X_FORWARDED_HOST:
            forwarded = (
                meta.get("HTTP_X_FORWARDED_HOST")
                if meta is not None
                else self._scope_header(b"x-forwarded-host")
            )
            if forwarded is not None:
                return forwarded
        host = meta.get("HTTP_HOST") if meta is not None else self._scope_header(b"host")
        if host is not None:
            return host
        meta = self.META
        host = meta.get("SERVER_NAME", "")
        port = self.get_port()
        if port != ("443" if self.is_secure() else "80"):
            host = f"{host}:{port}"
        return host

    def get_host(self) -> str:
        """The host the client asked for, checked against ALLOWED_HOSTS (DisallowedHost if not allowed)."""
        host = self._get_raw_host()
        check_host(host)
        return host

    def get_port(self) -> str:
        """The server port as a string (X-Forwarded-Port when USE_X_FORWARDED_PORT)."""
        meta = self.META
        if settings.USE_X_FORWARDED_PORT and "HTTP_X_FORWARDED_PORT" in meta:
            return str(meta["HTTP_X_FORWARDED_PORT"])
        return str(meta.get("SERVER_PORT", ""))

    def _get_scheme(self) -> str:
        return self.scope.get("scheme") or "http"

    @property
    def scheme(self) -> str:
        """ "https" or "http", honouring SECURE_PROXY_SSL_HEADER."""
        proxy_header = settings.SECURE_PROXY_SSL_HEADER
        if proxy_header:
            try:
                header, secure_value = proxy_header
            except ValueError:
                raise ImproperlyConfigured(
                    "The SECURE_PROXY_SSL_HEADER setting must be a tuple containing two values."
                )
            value = self.META.get(header)
            if value is not None:
                value = value.split(",", 1)[0]
                return "https" if value.strip() == secure_value else "http"
        return self._get_scheme()

    def is_secure(self) -> bool:
        """True if the request came over HTTPS."""
        return self.scheme == "https"

    # --------------------------------------------------------------------------------------------- paths
    def get_full_path(self, force_append_slash: bool = False) -> str:
        """The path with the query string, URI-escaped."""
        return self._get_full_path(self.path, force_append_slash)

    def get_full_path_info(self, force_append_slash: bool = False) -> str:
        """The path info with the query string, URI-escaped."""
        return self._get_full_path(self.path_info, force_append_slash)

    def _get_full_path(self, path: str, force_append_slash: bool) -> str:
        slash = "/" if force_append_slash and not path.endswith("/") else ""
        query = self.META.get("QUERY_STRING", "")
        return f"{escape_uri_path(path)}{slash}{'?' + iri_to_uri(query) if query else ''}"

    @cached_property
    def _current_scheme_host(self) -> str:
        return f"{self.scheme}://{self.get_host()}"

    def build_absolute_uri(self, location: str | None = None) -> str:
        """An absolute URI for ``location`` (default: this request's full path)."""
        location = f"//{self.get_full_path()}" if location is None else str(location)
        bits = urlsplit(location)
        if not (bits.scheme and bits.netloc):
            if (
                bits.path.startswith("/")
                and not bits.scheme
                and not bits.netloc
                and "/./" not in bits.path
                and "/../" not in bits.path
            ):
                location = self._current_scheme_host + location.removeprefix("//")
            else:
                location = urljoin(self._current_scheme_host + self.path, location)
        result: str = iri_to_uri(location)
        return result

    def get_signed_cookie(
        self, key: str, default: Any = RAISE_ERROR, salt: str = "", max_age: int | None = None
    ) -> Any:
        """The value of a cookie set by ``set_signed_cookie``; ``default`` (or an error) if invalid."""
        from microdj.core import signing

        try:
            value = self.COOKIES[key]
        except KeyError:
            if default is not RAISE_ERROR:
                return default
            raise
        try:
            return signing._unsign_cookie(value, cookie_name=key, salt=salt, max_age=max_age)
        except signing.BadSignature:
            if default is not RAISE_ERROR:
                return default
            raise

    # ----------------------------------------------------------------------------------------------- body
    @cached_property
    def _reader(self) -> BodyReader:
        length = self._header("CONTENT_LENGTH", b"content-length")
        content_length = None
        if length:
            try:
                content_length = int(length)
            except ValueError:
                content_length = -1
            if content_length < 0:
                raise BadRequest(f"Invalid Content-Length header: {length!r}.")
        return BodyReader(self._receive, content_length, settings.REQUEST_BODY_TIMEOUT, self._loop)

    @property
    def content_length(self) -> int | None:
        """The declared body length (None when the client declared none); BadRequest when it is invalid."""
        return self._reader.content_length

    @property
    def body_reader(self) -> BodyReader:
        """What reads the body from ASGI ``receive``; BadRequest when the declared length is invalid."""
        return self._reader

    @property
    def asgi_receive(self) -> Receive:
        """The ASGI ``receive`` callable the request was built with."""
        return self._receive

    def has_body(self) -> bool:
        """True if the client declared a body (a non-zero Content-Length, or chunked transfer)."""
        if "_body" in self.__dict__:
            return bool(self._body)
        reader = self._reader
        if reader.content_length is not None:
            return reader.content_length > 0 and not reader.done
        return not reader.done and self._header("HTTP_TRANSFER_ENCODING", b"transfer-encoding") is not None

    def _check_data_too_big(self, length: int) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if limit is not None and length > limit:
            from microdj.core.exceptions import RequestDataTooBig

            raise RequestDataTooBig(DATA_TOO_BIG)

    async def aread(self) -> bytes:
        """Receive the whole body and return it; afterwards ``request.body`` works anywhere."""
        body = self.__dict__.get("_body")
        if body is not None:
            result: bytes = body
            return result
        if self._read_started:
            raise RawPostDataException("You cannot access body after reading from request's data stream")
        reader = self._reader
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        length = reader.content_length
        if length is not None and limit is not None and length > limit:
            self._check_data_too_big(length)
        self._read_started = True
        body = await reader.read_all(limit)
        self._body = body
        self._read_started = False
        return body

    @property
    def body(self) -> bytes:
        """The raw body (bounded by DATA_UPLOAD_MAX_MEMORY_SIZE)."""
        body = self.__dict__.get("_body")
        if body is None:
            if self._read_started:
                # Said here too: on the event loop, run_sync() would refuse before aread() could say it.
                raise RawPostDataException("You cannot access body after reading from request's data stream")
            length = self._reader.content_length
            if length is not None and not self._read_started:
                if length == 0:
                    # Declared empty: no I/O, so this works on the event loop too (async views).
                    self._body = b""
                    return b""
                # Known without I/O: raised here as in Django, even where the body cannot be received.
                self._check_data_too_big(length)
            body = run_sync(self.aread(), self._loop, "request.body")
        return body

    @cached_property
    def _stream(self) -> BytesIO:
        # PERF: made on first read(); most code reads ``body`` or ``POST`` instead.
        return BytesIO(self._body)

    async def astream(self) -> AsyncIterator[bytes]:
        """Yield the body in chunks as they arrive, without keeping it (``body`` is then unavailable)."""
        if "_body" in self.__dict__:
            if self._body:
                yield self._body
            return
        self._read_started = True
        reader = self._reader
        while chunk := await reader.chunk():
            yield chunk

    def _stream_chunk(self) -> bytes:
        return run_sync(self._reader.chunk(), self._loop, "request.read()")

    def read(self, size: int = -1) -> bytes:
        """Read up to ``size`` bytes of the body (all of it when negative), as a file would."""
        if "_body" in self.__dict__:
            return self._stream.read(size)
        self._read_started = True
        buffer = self.__dict__.setdefault("_pending", bytearray())
        while size < 0 or len(buffer) < size:
            chunk = self._stream_chunk()
            if not chunk:
                break
            buffer += chunk
        if size < 0:
            size = len(buffer)
        data = bytes(buffer[:size])
        del buffer[:size]
        return data

    def readline(self, size: int = -1) -> bytes:
        """Read one line of the body."""
        if "_body" in self.__dict__:
            return self._stream.readline(size)
        self._read_started = True
        buffer = self.__dict__.setdefault("_pending", bytearray())
        while b"\n" not in buffer and (size < 0 or len(buffer) < size):
            chunk = self._stream_chunk()
            if not chunk:
                break
            buffer += chunk
        end = buffer.find(b"\n") + 1 or len(buffer)
        if size >= 0:
            end = min(end, size)
        line = bytes(buffer[:end])
        del buffer[:end]
        return line

    def __iter__(self) -> Iterator[bytes]:
        return iter(self.readline, b"")

    def readlines(self) -> list[bytes]:
        """All remaining lines of the body."""
        return list(self)

    # ------------------------------------------------------------------------------------------ forms
    def _empty_forms(self) -> None:
        self._post = QueryDict(encoding=self._encoding)
        self._files = MultiValueDict()

    async def apost(self) -> QueryDict:
        """Receive and parse the form body; then ``request.POST`` and ``request.FILES`` work anywhere."""
        if "_post" not in self.__dict__:
            await self._aload_post_and_files()
        return self._post

    def _forms_without_io(self) -> bool:
        """Set POST and FILES when that needs no body I/O; False when the body must be received first."""
        if self.method != "POST" or (self._read_started and "_body" not in self.__dict__):
            self._empty_forms()
            return True
        content_type = self.content_type
        if content_type == "multipart/form-data":
            if self._reader.content_length == 0 and not self._read_started:
                # Declared empty: a valid boundary gives empty forms without I/O, as in Django.
                self._multipart_parser(0)
                self._empty_forms()
                return True
            return False
        if content_type != "application/x-www-form-urlencoded":
            self._empty_forms()
            return True
        encoding = self.encoding
        if encoding is not None and encoding.lower() != "utf-8":
            raise BadRequest(
                "HTTP requests with the 'application/x-www-form-urlencoded' content type must be UTF-8 "
                "encoded."
            )
        body = self.__dict__.get("_body")
        if body is None:
            if self._reader.content_length != 0 or self._read_started:
                return False
            body = self.body  # declared empty: no I/O
        self._post = QueryDict(body, encoding="utf-8")
        self._files = MultiValueDict()
        return True

    async def _aload_post_and_files(self) -> None:
        if self._forms_without_io():
            return
        if self.content_type == "multipart/form-data":
            await self._aparse_multipart()
        else:
            await self.aread()
            self._forms_without_io()

    def _multipart_parser(self, content_length: int | None) -> MultiPartParser:
        """A parser for this request's multipart body (MalformedMultipartError for a bad Content-Type)."""
        # PERF: the class is imported on first use (its module and the multipart library take about 20 ms,
        # which an application that never sees an upload need not pay), then kept in a module global: an
        # import statement in the request path costs about 0.7 µs.
        global _multipart_parser_class
        if _multipart_parser_class is None:
            from microdj.http.multipartparser import MultiPartParser

            _multipart_parser_class = MultiPartParser
        content_type = self._header("CONTENT_TYPE", b"content-type") or ""
        return _multipart_parser_class(content_type, content_length, encoding=self.encoding)

    async def _aparse_multipart(self) -> None:
        reader = self._reader
        parser = self._multipart_parser(reader.content_length)
        self._post_files_cleanup = parser.cleanup
        try:
            body = self.__dict__.get("_body")
            if body is not None:
                await parser.feed(body)
            else:
                self._read_started = True
                while chunk := await reader.chunk():
                    await parser.feed(chunk)
                    if reader.done:
                        # PERF: that was the last chunk: no chunk() coroutine just to hear the end.
                        reader.check_complete()
                        break
            self._post, self._files = await parser.close()
        except BaseException:
            parser.cleanup()
            self._empty_forms()
            raise

    def _load_post_and_files(self) -> None:
        if not self._forms_without_io():
            length = self._reader.content_length
            if length is not None and self.content_type != "multipart/form-data":
                # Known without I/O: raised here as in Django, even where the body cannot be received.
                self._check_data_too_big(length)
            run_sync(self._aload_post_and_files(), self._loop, "request.POST")

    @property
    def POST(self) -> QueryDict:  # noqa: N802 - Django's name
        if "_post" not in self.__dict__:
            self._load_post_and_files()
        return self._post

    @POST.setter
    def POST(self, value: QueryDict) -> None:  # noqa: N802 - Django's name
        self._post = value

    @property
    def FILES(self) -> MultiValueDict:  # noqa: N802 - Django's name
        if "_files" not in self.__dict__:
            self._load_post_and_files()
        return self._files

    def close(self) -> None:
        """Release what the request holds: uploaded files on disk are closed and deleted."""
        cleanup = self._post_files_cleanup
        if cleanup is not None:
            self._post_files_cleanup = None
            cleanup()
