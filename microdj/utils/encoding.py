"""Conversions between str, bytes, IRIs and URIs, with the semantics of ``django.utils.encoding``."""

from __future__ import annotations

import codecs
import datetime
import locale
from decimal import Decimal
from types import NoneType
from typing import Any
from urllib.parse import quote

__all__ = [
    "DEFAULT_LOCALE_ENCODING",
    "DjangoUnicodeDecodeError",
    "Promise",
    "escape_uri_path",
    "filepath_to_uri",
    "force_bytes",
    "force_str",
    "get_system_encoding",
    "iri_to_uri",
    "is_protected_type",
    "punycode",
    "repercent_broken_unicode",
    "smart_bytes",
    "smart_str",
    "uri_to_iri",
]


class Promise:
    """Base class of lazily evaluated objects (lazy strings); they are resolved with ``str()``."""


class DjangoUnicodeDecodeError(UnicodeDecodeError):
    """A UnicodeDecodeError whose message also shows the object that failed to decode."""

    def __str__(self) -> str:
        return f"{super().__str__()}. You passed in {self.object!r} ({type(self.object)})"


# Types that force_str()/force_bytes() leave alone when strings_only=True.
_PROTECTED_TYPES = (NoneType, int, float, Decimal, datetime.datetime, datetime.date, datetime.time)


def is_protected_type(obj: Any) -> bool:
    """Return True when ``obj`` is kept as is by ``force_str(obj, strings_only=True)``."""
    return isinstance(obj, _PROTECTED_TYPES)


def smart_str(s: Any, encoding: str = "utf-8", strings_only: bool = False, errors: str = "strict") -> Any:
    """Return ``s`` as a str (bytes decoded with ``encoding``); lazy objects are returned unchanged."""
    if isinstance(s, Promise):
        return s
    return force_str(s, encoding, strings_only, errors)


def force_str(s: Any, encoding: str = "utf-8", strings_only: bool = False, errors: str = "strict") -> Any:
    """Return ``s`` as a str, decoding bytes with ``encoding`` and resolving lazy objects."""
    # PERF: the common case, a str already, returns at once.
    if issubclass(type(s), str):
        return s
    if strings_only and isinstance(s, _PROTECTED_TYPES):
        return s
    try:
        return str(s, encoding, errors) if isinstance(s, bytes) else str(s)
    except UnicodeDecodeError as exc:
        raise DjangoUnicodeDecodeError(*exc.args) from None


def smart_bytes(s: Any, encoding: str = "utf-8", strings_only: bool = False, errors: str = "strict") -> Any:
    """Return ``s`` as bytes encoded with ``encoding``; lazy objects are returned unchanged."""
    if isinstance(s, Promise):
        return s
    return force_bytes(s, encoding, strings_only, errors)


def force_bytes(s: Any, encoding: str = "utf-8", strings_only: bool = False, errors: str = "strict") -> Any:
    """Return ``s`` as bytes encoded with ``encoding``; bytes are taken to be UTF-8 and re-encoded."""
    if isinstance(s, bytes):
        if encoding == "utf-8":
            return s
        return s.decode("utf-8", errors).encode(encoding, errors)
    if strings_only and isinstance(s, _PROTECTED_TYPES):
        return s
    if isinstance(s, memoryview):
        return bytes(s)
    return str(s).encode(encoding, errors)


# RFC 3986 reserved and unreserved characters, plus "%" (RFC 3987 section 3.1: never re-encode it).
_IRI_SAFE = "/#%[]=:;$&()+,!?*@'~"


def iri_to_uri(iri: Any) -> Any:
    """Percent-encode an IRI (str or UTF-8 bytes) into an ASCII URI, as in RFC 3987 section 3.1."""
    if iri is None:
        return iri
    if isinstance(iri, Promise):
        iri = str(iri)
    return quote(iri, safe=_IRI_SAFE)


def _build_hex_table() -> dict[bytes, bytes]:
    """Map two hex digits (either case) to the byte uri_to_iri() may decode: unreserved ASCII or >= 0x80."""
    table: dict[bytes, bytes] = {}
    for byte in (45, 46, 95, 126, *range(65, 91), *range(97, 123)):
        table[b"%02x" % byte] = bytes((byte,))
        table[b"%02X" % byte] = bytes((byte,))
    # Bytes >= 0x80 belong to multi-byte characters; every spelling ("8a", "8A", "aB"...) decodes.
    digits = "0123456789ABCDEFabcdef"
    for high in digits[8:]:
        for low in digits:
            table[(high + low).encode()] = bytes.fromhex(high + low)
    return table


_HEX_TO_BYTE = _build_hex_table()


def uri_to_iri(uri: Any) -> Any:
    """Decode a URI's percent-escapes of unreserved or non-ASCII characters (RFC 3987 section 3.2)."""
    if uri is None:
        return uri
    raw = force_bytes(uri)
    pieces = raw.split(b"%")
    if len(pieces) == 1:
        decoded = raw
    else:
        out = [pieces[0]]
        for piece in pieces[1:]:
            byte = _HEX_TO_BYTE.get(piece[:2])
            if byte is None:
                out.append(b"%" + piece)
            else:
                out.append(byte + piece[2:])
        decoded = b"".join(out)
    return repercent_broken_unicode(decoded).decode()


def escape_uri_path(path: str) -> str:
    """Percent-encode the characters of a URI path that are unsafe in it (RFC 3986 section 3.3)."""
    return quote(path, safe="/:@&+$,-_.!~*'()")


def punycode(domain: str) -> str:
    """Return the IDNA (Punycode) form of ``domain``."""
    return domain.encode("idna").decode("ascii")


def repercent_broken_unicode(path: bytes) -> bytes:
    """Percent-encode every byte of ``path`` that is not part of valid UTF-8 (RFC 3987 3.2, step three)."""
    done: list[bytes] = []
    # A loop, not recursion: deep recursion on hostile input would exhaust memory (CVE-2019-14235).
    while True:
        try:
            path.decode()
        except UnicodeDecodeError as exc:
            bad = quote(path[exc.start : exc.end], safe=b"/#%[]=:;$&()+,!?*@'~")
            done.append(path[: exc.start] + bad.encode())
            path = path[exc.end :]
        else:
            return b"".join(done) + path


def filepath_to_uri(path: Any) -> Any:
    """Turn a file system path into a URI path, percent-encoding what is special in URLs (not ``'``)."""
    if path is None:
        return path
    return quote(str(path).replace("\\", "/"), safe="/~!*()'")


def get_system_encoding() -> str:
    """Return the locale's character encoding, or "ascii" when it is unknown or unsupported."""
    try:
        encoding = locale.getlocale()[1] or "ascii"
        codecs.lookup(encoding)
    except Exception:  # noqa: BLE001 - any failure means the locale's encoding is unusable
        encoding = "ascii"
    return encoding


DEFAULT_LOCALE_ENCODING = get_system_encoding()
