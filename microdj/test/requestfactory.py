"""Building test requests: body encoding, the ASGI scope of a request, ``RequestFactory``.

A request is first described as Django's test client describes it, by a WSGI-style dict (``PATH_INFO``,
``REQUEST_METHOD``, ``QUERY_STRING``, ``HTTP_*`` headers, ``wsgi.input`` holding the body bytes…);
``build_scope()`` turns that dict into the ASGI HTTP scope the application sees.
"""

from __future__ import annotations

import io
import json
import mimetypes
import os
import re
from collections.abc import Iterable, Mapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import quote_from_bytes, unquote_to_bytes, urlsplit

from microdj.conf import settings
from microdj.core.serializers.json import DjangoJSONEncoder
from microdj.http.headers import HttpHeaders
from microdj.http.request import HttpRequest
from microdj.test.transport import body_messages
from microdj.utils.encoding import force_bytes
from microdj.utils.http import urlencode

__all__ = [
    "BOUNDARY",
    "MULTIPART_CONTENT",
    "AsyncRequestFactory",
    "FakePayload",
    "RequestFactory",
    "build_scope",
    "encode_file",
    "encode_multipart",
]

BOUNDARY = "BoUnDaRyStRiNg"
MULTIPART_CONTENT = f"multipart/form-data; boundary={BOUNDARY}"
CONTENT_TYPE_RE = re.compile(r".*; charset=([\w-]+);?")
# Structured syntax suffixes count as JSON too (RFC 6838 section 4.2.8): application/vnd.api+json.
JSON_CONTENT_TYPE_RE = re.compile(r"^application\/(.+\+)?json")

# WSGI-style keys build_scope() turns into scope fields rather than headers.
_SCOPE_KEYS = frozenset(
    {
        "REQUEST_METHOD",
        "PATH_INFO",
        "SCRIPT_NAME",
        "QUERY_STRING",
        "SERVER_NAME",
        "SERVER_PORT",
        "SERVER_PROTOCOL",
        "REMOTE_ADDR",
        "REMOTE_PORT",
    }
)
_UNPREFIXED_HEADERS = {"CONTENT_TYPE": b"content-type", "CONTENT_LENGTH": b"content-length"}
_RAW_PATH_SAFE = "/:@!$&'()*+,;=~"
#: The extra WSGI-style keys of a request (``**extra``), read only.
Extra = Mapping[str, Any]


def _to_bytes(value: Any) -> bytes:
    data: bytes = force_bytes(value, settings.DEFAULT_CHARSET)
    return data


def _is_file(thing: Any) -> bool:
    return callable(getattr(thing, "read", None))


def _field(boundary: str, key: str, value: Any) -> list[bytes]:
    return [
        _to_bytes(f"--{boundary}"),
        _to_bytes(f'Content-Disposition: form-data; name="{key}"'),
        b"",
        _to_bytes(value),
    ]


def encode_multipart(boundary: str, data: Mapping[str, Any]) -> bytes:
    """Encode a dict of form values and files as a multipart/form-data body.

    A value may be a file (anything with ``read()``), a list of values and/or files (repeated fields), or
    a scalar sent as ``str(value)``. None is refused: send "" or leave the field out.
    """
    lines: list[bytes] = []
    for key, value in data.items():
        if value is None:
            raise TypeError(
                f"Cannot encode None for key '{key}' as POST data. Did you mean to pass an empty string or "
                "omit the value?"
            )
        if _is_file(value):
            lines.extend(encode_file(boundary, key, value))
        elif not isinstance(value, str) and isinstance(value, Iterable):
            for item in value:
                lines.extend(
                    encode_file(boundary, key, item) if _is_file(item) else _field(boundary, key, item)
                )
        else:
            lines.extend(_field(boundary, key, value))
    lines.extend([_to_bytes(f"--{boundary}--"), b""])
    return b"\r\n".join(lines)


def encode_file(boundary: str, key: str, file: Any) -> list[bytes]:
    """The multipart lines of one file field: its name, filename, content type and content."""
    # file.name is not always a string (an int for tempfile.TemporaryFile()).
    name = getattr(file, "name", None)
    filename = os.path.basename(name) if isinstance(name, str) else ""
    content_type = getattr(file, "content_type", None)
    if content_type is None and filename:
        content_type = mimetypes.guess_type(filename)[0]
    return [
        _to_bytes(f"--{boundary}"),
        _to_bytes(f'Content-Disposition: form-data; name="{key}"; filename="{filename or key}"'),
        _to_bytes(f"Content-Type: {content_type or 'application/octet-stream'}"),
        b"",
        _to_bytes(file.read()),
    ]


