"""Status, headers and cookies shared by every response: ``ResponseHeaders`` and ``HttpResponseBase``.

Split from :mod:`microdj.http.response` (which re-exports these names, as Django's module has them).
Besides Django's API a response gives the ASGI handler ``asgi_headers()``: the header lines to send as
``(lower-case name, value)`` bytes pairs, Set-Cookie lines included. Content-Length is there only when set on
the response (by a middleware, or FileResponse); otherwise the handler adds it for non-streaming responses.
"""

from __future__ import annotations

import datetime
import re
import sys
import time
from collections.abc import Callable, Iterable
from email.header import Header
from http.client import responses
from typing import Any

from microdj.conf import settings
from microdj.http.cookie import SimpleCookie
from microdj.utils.datastructures import CaseInsensitiveMapping
from microdj.utils.http import http_date

__all__ = ["BadHeaderError", "HttpResponseBase", "ResponseHeaders"]

_CHARSET_RE = re.compile(r";\s*charset=(?P<charset>[^\s;]+)", re.I)
# Upper bound of the entries of each module-level cache below (they are keyed by header values).
_CACHE_LIMIT = 256
# Content-Type value -> the charset it names (quotes removed), or None.
_CHARSET_OF: dict[str, str | None] = {}
# Content-Type value -> the ASGI header pair sending it.
_CONTENT_TYPE_PAIRS: dict[str, tuple[bytes, bytes]] = {}
# Charset -> the ("Content-Type", "text/html; charset=...") store entry of a response without content_type.
_DEFAULT_CONTENT_TYPES: dict[str, tuple[str, str]] = {}
# content_type argument -> its validated ("Content-Type", value) store entry.
_CONTENT_TYPE_ENTRIES: dict[str, tuple[str, str]] = {}


def _charset_in(content_type: str) -> str | None:
    """Return the charset named by a Content-Type value, or None."""
    # PERF: response.charset is read for every str body; the regex runs once per distinct value.
    try:
        return _CHARSET_OF[content_type]
    except KeyError:
        match = _CHARSET_RE.search(content_type)
        charset = match["charset"].replace('"', "") if match else None
        if len(_CHARSET_OF) < _CACHE_LIMIT:
            _CHARSET_OF[content_type] = charset
        return charset


def _content_type_pair(value: str) -> tuple[bytes, bytes]:
    """Return (and cache) the ASGI header pair of a Content-Type value."""
    pair = (b"content-type", value.encode("latin-1"))
    if len(_CONTENT_TYPE_PAIRS) < _CACHE_LIMIT:
        _CONTENT_TYPE_PAIRS[value] = pair
    return pair


_new = object.__new__


def _content_type_entry(content_type: Any) -> tuple[str, str]:
    """Return (and cache, for str values) the validated header store entry of a content_type argument."""
    headers = _new(ResponseHeaders)
    headers._store = {}
    headers["Content-Type"] = content_type
    entry = headers._store["content-type"]
    if content_type.__class__ is str and len(_CONTENT_TYPE_ENTRIES) < _CACHE_LIMIT:
        _CONTENT_TYPE_ENTRIES[content_type] = entry
    return entry


def _default_content_type(charset: str) -> tuple[str, str]:
    """Return the header store entry of 'text/html; charset=<charset>'."""
    entry = _DEFAULT_CONTENT_TYPES.get(charset)
    if entry is None:
        entry = ("Content-Type", f"text/html; charset={charset}")
        if len(_DEFAULT_CONTENT_TYPES) < _CACHE_LIMIT and _clean(entry[1]):
            _DEFAULT_CONTENT_TYPES[charset] = entry
        else:
            # An odd charset: validate the value like any other header.
            entry = ("Content-Type", ResponseHeaders._convert_to_charset(entry[1], "latin-1", True))
    return entry


def _clean(text: str) -> bool:
    """True when ``text`` is ASCII without CR or LF: a header value that needs no conversion."""
    return text.isascii() and "\n" not in text and "\r" not in text


class BadHeaderError(ValueError):
    """A header name or value contains a newline."""


# PERF: the Content-Length header lines of short bodies, made once.
_LENGTH_LINES = [(b"content-length", str(n).encode()) for n in range(4096)]


