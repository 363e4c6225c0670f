"""Signed, URL-safe values and objects (Django's ``django.core.signing``).

``Signer`` appends an HMAC of the value; ``TimestampSigner`` also a base62 timestamp that ``max_age`` is
checked against. ``dumps()``/``loads()`` sign a base64 JSON payload (optionally zlib-compressed, marked by a
leading ".").

Difference from Django: default salts start with ``microdj.`` instead of ``django.`` (``dumps()`` uses
"microdj.core.signing", ``Signer`` uses "microdj.core.signing.Signer", cookies use "microdj.http.cookies"),
so signatures made with default salts are not interchangeable with Django's. With explicit, equal salts and
keys the formats and signatures are identical.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import time
import zlib
from collections.abc import Callable, Iterable
from typing import Any

from microdj.conf import settings
from microdj.utils.crypto import constant_time_compare, get_secret_key, salted_hmac
from microdj.utils.encoding import force_bytes
from microdj.utils.module_loading import import_string

DEFAULT_SALT = "microdj.core.signing"
BASE62_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# Django's pattern (note: "A-z" also spans the punctuation between "Z" and "a"); kept for identical answers.
_SEP_UNSAFE = re.compile(r"^[A-z0-9-_=]*$")


class BadSignature(Exception):
    """The signature does not match the value."""


class SignatureExpired(BadSignature):
    """The signature's timestamp is older than the allowed max_age."""


def b62_encode(s: int) -> str:
    """Encode an integer in base 62."""
    if s == 0:
        return "0"
    sign = "-" if s < 0 else ""
    s = abs(s)
    digits = []
    while s:
        s, remainder = divmod(s, 62)
        digits.append(BASE62_ALPHABET[remainder])
    return sign + "".join(reversed(digits))


def b62_decode(s: str) -> int:
    """Decode a base-62 string made by b62_encode() (ValueError for foreign characters)."""
    sign = 1
    if s[:1] == "-":
        s, sign = s[1:], -1
    decoded = 0
    for digit in s:
        decoded = decoded * 62 + BASE62_ALPHABET.index(digit)
    return sign * decoded


def b64_encode(s: bytes) -> bytes:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(s).strip(b"=")


def b64_decode(s: bytes) -> bytes:
    """Inverse of b64_encode(): restore the padding, then decode."""
    return base64.urlsafe_b64decode(s + b"=" * (-len(s) % 4))


def base64_hmac(salt: Any, value: Any, key: Any, algorithm: str = "sha1") -> str:
    """URL-safe base64 of the salted HMAC digest of ``value``."""
    return b64_encode(salted_hmac(salt, value, key, algorithm=algorithm).digest()).decode()


def _cookie_signer_key(key: str | bytes) -> bytes:
    result: bytes = b"microdj.http.cookies" + force_bytes(key)
    return result


def _cookie_signer_salt(cookie_name: str, salt: str = "") -> str:
    """Salt for a signed cookie; the salt's length is included so (name, salt) pairs cannot collide."""
    return f"microdj.http.cookies.v2:{len(salt)}:{salt}{cookie_name}"


def get_cookie_signer(salt: str = "microdj.core.signing.get_cookie_signer") -> Signer:
    """Signer for cookies: settings.SIGNING_BACKEND (default TimestampSigner) under a cookie-specific key."""
    backend = getattr(settings, "SIGNING_BACKEND", None)
    signer_class = import_string(backend) if backend else TimestampSigner
    return signer_class(
        key=_cookie_signer_key(get_secret_key()),
        fallback_keys=[_cookie_signer_key(k) for k in settings.SECRET_KEY_FALLBACKS],
        salt=salt,
    )


def _sign_cookie(value: str, *, cookie_name: str, salt: str = "") -> str:
    """Sign a cookie value as ``response.set_signed_cookie()`` does."""
    return get_cookie_signer(salt=_cookie_signer_salt(cookie_name, salt)).sign(value)


def _unsign_cookie(signed_value: str, *, cookie_name: str, salt: str = "", max_age: Any = None) -> str:
    """Verify a cookie value as ``request.get_signed_cookie()`` does (BadSignature/SignatureExpired)."""
    # SIGNING_BACKEND names a TimestampSigner-like class, whose unsign() takes max_age.
    unsign: Callable[..., str] = get_cookie_signer(salt=_cookie_signer_salt(cookie_name, salt)).unsign
    return unsign(signed_value, max_age=max_age)


class JSONSerializer:
    """Compact JSON to and from latin-1 bytes, for dumps()/loads()."""

    def dumps(self, obj: Any) -> bytes:
        """Serialize ``obj``."""
        return json.dumps(obj, separators=(",", ":")).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        """Deserialize ``data``."""
        return json.loads(data.decode("latin-1"))