class FakePayload(io.RawIOBase):
    """A request body that, like a network stream, cannot be read past its end or written once read.

    Write the body first (``FakePayload(b"...")`` or ``write()``); ``len()`` is what is left to read.
    """

    def __init__(self, initial_bytes: bytes | str | None = None) -> None:
        super().__init__()
        self._buffer = io.BytesIO()
        self._left = 0
        self.read_started = False
        if initial_bytes is not None:
            self.write(initial_bytes)

    def __len__(self) -> int:
        return self._left

    def readable(self) -> bool:
        return True

    def _take(self, size: int | None, read: Any) -> bytes:
        if not self.read_started:
            self._buffer.seek(0)
            self.read_started = True
        if size is None or size < 0:
            size = self._left
        if size > self._left:
            raise AssertionError("Cannot read more than the available bytes from the HTTP incoming data.")
        data: bytes = read(size)
        self._left -= len(data)
        return data

    def read(self, size: int | None = -1) -> bytes:
        """Up to ``size`` bytes (all that is left by default); AssertionError past the end."""
        return self._take(size, self._buffer.read)

    def readline(self, size: int | None = -1) -> bytes:
        """The next line (at most ``size`` bytes)."""
        return self._take(size, self._buffer.readline)

    def write(self, data: Any) -> int:
        """Add ``data`` (str is UTF-8 encoded) to the body; ValueError once reading has started."""
        if self.read_started:
            raise ValueError("Unable to write a payload after it's been read")
        content = force_bytes(data)
        self._buffer.write(content)
        self._left += len(content)
        return len(content)


def _wsgi_bytes(value: str) -> bytes:
    """The bytes behind a WSGI string (latin-1 decoded bytes); other text is UTF-8 encoded."""
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


def _decode_path(raw: bytes) -> str:
    """UTF-8 decode a path; bytes that are not valid UTF-8 stay percent-encoded (as Django does)."""
    parts = []
    while True:
        try:
            parts.append(raw.decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as exc:
            parts.append(raw[: exc.start].decode("utf-8"))
            parts.append("".join(f"%{byte:02X}" for byte in raw[exc.start : exc.end]))
            raw = raw[exc.end :]


def _header_value(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    return str(value).encode("latin-1")


def cookie_header(cookies: SimpleCookie) -> bytes:
    """The ``Cookie`` header value for a cookie jar, as Django's test client sends it (sorted pairs)."""
    return "; ".join(sorted(f"{morsel.key}={morsel.coded_value}" for morsel in cookies.values())).encode(
        "latin-1"
    )


def build_scope(environ: Mapping[str, Any], cookies: SimpleCookie | None = None) -> dict[str, Any]:
    """Turn a WSGI-style request description into an ASGI HTTP scope.

    ``REQUEST_METHOD``, ``PATH_INFO`` (latin-1 decoded bytes, as in WSGI), ``SCRIPT_NAME`` (→ root_path),
    ``QUERY_STRING``, ``SERVER_NAME``/``SERVER_PORT`` (→ server), ``REMOTE_ADDR``/``REMOTE_PORT`` (→ client),
    ``SERVER_PROTOCOL`` and ``wsgi.url_scheme`` fill the scope; ``HTTP_*``, ``CONTENT_TYPE`` and
    ``CONTENT_LENGTH`` become headers (a Host header is always sent, from ``HTTP_HOST`` or the server
    name and port); other ``wsgi.*`` keys are ignored; lower-case keys are copied into the scope as they
    are (``root_path``, ``state``, ``extensions``…). Any other key is a TypeError. ``cookies`` become the
    ``Cookie`` header.
    """
    scheme = environ.get("wsgi.url_scheme", "http")
    default_port = "443" if scheme == "https" else "80"
    server_name = environ.get("SERVER_NAME", "testserver")
    server_port = str(environ.get("SERVER_PORT", default_port))
    host = environ.get("HTTP_HOST")
    if host is None:
        host = server_name if server_port == default_port else f"{server_name}:{server_port}"
    headers: list[tuple[bytes, bytes]] = [(b"host", _header_value(host))]
    extra: dict[str, Any] = {}
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            if key != "HTTP_HOST":
                name = key[5:].lower().replace("_", "-").encode("latin-1")
                headers.append((name, _header_value(value)))
        elif key in _UNPREFIXED_HEADERS:
            if value is not None:
                headers.append((_UNPREFIXED_HEADERS[key], _header_value(value)))
        elif key in _SCOPE_KEYS or key.startswith("wsgi."):
            continue
        elif key.islower():
            extra[key] = value
        else:
            raise TypeError(
                f"The test client cannot put {key!r} into an ASGI request: pass headers as HTTP_* keys or "
                "through headers=, or ASGI scope fields as lower-case keys (e.g. root_path=...)."
            )
    if cookies:
        headers.append((b"cookie", cookie_header(cookies)))
    root_path = _decode_path(_wsgi_bytes(environ.get("SCRIPT_NAME", "")))
    raw_path = _wsgi_bytes(environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "/")) or b"/"
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": environ.get("SERVER_PROTOCOL", "HTTP/1.1").removeprefix("HTTP/"),
        "method": environ.get("REQUEST_METHOD", "GET").upper(),
        "scheme": scheme,
        "path": _decode_path(raw_path),
        "raw_path": quote_from_bytes(raw_path, safe=_RAW_PATH_SAFE).encode("ascii"),
        "query_string": _wsgi_bytes(environ.get("QUERY_STRING", "")),
        "root_path": root_path,
        "headers": headers,
        "client": (environ.get("REMOTE_ADDR", "127.0.0.1"), int(environ.get("REMOTE_PORT", 0))),
        "server": (server_name, int(server_port)),
    }
    scope.update(extra)
    return scope