class ResponseHeaders(CaseInsensitiveMapping):
    """Case-insensitive response headers; names must be ASCII, values are made latin-1 (else MIME-encoded)."""

    def __init__(self, data: Any = None) -> None:
        self._store = {}
        if data:
            for header, value in self._unpack_items(data):
                self[header] = value

    @staticmethod
    def _convert_to_charset(value: Any, charset: str, mime_encode: bool = False) -> str:
        """Return ``value`` as a str valid in ``charset`` ('ascii' or 'latin-1').

        Bytes are decoded, other objects converted with str(). A value the charset cannot hold is
        MIME-encoded (RFC 2047, UTF-8) when ``mime_encode``, else the UnicodeError is raised. Newlines raise
        BadHeaderError.
        """
        try:
            if isinstance(value, str):
                value.encode(charset)
            elif isinstance(value, bytes):
                value = value.decode(charset)
            else:
                value = str(value)
                value.encode(charset)
            if "\n" in value or "\r" in value:
                raise BadHeaderError(f"Header values can't contain newlines (got {value!r})")
        except UnicodeError as exc:
            newline = (b"\n", b"\r") if isinstance(value, bytes) else ("\n", "\r")
            if newline[0] in value or newline[1] in value:
                raise BadHeaderError(f"Header values can't contain newlines (got {value!r})") from exc
            if not mime_encode:
                exc.reason += f", HTTP response headers must be in {charset} format"  # type: ignore[attr-defined]
                raise
            value = Header(value, "utf-8", maxlinelen=sys.maxsize).encode()
        result: str = value
        return result

    def __setitem__(self, key: Any, value: Any) -> None:
        # PERF: plain ASCII str names and values, nearly all of them, skip the conversions.
        if not (key.__class__ is str and _clean(key)):
            key = self._convert_to_charset(key, "ascii")
        if not (value.__class__ is str and _clean(value)):
            value = self._convert_to_charset(value, "latin-1", mime_encode=True)
        self._store[key.lower()] = (key, value)

    def __contains__(self, key: object) -> bool:
        # PERF: one dict lookup (Mapping's default goes through __getitem__ and a KeyError when missing).
        try:
            return key.lower() in self._store  # type: ignore[attr-defined]
        except AttributeError:
            return False

    def __delitem__(self, key: str) -> None:
        # As in Django, deleting a missing header is not an error.
        self.pop(key)

    def pop(self, key: str, default: Any = None) -> Any:
        """Remove a header; return its (name, value) store entry, or ``default``."""
        return self._store.pop(key.lower(), default)

    def setdefault(self, key: str, value: Any) -> None:
        """Set a header unless it is set already."""
        if key not in self:
            self[key] = value