def dumps(
    obj: Any,
    key: str | bytes | None = None,
    salt: str = DEFAULT_SALT,
    serializer: type = JSONSerializer,
    compress: bool = False,
) -> str:
    """Return ``obj`` serialized, base64-encoded, timestamped and signed (key defaults to SECRET_KEY)."""
    return TimestampSigner(key=key, salt=salt).sign_object(obj, serializer=serializer, compress=compress)


def loads(
    s: str,
    key: str | bytes | None = None,
    salt: str = DEFAULT_SALT,
    serializer: type = JSONSerializer,
    max_age: int | float | datetime.timedelta | None = None,
    fallback_keys: Iterable[str | bytes] | None = None,
) -> Any:
    """Reverse of dumps(); raise BadSignature (or SignatureExpired) when verification fails."""
    signer = TimestampSigner(key=key, salt=salt, fallback_keys=fallback_keys)
    return signer.unsign_object(s, serializer=serializer, max_age=max_age)


class Signer:
    """Sign strings as ``value<sep>signature`` with HMAC; verify with the key or any fallback key."""

    def __init__(
        self,
        *,
        key: str | bytes | None = None,
        sep: str = ":",
        salt: str | None = None,
        algorithm: str | None = None,
        fallback_keys: Iterable[str | bytes] | None = None,
    ) -> None:
        self.key = key or get_secret_key()
        self.fallback_keys = list(
            fallback_keys if fallback_keys is not None else settings.SECRET_KEY_FALLBACKS
        )
        self.sep = sep
        self.salt = salt or f"{type(self).__module__}.{type(self).__name__}"
        self.algorithm = algorithm or "sha256"
        if _SEP_UNSAFE.match(sep):
            raise ValueError(
                f"Unsafe Signer separator: {sep!r} (cannot be empty or consist of only A-z0-9-_=)"
            )

    def signature(self, value: Any, key: str | bytes | None = None) -> str:
        """The signature of ``value`` under ``key`` (default: the signer's key)."""
        return base64_hmac(self.salt + "signer", value, key or self.key, algorithm=self.algorithm)

    def sign(self, value: Any) -> str:
        """Return ``value`` with its signature appended."""
        return f"{value}{self.sep}{self.signature(value)}"

    def unsign(self, signed_value: str) -> str:
        """Return the value of a signed string, or raise BadSignature."""
        if self.sep not in signed_value:
            raise BadSignature(f'No "{self.sep}" found in value')
        value, sig = signed_value.rsplit(self.sep, 1)
        for key in (self.key, *self.fallback_keys):
            if constant_time_compare(sig, self.signature(value, key)):
                return value
        raise BadSignature(f'Signature "{sig}" does not match')

    def sign_object(self, obj: Any, serializer: type = JSONSerializer, compress: bool = False) -> str:
        """Serialize, optionally compress (prefix "." when it saves space), base64-encode and sign ``obj``."""
        data = serializer().dumps(obj)
        prefix = ""
        if compress:
            compressed = zlib.compress(data)
            if len(compressed) < len(data) - 1:
                data, prefix = compressed, "."
        return self.sign(prefix + b64_encode(data).decode())

    def unsign_object(self, signed_obj: str, serializer: type = JSONSerializer, **kwargs: Any) -> Any:
        """Verify and decode an object made by sign_object(); ``kwargs`` go to unsign() (e.g. max_age)."""
        base64d = self.unsign(signed_obj, **kwargs).encode()
        # The compression flag is part of the signed value, so only signed data is ever decompressed.
        data = zlib.decompress(b64_decode(base64d[1:])) if base64d[:1] == b"." else b64_decode(base64d)
        return serializer().loads(data)


class TimestampSigner(Signer):
    """Signer that also signs the current time, so that unsign() can enforce a max_age."""

    def timestamp(self) -> str:
        """The current time in whole seconds, base 62."""
        return b62_encode(int(time.time()))

    def sign(self, value: Any) -> str:
        """Return ``value<sep>timestamp<sep>signature``."""
        return super().sign(f"{value}{self.sep}{self.timestamp()}")

    def unsign(self, value: str, max_age: int | float | datetime.timedelta | None = None) -> str:
        """Return the value, raising SignatureExpired when it was signed more than ``max_age`` seconds ago."""
        result = super().unsign(value)
        value, timestamp = result.rsplit(self.sep, 1)
        signed_at = b62_decode(timestamp)
        if max_age is not None:
            if isinstance(max_age, datetime.timedelta):
                max_age = max_age.total_seconds()
            age = time.time() - signed_at
            if age > max_age:
                raise SignatureExpired(f"Signature age {age} > {max_age} seconds")
        return value