def body_receiver(body: Any) -> Any:
    """An ASGI ``receive`` giving ``body`` (bytes, or a file-like read in chunks), then a disconnect."""
    messages = body_messages(body)

    async def receive() -> dict[str, Any]:
        return next(messages, None) or {"type": "http.disconnect"}

    return receive


def wsgi_headers(headers: Mapping[str, Any]) -> dict[str, Any]:
    """Header names to their WSGI keys ("Content-Type" → CONTENT_TYPE, "X-Foo" → HTTP_X_FOO)."""
    return {HttpHeaders.to_wsgi_name(name): value for name, value in headers.items()}


class RequestFactory:
    """Build ``HttpRequest`` objects to call views directly: ``RequestFactory().get("/hello/")``.

    Requests are made from an ASGI scope, as the application makes them. A body is read on demand: in
    sync code ``request.body``/``request.POST`` work directly; in async code ``await request.aread()`` or
    ``await request.apost()`` first.
    """

    def __init__(
        self,
        *,
        json_encoder: type[json.JSONEncoder] = DjangoJSONEncoder,
        headers: Mapping[str, Any] | None = None,
        query_params: Any = None,
        **defaults: Any,
    ) -> None:
        self.json_encoder = json_encoder
        self.defaults = defaults
        self.cookies: SimpleCookie = SimpleCookie()
        if headers:
            self.defaults.update(wsgi_headers(headers))
        if query_params:
            self.defaults["QUERY_STRING"] = urlencode(query_params, doseq=True)

    def _base_environ(self, **request: Any) -> dict[str, Any]:
        """The request description: defaults, then the client's defaults, then this request's values."""
        return {
            "PATH_INFO": "/",
            "QUERY_STRING": "",
            "REMOTE_ADDR": "127.0.0.1",
            "REQUEST_METHOD": "GET",
            "SCRIPT_NAME": "",
            "SERVER_NAME": "testserver",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            **self.defaults,
            **request,
        }

    def _scope_and_body(self, request: Mapping[str, Any]) -> tuple[dict[str, Any], Any]:
        """The ASGI scope and body of a request described by WSGI-style keys.

        The body is ``wsgi.input`` (or Django's ASGI spelling ``_body_file``): bytes, or a file-like object
        (``FakePayload``, ``BytesIO``, an open file) read as the application asks for it.
        """
        request = dict(request)
        body_file = request.pop("_body_file", None)
        environ = self._base_environ(**request)
        body = environ.pop("wsgi.input", b"") if body_file is None else body_file
        return build_scope(environ, self.cookies), body

    def _base_scope(self, **request: Any) -> dict[str, Any]:
        """The ASGI scope of a request given as ASGI scope keys (``path="/", http_version="2"``...).

        The keys given replace the defaults'; the client's cookies are added to the headers.
        """
        scope = build_scope(self._base_environ())
        scope.update(request)
        if self.cookies:
            scope["headers"] = [
                *(line for line in scope["headers"] if line[0] != b"cookie"),
                (b"cookie", cookie_header(self.cookies)),
            ]
        return scope

    def request(self, **request: Any) -> Any:
        """Build a request from WSGI-style keys (see ``build_scope``); ``wsgi.input`` is the body."""
        scope, body = self._scope_and_body(request)
        return HttpRequest.from_scope(scope, body_receiver(body))

    def _encode_data(self, data: Any, content_type: str | None) -> bytes:
        if content_type is MULTIPART_CONTENT:
            return encode_multipart(BOUNDARY, data)
        # The bytes must be in the charset the content type names.
        match = CONTENT_TYPE_RE.match(content_type or "")
        encoded: bytes = force_bytes(data, match[1] if match else settings.DEFAULT_CHARSET)
        return encoded

    def _encode_json(self, data: Any, content_type: str | None) -> Any:
        """JSON-encode dicts, lists and tuples sent as application/json (or +json); others are unchanged."""
        if isinstance(data, (dict, list, tuple)) and JSON_CONTENT_TYPE_RE.match(content_type or ""):
            return json.dumps(data, cls=self.json_encoder)
        return data

    def _get_path(self, parsed: Any) -> str:
        # As WSGI does: the percent-decoded bytes of the path, as a latin-1 string.
        return unquote_to_bytes(parsed.path).decode("iso-8859-1")

    # Every method below ends in generic(), the one place a request is described; clients override it.

    def get(
        self,
        path: str,
        data: Any = None,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """A GET request; ``data`` (or ``query_params``) becomes the query string."""
        if query_params and data:
            raise ValueError("query_params and data arguments are mutually exclusive.")
        return self.generic(
            "GET", path, secure=secure, headers=headers, query_params=data or query_params, **extra
        )

    def post(
        self,
        path: str,
        data: Any = None,
        content_type: str = MULTIPART_CONTENT,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """A POST request; ``data`` is encoded as multipart form data unless another content type is given."""
        body = self._encode_data(self._encode_json({} if data is None else data, content_type), content_type)
        return self.generic(
            "POST",
            path,
            body,
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def head(
        self,
        path: str,
        data: Any = None,
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """A HEAD request; ``data`` (or ``query_params``) becomes the query string."""
        if query_params and data:
            raise ValueError("query_params and data arguments are mutually exclusive.")
        return self.generic(
            "HEAD", path, secure=secure, headers=headers, query_params=data or query_params, **extra
        )

    def trace(
        self, path: str, secure: bool = False, *, headers: Any = None, query_params: Any = None, **extra: Any
    ) -> Any:
        """A TRACE request."""
        return self.generic("TRACE", path, secure=secure, headers=headers, query_params=query_params, **extra)

    def options(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """An OPTIONS request; ``data`` is the body."""
        return self.generic(
            "OPTIONS",
            path,
            data,
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def put(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """A PUT request; ``data`` is the body (dicts and lists JSON-encoded for a JSON content type)."""
        return self.generic(
            "PUT",
            path,
            self._encode_json(data, content_type),
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def patch(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """A PATCH request; ``data`` is the body (dicts and lists JSON-encoded for a JSON content type)."""
        return self.generic(
            "PATCH",
            path,
            self._encode_json(data, content_type),
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def delete(
        self,
        path: str,
        data: Any = "",
        content_type: str = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """A DELETE request; ``data`` is the body (dicts and lists JSON-encoded for a JSON content type)."""
        return self.generic(
            "DELETE",
            path,
            self._encode_json(data, content_type),
            content_type,
            secure=secure,
            headers=headers,
            query_params=query_params,
            **extra,
        )

    def generic(
        self,
        method: str,
        path: str,
        data: Any = b"",
        content_type: str | None = "application/octet-stream",
        secure: bool = False,
        *,
        headers: Any = None,
        query_params: Any = None,
        **extra: Any,
    ) -> Any:
        """A request with any method; ``data`` is the body (str is encoded with DEFAULT_CHARSET)."""
        return self.request(
            **self._describe(method, path, data, content_type, secure, headers, query_params, extra)
        )

    def _describe(
        self,
        method: str,
        path: str,
        data: Any,
        content_type: str | None,
        secure: bool,
        headers: Any,
        query_params: Any,
        extra: Extra,
    ) -> dict[str, Any]:
        """The WSGI-style description of a request, as ``request()`` takes it (``extra`` is not changed)."""
        parsed = urlsplit(str(path))
        body = _to_bytes(data)
        request: dict[str, Any] = {
            "PATH_INFO": self._get_path(parsed),
            "REQUEST_METHOD": method,
            "SERVER_PORT": "443" if secure else "80",
            "wsgi.url_scheme": "https" if secure else "http",
        }
        if body:
            request.update(
                {"CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": content_type, "wsgi.input": body}
            )
        request.update(extra)
        if headers:
            request.update(wsgi_headers(headers))
        if query_params:
            request["QUERY_STRING"] = urlencode(query_params, doseq=True)
        # A query string in the URL counts when none was given otherwise (the client's default comes last).
        if not request.get("QUERY_STRING") and parsed.query:
            request["QUERY_STRING"] = parsed.query.encode().decode("iso-8859-1")
        return request


class AsyncRequestFactory(RequestFactory):
    """``RequestFactory`` for async views: read the body with ``await request.aread()``/``apost()``."""