class HttpResponseBase:
    """Status, headers and cookies of a response; use HttpResponse or StreamingHttpResponse."""

    status_code = 200
    streaming = False
    closed = False
    # Set by a handler that wants to know which handler served the response (as in Django).
    _handler_class: Any = None
    _reason_phrase: str | None = None
    _charset: str | None = None
    # The SimpleCookie behind ``cookies``, made on first use.
    _cookies: SimpleCookie | None = None

    def __init__(
        self,
        content_type: str | None = None,
        status: int | None = None,
        reason: str | None = None,
        charset: str | None = None,
        headers: Any = None,
    ) -> None:
        if headers is None:
            # PERF: the usual case: no headers given, so the store holds just the Content-Type entry, and
            # an entry seen before (the default one, or a content_type already validated) is reused as is.
            entry: tuple[str, str] | None
            if content_type is None:
                entry = _default_content_type(charset if charset is not None else settings.DEFAULT_CHARSET)
            else:
                entry = _CONTENT_TYPE_ENTRIES.get(content_type) if content_type.__class__ is str else None
                if entry is None:
                    entry = _content_type_entry(content_type)
            self.headers = response_headers = _new(ResponseHeaders)
            response_headers._store = {"content-type": entry}
        else:
            self.headers = response_headers = ResponseHeaders(headers)
            store = response_headers._store
            if "content-type" not in store:
                if content_type is None:
                    store["content-type"] = _default_content_type(
                        charset if charset is not None else settings.DEFAULT_CHARSET
                    )
                else:
                    store["content-type"] = _content_type_entry(content_type)
            elif content_type:
                raise ValueError(
                    "'headers' must not contain 'Content-Type' when the 'content_type' parameter is provided."
                )
        if charset is not None:
            self._charset = charset
        # Closers of iterators and files held by the response (a list, as Django code appends to it).
        self._resource_closers: list[Callable[[], Any]] = []
        if status is not None:
            try:
                self.status_code = int(status)
            except (ValueError, TypeError):
                raise TypeError("HTTP status code must be an integer.")
            if not 100 <= self.status_code <= 599:
                raise ValueError("HTTP status code must be an integer from 100 to 599.")
        if reason is not None:
            self._reason_phrase = reason

    @property
    def cookies(self) -> SimpleCookie:
        """The cookies to set, a ``http.cookies.SimpleCookie``."""
        # PERF: most responses set no cookie; the SimpleCookie is only made when asked for.
        cookies = self._cookies
        if cookies is None:
            cookies = self._cookies = SimpleCookie()
        return cookies

    @cookies.setter
    def cookies(self, value: SimpleCookie) -> None:
        self._cookies = value

    @property
    def reason_phrase(self) -> str:
        """The reason phrase: the one given, else the standard one of the status code."""
        if self._reason_phrase is not None:
            return self._reason_phrase
        return responses.get(self.status_code, "Unknown Status Code")

    @reason_phrase.setter
    def reason_phrase(self, value: str | None) -> None:
        self._reason_phrase = value

    @property
    def charset(self) -> str:
        """The body's charset: the one given, else the Content-Type's, else settings.DEFAULT_CHARSET."""
        if self._charset is not None:
            return self._charset
        entry = self.headers._store.get("content-type")
        if entry is not None and entry[1]:
            charset = _charset_in(entry[1])
            if charset is not None:
                # Not stored in _charset: the Content-Type may change later.
                return charset
        result: str = settings.DEFAULT_CHARSET
        return result

    @charset.setter
    def charset(self, value: str | None) -> None:
        self._charset = value

    def asgi_headers(self, content_length: int | None = None) -> list[tuple[bytes, bytes]]:
        """Return the header lines to send: (lower-case name, value) bytes, then one Set-Cookie per cookie.

        With ``content_length``, a Content-Length line of that value is added unless the response has its own.
        """
        # PERF: a plain loop (cheaper than a comprehension's frame for the usual one or two headers); the
        # pairs of the few Content-Type values in use are made once.
        lines = []
        for name, (_, value) in self.headers._store.items():
            if name == "content-type":
                lines.append(_CONTENT_TYPE_PAIRS.get(value) or _content_type_pair(value))
            else:
                if name == "content-length":
                    content_length = None
                lines.append((name.encode("ascii"), value.encode("latin-1")))
        if content_length is not None:
            lines.append(
                _LENGTH_LINES[content_length]
                if content_length < 4096
                else (b"content-length", str(content_length).encode())
            )
        if self._cookies:
            lines.extend(
                (b"set-cookie", morsel.OutputString().encode("latin-1")) for morsel in self._cookies.values()
            )
        return lines

    def serialize_headers(self) -> bytes:
        """The headers as in an HTTP/1.1 message, CRLF-separated."""
        return b"\r\n".join(
            key.encode("ascii") + b": " + value.encode("latin-1") for key, value in self.headers.items()
        )

    __bytes__ = serialize_headers

    @property
    def _content_type_for_repr(self) -> str:
        entry = self.headers._store.get("content-type")
        return f', "{entry[1]}"' if entry is not None else ""

    def __setitem__(self, header: str, value: Any) -> None:
        self.headers[header] = value

    def __delitem__(self, header: str) -> None:
        del self.headers[header]

    def __getitem__(self, header: str) -> str:
        result: str = self.headers[header]
        return result

    def has_header(self, header: str) -> bool:
        """Case-insensitive check for a header."""
        return header in self.headers

    __contains__ = has_header

    def items(self) -> Any:
        """The (name, value) header pairs."""
        return self.headers.items()

    def get(self, header: str, alternate: Any = None) -> Any:
        """The value of a header, or ``alternate``."""
        return self.headers.get(header, alternate)

    def setdefault(self, key: str, value: Any) -> None:
        """Set a header unless it is set already."""
        self.headers.setdefault(key, value)

    def set_cookie(
        self,
        key: str,
        value: str = "",
        max_age: float | datetime.timedelta | None = None,
        expires: str | datetime.datetime | None = None,
        path: str | None = "/",
        domain: str | None = None,
        secure: bool | None = False,
        httponly: bool | None = False,
        samesite: str | None = None,
    ) -> None:
        """Set a cookie.

        ``expires`` is a ready date string, or a datetime (naive means UTC) turned into ``max_age``.
        ``max_age`` is seconds or a timedelta; it also sets ``expires`` when none is given.
        """
        cookies = self.cookies
        cookies[key] = value
        morsel = cookies[key]
        if expires is not None:
            if isinstance(expires, datetime.datetime):
                if expires.utcoffset() is None:
                    expires = expires.replace(tzinfo=datetime.UTC)
                # One second more, so that the Expires date computed from max_age matches exactly.
                delta = expires - datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(seconds=1)
                expires = None
                if max_age is not None:
                    raise ValueError("'expires' and 'max_age' can't be used together.")
                max_age = max(0, delta.days * 86400 + delta.seconds)
            else:
                morsel["expires"] = expires
        else:
            morsel["expires"] = ""
        if max_age is not None:
            if isinstance(max_age, datetime.timedelta):
                max_age = max_age.total_seconds()
            morsel["max-age"] = int(max_age)
            # Old browsers only know Expires: set it too unless given.
            if not expires:
                morsel["expires"] = http_date(time.time() + max_age)
        if path is not None:
            morsel["path"] = path
        if domain is not None:
            morsel["domain"] = domain
        if secure:
            morsel["secure"] = True
        if httponly:
            morsel["httponly"] = True
        if samesite:
            if samesite.lower() not in ("lax", "none", "strict"):
                raise ValueError('samesite must be "lax", "none", or "strict".')
            morsel["samesite"] = samesite

    def set_signed_cookie(self, key: str, value: str, salt: str = "", **kwargs: Any) -> None:
        """Set a cookie whose value is signed with the cookie signer (read back by get_signed_cookie())."""
        from microdj.core import signing

        self.set_cookie(key, signing._sign_cookie(value, cookie_name=key, salt=salt), **kwargs)

    def delete_cookie(
        self, key: str, path: str = "/", domain: str | None = None, samesite: str | None = None
    ) -> None:
        """Expire a cookie in the browser."""
        # Browsers ignore a cookie without the secure flag when its name has a __Secure-/__Host- prefix or
        # its SameSite is None.
        secure = key.startswith(("__Secure-", "__Host-")) or bool(samesite and samesite.lower() == "none")
        self.set_cookie(
            key,
            max_age=0,
            path=path,
            domain=domain,
            secure=secure,
            expires="Thu, 01 Jan 1970 00:00:00 GMT",
            samesite=samesite,
        )

    def make_bytes(self, value: Any) -> bytes:
        """Return ``value`` as bytes; str (and other objects, via str()) encoded in the response charset."""
        if isinstance(value, (bytes, memoryview)):
            return bytes(value)
        if isinstance(value, str):
            return value.encode(self.charset)
        return str(value).encode(self.charset)

    def close(self) -> None:
        """Call the registered closers (iterators, files) once; errors in them are ignored."""
        closers = self._resource_closers
        # PERF: the usual response has nothing to close; the handler calls this once per request.
        if closers:
            for closer in closers:
                try:
                    closer()
                except Exception:  # noqa: BLE001, S110 - one closer failing must not keep the others from running
                    pass
            closers.clear()
        self.closed = True

    def write(self, content: Any) -> None:
        """Not writable: raise OSError."""
        raise OSError(f"This {self.__class__.__name__} instance is not writable")

    def flush(self) -> None:
        """Do nothing (file-like interface)."""

    def tell(self) -> int:
        """Not positionable: raise OSError."""
        raise OSError(f"This {self.__class__.__name__} instance cannot tell its position")

    def readable(self) -> bool:
        """False: responses are not read from."""
        return False

    def seekable(self) -> bool:
        """False."""
        return False

    def writable(self) -> bool:
        """False unless the subclass says otherwise."""
        return False

    def writelines(self, lines: Iterable[Any]) -> None:
        """Not writable: raise OSError."""
        raise OSError(f"This {self.__class__.__name__} instance is not writable")
